#!/usr/bin/env node
// `npm run demo`: install what is missing, then hand over to demo.ts (TypeScript,
// run through tsx). Plain JavaScript so it works before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(repo);
process.env.NEXT_TELEMETRY_DISABLED = '1';

if (!existsSync(path.join(repo, 'node_modules', '.bin', 'tsx')) || !existsSync(path.join(repo, 'node_modules', 'next'))) {
  console.log('Installing npm dependencies (npm ci)...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('npm ci failed; see the output above.');
    process.exit(1);
  }
}
const r = spawnSync(path.join(repo, 'node_modules', '.bin', 'tsx'), [path.join(repo, 'e2e', 'cluster', 'demo.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
