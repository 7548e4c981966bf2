import type { TypeRef } from '@/lib/client/mutations';
import type { KindSummary } from '@/lib/contracts/api';
import type { MeshScope } from '@/lib/contracts/forms';
import type { MtlsScope } from '@/lib/istio/forms/mtls';
import { parseApiVersion } from '@/lib/istio/kinds';
import type { K8sObject } from '@/lib/istio/types';

/**
 * The mesh tasks and their URLs. The graph's side panel, the overview and the
 * service/namespace pages link here: /forms/{job}?ns=&service=&workload=&scope=.
 */
export type FormJob = 'mtls' | 'expose' | 'serviceentry' | 'traffic' | 'injection' | 'callers' | 'ambient';

export interface JobInfo {
  job: FormJob;
  title: string;
  summary: string;
  /** The page's introduction. */
  intro: string;
  /** What the link needs besides ?ns=. */
  needs: 'namespace' | 'service' | 'workload';
}

export const JOBS: readonly JobInfo[] = [
  {
    job: 'mtls',
    title: 'mTLS',
    summary: 'STRICT, PERMISSIVE or DISABLE for the mesh, a namespace or a workload; optionally the client side.',
    intro:
      "Set STRICT, PERMISSIVE or DISABLE where it belongs: the mesh-wide policy in the root namespace, the namespace's policy, or a workload's (with per-port modes). The effective mode and where it comes from are shown before and after.",
    needs: 'namespace',
  },
  {
    job: 'expose',
    title: 'Expose a service',
    summary: 'Publish a service through an ingress Gateway (Istio or Gateway API): hosts, HTTP/HTTPS, redirect, paths.',
    intro:
      'Route requests from outside through an ingress Gateway to a service — an Istio Gateway + VirtualService, or a Gateway API Gateway + HTTPRoute (the form suggests what the mesh already uses and edits existing routes in place): host names, HTTP and HTTPS, an optional redirect, paths with rewrite, timeout and retries.',
    needs: 'service',
  },
  {
    job: 'serviceentry',
    title: 'External system (ServiceEntry)',
    summary: 'Let the mesh reach a database or API outside it: hosts, addresses, ports, resolution.',
    intro:
      'Declare a system outside the mesh (or an extra internal one) so sidecars can reach it: hosts, addresses, ports and protocols, location, resolution and visibility.',
    needs: 'namespace',
  },
  {
    job: 'traffic',
    title: 'Traffic shifting',
    summary: 'Split traffic between versions, canary steps, timeout, retries, fault injection.',
    intro:
      "Split a service's traffic between its versions. Subsets come from the versions found on its workloads; the existing VirtualService and DestinationRule are edited in place, or, where the service is routed with the Gateway API (or its namespace is ambient), the HTTPRoute with the Service as parent.",
    needs: 'service',
  },
  {
    job: 'injection',
    title: 'Sidecar injection',
    summary: 'Namespace label and per-workload override; which pods need a restart.',
    intro:
      'Turn sidecar injection on or off for a namespace (istio-injection or istio.io/rev) and override it per workload. Pods only change when they are recreated: the ones that need a restart are listed.',
    needs: 'namespace',
  },
  {
    job: 'callers',
    title: 'Caller restrictions',
    summary: 'Allow a workload to be called only from chosen namespaces or service accounts.',
    intro:
      'Allow a workload to be called only from chosen namespaces or service accounts (an ALLOW AuthorizationPolicy), and preview which known callers would be allowed or denied.',
    needs: 'workload',
  },
  {
    job: 'ambient',
    title: 'Ambient mode',
    summary: 'Enroll a namespace or a service in ambient, create a waypoint and use it; which pods change.',
    intro:
      'Move a namespace, or the workloads of one service, to ambient mode (ztunnel instead of sidecars), create a waypoint as istioctl waypoint apply does, and choose it with istio.io/use-waypoint. What changes for each workload is listed: sidecars to remove, pods to restart.',
    needs: 'namespace',
  },
];

export function jobInfo(job: FormJob): JobInfo {
  return JOBS.find((j) => j.job === job)!;
}

/** "/forms/traffic?ns=shop&service=user-service" (empty values left out). */
export function formHref(job: FormJob, params: { ns?: string; service?: string; workload?: string; scope?: string; name?: string } = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  return qs ? `/forms/${job}?${qs}` : `/forms/${job}`;
}

/** What a form is about, from its URL (absent values are ""). */
export interface FormTarget {
  ns: string;
  service: string;
  workload: string;
  /** mTLS: mesh, namespace or workload. */
  scope: string;
}

/** The mTLS form's scope: ?scope= when valid, else a workload when one is named, a namespace when one is, else the mesh. */
export function mtlsScopeOf(t: Pick<FormTarget, 'ns' | 'workload' | 'scope'>): MtlsScope {
  if (t.scope === 'mesh' || t.scope === 'namespace' || t.scope === 'workload') return t.scope;
  return t.workload ? 'workload' : t.ns ? 'namespace' : 'mesh';
}

/**
 * How much of the mesh a form loads (GET /api/mesh, lib/contracts/forms MeshScope). Until
 * its target is chosen a form only shows pickers: the Namespace objects and the chosen
 * namespace's objects are enough. Then:
 *  - injection: its namespace (and the root namespace, for the control plane's revisions);
 *  - ServiceEntry, traffic shifting: Istio configuration of every namespace (entries for
 *    the same host elsewhere; VirtualServices routing the service from other namespaces),
 *    workloads of the namespace only;
 *  - mTLS, expose, callers: everything — clients without a sidecar anywhere in the mesh
 *    (STRICT), ingress workloads and gateways wherever they run, every known caller.
 */
export function meshScopeFor(job: FormJob, t: FormTarget): MeshScope {
  const ns = t.ns ? [t.ns] : [];
  const only: MeshScope = { scope: 'namespaces', namespaces: ns };
  const all: MeshScope = { scope: 'all', namespaces: [] };
  switch (job) {
    case 'injection':
      return only;
    case 'ambient':
      // The root namespace too (ztunnel), and waypoints' pods.
      return t.ns ? all : only;
    case 'serviceentry':
    case 'traffic':
      return t.ns ? { scope: 'workloads', namespaces: ns } : only;
    case 'expose':
      return t.ns && t.service ? all : only;
    case 'callers':
      return t.ns && t.workload ? all : only;
    case 'mtls': {
      const scope = mtlsScopeOf(t);
      const ready = scope === 'mesh' || (scope === 'namespace' && !!t.ns) || (scope === 'workload' && !!t.ns && !!t.workload);
      return ready ? all : only;
    }
  }
}

/** Where the resources API serves an object's kind: Istio kinds from /api/kinds, plus the core types the forms write. */
export function typeOfObject(o: K8sObject, kinds: readonly KindSummary[]): TypeRef | undefined {
  const { group, version } = parseApiVersion(o.apiVersion);
  if (group === '' && o.kind === 'Namespace') return { group: '', version, plural: 'namespaces' };
  if (group === 'apps' && o.kind === 'Deployment') return { group: 'apps', version, plural: 'deployments' };
  if (group === '' && o.kind === 'Service') return { group: 'core', version, plural: 'services' };
  const k = kinds.find((x) => x.group === group && x.kind === o.kind);
  return k ? { group, version, plural: k.plural } : undefined;
}
