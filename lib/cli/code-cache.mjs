/**
 * Loads a CommonJS bundle (dist/cli/analyze.cjs) through V8's code cache: the bytecode of
 * every function the last run compiled is kept next to the bundle (FILE.cache) and reused,
 * so a run neither parses the bundle nor compiles the analyzers again (Node 20 has no
 * module compile cache of its own). V8 rejects a cache made from another source or
 * another V8; a missing or rejected cache is written again after the run. Writing is
 * best effort (a read-only install simply runs without one).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The module's exports, and `save()`, to call once the work is done (the cache then holds what the run compiled). */
export function loadWithCodeCache(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    save() {
      if (!fresh) return;
      const tmp = `${cacheFile}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        try {
          rmSync(tmp, { force: true });
        } catch {
          /* nothing to clean up */
        }
      }
    },
  };
}
