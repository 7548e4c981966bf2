/**
 * The mesh as the forms read it: mesh settings (root namespace, trust domain), lookups of
 * namespaces and services, sidecar injection labels, and the workloads (pod labels,
 * service account, sidecar or not) from the data-plane model (lib/istio/dataplane.ts). Pure.
 */
import { namespaceDataPlane, observePod, podMeta, proxyRole, SIDECAR_INJECT, templateMeta, workloadDataPlane, type NamespaceDataPlane } from '../dataplane';
import { fqdn } from '../hosts';
import { matchesLabels, matchesSelector } from '../labels';
import type { MeshResources } from '../resources';
import type { Deployment, Namespace, Pod, PodSpec, Service } from '../types';
import { DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN } from '../types';
import { listInWords, type AnyK8sObject } from './objects';
import type { FieldIssue } from './issues';

/* ---- mesh settings ---- */

export function rootNamespace(r: MeshResources): string {
  return r.meshConfig?.rootNamespace || DEFAULT_ROOT_NAMESPACE;
}

export function trustDomain(r: MeshResources): string {
  return r.meshConfig?.trustDomain || DEFAULT_TRUST_DOMAIN;
}

export function principalOf(td: string, namespace: string, serviceAccount: string): string {
  return `${td}/ns/${namespace}/sa/${serviceAccount}`;
}

export function findNamespace(r: MeshResources, name: string): Namespace | undefined {
  return r.namespaces.find((n) => n.metadata.name === name);
}

export function findService(r: MeshResources, namespace: string, name: string): Service | undefined {
  return r.services.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
}

/** The exposed Service must exist and the port must be one of its ports (the expose form, either gateway API). */
export function exposedServiceIssues(s: { namespace: string; service: string; port: number }, r: MeshResources): FieldIssue[] {
  const svc = findService(r, s.namespace, s.service);
  if (!svc) return [{ path: 'service', message: `There is no Service ${s.service} in namespace ${s.namespace}` }];
  const ports = (svc.spec?.ports ?? []).map((p) => p.port);
  if (ports.length && !ports.includes(s.port))
    return [{ path: 'port', message: `${s.service} has no port ${s.port}; choose ${ports.length === 1 ? '' : 'one of '}${listInWords(ports.map(String))}` }];
  return [];
}

/** Hosts (FQDN) of a Kubernetes Service. */
export function serviceHost(namespace: string, name: string): string {
  return fqdn(name, namespace);
}

/* ---- sidecar injection, as the Istio webhook decides it ---- */

export { INJECTION_LABEL, REVISION_LABEL, SIDECAR_INJECT as INJECT_OVERRIDE } from '../dataplane';

export type NamespaceInjection = NamespaceDataPlane['injection'];

/** The namespace's injection labels, as the data-plane model reads them (lib/istio/dataplane.ts). */
export function namespaceInjection(ns: Namespace | undefined): { mode: NamespaceInjection; revision?: string } {
  const d = namespaceDataPlane(ns?.metadata.name ?? '', ns?.metadata.labels);
  return d.revision ? { mode: d.injection, revision: d.revision } : { mode: d.injection };
}

/**
 * The pod-level override the injection form shows and writes: the label
 * sidecar.istio.io/inject, or the older annotation of the same name when there is no
 * label (the label wins when both are set, as in the data-plane model). What the
 * injector then decides is the data-plane model's injectionDecision.
 */
export function podInjectOverride(meta: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): 'true' | 'false' | undefined {
  const v = meta?.labels?.[SIDECAR_INJECT] ?? meta?.annotations?.[SIDECAR_INJECT];
  if (v === undefined) return undefined;
  return v === 'true' ? 'true' : 'false';
}

/* ---- workloads ---- */

export interface Workload {
  kind: 'Deployment' | 'Pod';
  name: string;
  namespace: string;
  /** Labels of its pods. */
  labels: Record<string, string>;
  serviceAccount: string;
  /** Has (Pod) or will have (Deployment, predicted from the injection labels) a sidecar. */
  hasSidecar: boolean;
  /** True for Istio gateways (they run a proxy of their own). */
  gateway: boolean;
  object: Deployment | Pod;
}

/**
 * Deployments, and pods that no Deployment of their namespace selects. A Deployment
 * whose pods are known takes the sidecar state from them; otherwise it is predicted.
 */
export function listWorkloads(r: MeshResources, namespace?: string): Workload[] {
  const out: Workload[] = [];
  const inNs = (o: AnyK8sObject) => namespace === undefined || o.metadata.namespace === namespace;
  for (const d of r.deployments.filter(inNs)) {
    const ns = d.metadata.namespace ?? 'default';
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const pods = r.pods.filter((p) => p.metadata.namespace === ns && d.spec?.selector && matchesSelector(d.spec.selector, p.metadata.labels));
    const plane = workloadDataPlane(findNamespace(r, ns)?.metadata.labels, templateMeta(d.spec?.template), pods.map(podMeta), {
      namespace: ns,
      rootNamespace: rootNamespace(r),
    });
    const gateway = plane.proxy !== undefined;
    out.push({
      kind: 'Deployment',
      name: d.metadata.name,
      namespace: ns,
      labels,
      serviceAccount: d.spec?.template?.spec?.serviceAccountName || d.spec?.template?.spec?.serviceAccount || 'default',
      hasSidecar: gateway || plane.mode === 'sidecar',
      gateway,
      object: d,
    });
  }
  for (const p of r.pods.filter(inNs)) {
    const ns = p.metadata.namespace ?? 'default';
    const owned = r.deployments.some((d) => d.metadata.namespace === ns && d.spec?.selector && matchesSelector(d.spec.selector, p.metadata.labels));
    if (owned) continue;
    const labels = p.metadata.labels ?? {};
    const meta = podMeta(p);
    const gateway = proxyRole(labels, meta, rootNamespace(r), ns) !== undefined;
    out.push({
      kind: 'Pod',
      name: p.metadata.name,
      namespace: ns,
      labels,
      serviceAccount: p.spec?.serviceAccountName || p.spec?.serviceAccount || 'default',
      hasSidecar: gateway || observePod(findNamespace(r, ns)?.metadata.labels, meta).mode === 'sidecar',
      gateway,
      object: p,
    });
  }
  return out;
}

/** The pod spec of a workload: a Deployment's pod template, or the Pod's own spec. */
export function podSpecOf(w: Pick<Workload, 'object'>): PodSpec | undefined {
  return w.object.kind === 'Pod' ? (w.object as Pod).spec : (w.object as Deployment).spec?.template?.spec;
}

/** The container ports a workload declares (each once, in container order), for per-port settings. */
export function containerPortsOf(w: Pick<Workload, 'object'> | undefined): number[] {
  if (!w) return [];
  const ports = (podSpecOf(w)?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
  return [...new Set(ports.filter((p): p is number => Number.isInteger(p) && p > 0))];
}

/** Workloads a Service selects (none for a Service without selector). */
export function workloadsOfService(r: MeshResources, svc: Service): Workload[] {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  return listWorkloads(r, svc.metadata.namespace).filter((w) => matchesLabels(sel, w.labels));
}

/** Services of `namespace` that select a workload with `labels`. */
export function servicesOfWorkload(r: MeshResources, namespace: string, labels: Record<string, string>): Service[] {
  return r.services.filter(
    (s) => s.metadata.namespace === namespace && s.spec?.selector && Object.keys(s.spec.selector).length > 0 && matchesLabels(s.spec.selector, labels),
  );
}

export function workloadLabel(w: Workload): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}
