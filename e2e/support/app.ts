/** Start the production build of Meshboard against a kubeconfig, on a free loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface RunningApp {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
  logs(): string;
}

/**
 * `readyPath`: what to poll until it answers 200 (default /api/status, which needs the
 * cluster; the benchmark page needs none).
 */
export async function startApp(opts: { kubeconfig: string; port?: number; env?: Record<string, string>; readyPath?: string }): Promise<RunningApp> {
  if (!existsSync(path.join(REPO, '.next', 'BUILD_ID'))) throw new Error('No production build: run `npx next build` first (npm test does).');
  const port = opts.port ?? (await freePort());
  const log: string[] = [];
  const child = spawn(process.execPath, [path.join(REPO, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: REPO,
    env: { ...process.env, KUBECONFIG: opts.kubeconfig, NEXT_TELEMETRY_DISABLED: '1', HOST: '127.0.0.1', ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => {
    log.push(d.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Meshboard exited (${child.exitCode}):\n${log.join('')}`);
    try {
      const r = await fetch(`${url}${opts.readyPath ?? '/api/status'}`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Meshboard did not answer within 60 s:\n${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    process: child,
    logs: () => log.join(''),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
