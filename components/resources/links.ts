/** URL of a resource page: /config/{group}/{version}/{plural}/{namespace}/{name} */
export function resourceHref(r: { group: string; version: string; plural: string; namespace?: string; name: string }): string {
  return `/config/${encodeURIComponent(r.group || 'core')}/${encodeURIComponent(r.version)}/${encodeURIComponent(r.plural)}/${encodeURIComponent(r.namespace || '-')}/${encodeURIComponent(r.name)}`;
}
