/** Response bodies assembled from the cache (the shapes in lib/contracts/api.ts). */
import type { ConfigListResponse, KindSummary, OverviewResponse } from '../contracts/api';
import { sortConfigItems, summarizeNamespaces, toConfigItem } from '../istio/overview';
import type { ClusterCache } from './cache';
import { typeKey } from './discovery';

export function kindSummaries(cache: ClusterCache): KindSummary[] {
  return cache.getKinds().map(({ group, kind, plural, namespaced, served, preferred, deprecated }) => ({ group, kind, plural, namespaced, served, preferred, deprecated }));
}

export function overview(cache: ClusterCache): OverviewResponse {
  return { status: cache.getStatus(), namespaces: summarizeNamespaces(cache.allObjects()), kinds: kindSummaries(cache) };
}

export function configList(cache: ClusterCache): ConfigListResponse {
  const kinds = kindSummaries(cache);
  const items = kinds.flatMap((k) => cache.list(typeKey(k)).map((o) => toConfigItem(o, k.plural)));
  return { status: cache.getStatus(), kinds, items: sortConfigItems(items) };
}
