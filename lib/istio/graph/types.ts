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
 *   unknown                                telemetry source without identity
 *
 * Edge ids: "<kind>:<source>-><target>" plus, for routes, "#vs:<ns>/<name>/<section>[i]/route[j]".
 */
import type { Finding, FindingLevel } from '../findings';
import type { AuthzDecisionKind } from '../security/authz';
import type { ClientTlsLevel, ClientTlsMode, EdgeSecurityState, MtlsLevel, PeerMode } from '../security/mtls';

export type NodeKind = 'namespace' | 'gateway' | 'service' | 'version' | 'workload' | 'external' | 'unknown';
export type EdgeKind = 'gateway-route' | 'route' | 'call' | 'observed';
export type Protocol = 'http' | 'http2' | 'grpc' | 'tcp' | 'tls' | 'https' | 'mongo' | 'mysql' | 'redis' | 'unknown';

/** A resource the node or edge comes from, so findings and editors can point back to it. */
export interface ResourceRef {
  /** "Kind namespace/name", the Finding.resource form. */
  resource: string;
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

export interface GatewayNode extends NodeBase {
  kind: 'gateway';
  role: 'ingress' | 'egress';
  /** A workload matches the Gateway selector. False: "no workload selects" this gateway. */
  resolved: boolean;
  selector: Record<string, string>;
  workload?: WorkloadRef;
  /** "Gateway ns/name" of every Gateway resource that selects this workload. */
  gateways: string[];
  servers: GatewayServerInfo[];
  identity: Identity;
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
}

interface WorkloadNodeBase extends NodeBase {
  namespace: string;
  workloads: WorkloadRef[];
  /** Labels common to every workload of the node. */
  labels: Record<string, string>;
  serviceAccounts: string[];
  inMesh: boolean;
  sidecar: SidecarInfo;
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

export type GraphNode = NamespaceNode | GatewayNode | ServiceNode | VersionNode | WorkloadNode | ExternalNode | UnknownNode;

export type EdgeBadge =
  | { kind: 'timeout'; label: string; value: string }
  | { kind: 'retries'; label: string; attempts?: number; perTryTimeout?: string; retryOn?: string }
  | { kind: 'fault-delay'; label: string; delay?: string; percent?: number }
  | { kind: 'fault-abort'; label: string; status?: number | string; percent?: number }
  | { kind: 'mirror'; label: string; host?: string; percent?: number };

export interface EdgeSecurityInfo {
  state: EdgeSecurityState;
  reason: string;
  server?: { mode: PeerMode; level: MtlsLevel; resource?: string; inMesh: boolean };
  client: { mode: ClientTlsMode; level: ClientTlsLevel; resource?: string; auto: boolean };
}

export interface EdgeAuthzInfo {
  decision: AuthzDecisionKind;
  /** "AuthorizationPolicy ns/name" that decided. */
  policy?: string;
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
export type CallBasis = 'sourceLabels' | 'env';

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
  via?: { gateway?: string; virtualService?: string; hosts?: string[]; route?: string };
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
