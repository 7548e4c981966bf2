import { groupSegment } from '../istio/address';
import type { MeshScope } from '../contracts/meshScope';

/** Query keys, hierarchical per feature and context: all -> lists -> list(filters) -> detail(id). */
export const keys = {
  contexts: () => ['contexts'] as const,
  cluster: (context: string) => ['cluster', context] as const,
  status: (context: string) => [...keys.cluster(context), 'status'] as const,
  kinds: (context: string) => [...keys.cluster(context), 'kinds'] as const,
  overview: (context: string) => [...keys.cluster(context), 'overview'] as const,
  overviewTraffic: (window: string) => ['overview-traffic', window] as const,
  config: (context: string) => [...keys.cluster(context), 'config'] as const,
  resources: (context: string) => [...keys.cluster(context), 'resource'] as const,
  /** One object in any version (prefix of the per-version keys). */
  resourceAnyVersion: (context: string, group: string, plural: string, namespace: string, name: string) =>
    [...keys.resources(context), groupSegment(group), plural, namespace, name] as const,
  resource: (context: string, group: string, plural: string, namespace: string, name: string, version: string) =>
    [...keys.resourceAnyVersion(context, group, plural, namespace, name), version] as const,
  access: (context: string, verb: string, group: string, resource: string, namespace?: string, name?: string) =>
    [...keys.cluster(context), 'access', verb, group, resource, namespace ?? '', name ?? ''] as const,
  graph: (context: string) => [...keys.cluster(context), 'graph'] as const,
  schemas: (context: string, group: string, kind: string) => [...keys.cluster(context), 'schemas', group, kind] as const,
  analysis: (context: string) => [...keys.cluster(context), 'analysis'] as const,
  analysisOfCluster: (context: string) => [...keys.analysis(context), 'cluster'] as const,
  analysisOfEdit: (context: string, object: unknown) => [...keys.analysis(context), 'edit', JSON.stringify(object ?? null)] as const,
};

/**
 * The forms' (Mesh tasks) queries. A form's mesh snapshot lives outside keys.cluster(): the
 * blanket refetch after a reconnect or an API server outage (lib/client/live.ts) must not
 * replace the state a user is typing over, so live.ts only marks these stale and the form
 * offers a reload. TLS secret names are ordinary cluster data.
 */
export const formsKeys = {
  /** Every mesh snapshot of a context, whatever its scope. */
  meshAll: (context: string) => ['forms-mesh', context] as const,
  mesh: (context: string, scope: MeshScope) => [...formsKeys.meshAll(context), scope.scope, [...scope.namespaces].sort().join(',')] as const,
  secrets: (context: string, namespace: string) => [...keys.cluster(context), 'forms', 'secrets', namespace] as const,
};
