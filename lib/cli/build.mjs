#!/usr/bin/env node
/**
 * Builds plain JavaScript (esbuild) for what runs outside Next.js, so nothing compiles
 * TypeScript at run time:
 *   dist/cli/analyze.mjs          `meshboard analyze` and the analysis engine (every
 *                                 analyzer lib/istio/analysis/index.ts registers)
 *   dist/cli/snapshot.mjs         lib/k8s/snapshot.ts, loaded only for a live cluster
 *                                 (@kubernetes/client-node stays in node_modules)
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
    entryPoints: { analyze: 'lib/cli/analyze.ts', snapshot: 'lib/k8s/snapshot.ts', 'analysis-worker': 'lib/server/analysis-worker.ts' },
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
  const inputs = {};
  for (const f of Object.keys(result.metafile.inputs)) {
    if (f.startsWith('node_modules/')) continue;
    inputs[f] = statSync(path.join(REPO, f)).mtimeMs;
  }
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
