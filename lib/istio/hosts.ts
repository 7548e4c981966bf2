/**
 * Host names as Istio resolves them: short names are completed with the namespace of
 * the resource that wrote them, wildcards match by suffix. Pure.
 */

export const DEFAULT_DOMAIN_SUFFIX = 'svc.cluster.local';

/**
 * The fully qualified name of `host` as written in a resource of `namespace`:
 * "reviews" -> "reviews.<ns>.svc.cluster.local"; "reviews.prod" -> "reviews.prod.svc.cluster.local";
 * anything with a dot beyond that, or a wildcard, stays as written.
 */
export function fqdn(host: string, namespace: string | undefined, domain = DEFAULT_DOMAIN_SUFFIX): string {
  const h = host.trim().toLowerCase();
  if (!h || h === '*' || h.startsWith('*')) return h;
  if (h.endsWith('.' + domain)) return h;
  const parts = h.split('.');
  if (parts.length === 1) return namespace ? `${h}.${namespace}.${domain}` : h;
  // "name.namespace" short form
  if (parts.length === 2) return `${h}.${domain}`;
  // "name.namespace.svc"
  if (parts.length === 3 && parts[2] === 'svc') return `${h}.${domain.split('.').slice(1).join('.')}`;
  return h;
}

/** Service FQDN of a Kubernetes Service. */
export function serviceFqdn(name: string, namespace: string, domain = DEFAULT_DOMAIN_SUFFIX): string {
  return `${name}.${namespace}.${domain}`;
}

/** Parse "name.namespace.svc.cluster.local" back into its parts (undefined for other hosts). */
export function parseServiceFqdn(host: string, domain = DEFAULT_DOMAIN_SUFFIX): { name: string; namespace: string } | undefined {
  if (!host.endsWith('.' + domain)) return undefined;
  const parts = host.slice(0, -(domain.length + 1)).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { name: parts[0], namespace: parts[1] };
}

/** Does host pattern `pattern` (may start with "*") match concrete or wildcard host `host`? */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*' || p === h) return true;
  if (p.startsWith('*')) {
    const suffix = p.slice(1); // ".example.com"
    if (h.startsWith('*')) return h.slice(1).endsWith(suffix);
    return h.endsWith(suffix);
  }
  return false;
}

/** True if two host patterns can match a common host (either way round). */
export function hostsOverlap(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** Gateway server hosts may carry a namespace: "ns/host", "./host", "*\/host". */
export function splitGatewayHost(h: string): { namespace: string | undefined; host: string } {
  const i = h.indexOf('/');
  if (i < 0) return { namespace: undefined, host: h };
  const ns = h.slice(0, i);
  return { namespace: ns === '*' ? undefined : ns, host: h.slice(i + 1) };
}

/** Resolve a gateway reference ("gw", "ns/gw", "mesh") written in a resource of `namespace`. */
export function resolveGatewayRef(ref: string, namespace: string): { name: string; namespace: string } | 'mesh' {
  if (ref === 'mesh') return 'mesh';
  const i = ref.indexOf('/');
  if (i >= 0) return { namespace: ref.slice(0, i), name: ref.slice(i + 1) };
  // Istio also accepts "name.namespace.svc.cluster.local" style references; the short form is the common one.
  const parts = ref.split('.');
  if (parts.length >= 2 && parts[0] && parts[1]) return { name: parts[0], namespace: parts[1] };
  return { name: ref, namespace };
}
