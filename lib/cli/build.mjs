#!/usr/bin/env node
/**
 * Builds the CLI as plain JavaScript (esbuild), so `meshboard analyze` starts without
 * compiling TypeScript: dist/cli/analyze.mjs (the command and the analysis engine,
 * every analyzer index.ts registers) and dist/cli/snapshot.mjs (lib/k8s/snapshot.ts,
 * loaded only for a live cluster; @kubernetes/client-node stays in node_modules).
 * dist/cli/inputs.json lists the sources with their modification times; meshboard.mjs
 * rebuilds when one changed. Runs on `npm ci` (prepare) and by itself when needed.
 *   node lib/cli/build.mjs [--quiet]
 */
import { buildSync } from 'esbuild';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = path.join(REPO, 'dist', 'cli');

export function buildCli({ quiet = false } = {}) {
  const t0 = performance.now();
  const tmp = `${OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const result = buildSync({
    absWorkingDir: REPO,
    entryPoints: { analyze: 'lib/cli/analyze.ts', snapshot: 'lib/k8s/snapshot.ts' },
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
  renameSync(tmp, OUT);
  if (!quiet) console.error(`meshboard: built ${path.relative(REPO, OUT)} in ${Math.round(performance.now() - t0)} ms`);
}

function mtimeOf(f) {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return 0;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildCli({ quiet: process.argv.includes('--quiet') });
