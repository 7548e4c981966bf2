/**
 * Workloads as the graph sees them: Deployments (their pod template) and Pods that no
 * Deployment owns, with their data plane (sidecar, ambient or none, or one of Istio's
 * own proxies) from the one data-plane model (lib/istio/dataplane.ts) and the
 * app/version grouping. Pure.
 *
 *   collectWorkloads(resources) -> Workload[]
 *   versionKey(labels, versionLabels) -> { app, version?, keys } | undefined
 */
import { dataPlaneModel, MODE_TEXT, podMeta, templateMeta, type ProxyRole, type WorkloadDataPlane } from '../dataplane';
import { matchesSelector } from '../labels';
import type { MeshResources } from '../resources';
import type { Container, Pod } from '../types';
import { nsOf, oldestFirst } from '../security/common';
import type { DataPlaneInfo, SidecarInfo } from './types';

export interface Workload {
  kind: 'Deployment' | 'Pod';
  name: string;
  namespace: string;
  /** Pod (template) labels. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  serviceAccount: string;
  containers: Container[];
  replicas?: number;
  pods: Pod[];
  dataPlane: WorkloadDataPlane;
  /** Derived from dataPlane (injected: the mode is sidecar). */
  sidecar: SidecarInfo;
}

export const DEFAULT_VERSION_LABELS: Array<[string, string]> = [
  ['app', 'version'],
  ['app.kubernetes.io/name', 'app.kubernetes.io/version'],
];

/** The graph's summary of a workload's data plane. */
export function dataPlaneInfo(d: WorkloadDataPlane): DataPlaneInfo {
  return { mode: d.mode, reason: d.reason, expected: d.expected, restartNeeded: d.restartNeeded, ...(d.pods ? { pods: d.pods } : {}) };
}

function sidecarInfo(d: WorkloadDataPlane): SidecarInfo {
  if (d.mode === 'sidecar') return { injected: true, reason: d.reason };
  return { injected: false, reason: d.mode === 'ambient' ? `no sidecar: ${MODE_TEXT.ambient} (${d.reason})` : d.reason };
}

export function collectWorkloads(r: MeshResources): Workload[] {
  const model = dataPlaneModel(r);
  const podsByNs = new Map<string, Pod[]>();
  for (const p of r.pods) {
    const ns = nsOf(p);
    const l = podsByNs.get(ns);
    if (l) l.push(p);
    else podsByNs.set(ns, [p]);
  }
  const owned = new Set<Pod>();
  const out: Workload[] = [];
  for (const d of [...r.deployments].sort(oldestFirst)) {
    const ns = nsOf(d);
    const tpl = d.spec?.template;
    const labels = { ...(tpl?.metadata?.labels ?? {}) };
    const selector = d.spec?.selector;
    const pods =
      selector && (selector.matchLabels || selector.matchExpressions)
        ? (podsByNs.get(ns) ?? []).filter((p) => !owned.has(p) && matchesSelector(selector, p.metadata.labels))
        : [];
    for (const p of pods) owned.add(p);
    const annotations = { ...(tpl?.metadata?.annotations ?? {}) };
    const containers = tpl?.spec?.containers ?? [];
    const dataPlane = model.workload(ns, templateMeta(tpl), pods.map(podMeta));
    out.push({
      kind: 'Deployment',
      name: d.metadata.name,
      namespace: ns,
      labels,
      annotations,
      serviceAccount: tpl?.spec?.serviceAccountName || tpl?.spec?.serviceAccount || 'default',
      containers,
      replicas: d.spec?.replicas ?? 1,
      pods,
      dataPlane,
      sidecar: sidecarInfo(dataPlane),
    });
  }
  for (const p of [...r.pods].sort(oldestFirst)) {
    if (owned.has(p)) continue;
    const ns = nsOf(p);
    const labels = { ...(p.metadata.labels ?? {}) };
    const annotations = { ...(p.metadata.annotations ?? {}) };
    const dataPlane = model.workload(ns, podMeta(p), [podMeta(p)]);
    const containers = (p.spec?.containers ?? []).filter((c) => c.name !== 'istio-proxy' || dataPlane.proxy);
    out.push({
      kind: 'Pod',
      name: p.metadata.name,
      namespace: ns,
      labels,
      annotations,
      serviceAccount: p.spec?.serviceAccountName || p.spec?.serviceAccount || 'default',
      containers,
      pods: [p],
      dataPlane,
      sidecar: sidecarInfo(dataPlane),
    });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

export function versionKey(
  labels: Record<string, string>,
  versionLabels: ReadonlyArray<readonly [string, string]>,
): { app: string; version?: string; keys: [string, string] } | undefined {
  for (const [appKey, versionKeyName] of versionLabels) {
    const app = labels[appKey];
    if (app) return { app, version: labels[versionKeyName] || undefined, keys: [appKey, versionKeyName] };
  }
  return undefined;
}

/** Istio's own proxy this workload is (gateway, waypoint, ztunnel), from the data-plane model. */
export function proxyOf(w: Pick<Workload, 'dataPlane'>): ProxyRole | undefined {
  return w.dataPlane.proxy;
}

/** Ingress or egress, for gateway workloads (Istio's installers label egress gateways istio=egressgateway / egress). */
export function gatewayRole(w: Pick<Workload, 'labels'>): 'ingress' | 'egress' {
  const istio = w.labels['istio'];
  return istio === 'egressgateway' || istio === 'egress' ? 'egress' : 'ingress';
}
