/**
 * The mesh graph: what the configuration declares, overlaid with what Prometheus
 * observed. Plain JSON (no classes, no functions) so it crosses the API boundary and
 * the query cache unchanged. This is the body of `GET /api/graph` (see README.md).
 *
 * Node ids (stable, human-readable):
 *   ns:<namespace>                         namespace box (group node)
 *   gw:<namespace>/<workload>              gateway workload (Deployment or Pod name)
 *   gw:selector/<k=v,...>                  gateway that no workload matches (unresolved)
 *   svc:<namespace>/<service>              Kubernetes Service
 *   ver:<namespace>/<app>/<version>        workloads grouped by app+version labels
 *   ver:<namespace>/<app>                  same, for workloads with an app label but no version label
 *   wl:<namespace>/<workload>              a workload without app label (or seen only in telemetry)
 *   ext:se/<namespace>/<serviceentry>      a ServiceEntry (HTTP hosts and/or TCP addresses)
 *   ext:host/<host>                        a host seen in telemetry that nothing declares
 *   wp:<namespace>/<gateway>               a waypoint (Gateway API Gateway of class istio-waypoint)
 *   unknown                                telemetry source without identity
 *
 * Gateway API ingress gateways get "gw:<namespace>/<deployment>" like any gateway workload,
 * the deployment being the one istiod creates ("<gateway>-<class>", e.g. bookinfo-gateway-istio).
 *
 * Edge ids: "<kind>:<source>-><target>" plus, for routes, "#vs:<ns>/<name>/<section>[i]/route[j]"
 * (VirtualService) or "#route:<Kind>/<ns>/<name>/rules[i]/backendRefs[j]" (Gateway API route);
 * "waypoint:wp:<ns>/<name>-><service or workload node>" links a waypoint to what it serves.
 */
import type { Finding, FindingLevel } from '../findings';
import type { DataPlaneMode, PodCounts, WaypointBindingState, WaypointTraffic } from '../dataplane';
import type { AuthzDecisionKind, AuthzStep, EnforcementPoint } from '../security/authz';
import type { ClientTlsLevel, ClientTlsMode, EdgeSecurityState, MtlsLevel, PeerMode } from '../security/mtls';

export type NodeKind = 'namespace' | 'gateway' | 'waypoint' | 'service' | 'version' | 'workload' | 'external' | 'unknown';
export type EdgeKind = 'gateway-route' | 'route' | 'call' | 'observed' | 'waypoint';
export type Protocol = 'http' | 'http2' | 'grpc' | 'tcp' | 'tls' | 'https' | 'mongo' | 'mysql' | 'redis' | 'unknown';

/** A resource the node or edge comes from, so findings and editors can point back to it. */
export interface ResourceRef {
  /** "Kind namespace/name", the Finding.resource form. */
  resource: string;
  /** API group, where the kind name alone is ambiguous (Gateway API "Gateway" vs Istio's). */
  group?: string;
  /** Field path inside it, e.g. "spec/http[0]/route[1]" (findings under another route are not attached). */
  path?: string;
}

export interface MtlsSummary {
  mode: PeerMode;
  level: MtlsLevel;
  /** "PeerAuthentication ns/name" */
  resource?: string;
  reason: string;
}

export interface SidecarInfo {
  injected: boolean;
  /** Why: "namespace label istio-injection=enabled", "pod annotation sidecar.istio.io/inject=false", ... */
  reason: string;
}

/** How the data plane serves a workload (lib/istio/dataplane.ts). */
export interface DataPlaneInfo {
  mode: DataPlaneMode;
  reason: string;
  /** What a pod created now would get. */
  expected: DataPlaneMode;
  /** Running pods differ from `expected`: a restart applies the labels. */
  restartNeeded: boolean;
  pods?: PodCounts;
}

/** A Gateway API status condition, as shown (Accepted, Programmed, ResolvedRefs...). */
export interface ConditionInfo {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** Which waypoint takes a Service's (or workload's) traffic, and why. */
export interface WaypointUse {
  state: WaypointBindingState;
  /** Node id of the waypoint ("wp:ns/name"), when it exists. */
  node?: string;
  /** "Gateway ns/name" named by the labels (also when it does not exist). */
  resource?: string;
  reason: string;
}

export interface WorkloadRef {
  kind: 'Deployment' | 'Pod';
  name: string;
  serviceAccount: string;
  replicas?: number;
}

interface NodeBase {
  id: string;
  kind: NodeKind;
  /** Display text. */
  label: string;
  namespace?: string;
  /** Id of the namespace box that contains the node. */
  parent?: string;
  refs: ResourceRef[];
  /** Added by attachFindings. */
  findings?: Finding[];
  /** Worst level among findings (added by attachFindings). */
  findingLevel?: FindingLevel;
  /** The node exists only because telemetry mentions it. */
  observedOnly?: boolean;
  /** Configuration problems found while building (dangling subset, missing host...). */
  warnings?: string[];
}

export interface NamespaceNode extends NodeBase {
  kind: 'namespace';
  namespace: string;
  labels: Record<string, string>;
  injection: 'enabled' | 'disabled' | 'revision' | 'unset';
  /** Data-plane mode of a pod created there without labels of its own. */
  dataPlane: { mode: DataPlaneMode; reason: string; conflict?: string };
  /** Mode for a workload of this namespace that no workload-level policy selects. */
  mtls: MtlsSummary;
  /** The Namespace object is not among the inputs (the namespace is only referenced). */
  declared: boolean;
}

export interface GatewayServerInfo {
  /** "Gateway ns/name" */
  gateway: string;
  port?: number;
  protocol?: string;
  name?: string;
  hosts: string[];
  tls?: { mode?: string; credentialName?: string; httpsRedirect?: boolean };
}

export interface Identity {
  namespace?: string;
  serviceAccount?: string;
  /** true when the identity is Istio's default install, not read from a workload. */
  assumed: boolean;
}

export interface ListenerSummary {
  /** "Gateway ns/name" */
  gateway: string;
  name: string;
  port?: number;
  protocol: string;
  hostname?: string;
  tls?: { mode?: string; certificates?: string[] };
  allowedFrom: string;
  attachedRoutes: number;
  conditions?: ConditionInfo[];
}

export interface GatewayNode extends NodeBase {
  kind: 'gateway';
  role: 'ingress' | 'egress';
  /** Istio's Gateway (networking.istio.io) or the Gateway API's (istiod deploys the workload). */
  api: 'istio' | 'gateway-api';
  /** A workload matches the Gateway selector. False: "no workload selects" this gateway. */
  resolved: boolean;
  selector: Record<string, string>;
  workload?: WorkloadRef;
  /** "Gateway ns/name" of every Gateway resource that selects this workload (or the Gateway API Gateway it runs). */
  gateways: string[];
  servers: GatewayServerInfo[];
  /** Gateway API listeners. */
  listeners?: ListenerSummary[];
  gatewayClass?: string;
  /** Gateway API status conditions (Accepted, Programmed). */
  conditions?: ConditionInfo[];
  identity: Identity;
}

export interface WaypointNode extends NodeBase {
  kind: 'waypoint';
  namespace: string;
  name: string;
  /** "Gateway ns/name" */
  gateway: string;
  traffic: WaypointTraffic;
  trafficSource: string;
  allowedFrom: string;
  serviceAccount: string;
  workload?: WorkloadRef;
  ready?: boolean;
  conditions?: ConditionInfo[];
  /** Node ids of the services and workloads whose traffic it takes. */
  serves: string[];
}

export interface ServicePortInfo {
  port: number;
  name?: string;
  protocol: Protocol;
  targetPort?: number | string;
  /** The container port traffic lands on (targetPort resolved; named ports looked up in the workloads). */
  workloadPort?: number;
}

export interface ServiceNode extends NodeBase {
  kind: 'service';
  namespace: string;
  name: string;
  host: string;
  ports: ServicePortInfo[];
  selector?: Record<string, string>;
  /** Ids of the version/workload nodes the selector picks. */
  versions: string[];
  /** "VirtualService ns/name" routing mesh traffic for this host. */
  virtualService?: string;
  /** "DestinationRule ns/name" for this host as seen from its own namespace. */
  destinationRule?: string;
  /** Gateway API routes with this Service as parent (mesh routes): "HTTPRoute ns/name". */
  routes?: string[];
  /** The waypoint that takes traffic addressed to this Service (ambient). */
  waypoint?: WaypointUse;
  /** Ingress gateways go through the waypoint (istio.io/ingress-use-waypoint=true) instead of straight to the workloads. */
  ingressUsesWaypoint?: boolean;
}

interface WorkloadNodeBase extends NodeBase {
  namespace: string;
  workloads: WorkloadRef[];
  /** Labels common to every workload of the node. */
  labels: Record<string, string>;
  serviceAccounts: string[];
  /** Has a mesh identity: a sidecar or ztunnel capture (dataPlane.mode !== 'none'). */
  inMesh: boolean;
  /** Derived from dataPlane: injected when the mode is sidecar. */
  sidecar: SidecarInfo;
  dataPlane: DataPlaneInfo;
  /** The waypoint for traffic addressed to these workloads directly (waypoint-for workload or all). */
  waypoint?: WaypointUse;
  /** Effective mTLS of the workload (no port). */
  mtls: MtlsSummary;
  /** Ids of services whose selector picks these workloads. */
  services: string[];
}

export interface VersionNode extends WorkloadNodeBase {
  kind: 'version';
  app: string;
  version?: string;
  /** The label keys used to group, e.g. ["component", "release"]. */
  labelKeys: [string, string];
}

export interface WorkloadNode extends WorkloadNodeBase {
  kind: 'workload';
  name: string;
}

export interface ExternalNode extends NodeBase {
  kind: 'external';
  /** "ServiceEntry ns/name" (undefined for a host seen only in telemetry). */
  serviceEntry?: string;
  hosts: string[];
  addresses: string[];
  ports: Array<{ number?: number; protocol?: string; name?: string }>;
  /** http: only HTTP-family ports; tcp: only TCP-family; mixed: both. */
  protocol: 'http' | 'tcp' | 'tls' | 'mixed' | 'unknown';
  location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  resolution?: string;
}

export interface UnknownNode extends NodeBase {
  kind: 'unknown';
}

export type GraphNode = NamespaceNode | GatewayNode | WaypointNode | ServiceNode | VersionNode | WorkloadNode | ExternalNode | UnknownNode;

export type EdgeBadge =
  | { kind: 'timeout'; label: string; value: string }
  | { kind: 'retries'; label: string; attempts?: number; perTryTimeout?: string; retryOn?: string }
  | { kind: 'fault-delay'; label: string; delay?: string; percent?: number }
  | { kind: 'fault-abort'; label: string; status?: number | string; percent?: number }
  | { kind: 'mirror'; label: string; host?: string; percent?: number }
  | { kind: 'headers'; label: string; request?: string[]; response?: string[] }
  | { kind: 'rewrite'; label: string; path?: string; hostname?: string }
  | { kind: 'redirect'; label: string; statusCode?: number; to?: string };

export interface EdgeSecurityInfo {
  state: EdgeSecurityState;
  reason: string;
  /** HBONE (ztunnel on a side of the connection). */
  hbone?: boolean;
  server?: { mode: PeerMode; level: MtlsLevel; resource?: string; inMesh: boolean };
  client: { mode: ClientTlsMode; level: ClientTlsLevel; resource?: string; auto: boolean };
}

export interface EdgeAuthzInfo {
  decision: AuthzDecisionKind;
  /** "AuthorizationPolicy ns/name" that decided. */
  policy?: string;
  reason: string;
  /** Where the decision is taken: the destination's sidecar or ztunnel, a waypoint, a gateway. */
  enforcedBy?: EnforcementPoint;
  /** "Gateway ns/name" of the waypoint or gateway that decides. */
  enforcer?: string;
  /** For a path through a waypoint: the waypoint's decision, then the destination's. */
  steps?: AuthzStep[];
  /** What ztunnel could not enforce as written (HTTP rules omitted or dropped). */
  notes?: string[];
}

/** Who applies an L7 route (VirtualService or Gateway API route) on the way. */
export interface RouteEnforcement {
  by: 'gateway' | 'waypoint' | 'sidecar' | 'none';
  /** "Gateway ns/name" of the waypoint or gateway. */
  enforcer?: string;
  reason: string;
}

export interface EdgeMetrics {
  /** Requests per second (HTTP/gRPC). */
  rps?: number;
  /** Share of requests answered 5xx (HTTP) or non-OK (gRPC), 0..1. */
  errorRatio?: number;
  /** 95th percentile latency in ms (for aggregated edges: the largest p95 of its parts). */
  p95Ms?: number;
  /** istio_tcp_sent_bytes_total rate. */
  tcpBytesPerSec?: number;
}

/** How a declared call edge was inferred. */
export type CallBasis = 'sourceLabels' | 'env' | 'policy';

export interface GraphEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
  protocol?: Protocol;
  /** Service port the traffic goes to. */
  port?: number;
  /** Percentage of the route's traffic (VirtualService weight). */
  weight?: number;
  /** The weight goes to a destination without subset and is shared by several versions. */
  weightShared?: boolean;
  /** "uri prefix /api; header end-user=jason | uri exact /login" (OR between |). */
  match?: string;
  subset?: string;
  /** Declared routing a Service selector implies (no VirtualService). */
  implicit?: boolean;
  /** For gateway routes: what binds the gateway to the service. */
  via?: { gateway?: string; virtualService?: string; hosts?: string[]; route?: string; httpRoute?: string; listener?: string; waypoint?: string };
  /** For L7 routes: who applies them; `by: 'none'` when nothing does (and why). */
  appliedBy?: RouteEnforcement;
  badges: EdgeBadge[];
  security?: EdgeSecurityInfo;
  /** Authorization for the edge's caller; absent on 'route' edges (no single caller). */
  authz?: EdgeAuthzInfo;
  declared: boolean;
  observed: boolean;
  /** For declared call edges: the evidence kind(s). */
  basis?: CallBasis[];
  /** Human-readable evidence: "env SAMPLE_API_BASE_PATH of Deployment ns/caller", "VirtualService ns/x spec/http[0]/route[0]". */
  evidence: string[];
  metrics?: EdgeMetrics;
  refs: ResourceRef[];
  findings?: Finding[];
  findingLevel?: FindingLevel;
}

export interface GraphMeta {
  rootNamespace: string;
  /** Namespaces asked for (empty: all). */
  namespaces: string[];
  versionLabels: Array<[string, string]>;
  /** Prometheus window when telemetry was merged. */
  window?: string;
  observed: boolean;
}

export interface MeshGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  meta: GraphMeta;
}
