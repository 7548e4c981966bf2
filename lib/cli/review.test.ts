/**
 * `meshboard review` as users run it: `node lib/cli/meshboard.mjs review --base DIR --head DIR`
 * on two temporary folders (main's and a PR's), with Markdown and JSON output, the
 * SVG file, and the exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReviewArgs } from './review';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, 'meshboard.mjs');
const s4 = readFileSync(path.join(here, '../../e2e/fixtures/scenarios/s4-user-service-canary.yaml'), 'utf8');
let tmp = '';

function write(rel: string, text: string): void {
  const p = path.join(tmp, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'review', ...args], { cwd: tmp, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** S4 with the VirtualService's single route replaced by two weighted ones. */
function canary(stable: number, canaryWeight: number, subset = 'canary'): string {
  const route = `    - destination:\n        host: user-service\n        subset: stable\n      weight: ${stable}\n    - destination:\n        host: user-service\n        subset: ${subset}\n      weight: ${canaryWeight}\n`;
  const out = s4.replace(/(name: user-service-vs[\s\S]*?route:\n)((?: {4}.*\n)+)/, (_m, head: string) => `${head}${route}`);
  if (out === s4) throw new Error('S4 fixture changed shape: no VirtualService route to replace');
  return out;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'meshboard-review-'));
  write('main/s4.yaml', s4);
  write('pr/s4.yaml', canary(90, 10));
  write('bad/s4.yaml', canary(90, 10, 'v9'));
  write('broken/s4.yaml', 'apiVersion: v1\nkind: [\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('meshboard review (spawned)', { timeout: 120_000 }, () => {
  it('prints the weight change in Markdown, links the SVG and exits 0 for S4 90/10', () => {
    const r = run('--base', 'main', '--head', 'pr', '--svg', 'review.svg', '--version-labels', 'app=version,component=release');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Meshboard review');
    expect(r.stdout).toContain('1 resource (1 changed) in shop; findings: 0 introduced, 0 resolved');
    expect(r.stdout).toContain('- changed: VirtualService shop/user-service-vs');
    expect(r.stdout).toContain('- user-service -> user-service v2: weight 100 -> 90');
    expect(r.stdout).toContain('- user-service -> user-service v3: added (weight 10)');
    expect(r.stdout).toContain('![changed part of the graph](review.svg)');
    const svg = readFileSync(path.join(tmp, 'review.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('weight 100 → 90');
  });

  it('exits 1 and names the Error finding when the head routes to a missing subset', () => {
    const r = run('--base', 'main', '--head', 'bad', '-o', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { introducesError: boolean; findings: { introduced: Array<{ level: string; resource: string }> } };
    expect(j.introducesError).toBe(true);
    expect(j.findings.introduced).toContainEqual(expect.objectContaining({ level: 'Error', resource: 'VirtualService shop/user-service-vs' }));
  });

  it('says nothing changed for two equal folders', () => {
    const r = run('--base', 'main', '--head', 'main');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No resource changes.');
  });

  it('exits 2 with file:line:column for broken YAML and for bad usage', () => {
    const broken = run('--base', 'main', '--head', 'broken');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\/s4\.yaml:\d+:\d+: /);
    const usage = run('--head', 'pr');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--base PATH or --context NAME');
  });
});

describe('parseReviewArgs', () => {
  it('refuses --base with --context and an unknown output', () => {
    expect(() => parseReviewArgs(['--base', 'a', '--context', 'x', '--head', 'b'])).toThrow('exclude each other');
    expect(() => parseReviewArgs(['--base', 'a', '--head', 'b', '-o', 'yaml'])).toThrow('unknown format');
  });
});
