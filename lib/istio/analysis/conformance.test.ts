/**
 * Conformance with istioctl analyze: every case of Istio's own analyzer test table that
 * was copied to conformance/ (see conformance/SOURCE.md) runs here the way Istio's test
 * runs it: only the analyzer(s) the case names, the case's files plus the default
 * resources, the case's mesh config; compared as multisets of (code, resource).
 *
 * Prints a per-case table and the overall recall and precision, then asserts that every
 * expected finding is found and nothing else (except the deviations documented in
 * KNOWN_DEVIATIONS): 100% on the cases here. lib/cli/conformance.test.ts runs the same
 * cases through `meshboard analyze --analyzer`.
 * A second pass runs every default analyzer on each case and prints how many findings
 * appear beyond the expected ones (informational: istioctl also reports more there).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { nonEmptyDocuments, parseYamlDocuments } from '../yaml';
import type { MeshConfig } from '../types';
import { analyze, findAnalyzer, type MeshNetworks } from './index';
import { IST_MESSAGES } from './istio-messages.gen';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'conformance');

interface Case {
  name: string;
  analyzers: string[];
  /** istioctl metadata names, when the extraction recorded them (preferred over the Go type names). */
  analyzerMetadataNames?: string[];
  inputFiles: string[];
  meshConfigFile: string | null;
  meshNetworksFile: string | null;
  expected: Array<{ code: string; name: string; resource: string }>;
  skipAll?: boolean;
}

/**
 * Findings that differ from Istio's expectation for a principled reason. Each is still
 * counted in the printed precision/recall; it is only exempt from the assertion.
 */
const KNOWN_DEVIATIONS: Array<{ case: string; code: string; resource: string; kind: 'unexpected' | 'missing'; reason: string }> = [];

const cases = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as Case[];

function loadObjects(files: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const f of files) {
    const parsed = parseYamlDocuments(readFileSync(path.join(dir, f), 'utf8'));
    if (parsed.errors.length) throw new Error(`${f}: ${parsed.errors[0]?.message}`);
    for (const d of nonEmptyDocuments(parsed)) out.push(d.value);
  }
  return out;
}

function loadYaml<T>(file: string | null): T | undefined {
  if (!file) return undefined;
  return (parseYaml(readFileSync(path.join(dir, file), 'utf8')) ?? {}) as T;
}

const key = (code: string, resource: string) => `${code} ${resource}`;

function multiset(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

interface CaseResult {
  name: string;
  expected: number;
  matched: number;
  actual: number;
  missing: string[];
  unexpected: string[];
}

function runCase(c: Case, analyzers?: string[]): { actual: string[]; expected: string[] } {
  const objects = loadObjects(c.inputFiles);
  const findings = analyze(objects, {
    analyzers,
    meshConfig: loadYaml<MeshConfig>(c.meshConfigFile),
    meshNetworks: loadYaml<MeshNetworks>(c.meshNetworksFile),
  });
  return { actual: findings.map((f) => key(f.code, f.resource)), expected: c.expected.map((e) => key(e.code, e.resource)) };
}

function compare(name: string, actual: string[], expected: string[]): CaseResult {
  const a = multiset(actual);
  const e = multiset(expected);
  let matched = 0;
  const missing: string[] = [];
  const unexpected: string[] = [];
  for (const [k, n] of e) {
    const got = a.get(k) ?? 0;
    matched += Math.min(n, got);
    for (let i = got; i < n; i++) missing.push(k);
  }
  for (const [k, n] of a) for (let i = e.get(k) ?? 0; i < n; i++) unexpected.push(k);
  return { name, expected: expected.length, matched, actual: actual.length, missing, unexpected };
}

describe('conformance with istioctl analyze', () => {
  it('has a message catalogue that matches messages.json', () => {
    const messages = JSON.parse(readFileSync(path.join(dir, 'messages.json'), 'utf8')) as Array<{
      code: string;
      name: string;
      level: string;
      template: string;
    }>;
    expect(Object.keys(IST_MESSAGES).length).toBe(messages.length);
    for (const m of messages) expect(IST_MESSAGES[m.code]).toEqual({ code: m.code, name: m.name, level: m.level, template: m.template });
  });

  it('maps every analyzer the cases name', () => {
    const unknown = [...new Set(cases.flatMap((c) => [...c.analyzers, ...(c.analyzerMetadataNames ?? [])]))].filter((n) => !findAnalyzer(n));
    expect(unknown).toEqual([]);
  });

  it('finds what Istio expects, case by case (only the named analyzers)', () => {
    const results = cases.map((c) => {
      const { actual, expected } = runCase(c, c.analyzerMetadataNames?.length ? c.analyzerMetadataNames : c.analyzers);
      return compare(c.name, actual, expected);
    });
    const totalExpected = results.reduce((s, r) => s + r.expected, 0);
    const totalMatched = results.reduce((s, r) => s + r.matched, 0);
    const totalActual = results.reduce((s, r) => s + r.actual, 0);
    const recall = totalExpected ? totalMatched / totalExpected : 1;
    const precision = totalActual ? totalMatched / totalActual : 1;
    const lines = ['', 'case                                                          exp  got  ok  missing  unexpected'];
    for (const r of results) {
      lines.push(
        `${r.name.slice(0, 60).padEnd(60)} ${String(r.expected).padStart(4)} ${String(r.actual).padStart(4)} ${String(r.matched).padStart(3)} ${String(r.missing.length).padStart(8)} ${String(r.unexpected.length).padStart(11)}`,
      );
      for (const m of r.missing) lines.push(`    missing:    ${m}`);
      for (const u of r.unexpected) lines.push(`    unexpected: ${u}`);
    }
    lines.push(`cases: ${results.length}  expected (code, resource) pairs: ${totalExpected}  found: ${totalActual}  matched: ${totalMatched}`);
    lines.push(`recall: ${(recall * 100).toFixed(1)}%  precision: ${(precision * 100).toFixed(1)}%`);
    console.log(lines.join('\n'));

    const exempt = (caseName: string, k: string, kind: 'unexpected' | 'missing') =>
      KNOWN_DEVIATIONS.some((d) => d.case === caseName && d.kind === kind && key(d.code, d.resource) === k);
    const unexplained = results.flatMap((r) => r.unexpected.filter((u) => !exempt(r.name, u, 'unexpected')).map((u) => `${r.name}: ${u}`));
    const unexplainedMissing = results.flatMap((r) => r.missing.filter((m) => !exempt(r.name, m, 'missing')).map((m) => `${r.name}: ${m}`));
    expect(unexplainedMissing).toEqual([]);
    expect(unexplained).toEqual([]);
  });

  it('with every default analyzer on at once, each case still gets all of its expected findings (and the extra ones are reported)', () => {
    const lines = ['', 'all default analyzers on each case: findings beyond the expected ones'];
    let extra = 0;
    let missed = 0;
    for (const c of cases) {
      const { actual, expected } = runCase(c);
      const r = compare(c.name, actual, c.skipAll ? [] : expected);
      extra += r.unexpected.length;
      missed += c.skipAll ? 0 : r.missing.length;
      if (r.unexpected.length)
        lines.push(`${c.name.slice(0, 60).padEnd(60)} +${r.unexpected.length}  (${[...new Set(r.unexpected.map((u) => u.split(' ')[0]))].join(', ')})`);
    }
    lines.push(`total extra findings: ${extra}; expected findings not reproduced in the combined run: ${missed}`);
    console.log(lines.join('\n'));
    // Analyzers must not mask each other: what istioctl expects per analyzer is still
    // there in the combined run. The extra findings are other analyzers' (a report).
    expect(missed).toBe(0);
  });
});
