/**
 * Resource addresses, defined once: how a type and an object are named in type keys
 * ("networking.istio.io/virtualservices", "core/services"), in URLs of pages
 * (/config/{group}/{version}/{plural}/{namespace}/{name}) and of the API
 * (/api/resources/...), and in local keys (drafts). The core group "" is written
 * `core` wherever an empty path segment would not do. Pure.
 */
import { parseResourceName } from './findings';
import { kindInfo } from './kinds';

/** How the core group ("") is spelled in keys and URL segments. */
export const CORE_GROUP = 'core';

export function groupSegment(group: string): string {
  return group || CORE_GROUP;
}

export function groupOfSegment(segment: string): string {
  return segment === CORE_GROUP ? '' : segment;
}

/** "networking.istio.io/virtualservices", "core/services": a type within a context. */
export function typeKey(t: { group: string; plural: string }): string {
  return `${groupSegment(t.group)}/${t.plural}`;
}

export function parseTypeKey(key: string): { group: string; plural: string } {
  const i = key.lastIndexOf('/');
  return { group: groupOfSegment(key.slice(0, i)), plural: key.slice(i + 1) };
}

export interface ResourceAddress {
  group: string;
  version: string;
  plural: string;
  /** Absent (or empty) for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

/** "core/services/shop/web": an object of a context, whatever version it is read in (drafts, caches). */
export function objectKeyOf(r: Pick<ResourceAddress, 'group' | 'plural' | 'namespace' | 'name'>): string {
  return `${typeKey(r)}/${r.namespace || '-'}/${r.name}`;
}

/** The editor page of an object, optionally opened at a field path. */
export function resourcePageHref(r: ResourceAddress, opts: { path?: string } = {}): string {
  const href = `/config/${[groupSegment(r.group), r.version, r.plural, r.namespace || '-', r.name].map(encodeURIComponent).join('/')}`;
  return opts.path ? `${href}?path=${encodeURIComponent(opts.path)}` : href;
}

/** The page route's parameters back into an address. */
export function addressOfPage(p: { group: string; version: string; plural: string; namespace: string; name: string }): ResourceAddress {
  return { group: groupOfSegment(p.group), version: p.version, plural: p.plural, namespace: p.namespace === '-' ? undefined : p.namespace, name: p.name };
}

/** /api/resources/{group}/{version}/{plural}[/{namespace}[/{name}]] */
export function resourceApiPath(t: { group: string; version: string; plural: string }, namespace?: string, name?: string): string {
  const parts = ['/api/resources', groupSegment(t.group), t.version, t.plural];
  if (namespace !== undefined || name !== undefined) parts.push(namespace || '-');
  if (name !== undefined) parts.push(name);
  return parts.map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
}

/** What the cluster serves of a kind (GET /api/kinds). */
export interface ServedKind {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  preferred: string;
}

/**
 * The page of "Kind ns/name" (a finding's or a graph reference's resource), in the
 * version the cluster serves when its kinds are known, else the newest version
 * Meshboard knows. `group` tells kinds apart that two groups have (Gateway); without it
 * a bare kind is Istio's, as istioctl prints it. Undefined for unknown kinds.
 */
export function resourceNameHref(resource: string, opts: { group?: string; path?: string; kinds?: readonly ServedKind[] } = {}): string | undefined {
  const r = parseResourceName(resource);
  if (!r) return undefined;
  const info = kindInfo(r.kind, opts.group);
  const group = opts.group ?? info?.group;
  const served = opts.kinds?.find((k) => k.kind === r.kind && (group === undefined || k.group === group));
  const t = served
    ? { group: served.group, version: served.preferred, plural: served.plural, namespaced: served.namespaced }
    : info
      ? { group: info.group, version: info.versions[0] ?? 'v1', plural: info.plural, namespaced: info.namespaced }
      : undefined;
  if (!t) return undefined;
  return resourcePageHref(
    { group: t.group, version: t.version, plural: t.plural, namespace: t.namespaced ? r.namespace : undefined, name: r.name },
    { path: opts.path },
  );
}
