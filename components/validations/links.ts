import type { KindSummary } from '@/lib/contracts/api';
import { parseResourceName } from '@/lib/istio/findings';
import { resourceHref } from '@/components/resources/links';

const CORE: Record<string, { group: string; version: string; plural: string }> = {
  Namespace: { group: '', version: 'v1', plural: 'namespaces' },
  Service: { group: '', version: 'v1', plural: 'services' },
  Pod: { group: '', version: 'v1', plural: 'pods' },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
};

/** The resource page of a finding's resource, opened at the finding's field. */
export function findingHref(resource: string, path: string | undefined, kinds: readonly KindSummary[]): string | undefined {
  const r = parseResourceName(resource);
  if (!r) return undefined;
  const k = kinds.find((x) => x.kind === r.kind);
  const t = k ? { group: k.group, version: k.preferred, plural: k.plural } : CORE[r.kind];
  if (!t) return undefined;
  const namespace = r.kind === 'Namespace' ? undefined : r.namespace;
  const href = resourceHref({ ...t, namespace, name: r.name });
  return path ? `${href}?path=${encodeURIComponent(path)}` : href;
}
