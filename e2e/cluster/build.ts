/**
 * Builds the local control plane binary (kube-apiserver + embedded etcd + kubectl,
 * see main.go) once and caches it outside the repository, keyed by the Go sources,
 * so later runs start in seconds. Node-only; used by the demo and the e2e harness.
 */
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const CLUSTER_SRC = path.resolve(__dirname);

export class GoMissingError extends Error {
  constructor() {
    super(
      'Go is not installed, and the local control plane is built from Go modules.\n' +
        'Install Go 1.26 or later (https://go.dev/dl/, or your package manager), then run this again.\n' +
        'To use Meshboard with a cluster you already have instead: `npm start` (uses your current kubeconfig context).',
    );
    this.name = 'GoMissingError';
  }
}

function sourceKey(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(CLUSTER_SRC)
    .filter((f) => /\.(go|mod|sum)$/.test(f))
    .sort()) {
    h.update(f).update(readFileSync(path.join(CLUSTER_SRC, f)));
  }
  return h.digest('hex').slice(0, 16);
}

export function cacheDir(): string {
  const base = process.env.MESHBOARD_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'meshboard');
  return base;
}

export interface Binaries {
  localcluster: string;
  kubectl: string;
}

function binariesIn(dir: string): Binaries {
  return { localcluster: path.join(dir, 'localcluster'), kubectl: path.join(dir, 'kubectl') };
}

/** The cached binaries, building them first if needed. Prints progress while building. */
export async function ensureBinaries(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<Binaries> {
  const dir = path.join(cacheDir(), `localcluster-${sourceKey()}`);
  const bins = binariesIn(dir);
  if (existsSync(bins.localcluster) && existsSync(bins.kubectl)) return bins;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) throw new GoMissingError();
  mkdirSync(dir, { recursive: true });
  log(`Building the local control plane (kube-apiserver, etcd, kubectl) with ${go.stdout.trim()}.`);
  log('The first build downloads modules and compiles for several minutes on a small machine; later runs reuse it.');
  // Per process: two runs building at once (two checkouts, a demo and a test) must not
  // rename each other's output away; the last rename wins with an identical binary.
  const tmp = `${bins.localcluster}.tmp-${process.pid}`;
  await goBuild(CLUSTER_SRC, ['-o', tmp, '.'], log);
  renameSync(tmp, bins.localcluster);
  try {
    unlinkSync(bins.kubectl);
  } catch {
    /* not there yet */
  }
  try {
    symlinkSync('localcluster', bins.kubectl);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return bins;
}

/** `go build -v ARGS` in `cwd`, printing progress every few seconds; rejects with the last errors. */
export function goBuild(cwd: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['build', '-v', ...args], {
      cwd,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let packages = 0;
    let downloads = 0;
    let lastPrint = 0;
    const errors: string[] = [];
    const onLine = (line: string) => {
      if (line.startsWith('go: downloading')) downloads++;
      else if (/^[\w.-]+(\/[\w.~-]+)+$/.test(line.trim()) || /^[a-z]+(\/[a-z0-9]+)*$/.test(line.trim())) packages++;
      else if (line.trim()) errors.push(line);
      const now = Date.now();
      if (now - lastPrint > 5000) {
        lastPrint = now;
        log(`  ... ${downloads} modules downloaded, ${packages} packages compiled`);
      }
    };
    let buf = '';
    child.stderr.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) {
        log(`  built: ${packages} packages compiled`);
        resolve();
      } else reject(new Error(`go build failed (exit ${code}):\n${errors.slice(-30).join('\n')}`));
    });
  });
}
