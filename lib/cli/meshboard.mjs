#!/usr/bin/env node
/**
 * The meshboard command (package.json "bin"): `meshboard analyze ...` (lib/cli/analyze.ts),
 * `meshboard graph ...` (lib/cli/graph.ts) and `meshboard review ...` (lib/cli/review.ts). Runs the CLI built as plain JavaScript
 * (dist/cli, see build.mjs): no TypeScript is compiled at run time, analyze's bundle is
 * loaded with V8's code cache (code-cache.mjs), and the Kubernetes
 * client is loaded only when a live cluster is read. When the build is missing or a
 * source it was built from changed, it is rebuilt first (once, a fraction of a second).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './build-check.mjs';
import { loadWithCodeCache } from './code-cache.mjs';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli');
await ensureBuilt();
const argv = process.argv.slice(2);
const io = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };
try {
  if (argv[0] === 'graph') {
    const { graphMain } = await import(path.join(dist, 'graph.mjs'));
    process.exitCode = await graphMain(argv.slice(1), io);
  } else if (argv[0] === 'review') {
    const { reviewMain } = await import(path.join(dist, 'review.mjs'));
    const loadSnapshot = () => import(path.join(dist, 'snapshot.mjs'));
    process.exitCode = await reviewMain(argv, io, loadSnapshot);
  } else {
    const cli = loadWithCodeCache(path.join(dist, 'analyze.cjs'));
    let snapshot;
    const loadSnapshot = async () => (snapshot ??= loadWithCodeCache(path.join(dist, 'snapshot.cjs'))).exports;
    process.exitCode = await cli.exports.main(argv, io, loadSnapshot);
    // The cache is made from a run that analyzed something (help or a usage error compile little).
    const analyzed = process.exitCode !== 2 && !argv.some((a) => ['help', '-h', '--help', '-L', '--list-analyzers'].includes(a));
    if (analyzed) cli.save();
    snapshot?.save();
  }
} catch (e) {
  process.stderr.write(`meshboard: internal error: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 3;
}
