/** Response bodies assembled from the cache (the shapes in lib/contracts/api.ts). */
import 'server-only';
import type { ConfigListResponse, KindSummary, OverviewResponse, SchemasResponse } from '../contracts/api';
import { sortConfigItems, summarizeNamespaces, toConfigItem } from '../istio/overview';
import { namespaceMtls } from '../istio/overviewPicture';
import type { ClusterCache } from '../k8s/cache';
import { typeKey, type CrdLike, type DiscoveredKind } from '../k8s/discovery';
import { meshResourcesOf } from './graph';

export function toKindSummary({ group, kind, plural, namespaced, served, preferred, deprecated }: DiscoveredKind): KindSummary {
  return { group, kind, plural, namespaced, served, preferred, deprecated };
}

export function kindSummaries(cache: ClusterCache): KindSummary[] {
  return cache.getKinds().map(toKindSummary);
}

export function overview(cache: ClusterCache): OverviewResponse {
  const resources = meshResourcesOf(cache);
  const namespaces = summarizeNamespaces(cache.allObjects()).map((n) => ({ ...n, mtls: namespaceMtls(resources, n.name) }));
  return { status: cache.getStatus(), namespaces, kinds: kindSummaries(cache) };
}

const configMemo = new WeakMap<ClusterCache, { revision: number; kinds: KindSummary[]; items: ConfigListResponse['items'] }>();

/**
 * The config list, rebuilt only when the cache changed. Per cache object: a person's
 * filtered view is one object per rule set (lib/k8s/scoped.ts), so each view keeps its own.
 */
export function configList(cache: ClusterCache): ConfigListResponse {
  const m = configMemo.get(cache);
  if (m && m.revision === cache.revision) return { status: cache.getStatus(), kinds: m.kinds, items: m.items };
  const revision = cache.revision;
  const kinds = kindSummaries(cache);
  const items = sortConfigItems(kinds.flatMap((k) => cache.list(typeKey(k)).map((o) => toConfigItem(o, k.plural))));
  configMemo.set(cache, { revision, kinds, items });
  return { status: cache.getStatus(), kinds, items };
}

/** CRDs for the editor (full schemas, with descriptions for hover), one kind or all. */
export function crdsForEditor(cache: ClusterCache, bundled: () => CrdLike[], filter: { group?: string; kind?: string }): SchemasResponse {
  const fromCluster = cache.istioCrds();
  const source = fromCluster.length ? 'cluster' : 'bundled';
  const crds = (fromCluster.length ? fromCluster : bundled()).filter(
    (c) => (!filter.group || c.spec.group === filter.group) && (!filter.kind || c.spec.names.kind === filter.kind),
  );
  return {
    source,
    crds: crds.map((c) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: c.metadata.name },
      spec: { group: c.spec.group, names: c.spec.names, scope: c.spec.scope, versions: c.spec.versions },
    })),
  };
}
