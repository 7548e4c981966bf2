/**
 * One ClusterCache per kubeconfig context, shared by every request of this process
 * (kept on globalThis so development reloads do not start duplicate watches). A cache
 * nobody has used for a while, and that no event stream listens to, is stopped: a
 * server that once showed many contexts does not keep watching all of them.
 */
import 'server-only';
import { ClusterCache } from './cache';
import { kubeConfigFor } from './kubeconfig';

export const IDLE_MS = 10 * 60_000;

interface Entry {
  cache: ClusterCache;
  lastUsed: number;
}

const g = globalThis as unknown as { __meshboardCaches?: Map<string, Entry>; __meshboardSweeper?: ReturnType<typeof setInterval> };

/** Stop caches idle for longer than `idleMs` with no listeners; returns the contexts stopped. */
export function sweepIdleCaches(now = Date.now(), idleMs = IDLE_MS): string[] {
  const stopped: string[] = [];
  for (const [name, e] of g.__meshboardCaches ?? []) {
    if (e.cache.listenerCount() === 0 && now - e.lastUsed > idleMs) {
      e.cache.stop();
      g.__meshboardCaches!.delete(name);
      stopped.push(name);
    }
  }
  return stopped;
}

export function getClusterCache(context?: string): ClusterCache {
  const { kc, context: name } = kubeConfigFor(context);
  g.__meshboardCaches ??= new Map();
  if (!g.__meshboardSweeper) {
    g.__meshboardSweeper = setInterval(() => sweepIdleCaches(), 60_000);
    g.__meshboardSweeper.unref?.();
  }
  let e = g.__meshboardCaches.get(name);
  if (!e) {
    e = { cache: new ClusterCache(kc, name), lastUsed: Date.now() };
    g.__meshboardCaches.set(name, e);
  }
  e.lastUsed = Date.now();
  return e.cache;
}
