/**
 * Workloads as the graph sees them: Deployments (their pod template) and Pods that no
 * Deployment owns, with the sidecar decision and the app/version grouping. Pure.
 *
 *   collectWorkloads(resources) -> Workload[]
 *   sidecarDecision(nsLabels, podLabels, podAnnotations, containers, pods?) -> SidecarInfo
 *   versionKey(labels, versionLabels) -> { app, version?, keys } | undefined
 *
 * Sidecar decision, in order: running pods decide (an istio-proxy container, or the
 * sidecar.istio.io/status annotation, means injected); a pod template that already has
 * an istio-proxy container (gateways) is in the mesh; otherwise Istio's injection
 * policy: "false"/"disabled" on the pod (label or annotation sidecar.istio.io/inject) or
 * namespace (istio-injection) wins, then "true"/"enabled" or an istio.io/rev label;
 * nothing set means not injected (Istio's default webhook only injects opted-in pods).
 * The pod annotation is honoured like the label because older Istio and Maistra/OpenShift
 * Service Mesh use it (scenario S3).
 */
import { matchesSelector } from '../labels';
import type { MeshResources } from '../resources';
import type { Container, Pod } from '../types';
import { nsOf, oldestFirst } from '../security/common';
import type { SidecarInfo } from './types';

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
  sidecar: SidecarInfo;
}

export const DEFAULT_VERSION_LABELS: Array<[string, string]> = [
  ['app', 'version'],
  ['app.kubernetes.io/name', 'app.kubernetes.io/version'],
];

const INJECT = 'sidecar.istio.io/inject';

function hasProxy(containers: readonly Container[] | undefined): boolean {
  return !!containers?.some((c) => c.name === 'istio-proxy');
}

export function sidecarDecision(
  nsLabels: Record<string, string> | undefined,
  podLabels: Record<string, string>,
  podAnnotations: Record<string, string>,
  templateContainers: readonly Container[],
  pods?: readonly Pod[],
): SidecarInfo {
  if (pods && pods.length) {
    const injected = pods.filter((p) => hasProxy(p.spec?.containers) || hasProxy(p.spec?.initContainers) || !!p.metadata.annotations?.['sidecar.istio.io/status']);
    if (injected.length === pods.length) return { injected: true, reason: 'running pods have an istio-proxy sidecar' };
    if (injected.length) return { injected: true, reason: `${injected.length} of ${pods.length} running pods have an istio-proxy sidecar` };
    return { injected: false, reason: 'running pods have no istio-proxy container' };
  }
  if (hasProxy(templateContainers as Container[])) return { injected: true, reason: 'the pod template runs istio-proxy itself (a gateway or a pre-injected workload)' };
  const podLabel = podLabels[INJECT];
  const podAnn = podAnnotations[INJECT];
  const nsInject = nsLabels?.['istio-injection'];
  const nsRev = nsLabels?.['istio.io/rev'];
  if (podLabel === 'false') return { injected: false, reason: `pod label ${INJECT}=false` };
  if (podAnn === 'false') return { injected: false, reason: `pod annotation ${INJECT}=false` };
  if (nsInject === 'disabled') return { injected: false, reason: 'namespace label istio-injection=disabled' };
  if (podLabel === 'true') return { injected: true, reason: `pod label ${INJECT}=true` };
  if (nsInject === 'enabled') return { injected: true, reason: 'namespace label istio-injection=enabled' };
  if (nsRev) return { injected: true, reason: `namespace label istio.io/rev=${nsRev}` };
  if (podLabels['istio.io/rev']) return { injected: true, reason: `pod label istio.io/rev=${podLabels['istio.io/rev']}` };
  if (podAnn === 'true') return { injected: true, reason: `pod annotation ${INJECT}=true (the label form is what current Istio reads)` };
  return { injected: false, reason: 'no injection label on the namespace or the pod' };
}

export function collectWorkloads(r: MeshResources): Workload[] {
  const nsLabels = new Map<string, Record<string, string>>();
  for (const n of r.namespaces) nsLabels.set(n.metadata.name, n.metadata.labels ?? {});
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
    const pods = selector && (selector.matchLabels || selector.matchExpressions)
      ? (podsByNs.get(ns) ?? []).filter((p) => !owned.has(p) && matchesSelector(selector, p.metadata.labels))
      : [];
    for (const p of pods) owned.add(p);
    const annotations = { ...(tpl?.metadata?.annotations ?? {}) };
    const containers = tpl?.spec?.containers ?? [];
    out.push({
      kind: 'Deployment', name: d.metadata.name, namespace: ns, labels, annotations,
      serviceAccount: tpl?.spec?.serviceAccountName || tpl?.spec?.serviceAccount || 'default',
      containers, replicas: d.spec?.replicas ?? 1, pods,
      sidecar: sidecarDecision(nsLabels.get(ns), labels, annotations, containers, pods),
    });
  }
  for (const p of [...r.pods].sort(oldestFirst)) {
    if (owned.has(p)) continue;
    const ns = nsOf(p);
    const labels = { ...(p.metadata.labels ?? {}) };
    const annotations = { ...(p.metadata.annotations ?? {}) };
    const containers = (p.spec?.containers ?? []).filter((c) => c.name !== 'istio-proxy');
    out.push({
      kind: 'Pod', name: p.metadata.name, namespace: ns, labels, annotations,
      serviceAccount: p.spec?.serviceAccountName || p.spec?.serviceAccount || 'default',
      containers, pods: [p],
      sidecar: sidecarDecision(nsLabels.get(ns), labels, annotations, containers, [p]),
    });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

export function versionKey(labels: Record<string, string>, versionLabels: ReadonlyArray<readonly [string, string]>): { app: string; version?: string; keys: [string, string] } | undefined {
  for (const [appKey, versionKeyName] of versionLabels) {
    const app = labels[appKey];
    if (app) return { app, version: labels[versionKeyName] || undefined, keys: [appKey, versionKeyName] };
  }
  return undefined;
}

/**
 * Gateway workloads are recognised by Istio's well-known labels (istio=ingressgateway /
 * egressgateway from istioctl installs, istio=ingress / egress from the Helm gateway
 * chart) even when no Gateway selects them.
 */
export function looksLikeGateway(w: Pick<Workload, 'labels'>): 'ingress' | 'egress' | undefined {
  const istio = w.labels['istio'];
  if (istio === 'ingressgateway' || istio === 'ingress') return 'ingress';
  if (istio === 'egressgateway' || istio === 'egress') return 'egress';
  return undefined;
}

/** Can this workload be a gateway proxy? (well-known labels, an istio-proxy container, or the gateway injection template) */
export function isProxyWorkload(w: Pick<Workload, 'labels' | 'annotations' | 'containers'>): boolean {
  if (looksLikeGateway(w)) return true;
  if (w.containers.some((c) => c.name === 'istio-proxy')) return true;
  return (w.annotations['inject.istio.io/templates'] ?? '').split(',').includes('gateway');
}
