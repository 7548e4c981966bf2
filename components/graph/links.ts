/** Links from the graph to the editor (the resources behind a node or edge) and to the forms. Pure. */
import { formHref } from '@/components/forms/catalog';
import { resourceNameHref, type ServedKind } from '@/lib/istio/address';
import type { GraphEdge, GraphNode, ResourceRef } from '@/lib/istio/graph/types';

/**
 * "VirtualService ns/name" -> /config/networking.istio.io/v1/virtualservices/ns/name (undefined for unknown kinds),
 * in the version the cluster serves when its kinds are given. A ResourceRef's group tells
 * Gateway API "Gateway ns/name" from Istio's.
 */
export function refHref(ref: string | ResourceRef, group?: string, kinds?: readonly ServedKind[]): string | undefined {
  const g = typeof ref === 'string' ? group : (ref.group ?? group);
  return resourceNameHref(typeof ref === 'string' ? ref : ref.resource, { group: g, kinds });
}

export interface FormLink {
  label: string;
  href: string;
}

/** Forms that change what a node is made of (routes built by the forms engineer). */
export function formLinks(n: GraphNode, lookup: (id: string) => GraphNode | undefined = () => undefined): FormLink[] {
  const ns = n.namespace;
  const out: FormLink[] = [];
  switch (n.kind) {
    case 'service':
      out.push({ label: 'Traffic shifting', href: formHref('traffic', { ns, service: n.name }) });
      out.push({ label: 'Expose through a gateway', href: formHref('expose', { ns, service: n.name }) });
      out.push({ label: 'mTLS', href: formHref('mtls', { ns }) });
      for (const id of n.versions.slice(0, 1)) {
        const v = lookup(id);
        const name = v && (v.kind === 'version' || v.kind === 'workload') ? v.workloads[0]?.name : undefined;
        if (name) out.push({ label: 'Restrict callers', href: formHref('callers', { ns, workload: name }) });
      }
      break;
    case 'version':
    case 'workload': {
      const name = n.workloads[0]?.name ?? (n.kind === 'workload' ? n.name : n.app);
      out.push({ label: 'Restrict callers', href: formHref('callers', { ns, workload: name }) });
      out.push({ label: 'Sidecar injection', href: formHref('injection', { ns }) });
      out.push({ label: 'mTLS', href: formHref('mtls', { ns }) });
      break;
    }
    case 'namespace':
      out.push({ label: 'Sidecar injection', href: formHref('injection', { ns }) });
      out.push({ label: 'mTLS', href: formHref('mtls', { ns }) });
      out.push({ label: 'New ServiceEntry', href: formHref('serviceentry', { ns }) });
      break;
    case 'external':
      out.push({
        label: n.serviceEntry ? 'Edit ServiceEntry' : 'Declare a ServiceEntry',
        href: formHref('serviceentry', { ns: ns ?? undefined, name: n.serviceEntry?.split('/').pop() }),
      });
      break;
    default:
      break;
  }
  return out;
}

/** Every resource behind a node or edge, deduplicated, with the field path when there is one. */
export function resourcesBehind(x: GraphNode | GraphEdge): ResourceRef[] {
  const refs: ResourceRef[] = [...x.refs];
  if ('kind' in x && (x.kind === 'namespace' || x.kind === 'version' || x.kind === 'workload') && 'mtls' in x && x.mtls.resource)
    refs.push({ resource: x.mtls.resource });
  if ('source' in x) {
    if (x.security?.server?.resource) refs.push({ resource: x.security.server.resource });
    if (x.security?.client.resource) refs.push({ resource: x.security.client.resource });
    if (x.authz?.policy) refs.push({ resource: x.authz.policy });
  }
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.resource}#${r.path ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
