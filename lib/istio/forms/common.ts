/**
 * What every form builder shares: the result shape (writes + warnings), starting a
 * replacement from the live object, minimal output, and a small model of the mesh's
 * workloads (pod labels, service account, sidecar or not). Pure.
 */
import type { z } from 'zod';
import { namespaceDataPlane, observePod, podMeta, proxyRole, SIDECAR_INJECT, templateMeta, workloadDataPlane, type NamespaceDataPlane } from '../dataplane';
import { matchesLabels, matchesSelector } from '../labels';
import { fqdn } from '../hosts';
import { indexResources, resourceId, type MeshResources } from '../resources';
import type { Deployment, K8sObject, Namespace, Pod, PodSpec, Service } from '../types';
import { DEFAULT_ROOT_NAMESPACE, DEFAULT_TRUST_DOMAIN } from '../types';
import { toFieldIssues, type FieldIssue } from './issues';
import { deepEqual } from '../util';

/* ---- results ---- */

/** Any Kubernetes object, whatever its spec type. */
export type AnyK8sObject = K8sObject<object>;

export type WriteAction = 'create' | 'replace';

export interface FormWrite {
  action: WriteAction;
  /** The object to send: the whole object for create, the whole edited object for replace (PUT). */
  object: K8sObject;
  /** The live object a replace starts from (for the diff); absent for create. */
  base?: K8sObject;
}

export interface FormWarning {
  /** Stable code, e.g. "MTLS_STRICT_CLIENT_NO_SIDECAR". */
  code: string;
  message: string;
}

export interface BuildResult {
  writes: FormWrite[];
  warnings: FormWarning[];
  /** Field errors when the state did not pass the form's schema; then `writes` is empty. */
  errors: FieldIssue[];
}

/** Validate `state` with `schema`; on failure return the errors as a result with nothing to write. */
export function checkState<S>(schema: z.ZodType<S>, state: unknown): { ok: true; state: S } | { ok: false; result: BuildResult } {
  const parsed = schema.safeParse(state);
  if (parsed.success) return { ok: true, state: parsed.data };
  return { ok: false, result: { writes: [], warnings: [], errors: toFieldIssues(parsed.error) } };
}

/* ---- objects ---- */

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export { deepEqual };

/**
 * The starting point of a replacement: a copy of the live object without what the
 * server owns and a form must not send back (status, managedFields). Labels,
 * annotations, resourceVersion (so the server refuses a concurrent change) and every
 * spec field stay.
 */
export function startFrom<T extends AnyK8sObject>(live: T): T {
  const copy = clone(live);
  delete copy.status;
  delete copy.metadata.managedFields;
  return copy;
}

export function newObject<T extends AnyK8sObject>(apiVersion: string, kind: string, name: string, namespace: string | undefined, spec?: T['spec']): T {
  const obj: AnyK8sObject = { apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace } };
  if (spec !== undefined) obj.spec = spec;
  return obj as T;
}

/**
 * Remove undefined values, empty objects and empty arrays, recursively. Used on the
 * parts a form builds, never on a whole live object (a user's own "{}" stays theirs).
 */
export function compact<T>(v: T): T {
  if (Array.isArray(v)) {
    return v.map((x) => compact(x)).filter((x) => !isEmptyValue(x)) as unknown as T;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const c = compact(x);
      if (!isEmptyValue(c)) out[k] = c;
    }
    return out as T;
  }
  return v;
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** Set `obj[key]` to a compacted value, or delete the key when the value is empty. */
export function setOrDelete(obj: Record<string, unknown>, key: string, value: unknown): void {
  const c = compact(value);
  if (isEmptyValue(c)) delete obj[key];
  else obj[key] = c;
}

/**
 * Add a write for `next`: a create when there is no live object, a replace when the
 * live object differs, nothing when the edit changes nothing.
 */
export function pushWrite(writes: FormWrite[], next: AnyK8sObject, live: AnyK8sObject | undefined): void {
  if (!live) {
    writes.push({ action: 'create', object: next as K8sObject });
    return;
  }
  if (deepEqual(startFrom(live), next)) return;
  writes.push({ action: 'replace', object: next as K8sObject, base: live as K8sObject });
}

/** Every object of a MeshResources, in kind order. */
export function allObjects(r: MeshResources): AnyK8sObject[] {
  return [
    ...r.namespaces, ...r.services, ...r.deployments, ...r.pods, ...r.virtualServices, ...r.destinationRules, ...r.gateways,
    ...r.serviceEntries, ...r.sidecars, ...r.peerAuthentications, ...r.authorizationPolicies,
    ...r.gatewayClasses, ...r.k8sGateways, ...r.httpRoutes, ...r.grpcRoutes, ...r.tcpRoutes, ...r.tlsRoutes, ...r.referenceGrants, ...r.others,
  ] as AnyK8sObject[];
}

/**
 * The mesh as it would be after `writes`: each written object replaces the live one of
 * the same id, or is added. A new MeshResources object, so cached evaluations
 * (lib/istio/security) see the change. For "after" previews and tests.
 */
export function withWrites(r: MeshResources, writes: readonly FormWrite[]): MeshResources {
  const next = new Map<string, AnyK8sObject>();
  for (const w of writes) next.set(resourceId(w.object), w.object);
  const out: AnyK8sObject[] = [];
  for (const o of allObjects(r)) {
    const id = resourceId(o);
    const replaced = next.get(id);
    out.push(replaced ?? o);
    next.delete(id);
  }
  out.push(...next.values());
  return indexResources(out as K8sObject[], r.meshConfig);
}

/** Field paths ("spec/http[0]/route") where `next` differs from `base`, for a change summary. */
export function changedPaths(base: unknown, next: unknown, prefix = ''): string[] {
  if (deepEqual(base, next)) return [];
  const bothObjects = base && next && typeof base === 'object' && typeof next === 'object' && Array.isArray(base) === Array.isArray(next);
  if (!bothObjects) return [prefix || '/'];
  if (Array.isArray(base)) {
    const n = next as unknown[];
    if (base.length !== n.length) return [prefix || '/'];
    return base.flatMap((x, i) => changedPaths(x, n[i], `${prefix}[${i}]`));
  }
  const b = base as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(n)])];
  return keys.flatMap((k) => changedPaths(b[k], n[k], prefix ? `${prefix}/${k}` : k));
}

export function sameName(a: AnyK8sObject, name: string, namespace: string | undefined): boolean {
  return a.metadata.name === name && (a.metadata.namespace ?? undefined) === namespace;
}

/** A name not used by any of `taken` (in that namespace): `base`, then base-2, base-3 ... */
export function freeName(base: string, taken: readonly AnyK8sObject[], namespace: string): string {
  const used = new Set(taken.filter((o) => o.metadata.namespace === namespace).map((o) => o.metadata.name));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

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
  if (ports.length && !ports.includes(s.port)) return [{ path: 'port', message: `${s.service} has no port ${s.port}; choose ${ports.length === 1 ? '' : 'one of '}${listInWords(ports.map(String))}` }];
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
    const plane = workloadDataPlane(findNamespace(r, ns)?.metadata.labels, templateMeta(d.spec?.template), pods.map(podMeta), { namespace: ns, rootNamespace: rootNamespace(r) });
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
  return r.services.filter((s) => s.metadata.namespace === namespace && s.spec?.selector && Object.keys(s.spec.selector).length > 0 && matchesLabels(s.spec.selector, labels));
}

export function workloadLabel(w: Workload): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

/** "a, b and c" */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
