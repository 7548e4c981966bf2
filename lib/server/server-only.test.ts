/**
 * Server code is marked so that a browser import fails the Next.js build ('server-only'
 * throws outside the react-server condition): every module of lib/server and lib/k8s,
 * except the ones the CLI bundles for Node (lib/cli/build.mjs), which are Node-only by
 * their imports and kept out of browser code by ESLint.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
/** Bundled by esbuild into dist/cli (analyze --context, the analysis worker thread, graph's JSON): plain Node. */
const CLI_BUNDLED = new Set([
  'lib/k8s/snapshot.ts',
  'lib/k8s/request.ts',
  'lib/k8s/kubeconfig.ts',
  'lib/k8s/discovery.ts',
  'lib/k8s/errors.ts',
  'lib/server/analysis-worker.ts',
  'lib/server/analysis-core.ts',
  'lib/server/analysis-protocol.ts',
  'lib/server/graph-response.ts',
]);

function modules(dir: string): string[] {
  return readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => `${dir}/${f}`);
}

describe('server-only markers', () => {
  it('every server module a browser must never import is marked', () => {
    const unmarked = [...modules('lib/server'), ...modules('lib/k8s')].filter(
      (f) => !CLI_BUNDLED.has(f) && !/^import 'server-only';$/m.test(readFileSync(path.join(root, f), 'utf8')),
    );
    expect(unmarked).toEqual([]);
  });

  it('what the CLI bundles stays loadable by plain Node (no marker)', () => {
    const marked = [...CLI_BUNDLED].filter((f) => /^import 'server-only';$/m.test(readFileSync(path.join(root, f), 'utf8')));
    expect(marked).toEqual([]);
  });
});
