/**
 * The data-plane model: for every namespace and workload, whether Istio's data plane
 * serves it with a sidecar, with ztunnel (ambient) or not at all, whether it is one of
 * Istio's own proxies (gateway, waypoint, ztunnel), and which waypoint serves its
 * traffic. The graph, the forms, the Overview and Meshboard's own analysis checks all
 * read it; the table of cases in dataplane.test.ts pins the rules. Pure.
 *
 * Sidecar injection, as Istio's injector decides it
 * (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy,
 * and pkg/kube/inject/webhook.go injectRequired):
 * - The webhook is only called for a pod when its namespace is labelled
 *   istio-injection=enabled, or carries istio.io/rev (and no istio-injection label:
 *   istio-injection takes precedence), or when the pod itself is labelled
 *   sidecar.istio.io/inject=true or istio.io/rev=<rev> in a namespace that is not
 *   istio-injection=disabled. A pod that opts in with the older annotation
 *   sidecar.istio.io/inject: "true" alone counts as opted in too: Maistra / OpenShift
 *   Service Mesh (member namespaces) and older Istio inject on it (scenario S3), while
 *   current upstream webhooks select pods by the label; the reason says so.
 * - Once called, the pod's override decides: the label sidecar.istio.io/inject, else the
 *   older annotation of the same name (the label wins when both are set); "true", "yes",
 *   "y" or "on" inject, any other value does not; no override injects.
 * - Host-network pods are never injected; a pod template that already runs istio-proxy
 *   (gateways) is a proxy of its own.
 *
 * Ambient capture, as istio-cni decides it (its enablementSelectors,
 * https://istio.io/latest/docs/ambient/usage/add-workloads/):
 * - A pod labelled istio.io/dataplane-mode=ambient, or a pod of a namespace labelled
 *   istio.io/dataplane-mode=ambient unless the pod is labelled istio.io/dataplane-mode=none.
 * - A pod with a sidecar is never captured: sidecar injection takes precedence. A
 *   host-network pod is never captured.
 * - istio-cni marks captured pods with the annotation ambient.istio.io/redirection=enabled.
 *
 * Running pods decide over the pod template: a pod created before a label changed keeps
 * what it got (restartNeeded says so). When the pods of one workload disagree (a rollout
 * in progress), the workload counts as the least covered of them (none < ambient <
 * sidecar) and `pods` says how many are which.
 *
 * Waypoints (https://istio.io/latest/docs/ambient/usage/waypoint/, and
 * pilot/pkg/serviceregistry/ambient/waypoints.go):
 * - A waypoint is a Gateway API Gateway of class istio-waypoint. The traffic it takes is
 *   its istio.io/waypoint-for label (service, workload, all, none), else its
 *   GatewayClass's, else "service".
 * - A Service (service-addressed traffic) or a pod (workload-addressed traffic) uses the
 *   waypoint named by its own istio.io/use-waypoint label (value "none" opts out, with no
 *   fallback), else its namespace's. istio.io/use-waypoint-namespace on the same object
 *   names a waypoint in another namespace. The waypoint must exist, accept the namespace
 *   on its HBONE listener (allowedRoutes, default Same), and take that kind of traffic; a
 *   workload that only inherits a service waypoint from its namespace simply has none.
 * - Ingress gateways send to the backend directly, bypassing its waypoint, unless the
 *   Service (or its namespace) is labelled istio.io/ingress-use-waypoint=true.
 */
import { matchesSelector } from './labels';
import type { K8sGateway } from './gatewayapi/types';
import type { MeshResources } from './resources';
import type { Container, K8sObject, LabelSelector, Pod, Service } from './types';
import { GATEWAY_API_GROUP, parseApiVersion } from './kinds';

/* ---- labels and annotations ---- */

export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const SIDECAR_STATUS = 'sidecar.istio.io/status';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';
export const USE_WAYPOINT = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
export const WAYPOINT_FOR = 'istio.io/waypoint-for';
export const INGRESS_USE_WAYPOINT = 'istio.io/ingress-use-waypoint';
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
export const GATEWAY_CLASS_LABEL = 'gateway.networking.k8s.io/gateway-class-name';
export const GATEWAY_MANAGED_LABEL = 'gateway.istio.io/managed';
export const INJECT_TEMPLATES = 'inject.istio.io/templates';
export const ISTIO_PROXY = 'istio-proxy';
export const WAYPOINT_CLASS = 'istio-waypoint';

export type Labels = Record<string, string>;

/* ---- modes ---- */

export type DataPlaneMode = 'sidecar' | 'ambient' | 'none';
/** Istio's own proxies: they are in the mesh without a sidecar or ztunnel capture. */
export type ProxyRole = 'gateway' | 'waypoint' | 'ztunnel' | 'east-west';

const COVERAGE: Record<DataPlaneMode, number> = { none: 0, ambient: 1, sidecar: 2 };

export const MODE_TEXT: Record<DataPlaneMode, string> = { sidecar: 'sidecar', ambient: 'ambient (ztunnel)', none: 'outside the mesh' };

export interface NamespaceDataPlane {
  namespace: string;
  /** What a pod created now without labels of its own gets. */
  mode: DataPlaneMode;
  reason: string;
  injection: 'enabled' | 'disabled' | 'revision' | 'unset';
  revision?: string;
  /** istio.io/dataplane-mode as written on the namespace. */
  dataplaneLabel?: string;
  /** Both sidecar injection and ambient are asked for: sidecars win for injected pods. */
  conflict?: string;
}

export function namespaceDataPlane(name: string, labels: Labels | undefined): NamespaceDataPlane {
  const l = labels ?? {};
  const inj = l[INJECTION_LABEL];
  const rev = l[REVISION_LABEL];
  const dp = l[DATAPLANE_MODE_LABEL];
  const injection: NamespaceDataPlane['injection'] =
    inj === 'enabled' ? 'enabled' : inj === 'disabled' ? 'disabled' : inj === undefined && rev ? 'revision' : 'unset';
  const out: NamespaceDataPlane = { namespace: name, mode: 'none', reason: '', injection };
  if (injection === 'revision') out.revision = rev;
  if (dp !== undefined) out.dataplaneLabel = dp;
  if (injection === 'enabled' || injection === 'revision') {
    out.mode = 'sidecar';
    out.reason = injection === 'enabled' ? `namespace label ${INJECTION_LABEL}=enabled` : `namespace label ${REVISION_LABEL}=${rev}`;
    if (dp === 'ambient') {
      out.conflict = `the namespace asks for both sidecar injection (${out.reason}) and ambient (${DATAPLANE_MODE_LABEL}=ambient): injected pods keep their sidecar and ztunnel does not capture them (sidecar injection takes precedence)`;
    }
    return out;
  }
  if (dp === 'ambient') {
    out.mode = 'ambient';
    out.reason = `namespace label ${DATAPLANE_MODE_LABEL}=ambient`;
    return out;
  }
  out.reason = injection === 'disabled' ? `namespace label ${INJECTION_LABEL}=disabled` : 'no sidecar injection or ambient label on the namespace';
  return out;
}

/** What the data plane reads of a pod or pod template. */
export interface PodMeta {
  labels?: Labels;
  annotations?: Labels;
  containers?: ReadonlyArray<Pick<Container, 'name'>>;
  initContainers?: ReadonlyArray<Pick<Container, 'name'>>;
  hostNetwork?: boolean;
}

export interface ModeDecision {
  mode: DataPlaneMode;
  reason: string;
  /** Control-plane revision that injects the sidecar, when one is named. */
  revision?: string;
}

function truthy(v: string): boolean {
  const s = v.toLowerCase();
  return s === 'true' || s === 'yes' || s === 'y' || s === 'on';
}

function hasProxyContainer(p: PodMeta): boolean {
  return !!p.containers?.some((c) => c.name === ISTIO_PROXY) || !!p.initContainers?.some((c) => c.name === ISTIO_PROXY);
}

/** Would the injector add a sidecar to a pod created now? */
export function injectionDecision(nsLabels: Labels | undefined, pod: PodMeta): { inject: boolean; reason: string; revision?: string } {
  const ns = namespaceDataPlane('', nsLabels);
  const labels = pod.labels ?? {};
  const annotations = pod.annotations ?? {};
  if (pod.hostNetwork) return { inject: false, reason: 'host-network pods are never injected' };
  const podRev = labels[REVISION_LABEL];
  let called: string | undefined;
  if (ns.injection === 'enabled') called = ns.reason;
  else if (ns.injection === 'revision') called = ns.reason;
  else if (ns.injection !== 'disabled' && labels[SIDECAR_INJECT] === 'true') called = `pod label ${SIDECAR_INJECT}=true`;
  else if (ns.injection !== 'disabled' && podRev) called = `pod label ${REVISION_LABEL}=${podRev}`;
  else if (ns.injection !== 'disabled' && labels[SIDECAR_INJECT] === undefined && annotations[SIDECAR_INJECT] === 'true') {
    return {
      inject: true,
      reason: `pod annotation ${SIDECAR_INJECT}=true (the annotation form: Maistra/OpenShift Service Mesh and older Istio inject on it; current upstream Istio selects pods by the label)`,
    };
  }
  if (!called) {
    if (ns.injection === 'disabled') return { inject: false, reason: `namespace label ${INJECTION_LABEL}=disabled` };
    const own =
      labels[SIDECAR_INJECT] !== undefined
        ? `pod label ${SIDECAR_INJECT}=${labels[SIDECAR_INJECT]}`
        : annotations[SIDECAR_INJECT] !== undefined
          ? `pod annotation ${SIDECAR_INJECT}=${annotations[SIDECAR_INJECT]}`
          : undefined;
    return { inject: false, reason: own ?? 'no injection label on the namespace or the pod' };
  }
  const label = labels[SIDECAR_INJECT];
  const ann = annotations[SIDECAR_INJECT];
  const revision = ns.injection === 'revision' ? ns.revision : podRev;
  if (label !== undefined) {
    if (truthy(label)) return { inject: true, reason: `${called}${called.startsWith('pod label') ? '' : `; pod label ${SIDECAR_INJECT}=${label}`}`, revision };
    return { inject: false, reason: `pod label ${SIDECAR_INJECT}=${label}` };
  }
  if (ann !== undefined) {
    if (truthy(ann)) return { inject: true, reason: `${called}; pod annotation ${SIDECAR_INJECT}=${ann}`, revision };
    return { inject: false, reason: `pod annotation ${SIDECAR_INJECT}=${ann}` };
  }
  return { inject: true, reason: called, revision };
}

/** Would istio-cni hand a pod (without a sidecar) to ztunnel? */
export function ambientDecision(nsLabels: Labels | undefined, pod: PodMeta): { ambient: boolean; reason: string } {
  const own = pod.labels?.[DATAPLANE_MODE_LABEL];
  if (pod.hostNetwork) return { ambient: false, reason: 'host-network pods are never captured by ztunnel' };
  if (own === 'ambient') return { ambient: true, reason: `pod label ${DATAPLANE_MODE_LABEL}=ambient` };
  const nsAmbient = nsLabels?.[DATAPLANE_MODE_LABEL] === 'ambient';
  if (own === 'none')
    return {
      ambient: false,
      reason: nsAmbient ? `pod label ${DATAPLANE_MODE_LABEL}=none opts out of the ambient namespace` : `pod label ${DATAPLANE_MODE_LABEL}=none`,
    };
  if (nsAmbient) return { ambient: true, reason: `namespace label ${DATAPLANE_MODE_LABEL}=ambient` };
  return { ambient: false, reason: 'not enrolled in ambient' };
}

/** The mode a pod created now would get (from its template's labels and its namespace). */
export function predictPod(nsLabels: Labels | undefined, pod: PodMeta): ModeDecision {
  const inj = injectionDecision(nsLabels, pod);
  if (inj.inject) {
    const amb = ambientDecision(nsLabels, pod);
    const note = amb.ambient ? ` (${amb.reason} too: sidecar injection takes precedence, ztunnel does not capture it)` : '';
    return { mode: 'sidecar', reason: `${inj.reason}${note}`, revision: inj.revision };
  }
  const amb = ambientDecision(nsLabels, pod);
  if (amb.ambient) return { mode: 'ambient', reason: amb.reason };
  if (inj.reason === 'no injection label on the namespace or the pod' && amb.reason === 'not enrolled in ambient')
    return { mode: 'none', reason: 'no sidecar injection or ambient label on the namespace or the pod' };
  return { mode: 'none', reason: amb.reason === 'not enrolled in ambient' ? inj.reason : `${inj.reason}; ${amb.reason}` };
}

/** The mode a running pod has: its containers and the annotations the injector and istio-cni wrote. */
export function observePod(nsLabels: Labels | undefined, pod: PodMeta): ModeDecision {
  const ann = pod.annotations ?? {};
  if (hasProxyContainer(pod) || ann[SIDECAR_STATUS] !== undefined) return { mode: 'sidecar', reason: 'the pod runs an istio-proxy sidecar' };
  if (ann[AMBIENT_REDIRECTION] === 'enabled') return { mode: 'ambient', reason: `captured by ztunnel (annotation ${AMBIENT_REDIRECTION}=enabled)` };
  const amb = ambientDecision(nsLabels, pod);
  if (amb.ambient) {
    const pending = ann[AMBIENT_REDIRECTION] === 'pending' ? '; istio-cni reports the capture as pending' : '';
    return { mode: 'ambient', reason: `${amb.reason}${pending}` };
  }
  return { mode: 'none', reason: 'the pod has no istio-proxy sidecar and is not enrolled in ambient' };
}

/* ---- Istio's own proxies ---- */

/** Istio's own proxies, by the labels istiod's gateway controller and Istio's installers put on them. */
export function proxyRole(labels: Labels | undefined, pod?: PodMeta, rootNamespace = 'istio-system', namespace?: string): ProxyRole | undefined {
  const l = labels ?? {};
  const managed = l[GATEWAY_MANAGED_LABEL];
  if (managed === 'istio.io-mesh-controller' || l[GATEWAY_CLASS_LABEL] === WAYPOINT_CLASS) return 'waypoint';
  if (managed === 'istio.io-eastwest-controller') return 'east-west';
  if (managed === 'istio.io-gateway-controller' || l[GATEWAY_NAME_LABEL]) return 'gateway';
  if (l['app'] === 'ztunnel' && (namespace === undefined || namespace === rootNamespace)) return 'ztunnel';
  const istio = l['istio'];
  if (istio === 'ingressgateway' || istio === 'egressgateway' || istio === 'ingress' || istio === 'egress' || istio === 'eastwestgateway')
    return istio === 'eastwestgateway' ? 'east-west' : 'gateway';
  if (pod) {
    const main = pod.containers?.[0]?.name;
    if (main === ISTIO_PROXY) return 'gateway';
    if (
      (pod.annotations?.[INJECT_TEMPLATES] ?? '')
        .split(',')
        .map((s) => s.trim())
        .includes('gateway')
    )
      return 'gateway';
  }
  return undefined;
}

/* ---- workloads ---- */

export interface PodCounts {
  total: number;
  sidecar: number;
  ambient: number;
  none: number;
}

export interface WorkloadDataPlane {
  /** What serves the workload's traffic now (running pods when there are any). */
  mode: DataPlaneMode;
  reason: string;
  /** What a pod created now would get. */
  expected: DataPlaneMode;
  expectedReason: string;
  /** Running pods do not all match `expected`: a restart applies the current labels. */
  restartNeeded: boolean;
  /** Running pods by mode (absent without pods). */
  pods?: PodCounts;
  /** An Istio proxy (gateway, waypoint, ztunnel): in the mesh by itself. */
  proxy?: ProxyRole;
  /** Sidecar, ambient, or an Istio proxy: has a mesh identity and speaks mTLS. */
  inMesh: boolean;
  revision?: string;
}

export const PROXY_TEXT: Record<ProxyRole, string> = {
  gateway: 'an Istio gateway proxy',
  waypoint: 'a waypoint proxy',
  ztunnel: 'ztunnel, the ambient node proxy',
  'east-west': 'an east-west gateway proxy',
};

/**
 * A workload: a pod template (Deployment, StatefulSet...) with the pods it runs, or a
 * single Pod (template = the pod itself, pods = [it]).
 */
export function workloadDataPlane(
  nsLabels: Labels | undefined,
  template: PodMeta | undefined,
  pods: readonly PodMeta[] = [],
  opts: { namespace?: string; rootNamespace?: string } = {},
): WorkloadDataPlane {
  const tpl = template ?? pods[0] ?? {};
  const proxy = proxyRole(tpl.labels, tpl, opts.rootNamespace, opts.namespace);
  const predicted = predictPod(nsLabels, tpl);
  if (proxy) {
    return {
      mode: 'none',
      reason: PROXY_TEXT[proxy],
      expected: 'none',
      expectedReason: PROXY_TEXT[proxy],
      restartNeeded: false,
      proxy,
      inMesh: true,
      pods: pods.length ? { total: pods.length, sidecar: 0, ambient: 0, none: pods.length } : undefined,
    };
  }
  if (!pods.length) {
    return {
      mode: predicted.mode,
      reason: predicted.reason,
      expected: predicted.mode,
      expectedReason: predicted.reason,
      restartNeeded: false,
      inMesh: predicted.mode !== 'none',
      revision: predicted.revision,
    };
  }
  const counts: PodCounts = { total: pods.length, sidecar: 0, ambient: 0, none: 0 };
  let least: ModeDecision | undefined;
  for (const p of pods) {
    const o = observePod(nsLabels, p);
    counts[o.mode]++;
    if (!least || COVERAGE[o.mode] < COVERAGE[least.mode]) least = o;
  }
  const mode = least!.mode;
  const RUNNING: Record<DataPlaneMode, string> = {
    sidecar: 'running pods have an istio-proxy sidecar',
    ambient: `running pods are captured by ztunnel (${least!.reason})`,
    none: 'running pods have no istio-proxy sidecar and are not enrolled in ambient',
  };
  let reason = RUNNING[mode];
  if (counts[mode] !== counts.total) {
    const parts = (['sidecar', 'ambient', 'none'] as const).filter((m) => counts[m]).map((m) => `${counts[m]} ${m === 'none' ? 'outside the mesh' : m}`);
    reason = `pods disagree (${parts.join(', ')} of ${counts.total}): counted as ${MODE_TEXT[mode]}, the least covered`;
  }
  const restartNeeded = counts[predicted.mode] !== counts.total;
  if (restartNeeded && counts[mode] === counts.total) reason += `; new pods would be ${MODE_TEXT[predicted.mode]} (${predicted.reason}): restart to apply`;
  return {
    mode,
    reason,
    expected: predicted.mode,
    expectedReason: predicted.reason,
    restartNeeded,
    pods: counts,
    inMesh: mode !== 'none',
    revision: predicted.revision,
  };
}

/* ---- waypoints ---- */

export type WaypointTraffic = 'service' | 'workload' | 'all' | 'none';

export interface WaypointInfo {
  name: string;
  namespace: string;
  /** "Gateway ns/name" */
  resource: string;
  traffic: WaypointTraffic;
  trafficSource: string;
  /** Which namespaces may use it (its HBONE listener's allowedRoutes; Same by default). */
  allowedFrom: 'Same' | 'All' | 'Selector' | 'None';
  allowedSelector?: LabelSelector;
  /** The waypoint's own service account (its pods', or istiod's default: the Gateway's name). */
  serviceAccount: string;
  /** Programmed condition or addresses in status (undefined: no status, e.g. files). */
  ready?: boolean;
}

export function isWaypointGateway(g: K8sObject<object>): boolean {
  return (
    parseApiVersion(g.apiVersion).group === GATEWAY_API_GROUP &&
    g.kind === 'Gateway' &&
    (g.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName === WAYPOINT_CLASS
  );
}

const TRAFFIC = new Set(['service', 'workload', 'all', 'none']);

export function waypointOf(g: K8sGateway, classLabels?: Labels, podServiceAccounts: readonly string[] = []): WaypointInfo {
  const ns = g.metadata.namespace || 'default';
  const own = g.metadata.labels?.[WAYPOINT_FOR];
  const cls = classLabels?.[WAYPOINT_FOR];
  let traffic: WaypointTraffic = 'service';
  let trafficSource = 'the default (service)';
  if (cls !== undefined) {
    traffic = (TRAFFIC.has(cls) ? cls : 'service') as WaypointTraffic;
    trafficSource = `GatewayClass label ${WAYPOINT_FOR}=${cls}`;
  }
  if (own !== undefined) {
    traffic = (TRAFFIC.has(own) ? own : 'service') as WaypointTraffic;
    trafficSource = `label ${WAYPOINT_FOR}=${own}`;
  }
  const hbone = g.spec?.listeners?.find((l) => l.protocol === 'HBONE' && l.port === 15008);
  const from = hbone?.allowedRoutes?.namespaces?.from;
  const allowedFrom = (from === 'All' || from === 'Selector' || from === 'None' ? from : 'Same') as WaypointInfo['allowedFrom'];
  const status = g.status;
  let ready: boolean | undefined;
  if (status) {
    const programmed = status.conditions?.find((c) => c.type === 'Programmed');
    ready = programmed ? programmed.status === 'True' : (status.addresses?.length ?? 0) > 0 ? true : undefined;
  }
  const sas = [...new Set(podServiceAccounts)];
  return {
    name: g.metadata.name,
    namespace: ns,
    resource: `Gateway ${ns}/${g.metadata.name}`,
    traffic,
    trafficSource,
    allowedFrom,
    allowedSelector: hbone?.allowedRoutes?.namespaces?.selector,
    serviceAccount: sas.length === 1 ? sas[0]! : g.metadata.name,
    ready,
  };
}

export type WaypointBindingState = 'bound' | 'none' | 'opt-out' | 'missing' | 'wrong-traffic' | 'denied';

export interface WaypointBinding {
  state: WaypointBindingState;
  waypoint?: WaypointInfo;
  /** Where the choice comes from: the object's own label or its namespace's. */
  via?: 'own' | 'namespace';
  /** "ns/name" the labels name (also when it does not resolve). */
  named?: string;
  reason: string;
}

function parseUseWaypoint(labels: Labels | undefined, defaultNs: string): { none: true } | { name: string; namespace: string } | undefined {
  const v = labels?.[USE_WAYPOINT];
  if (v === undefined) return undefined;
  if (v === 'none') return { none: true };
  return { name: v, namespace: labels?.[USE_WAYPOINT_NAMESPACE] || defaultNs };
}

function allowsNamespace(w: WaypointInfo, ns: string, nsLabels: Labels | undefined): boolean {
  switch (w.allowedFrom) {
    case 'All':
      return true;
    case 'Selector':
      return matchesSelector(w.allowedSelector, nsLabels ?? {});
    case 'None':
      return false;
    default:
      return w.namespace === ns;
  }
}

/**
 * The waypoint that takes traffic addressed to a Service (`kind: 'service'`) or to a
 * pod (`kind: 'workload'`).
 */
export function waypointBinding(
  kind: 'service' | 'workload',
  target: { namespace: string; labels?: Labels },
  nsLabels: Labels | undefined,
  waypoints: ReadonlyMap<string, WaypointInfo>,
): WaypointBinding {
  const label = (via: 'own' | 'namespace', w: { name: string; namespace: string }) =>
    `${via === 'own' ? (kind === 'service' ? 'the Service' : 'the pod') : 'the namespace'} label ${USE_WAYPOINT}=${w.name}${w.namespace !== target.namespace ? ` (${USE_WAYPOINT_NAMESPACE}=${w.namespace})` : ''}`;
  let via: 'own' | 'namespace' = 'own';
  let use = parseUseWaypoint(target.labels, target.namespace);
  if (use && 'none' in use)
    return { state: 'opt-out', via: 'own', reason: `${kind === 'service' ? 'the Service' : 'the pod'} opts out with ${USE_WAYPOINT}=none` };
  if (!use) {
    via = 'namespace';
    use = parseUseWaypoint(nsLabels, target.namespace);
    if (use && 'none' in use) return { state: 'none', via, reason: `the namespace label ${USE_WAYPOINT}=none` };
  }
  if (!use) return { state: 'none', reason: 'no istio.io/use-waypoint label on it or its namespace' };
  const named = `${use.namespace}/${use.name}`;
  const w = waypoints.get(named);
  const what = label(via, use);
  if (!w) return { state: 'missing', via, named, reason: `${what}, but there is no waypoint (Gateway of class ${WAYPOINT_CLASS}) ${named}` };
  if (!allowsNamespace(w, target.namespace, nsLabels))
    return {
      state: 'denied',
      via,
      named,
      waypoint: w,
      reason: `${what}, but ${w.resource} only accepts ${w.allowedFrom === 'Same' ? 'its own namespace' : w.allowedFrom === 'None' ? 'no namespace' : 'namespaces matching its selector'} (allowedRoutes)`,
    };
  const accepts = w.traffic === 'all' || w.traffic === kind;
  if (!accepts) {
    if (kind === 'workload' && via === 'namespace')
      return {
        state: 'none',
        via,
        named,
        reason: `the namespace's waypoint ${named} is for ${w.traffic} traffic only (${w.trafficSource}), not workload-addressed traffic`,
      };
    return {
      state: 'wrong-traffic',
      via,
      named,
      waypoint: w,
      reason: `${what}, but ${w.resource} takes ${w.traffic} traffic only (${w.trafficSource}), not ${kind}-addressed traffic`,
    };
  }
  return { state: 'bound', via, named, waypoint: w, reason: what };
}

/** Does an ingress gateway send traffic for this Service through its waypoint? */
export function ingressUsesWaypoint(svcLabels: Labels | undefined, nsLabels: Labels | undefined): { uses: boolean; reason: string } {
  const own = svcLabels?.[INGRESS_USE_WAYPOINT];
  const v = own ?? nsLabels?.[INGRESS_USE_WAYPOINT];
  if (v === undefined)
    return {
      uses: false,
      reason: `ingress gateways send straight to the workloads, bypassing the waypoint (label ${INGRESS_USE_WAYPOINT}=true on the Service or namespace changes that)`,
    };
  const uses = v.toLowerCase() === 'true';
  return {
    uses,
    reason: uses
      ? `${own !== undefined ? 'the Service' : 'the namespace'} label ${INGRESS_USE_WAYPOINT}=true`
      : `${own !== undefined ? 'the Service' : 'the namespace'} label ${INGRESS_USE_WAYPOINT}=${v}: ingress bypasses the waypoint`,
  };
}

/* ---- the model of a mesh ---- */

/** What the model reads: a MeshResources (k8sGateways: Gateway API Gateways of any class; waypoints are picked out). */
export type DataPlaneInputs = Pick<MeshResources, 'namespaces' | 'pods' | 'k8sGateways' | 'gatewayClasses' | 'meshConfig'>;

export interface DataPlaneModel {
  rootNamespace: string;
  namespace(name: string): NamespaceDataPlane;
  namespaceLabels(name: string): Labels | undefined;
  /** Waypoints by "ns/name". */
  waypoints: ReadonlyMap<string, WaypointInfo>;
  serviceWaypoint(svc: Pick<Service, 'metadata'>): WaypointBinding;
  workloadWaypoint(namespace: string, podLabels: Labels | undefined): WaypointBinding;
  ingressUsesWaypoint(svc: Pick<Service, 'metadata'>): { uses: boolean; reason: string };
  workload(namespace: string, template: PodMeta | undefined, pods?: readonly PodMeta[]): WorkloadDataPlane;
  /** ztunnel pods seen in the root namespace (0 in GitOps folders, which hold no pods). */
  ztunnelPods: number;
}

const models = new WeakMap<object, { fp: unknown[]; model: DataPlaneModel }>();

/**
 * The model of a mesh, cached per MeshResources object (rebuilt when one of the arrays it
 * reads is replaced or changes length, as lib/istio/security's index is).
 */
export function dataPlaneModel(r: DataPlaneInputs): DataPlaneModel {
  const fp = [
    r.namespaces,
    r.namespaces.length,
    r.k8sGateways,
    r.k8sGateways.length,
    r.gatewayClasses,
    r.gatewayClasses.length,
    r.pods,
    r.pods.length,
    r.meshConfig,
  ];
  const hit = models.get(r);
  if (hit && hit.fp.every((v, i) => v === fp[i])) return hit.model;
  const model = buildModel(r);
  models.set(r, { fp, model });
  return model;
}

function buildModel(r: DataPlaneInputs): DataPlaneModel {
  const root = r.meshConfig?.rootNamespace || 'istio-system';
  const nsLabels = new Map<string, Labels>();
  for (const n of r.namespaces) nsLabels.set(n.metadata.name, n.metadata.labels ?? {});
  const nsCache = new Map<string, NamespaceDataPlane>();
  const classLabels = new Map<string, Labels>();
  for (const c of r.gatewayClasses) classLabels.set(c.metadata.name, c.metadata.labels ?? {});
  const saByGateway = new Map<string, string[]>();
  let ztunnelPods = 0;
  for (const p of r.pods) {
    const gw = p.metadata.labels?.[GATEWAY_NAME_LABEL];
    const ns = p.metadata.namespace || 'default';
    if (gw) {
      const key = `${ns}/${gw}`;
      const l = saByGateway.get(key) ?? [];
      l.push(p.spec?.serviceAccountName || p.spec?.serviceAccount || 'default');
      saByGateway.set(key, l);
    }
    if (ns === root && p.metadata.labels?.['app'] === 'ztunnel') ztunnelPods++;
  }
  const waypoints = new Map<string, WaypointInfo>();
  for (const g of r.k8sGateways) {
    if (!isWaypointGateway(g)) continue;
    const className = g.spec?.gatewayClassName ?? '';
    const ns = g.metadata.namespace || 'default';
    const w = waypointOf(g, classLabels.get(className), saByGateway.get(`${ns}/${g.metadata.name}`));
    waypoints.set(`${w.namespace}/${w.name}`, w);
  }
  return {
    rootNamespace: root,
    waypoints,
    ztunnelPods,
    namespaceLabels: (name) => nsLabels.get(name),
    namespace(name) {
      let d = nsCache.get(name);
      if (!d) nsCache.set(name, (d = namespaceDataPlane(name, nsLabels.get(name))));
      return d;
    },
    serviceWaypoint(svc) {
      const ns = svc.metadata.namespace || 'default';
      // Waypoints and east-west gateways never have a waypoint of their own.
      const managed = svc.metadata.labels?.[GATEWAY_MANAGED_LABEL];
      if (managed === 'istio.io-mesh-controller' || managed === 'istio.io-eastwest-controller')
        return { state: 'none', reason: 'the Service of an Istio proxy has no waypoint' };
      return waypointBinding('service', { namespace: ns, labels: svc.metadata.labels }, nsLabels.get(ns), waypoints);
    },
    workloadWaypoint(namespace, podLabels) {
      return waypointBinding('workload', { namespace, labels: podLabels }, nsLabels.get(namespace), waypoints);
    },
    ingressUsesWaypoint(svc) {
      const ns = svc.metadata.namespace || 'default';
      return ingressUsesWaypoint(svc.metadata.labels, nsLabels.get(ns));
    },
    workload(namespace, template, pods = []) {
      return workloadDataPlane(nsLabels.get(namespace), template, pods, { namespace, rootNamespace: root });
    },
  };
}

/** PodMeta of a Pod object. */
export function podMeta(p: Pick<Pod, 'metadata' | 'spec'>): PodMeta {
  const spec = p.spec as (Pod['spec'] & { hostNetwork?: boolean }) | undefined;
  return {
    labels: p.metadata.labels,
    annotations: p.metadata.annotations,
    containers: spec?.containers,
    initContainers: spec?.initContainers,
    hostNetwork: spec?.hostNetwork,
  };
}

/** PodMeta of a controller's pod template. */
export function templateMeta(
  tpl:
    | { metadata?: { labels?: Labels; annotations?: Labels }; spec?: { containers?: Container[]; initContainers?: Container[]; hostNetwork?: boolean } }
    | undefined,
): PodMeta {
  return {
    labels: tpl?.metadata?.labels,
    annotations: tpl?.metadata?.annotations,
    containers: tpl?.spec?.containers,
    initContainers: tpl?.spec?.initContainers,
    hostNetwork: tpl?.spec?.hostNetwork,
  };
}
