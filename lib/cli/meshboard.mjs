#!/usr/bin/env node
/**
 * The meshboard command (package.json "bin"). Runs the CLI built as plain JavaScript
 * (dist/cli, see build.mjs): no TypeScript is compiled at run time, and the Kubernetes
 * client is loaded only when a live cluster is read. When the build is missing or a
 * source it was built from changed, it is rebuilt first (once, a fraction of a second).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(repo, 'dist', 'cli');

function stale() {
  let built;
  try {
    built = JSON.parse(readFileSync(path.join(dist, 'inputs.json'), 'utf8'));
  } catch {
    return true;
  }
  try {
    for (const [f, mtime] of Object.entries(built.inputs)) if (statSync(path.join(repo, f)).mtimeMs !== mtime) return true;
    return statSync(path.join(repo, 'package-lock.json')).mtimeMs !== built.lock;
  } catch {
    // A source that is gone (renamed): rebuild. A package without sources (published): use the build.
    return statSync(path.join(repo, 'lib', 'cli', 'analyze.ts'), { throwIfNoEntry: false }) !== undefined;
  }
}

if (stale()) {
  const { buildCli } = await import('./build.mjs');
  buildCli({ quiet: true });
}
const { main } = await import(path.join(dist, 'analyze.mjs'));
const loadSnapshot = () => import(path.join(dist, 'snapshot.mjs'));
const io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };
try {
  process.exitCode = await main(process.argv.slice(2), io, loadSnapshot);
} catch (e) {
  process.stderr.write(`meshboard: internal error: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 3;
}
