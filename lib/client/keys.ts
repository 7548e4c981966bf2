/** Query keys, hierarchical per feature and context: all -> lists -> list(filters) -> detail(id). */
export const keys = {
  contexts: () => ['contexts'] as const,
  cluster: (context: string) => ['cluster', context] as const,
  status: (context: string) => [...keys.cluster(context), 'status'] as const,
  kinds: (context: string) => [...keys.cluster(context), 'kinds'] as const,
  overview: (context: string) => [...keys.cluster(context), 'overview'] as const,
  config: (context: string) => [...keys.cluster(context), 'config'] as const,
  resources: (context: string) => [...keys.cluster(context), 'resource'] as const,
  /** One object in any version (prefix of the per-version keys). */
  resourceAnyVersion: (context: string, group: string, plural: string, namespace: string, name: string) => [...keys.resources(context), group || 'core', plural, namespace, name] as const,
  resource: (context: string, group: string, plural: string, namespace: string, name: string, version: string) => [...keys.resourceAnyVersion(context, group, plural, namespace, name), version] as const,
  access: (context: string, verb: string, group: string, resource: string, namespace?: string, name?: string) => [...keys.cluster(context), 'access', verb, group, resource, namespace ?? '', name ?? ''] as const,
  graph: (context: string) => [...keys.cluster(context), 'graph'] as const,
  schemas: (context: string, group: string, kind: string) => [...keys.cluster(context), 'schemas', group, kind] as const,
  analysis: (context: string) => [...keys.cluster(context), 'analysis'] as const,
  analysisOfCluster: (context: string) => [...keys.analysis(context), 'cluster'] as const,
  analysisOfEdit: (context: string, object: unknown) => [...keys.analysis(context), 'edit', JSON.stringify(object ?? null)] as const,
};
