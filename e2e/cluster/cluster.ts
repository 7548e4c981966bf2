/**
 * Start and stop the local control plane (a real kube-apiserver with embedded etcd),
 * and drive it with its own kubectl. Node-only; used by `npm run demo` and by the
 * Playwright global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBinaries, type Binaries } from './build';

export interface LocalCluster {
  server: string;
  kubeconfig: string;
  dir: string;
  port: number;
  bins: Binaries;
  /** Run kubectl against this cluster (admin context unless --context is given). */
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Stop the API server and etcd, keeping the data folder. */
  stop(): Promise<void>;
  /** Start again on the same port with the same data, certificates and tokens. */
  start(): Promise<void>;
  /** Stop and remove the data folder (unless it was given by the caller). */
  destroy(): Promise<void>;
  running(): boolean;
}

export interface StartOptions {
  dir?: string;
  port?: number;
  log?: (line: string) => void;
  /** Where the API server's own log goes (default: discarded, last lines kept for errors). */
  onServerLog?: (chunk: string) => void;
}

export async function startLocalCluster(opts: StartOptions = {}): Promise<LocalCluster> {
  const bins = await ensureBinaries(opts.log);
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'meshboard-cluster-'));
  let port = opts.port ?? 0;
  let child: ChildProcess | null = null;
  let server = '';
  const kubeconfig = path.join(dir, 'kubeconfig');

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const args = ['serve', '--dir', dir, '--watch-stdin'];
      if (port) args.push('--port', String(port));
      const p = spawn(bins.localcluster, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      child = p;
      let out = '';
      const tail: string[] = [];
      // The binary itself gives up after 120 s (API server) + 60 s (etcd); wait a little longer.
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`local control plane not ready within 200 s:\n${tail.join('')}`));
      }, 200_000);
      p.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY server=(\S+) kubeconfig=(\S+)/.exec(out);
        if (m) {
          server = m[1]!;
          port = Number(new URL(server).port);
          clearTimeout(timer);
          resolve();
        }
      });
      p.stderr!.on('data', (d: Buffer) => {
        const s = d.toString();
        tail.push(s);
        if (tail.length > 40) tail.shift();
        opts.onServerLog?.(s);
      });
      p.on('exit', (code) => {
        clearTimeout(timer);
        if (child === p) child = null;
        if (!server || !out.includes('READY')) reject(new Error(`local control plane exited (${code}) before it was ready:\n${tail.join('')}`));
      });
    });

  const stop = async () => {
    const p = child;
    if (!p) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        p.kill('SIGKILL');
      }, 20_000);
      p.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      p.kill('SIGTERM');
    });
    child = null;
  };

  await launch();

  const cluster: LocalCluster = {
    get server() {
      return server;
    },
    kubeconfig,
    dir,
    get port() {
      return port;
    },
    bins,
    kubectl: (args, input) => runKubectl(bins.kubectl, kubeconfig, args, input),
    stop,
    start: async () => {
      if (!child) await launch();
    },
    destroy: async () => {
      await stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    running: () => child !== null,
  };
  return cluster;
}

export function runKubectl(kubectl: string, kubeconfig: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(kubectl, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

/** kubectl that throws with its output when it fails. */
export async function kubectlOk(cluster: LocalCluster, args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r.stdout;
}
