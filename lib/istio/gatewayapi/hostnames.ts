/**
 * Hostnames as the Gateway API matches them (https://gateway-api.sigs.k8s.io/reference/spec/#hostname):
 * a leading "*." is a suffix match on one or more labels ("*.example.com" matches
 * "a.example.com" and "a.b.example.com", not "example.com"); no hostname means any.
 * Pure.
 */

export function hostnameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (p.startsWith('*.')) {
    const suffix = p.slice(1); // ".example.com"
    if (h.startsWith('*.')) return h.slice(1).endsWith(suffix) && h.length > p.length;
    return h.endsWith(suffix) && h.length > suffix.length;
  }
  return false;
}

/**
 * The hostnames a route serves on a listener: the intersection of the listener's
 * hostname (undefined: any) and the route's hostnames (empty: any), as the spec
 * defines it. An empty result with `matched: false` means the route is refused
 * (NoMatchingListenerHostname); `hosts` empty with `matched: true` means "any".
 */
export function intersectHostnames(listenerHostname: string | undefined, routeHostnames: readonly string[] | undefined): { matched: boolean; hosts: string[] } {
  const route = (routeHostnames ?? []).filter((h) => !!h);
  if (!listenerHostname) return { matched: true, hosts: [...route] };
  if (!route.length) return { matched: true, hosts: [listenerHostname] };
  const hosts: string[] = [];
  for (const r of route) {
    if (hostnameMatches(listenerHostname, r) || listenerHostname.toLowerCase() === r.toLowerCase()) hosts.push(r);
    else if (hostnameMatches(r, listenerHostname)) hosts.push(listenerHostname);
  }
  return { matched: hosts.length > 0, hosts: [...new Set(hosts)] };
}
