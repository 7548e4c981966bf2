/**
 * What Meshboard knows about kinds, independent of any cluster: group, plural,
 * scope and the bundled Istio release's versions. The versions a cluster actually
 * serves come from discovery (lib/k8s/discovery.ts) and take precedence; this table
 * is the fallback and the source of display metadata.
 */

export interface KindInfo {
  kind: string;
  group: string; // '' for the core group
  plural: string;
  namespaced: boolean;
  /** Versions in the bundled Istio CRDs, storage version first. */
  versions: string[];
  shortNames?: string[];
  /** Short description shown in lists and templates. */
  description: string;
}

export const ISTIO_KINDS: readonly KindInfo[] = [
  {
    kind: 'VirtualService',
    group: 'networking.istio.io',
    plural: 'virtualservices',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    shortNames: ['vs'],
    description: 'Routing rules for traffic to a host',
  },
  {
    kind: 'DestinationRule',
    group: 'networking.istio.io',
    plural: 'destinationrules',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    shortNames: ['dr'],
    description: 'Subsets and traffic policy (TLS, load balancing) for a host',
  },
  {
    kind: 'Gateway',
    group: 'networking.istio.io',
    plural: 'gateways',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    shortNames: ['gw'],
    description: 'Ports and hosts a gateway workload listens on',
  },
  {
    kind: 'ServiceEntry',
    group: 'networking.istio.io',
    plural: 'serviceentries',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    shortNames: ['se'],
    description: 'A service outside the registry, such as an external API or database',
  },
  {
    kind: 'Sidecar',
    group: 'networking.istio.io',
    plural: 'sidecars',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    description: 'Scope of the sidecar proxy configuration',
  },
  {
    kind: 'WorkloadEntry',
    group: 'networking.istio.io',
    plural: 'workloadentries',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    shortNames: ['we'],
    description: 'A non-Kubernetes workload',
  },
  {
    kind: 'WorkloadGroup',
    group: 'networking.istio.io',
    plural: 'workloadgroups',
    namespaced: true,
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    shortNames: ['wg'],
    description: 'Template for WorkloadEntries',
  },
  {
    kind: 'EnvoyFilter',
    group: 'networking.istio.io',
    plural: 'envoyfilters',
    namespaced: true,
    versions: ['v1alpha3'],
    description: 'Low-level Envoy configuration patches',
  },
  {
    kind: 'ProxyConfig',
    group: 'networking.istio.io',
    plural: 'proxyconfigs',
    namespaced: true,
    versions: ['v1beta1'],
    description: 'Proxy-level settings for workloads',
  },
  {
    kind: 'PeerAuthentication',
    group: 'security.istio.io',
    plural: 'peerauthentications',
    namespaced: true,
    versions: ['v1', 'v1beta1'],
    shortNames: ['pa'],
    description: 'mTLS mode a workload accepts',
  },
  {
    kind: 'AuthorizationPolicy',
    group: 'security.istio.io',
    plural: 'authorizationpolicies',
    namespaced: true,
    versions: ['v1', 'v1beta1'],
    shortNames: ['ap'],
    description: 'Which callers may reach a workload',
  },
  {
    kind: 'RequestAuthentication',
    group: 'security.istio.io',
    plural: 'requestauthentications',
    namespaced: true,
    versions: ['v1', 'v1beta1'],
    shortNames: ['ra'],
    description: 'JWT validation rules',
  },
  {
    kind: 'Telemetry',
    group: 'telemetry.istio.io',
    plural: 'telemetries',
    namespaced: true,
    versions: ['v1', 'v1alpha1'],
    description: 'Metrics, logs and tracing settings',
  },
  {
    kind: 'WasmPlugin',
    group: 'extensions.istio.io',
    plural: 'wasmplugins',
    namespaced: true,
    versions: ['v1alpha1'],
    description: 'WebAssembly extensions for proxies',
  },
  {
    kind: 'TrafficExtension',
    group: 'extensions.istio.io',
    plural: 'trafficextensions',
    namespaced: true,
    versions: ['v1alpha1'],
    description: 'Traffic extensions for proxies',
  },
];

/**
 * The Kubernetes Gateway API (standard channel, v1.6.1: lib/istio/data/gateway-api). Istio
 * implements it for ingress (GatewayClass istio), for waypoints (istio-waypoint) and for
 * mesh routing (routes with a Service parentRef, "GAMMA").
 */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export const GATEWAY_API_KINDS: readonly KindInfo[] = [
  {
    kind: 'GatewayClass',
    group: GATEWAY_API_GROUP,
    plural: 'gatewayclasses',
    namespaced: false,
    versions: ['v1', 'v1beta1'],
    shortNames: ['gc'],
    description: 'A kind of Gateway and the controller that implements it',
  },
  {
    kind: 'Gateway',
    group: GATEWAY_API_GROUP,
    plural: 'gateways',
    namespaced: true,
    versions: ['v1', 'v1beta1'],
    shortNames: ['gtw'],
    description: 'Listeners of an ingress gateway or a waypoint (Gateway API)',
  },
  {
    kind: 'HTTPRoute',
    group: GATEWAY_API_GROUP,
    plural: 'httproutes',
    namespaced: true,
    versions: ['v1', 'v1beta1'],
    description: 'HTTP routing from a Gateway or for a Service (Gateway API)',
  },
  {
    kind: 'GRPCRoute',
    group: GATEWAY_API_GROUP,
    plural: 'grpcroutes',
    namespaced: true,
    versions: ['v1'],
    description: 'gRPC routing from a Gateway or for a Service (Gateway API)',
  },
  { kind: 'TCPRoute', group: GATEWAY_API_GROUP, plural: 'tcproutes', namespaced: true, versions: ['v1alpha2'], description: 'TCP routing (Gateway API)' },
  { kind: 'TLSRoute', group: GATEWAY_API_GROUP, plural: 'tlsroutes', namespaced: true, versions: ['v1'], description: 'TLS routing by SNI (Gateway API)' },
  { kind: 'UDPRoute', group: GATEWAY_API_GROUP, plural: 'udproutes', namespaced: true, versions: ['v1alpha2'], description: 'UDP routing (Gateway API)' },
  {
    kind: 'ReferenceGrant',
    group: GATEWAY_API_GROUP,
    plural: 'referencegrants',
    namespaced: true,
    versions: ['v1beta1', 'v1'],
    description: 'Allows references from another namespace (Gateway API)',
  },
  {
    kind: 'BackendTLSPolicy',
    group: GATEWAY_API_GROUP,
    plural: 'backendtlspolicies',
    namespaced: true,
    versions: ['v1'],
    description: 'TLS from a gateway to a backend (Gateway API)',
  },
  {
    kind: 'ListenerSet',
    group: GATEWAY_API_GROUP,
    plural: 'listenersets',
    namespaced: true,
    versions: ['v1'],
    description: 'Listeners attached to a Gateway from another resource (Gateway API)',
  },
];

/** Every kind of mesh configuration: Istio's and the Gateway API's. */
export const MESH_KINDS: readonly KindInfo[] = [...ISTIO_KINDS, ...GATEWAY_API_KINDS];

/** Kubernetes kinds the console reads to understand the mesh. */
export const CORE_KINDS: readonly KindInfo[] = [
  { kind: 'Namespace', group: '', plural: 'namespaces', namespaced: false, versions: ['v1'], description: 'Namespace' },
  { kind: 'Service', group: '', plural: 'services', namespaced: true, versions: ['v1'], description: 'Kubernetes Service' },
  { kind: 'Pod', group: '', plural: 'pods', namespaced: true, versions: ['v1'], description: 'Pod' },
  { kind: 'Deployment', group: 'apps', plural: 'deployments', namespaced: true, versions: ['v1'], description: 'Deployment' },
];

export function isIstioGroup(group: string): boolean {
  return group.endsWith('.istio.io');
}

export function isGatewayApiGroup(group: string): boolean {
  return group === GATEWAY_API_GROUP;
}

/** Mesh configuration the console discovers, lists and edits: Istio's groups and the Gateway API. */
export function isMeshGroup(group: string): boolean {
  return isIstioGroup(group) || isGatewayApiGroup(group);
}

/** Split "group/version" (or "v1" for the core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  if (i < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

const byGroupKind = new Map<string, KindInfo>([...MESH_KINDS, ...CORE_KINDS].map((k) => [`${k.group}/${k.kind}`, k]));
// A bare kind name means the Istio kind when both have it ("Gateway"): that is what istioctl prints.
const byKind = new Map<string, KindInfo>();
for (const k of [...CORE_KINDS, ...GATEWAY_API_KINDS, ...ISTIO_KINDS]) byKind.set(k.kind, k);

/** What Meshboard knows about a kind; pass the group where a kind name exists in two groups (Gateway). */
export function kindInfo(kind: string, group?: string): KindInfo | undefined {
  if (group !== undefined) return byGroupKind.get(`${group}/${kind}`);
  return byKind.get(kind);
}

/** An API that Istio once served and removed; objects in it cannot be applied any more. */
export interface RemovedApi {
  group: string;
  version: string;
  kind: string;
  removedIn: string;
  replacement: string;
  /** Meshboard can convert it automatically (see convert.ts). */
  convertible: boolean;
}

export const REMOVED_APIS: readonly RemovedApi[] = [
  {
    group: 'authentication.istio.io',
    version: 'v1alpha1',
    kind: 'Policy',
    removedIn: '1.6',
    replacement: 'security.istio.io/v1 PeerAuthentication (mTLS) and RequestAuthentication (JWT)',
    convertible: true,
  },
  {
    group: 'authentication.istio.io',
    version: 'v1alpha1',
    kind: 'MeshPolicy',
    removedIn: '1.6',
    replacement: 'security.istio.io/v1 PeerAuthentication "default" in the root namespace',
    convertible: true,
  },
  {
    group: 'rbac.istio.io',
    version: 'v1alpha1',
    kind: 'ServiceRole',
    removedIn: '1.6',
    replacement: 'security.istio.io/v1 AuthorizationPolicy',
    convertible: false,
  },
  {
    group: 'rbac.istio.io',
    version: 'v1alpha1',
    kind: 'ServiceRoleBinding',
    removedIn: '1.6',
    replacement: 'security.istio.io/v1 AuthorizationPolicy',
    convertible: false,
  },
  {
    group: 'rbac.istio.io',
    version: 'v1alpha1',
    kind: 'ClusterRbacConfig',
    removedIn: '1.6',
    replacement: 'security.istio.io/v1 AuthorizationPolicy',
    convertible: false,
  },
  {
    group: 'rbac.istio.io',
    version: 'v1alpha1',
    kind: 'RbacConfig',
    removedIn: '1.4',
    replacement: 'security.istio.io/v1 AuthorizationPolicy',
    convertible: false,
  },
  {
    group: 'config.istio.io',
    version: 'v1alpha2',
    kind: '*',
    removedIn: '1.8',
    replacement: 'Telemetry API (telemetry.istio.io/v1) and WasmPlugin; Mixer was removed',
    convertible: false,
  },
  {
    group: 'networking.istio.io',
    version: 'v1alpha3',
    kind: 'ServiceMeshPolicy',
    removedIn: '1.6',
    replacement: 'security.istio.io/v1 PeerAuthentication',
    convertible: false,
  },
];

export function findRemovedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return REMOVED_APIS.find((r) => r.group === group && r.version === version && (r.kind === kind || r.kind === '*'));
}

/**
 * Kubernetes' version priority (as in CRD and API discovery): GA before beta before
 * alpha, higher numbers first; non-conforming versions last, alphabetically.
 * Returns < 0 when `a` is preferred over `b`.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { rank: 3, major: 0, minor: 0, raw: v };
    const rank = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return { rank, major: Number(m[1]), minor: Number(m[3] ?? 0), raw: v };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.rank !== y.rank) return x.rank - y.rank;
  if (x.rank === 3) return x.raw.localeCompare(y.raw);
  if (x.major !== y.major) return y.major - x.major;
  return y.minor - x.minor;
}

/** The preferred of the served versions (the one API discovery would prefer). */
export function preferredVersion(served: readonly string[]): string | undefined {
  return [...served].sort(compareKubeVersions)[0];
}

/**
 * The kind of a type key ("gateway.networking.k8s.io/gateways", lib/istio/address.ts) as
 * AnalyzeOptions.unreadKinds spells it ("gateway.networking.k8s.io/Gateway", "Secret"),
 * for the kinds Meshboard knows; undefined for others.
 */
export function unreadKindOf(t: { group: string; plural: string }): string | undefined {
  const k = [...MESH_KINDS, ...CORE_KINDS].find((x) => x.group === t.group && x.plural === t.plural);
  return k && unreadKindName(k.group, k.kind);
}

/** "Secret" for the core group, else "group/Kind": how AnalyzeOptions.unreadKinds and Analyzer.requires name a kind. */
export function unreadKindName(group: string, kind: string): string {
  return group ? `${group}/${kind}` : kind;
}
