/**
 * `meshboard analyze` side by side with `istioctl analyze` on the same input: wall time
 * (median of alternating runs), CPU time (user + system, steadier on a busy machine), peak
 * memory (max RSS) and the findings of both.
 *
 *   1. start-up: one small VirtualService file
 *   2. files: generated 10,000- and 30,000-resource meshes (one file per namespace)
 *   3. live: the same meshes (plus the Pods their Deployments would have) in the local
 *      control plane, `-A`
 *
 * istioctl is built from the istio.io/istio Go module (e2e/bench/istioctl: a scratch
 * module, pinned in its go.mod) and cached in ~/.cache/meshboard/istioctl-<version>-<key>,
 * like the local control plane. A bench dependency only: `npm test` never builds it.
 *
 *   npx tsx e2e/bench/istioctl.ts [--sizes 10000,30000] [--runs 3] [--no-live]
 *   npx tsx e2e/bench/istioctl.ts --build-only   (only build/cache istioctl, print its path)
 *
 * Findings: istioctl in files mode (--use-kube=false) skips its analyzers that need
 * Kubernetes resources, so Meshboard is compared there with the analyzers istioctl ran
 * (timed with all of them); live, both run everything. MB codes are Meshboard's own and
 * are left out of the comparison.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { goBuild, cacheDir } from '../cluster/build';
import type { LocalCluster } from '../cluster/cluster';
import { clusterWithMesh } from './mesh-cluster';
import { generateMesh } from '../../lib/istio/generate';
import { findAnalyzer } from '../../lib/istio/analysis';
import { toYamlStream } from '../../lib/istio/yaml';
import type { K8sObject } from '../../lib/istio/types';

const repo = path.resolve(__dirname, '..', '..');
const moduleDir = path.join(__dirname, 'istioctl');
const meshboard = path.join(repo, 'lib', 'cli', 'meshboard.mjs');

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const sizes = opt('--sizes', '10000,30000').split(',').map(Number);
const runs = Number(opt('--runs', '3'));
const live = !args.includes('--no-live');
const buildOnly = args.includes('--build-only');

/* ---- istioctl, built once and cached ---- */

function istioVersion(): string {
  const m = /istio\.io\/istio (\S+)/.exec(readFileSync(path.join(moduleDir, 'go.mod'), 'utf8'));
  if (!m) throw new Error('e2e/bench/istioctl/go.mod does not require istio.io/istio');
  return m[1] as string;
}

export async function ensureIstioctl(log: (l: string) => void = (l) => console.error(l)): Promise<string> {
  const h = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'tools.go']) h.update(f).update(readFileSync(path.join(moduleDir, f)));
  const dir = path.join(cacheDir(), `istioctl-${istioVersion()}-${h.digest('hex').slice(0, 12)}`);
  const bin = path.join(dir, 'istioctl');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`Building istioctl ${istioVersion()} from the istio.io/istio Go module (minutes on a cold Go cache; cached afterwards in ${dir}).`);
  await goBuild(moduleDir, ['-o', `${bin}.tmp`, 'istio.io/istio/istioctl/cmd/istioctl'], log);
  renameSync(`${bin}.tmp`, bin);
  return bin;
}

/* ---- measuring one run ---- */

interface Run {
  ms: number;
  /** Peak resident memory, MB (GNU time's %M; NaN without /usr/bin/time). */
  peakMB: number;
  /** CPU time, user + system, ms (GNU time's %U + %S; NaN without it): steadier than wall time on a busy machine. */
  cpuMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

function measure(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const withTime = existsSync(GNU_TIME);
  const tfile = path.join(tmpdir(), `meshboard-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [c, a] = withTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', tfile, cmd, ...argv]] : [cmd, argv];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(c, a, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      let peakMB = NaN;
      let cpuMs = NaN;
      if (withTime) {
        try {
          const [m, u, sy] = (readFileSync(tfile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
          peakMB = (m ?? NaN) / 1024;
          cpuMs = ((u ?? NaN) + (sy ?? NaN)) * 1000;
          rmSync(tfile, { force: true });
        } catch {
          /* keep NaN */
        }
      }
      resolve({ ms, peakMB, cpuMs, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

interface Side {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Alternating runs (meshboard, istioctl, meshboard, ...) after one warm-up each (file cache, not JIT: each run is a new process). */
async function sideBySide(a: Side, b: Side, n: number): Promise<{ a: Run[]; b: Run[] }> {
  await measure(a.cmd, a.args, a.env);
  await measure(b.cmd, b.args, b.env);
  const ra: Run[] = [];
  const rb: Run[] = [];
  for (let i = 0; i < n; i++) {
    ra.push(await measure(a.cmd, a.args, a.env));
    rb.push(await measure(b.cmd, b.args, b.env));
  }
  return { a: ra, b: rb };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function report(title: string, r: { a: Run[]; b: Run[] }, goal: number): void {
  const ma = median(r.a.map((x) => x.ms));
  const mb = median(r.b.map((x) => x.ms));
  const pa = Math.max(...r.a.map((x) => x.peakMB));
  const pb = Math.max(...r.b.map((x) => x.peakMB));
  const ratio = ma / mb;
  console.log(`${title}`);
  const ca = median(r.a.map((x) => x.cpuMs));
  const cb = median(r.b.map((x) => x.cpuMs));
  console.log(`  meshboard: ${s(ma)} (runs ${r.a.map((x) => s(x.ms)).join(', ')}), peak ${pa.toFixed(0)} MB, CPU ${s(ca)}`);
  console.log(`  istioctl:  ${s(mb)} (runs ${r.b.map((x) => s(x.ms)).join(', ')}), peak ${pb.toFixed(0)} MB, CPU ${s(cb)}`);
  const goalText = goal >= 1 ? `within ${goal}x of istioctl` : `at most 1/${Math.round(1 / goal)} of istioctl's time`;
  console.log(`  meshboard / istioctl = ${ratio.toFixed(2)} (goal: ${goalText}: ${ratio <= goal ? 'met' : 'NOT met'}); CPU time ratio ${(ca / cb).toFixed(2)}`);
}

/* ---- comparing findings ---- */

interface Message {
  code: string;
  origin: string;
  message: string;
}

function istioctlMessages(stdout: string): Message[] {
  const list = JSON.parse(stdout || '[]') as Array<{ code: string; origin?: string; message: string }>;
  return list.map((m) => ({ code: m.code, origin: m.origin ?? '', message: m.message }));
}

function meshboardMessages(stdout: string): Message[] {
  const list = JSON.parse(stdout || '[]') as Array<{ code: string; resource: string; message: string }>;
  return list.filter((m) => m.code.startsWith('IST')).map((m) => ({ code: m.code, origin: m.resource, message: m.message }));
}

function compareFindings(title: string, mb: Message[], ic: Message[]): void {
  const key = (m: Message) => `${m.code} (${m.origin}) ${m.message}`;
  const count = (ms: Message[]) => {
    const c = new Map<string, number>();
    for (const m of ms) c.set(key(m), (c.get(key(m)) ?? 0) + 1);
    return c;
  };
  const a = count(mb);
  const b = count(ic);
  let both = 0;
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  for (const [k, n] of a) {
    const m = b.get(k) ?? 0;
    both += Math.min(n, m);
    for (let i = m; i < n; i++) onlyA.push(k);
  }
  for (const [k, n] of b) for (let i = a.get(k) ?? 0; i < n; i++) onlyB.push(k);
  const byCode = (ms: Message[]) => {
    const c: Record<string, number> = {};
    for (const m of ms) c[m.code] = (c[m.code] ?? 0) + 1;
    return (
      Object.entries(c)
        .sort()
        .map(([k, n]) => `${k}:${n}`)
        .join(' ') || '-'
    );
  };
  console.log(`  findings (${title}): meshboard ${mb.length} [${byCode(mb)}], istioctl ${ic.length} [${byCode(ic)}]`);
  console.log(
    `    the same: ${both}; only meshboard: ${onlyA.length}; only istioctl: ${onlyB.length}${onlyA.length + onlyB.length === 0 ? '  (identical)' : ''}`,
  );
  for (const k of onlyA.slice(0, 5)) console.log(`    only meshboard: ${k}`);
  for (const k of onlyB.slice(0, 5)) console.log(`    only istioctl:  ${k}`);
}

/** istioctl's analyzers that ran (executed minus skipped), from its -v output. */
function ranAnalyzers(stderr: string): string[] {
  const section = (title: string) => {
    const i = stderr.indexOf(`${title}:`);
    if (i < 0) return [];
    const out: string[] = [];
    for (const line of stderr.slice(i).split('\n').slice(1)) {
      if (!/^\s/.test(line) || !line.trim()) break;
      out.push(line.trim());
    }
    return out;
  };
  const skipped = new Set(section('Skipped analyzers'));
  return section('Executed analyzers').filter((a) => !skipped.has(a));
}

/* ---- inputs ---- */

function writeMesh(objects: K8sObject[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const byNs = new Map<string, K8sObject[]>();
  for (const o of objects) {
    const ns = o.metadata.namespace ?? o.metadata.name;
    let l = byNs.get(ns);
    if (!l) byNs.set(ns, (l = []));
    l.push(o);
  }
  for (const [ns, list] of byNs) writeFileSync(path.join(dir, `${ns}.yaml`), toYamlStream(list));
}

const SMALL_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;

async function main(): Promise<void> {
  const istioctl = await ensureIstioctl();
  const work = mkdtempSync(path.join(tmpdir(), 'meshboard-vs-istioctl-'));
  const node = process.execPath;
  try {
    // Build the CLI once up front, so no run pays for it.
    await measure(node, [meshboard, '--help']);

    console.log(`istioctl: ${istioctl} (istio.io/istio ${istioVersion()})`);
    console.log(`runs: ${runs} alternating, after one warm-up each; wall time median; peak = max RSS of the process\n`);

    const small = path.join(work, 'vs.yaml');
    writeFileSync(small, SMALL_VS);
    const start = await sideBySide(
      { name: 'meshboard', cmd: node, args: [meshboard, 'analyze', '-f', small] },
      { name: 'istioctl', cmd: istioctl, args: ['analyze', '--use-kube=false', small] },
      Math.max(runs, 5),
    );
    report('start-up: one small VirtualService file', start, 3);

    const meshes = sizes.map((n) => ({ n, objects: generateMesh(n).objects }));
    for (const { n, objects } of meshes) {
      const dir = path.join(work, `mesh-${n}`);
      writeMesh(objects, dir);
      const r = await sideBySide(
        { name: 'meshboard', cmd: node, args: [meshboard, 'analyze', '-o', 'json', '-f', dir] },
        { name: 'istioctl', cmd: istioctl, args: ['analyze', '--use-kube=false', '-A', '-o', 'json', dir] },
        runs,
      );
      console.log('');
      report(`files: ${n.toLocaleString('en-US')} resources`, r, 1 / 3);
      const verbose = await measure(istioctl, ['analyze', '--use-kube=false', '-A', '-v', '-o', 'json', dir]);
      const ran = ranAnalyzers(verbose.stderr).filter((a) => findAnalyzer(a));
      const same = await measure(node, [meshboard, 'analyze', '-o', 'json', '-f', dir, '--analyzer', ran.join(',')]);
      compareFindings(`the ${ran.length} analyzers istioctl ran without a cluster`, meshboardMessages(same.stdout), istioctlMessages(verbose.stdout));
    }

    if (live) {
      for (const { n, objects } of meshes) {
        let cluster: LocalCluster | undefined;
        try {
          console.log('');
          const made = await clusterWithMesh(objects);
          cluster = made.cluster;
          const seeded = { length: made.count };
          const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
          const r = await sideBySide(
            { name: 'meshboard', cmd: node, args: [meshboard, 'analyze', '--context', 'admin', '-A', '-o', 'json'], env },
            { name: 'istioctl', cmd: istioctl, args: ['analyze', '--context', 'admin', '-A', '-o', 'json'], env },
            runs,
          );
          report(
            `live cluster: ${seeded.length.toLocaleString('en-US')} resources (the ${n.toLocaleString('en-US')}-resource mesh and its Pods), -A`,
            r,
            1 / 3,
          );
          compareFindings('every analyzer, live', meshboardMessages(r.a.at(-1)?.stdout ?? ''), istioctlMessages(r.b.at(-1)?.stdout ?? ''));
        } finally {
          await cluster?.destroy();
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

(buildOnly ? ensureIstioctl().then((bin) => console.log(bin)) : main()).catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
