#!/usr/bin/env node
/**
 * Builds plain JavaScript (esbuild) for what runs outside Next.js, so nothing compiles
 * TypeScript at run time:
 *   dist/cli/analyze.cjs          `meshboard analyze` and the analysis engine (every
 *                                 analyzer lib/istio/analysis/index.ts registers): one
 *                                 CommonJS file, which meshboard.mjs loads through V8's
 *                                 code cache (code-cache.mjs, analyze.cjs.cache)
 *   dist/cli/review.mjs           `meshboard review` (lib/istio/review)
 *   dist/cli/graph.mjs            `meshboard graph` (lib/istio/graph, the SVG with elkjs)
 *   dist/cli/snapshot.mjs         lib/k8s/snapshot.ts, loaded only for a live cluster
 *                                 (@kubernetes/client-node stays in node_modules)
 *   dist/cli/snapshot.cjs         the same for `meshboard analyze`, with the parts of
 *                                 @kubernetes/client-node it uses bundled (code cache too)
 *   dist/cli/analysis-worker.mjs  the console's analysis worker thread (lib/server/analysis.ts)
 * dist/cli/inputs.json lists the sources with their modification times: ensureBuilt()
 * rebuilds when one changed. meshboard.mjs and next.config.js call it.
 *   node lib/cli/build.mjs [--quiet] [--if-stale]
 */
import { buildSync } from 'esbuild';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mtimeOf, OUT, REPO, stale } from './build-check.mjs';

export function buildCli({ quiet = false } = {}) {
  const t0 = performance.now();
  const tmp = `${OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const result = buildSync({
    absWorkingDir: REPO,
    entryPoints: {
      graph: 'lib/cli/graph.ts',
      review: 'lib/cli/review.ts',
      snapshot: 'lib/k8s/snapshot.ts',
      'analysis-worker': 'lib/server/analysis-worker.ts',
    },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@kubernetes/client-node'],
    // CommonJS packages in the bundle (yaml) require Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
  });
  // analyze and its cluster reader on their own, as CommonJS: each a vm.Script with a code
  // cache (Node 20 caches no ES module code). The reader bundles the parts of
  // @kubernetes/client-node it uses (KubeConfig): the whole package takes ~0.5 s to load.
  const cjs = [
    ['lib/cli/analyze.ts', 'analyze.cjs', ['@kubernetes/client-node']],
    ['lib/k8s/snapshot.ts', 'snapshot.cjs', []],
  ].map(([entry, out, external]) =>
    buildSync({
      absWorkingDir: REPO,
      entryPoints: [entry],
      outfile: path.join(tmp, out),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external,
      metafile: true,
      logLevel: 'error',
      legalComments: 'none',
    }),
  );
  const inputs = {};
  for (const f of [result, ...cjs].flatMap((r) => Object.keys(r.metafile.inputs))) {
    if (f.startsWith('node_modules/')) continue;
    inputs[f] = statSync(path.join(REPO, f)).mtimeMs;
  }
  // A new builder (other outputs) rebuilds too.
  inputs['lib/cli/build.mjs'] = statSync(path.join(REPO, 'lib/cli/build.mjs')).mtimeMs;
  writeFileSync(path.join(tmp, 'inputs.json'), JSON.stringify({ inputs, lock: mtimeOf(path.join(REPO, 'package-lock.json')) }));
  rmSync(OUT, { recursive: true, force: true });
  try {
    renameSync(tmp, OUT);
  } catch (e) {
    // Another process (next build runs its config in several) put its build there first.
    rmSync(tmp, { recursive: true, force: true });
    if (!stale()) return;
    throw e;
  }
  if (!quiet) console.error(`meshboard: built ${path.relative(REPO, OUT)} in ${Math.round(performance.now() - t0)} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  if (!process.argv.includes('--if-stale') || stale()) buildCli({ quiet });
}
