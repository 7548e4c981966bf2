/**
 * One person's view of the shared watch cache: the same object, with reads filtered by
 * their AccessRules. Built with Object.create so every view function that takes a
 * ClusterCache works unchanged; memoized per (cache, rules) so derived views keyed by
 * cache (the graph's resource index) are reused across that person's requests and by
 * everyone who holds the same rules. Server-only.
 */
import 'server-only';
import type { K8sObject } from '../istio/types';
import type { AccessRules } from './access';
import type { CacheEvent, ClusterCache } from './cache';

const BASE = Symbol('meshboard.scopedBase');
const RULES = Symbol('meshboard.scopedRules');

type Scoped = ClusterCache & { [BASE]: ClusterCache; [RULES]: AccessRules };

const memo = new WeakMap<ClusterCache, Map<string, Scoped>>();

/** The shared cache behind a person's view (the cache itself when it is not a view). */
export function baseCache(cache: ClusterCache): ClusterCache {
  return (cache as Partial<Scoped>)[BASE] ?? cache;
}

/** The rules a view filters with (undefined for the unfiltered cache). */
export function rulesOf(cache: ClusterCache): AccessRules | undefined {
  return (cache as Partial<Scoped>)[RULES];
}

export function scopedCache(base: ClusterCache, rules: AccessRules): ClusterCache {
  let perRules = memo.get(base);
  if (!perRules) memo.set(base, (perRules = new Map()));
  const hit = perRules.get(rules.key);
  if (hit) return hit;
  const view = Object.create(base) as Scoped;
  const see = (o: K8sObject) => rules.canSee(o);
  Object.defineProperties(view, {
    [BASE]: { value: base },
    [RULES]: { value: rules },
    list: { value: (key: string, namespaces?: readonly string[]) => base.list(key, namespaces).filter(see) },
    get: {
      value: (key: string, namespace: string | undefined, name: string) => {
        const o = base.get(key, namespace, name);
        return o && see(o) ? o : undefined;
      },
    },
    allObjects: { value: (namespaces?: readonly string[]) => base.allObjects(namespaces).filter(see) },
    // The analysis reads the shared cache's (analysis.ts); a person's view holds only the Secrets they may read.
    secretNames: { value: () => base.secretNames().filter(see) },
    meshConfigMap: {
      value: () => {
        const cm = base.meshConfigMap();
        return cm && see(cm) ? cm : undefined;
      },
    },
    subscribe: {
      value: (listener: (e: CacheEvent) => void) =>
        base.subscribe((e) => {
          if (e.type === 'STATUS' || e.type === 'KINDS' || e.type === 'SECRETS' || see(e.object)) listener(e);
        }),
    },
  });
  // Rules are refreshed every little while; keep only the latest few views per cache.
  if (perRules.size >= 64) perRules.delete(perRules.keys().next().value!);
  perRules.set(rules.key, view);
  return view;
}
