#!/usr/bin/env node
// `npm start`: serve Meshboard against your own cluster (current kubeconfig context,
// KUBECONFIG, or the in-cluster service account). Binds 127.0.0.1:3000 unless HOST
// or PORT say otherwise. Builds first when there is no production build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const host = env.HOST || '127.0.0.1';
const port = env.PORT || '3000';
env.HOST = host;
const next = path.join(repo, 'node_modules', 'next', 'dist', 'bin', 'next');
if (!existsSync(next)) {
  console.error('Dependencies are missing: run `npm ci` first.');
  process.exit(1);
}
if (!existsSync(path.join(repo, '.next', 'BUILD_ID')) || process.argv.includes('--build')) {
  console.log('Building Meshboard (next build)...');
  const b = spawnSync(process.execPath, [next, 'build'], { stdio: 'inherit', cwd: repo, env });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
console.log(`Meshboard on http://${host.includes(':') ? `[${host}]` : host}:${port} (kubeconfig: ${env.KUBECONFIG || '~/.kube/config or in-cluster'})`);
const child = spawn(process.execPath, [next, 'start', '-H', host, '-p', port], { stdio: 'inherit', cwd: repo, env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
