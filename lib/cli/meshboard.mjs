#!/usr/bin/env node
/**
 * The meshboard command (package.json "bin"). Runs the CLI built as plain JavaScript
 * (dist/cli, see build.mjs): no TypeScript is compiled at run time, and the Kubernetes
 * client is loaded only when a live cluster is read. When the build is missing or a
 * source it was built from changed, it is rebuilt first (once, a fraction of a second).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build-check.mjs';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli');
await ensureBuilt();
const review = process.argv[2] === 'review';
const { main } = review
  ? await import(path.join(dist, 'review.mjs')).then((m) => ({ main: m.reviewMain }))
  : await import(path.join(dist, 'analyze.mjs'));
const loadSnapshot = () => import(path.join(dist, 'snapshot.mjs'));
const io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };
try {
  process.exitCode = await main(process.argv.slice(2), io, loadSnapshot);
} catch (e) {
  process.stderr.write(`meshboard: internal error: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 3;
}
