/**
 * One ClusterCache per kubeconfig context, shared by every request of this process
 * (kept on globalThis so development reloads do not start duplicate watches).
 */
import { ClusterCache } from './cache';
import { kubeConfigFor } from './kubeconfig';

const g = globalThis as unknown as { __meshboardCaches?: Map<string, ClusterCache> };

export function getClusterCache(context?: string): ClusterCache {
  const { kc, context: name } = kubeConfigFor(context);
  g.__meshboardCaches ??= new Map();
  let c = g.__meshboardCaches.get(name);
  if (!c) {
    c = new ClusterCache(kc, name);
    g.__meshboardCaches.set(name, c);
  }
  return c;
}
