/**
 * Istio's analyzer test cases (lib/istio/analysis/conformance) through the command, in
 * the exact mode upstream runs them: `meshboard analyze -f <the case's files>
 * --analyzer <only the case's analyzer> [--mesh-config] [--mesh-networks] -o json`,
 * compared with the expected (code, resource) pairs as a multiset. Every case must match.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './analyze';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'istio', 'analysis', 'conformance');

interface Case {
  name: string;
  analyzers: string[];
  analyzerMetadataNames?: string[];
  inputFiles: string[];
  meshConfigFile: string | null;
  meshNetworksFile: string | null;
  expected: Array<{ code: string; resource: string }>;
}

const cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Case[];

async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('conformance through meshboard analyze --analyzer', () => {
  it('finds exactly what Istio expects in every case', async () => {
    const mismatches: string[] = [];
    for (const c of cases) {
      const analyzers = c.analyzerMetadataNames?.length ? c.analyzerMetadataNames : c.analyzers;
      const argv = ['analyze', '-o', 'json', '--analyzer', analyzers.join(',')];
      for (const f of c.inputFiles) argv.push('-f', path.join(dir, f));
      if (c.meshConfigFile) argv.push('--mesh-config', path.join(dir, c.meshConfigFile));
      if (c.meshNetworksFile) argv.push('--mesh-networks', path.join(dir, c.meshNetworksFile));
      const r = await runCli(argv);
      if (r.code === 2) {
        mismatches.push(`${c.name}: exit 2: ${r.stderr.trim()}`);
        continue;
      }
      const got = (JSON.parse(r.stdout) as Array<{ code: string; resource: string }>).map((f) => `${f.code} ${f.resource}`).sort();
      const want = c.expected.map((e) => `${e.code} ${e.resource}`).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${c.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    console.log(`conformance via the CLI: ${cases.length - mismatches.length}/${cases.length} cases exact`);
    expect(mismatches).toEqual([]);
  }, 120_000);
});
