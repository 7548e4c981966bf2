/**
 * Is dist/cli (see build.mjs) up to date? A few stat calls, no esbuild: meshboard.mjs
 * runs this on every start and loads the builder only when something changed.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = path.join(REPO, 'dist', 'cli');

export function mtimeOf(f) {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return 0;
  }
}

/** True when dist/cli is missing or older than a source it was built from. */
export function stale() {
  let built;
  try {
    built = JSON.parse(readFileSync(path.join(OUT, 'inputs.json'), 'utf8'));
  } catch {
    return true;
  }
  try {
    for (const [f, mtime] of Object.entries(built.inputs)) if (statSync(path.join(REPO, f)).mtimeMs !== mtime) return true;
    return mtimeOf(path.join(REPO, 'package-lock.json')) !== built.lock;
  } catch {
    // A source that is gone (renamed): rebuild. A package without sources (published): use the build.
    return statSync(path.join(REPO, 'lib', 'cli', 'analyze.ts'), { throwIfNoEntry: false }) !== undefined;
  }
}

/** Build when needed (esbuild, a fraction of a second); the builder is loaded only then. */
export async function ensureBuilt({ quiet = true } = {}) {
  if (!stale()) return;
  const { buildCli } = await import('./build.mjs');
  buildCli({ quiet });
}
