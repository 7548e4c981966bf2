/**
 * Kubernetes Gateway API shapes (standard channel, v1.6.1; the CRDs are in
 * lib/istio/data/gateway-api). Every field optional: the domain code reads what users
 * wrote, which may be incomplete; validation reports that. Pure types.
 */
import type { K8sObject, LabelSelector } from '../types';

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: HTTPRouteFilter[];
}

export interface HTTPHeader {
  name?: string;
  value?: string;
}

export interface HTTPHeaderFilter {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type?: 'ReplaceFullPath' | 'ReplacePrefixMatch' | string;
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRouteFilter {
  type?: 'RequestHeaderModifier' | 'ResponseHeaderModifier' | 'RequestMirror' | 'RequestRedirect' | 'URLRewrite' | 'ExtensionRef' | 'CORS' | string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: { backendRef?: BackendRef; percent?: number; fraction?: { numerator?: number; denominator?: number } };
  requestRedirect?: { scheme?: string; hostname?: string; path?: HTTPPathModifier; port?: number; statusCode?: number };
  urlRewrite?: { hostname?: string; path?: HTTPPathModifier };
  extensionRef?: { group?: string; kind?: string; name?: string };
}

export interface HTTPPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression' | string;
  value?: string;
}

export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression' | string;
  name?: string;
  value?: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPHeaderMatch[];
  method?: string;
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: BackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
  retry?: { codes?: number[]; attempts?: number; backoff?: string };
  sessionPersistence?: unknown;
}

export interface GRPCRouteMatch {
  method?: { type?: string; service?: string; method?: string };
  headers?: HTTPHeaderMatch[];
}

export interface GRPCRouteRule {
  name?: string;
  matches?: GRPCRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: BackendRef[];
}

export interface L4RouteRule {
  name?: string;
  backendRefs?: BackendRef[];
}

export interface RouteSpec<Rule> {
  parentRefs?: ParentReference[];
  hostnames?: string[];
  rules?: Rule[];
}

export interface RouteParentStatus {
  parentRef?: ParentReference;
  controllerName?: string;
  conditions?: Condition[];
}

export interface Condition {
  type?: string;
  status?: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface AllowedRoutes {
  namespaces?: { from?: 'Same' | 'All' | 'Selector' | 'None' | string; selector?: LabelSelector };
  kinds?: Array<{ group?: string; kind?: string }>;
}

export interface Listener {
  name?: string;
  hostname?: string;
  port?: number;
  protocol?: 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP' | 'HBONE' | string;
  tls?: {
    mode?: 'Terminate' | 'Passthrough' | string;
    certificateRefs?: Array<{ group?: string; kind?: string; name?: string; namespace?: string }>;
    options?: Record<string, string>;
  };
  allowedRoutes?: AllowedRoutes;
}

export interface GatewaySpecV1 {
  gatewayClassName?: string;
  listeners?: Listener[];
  addresses?: Array<{ type?: string; value?: string }>;
  infrastructure?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface GatewayStatusV1 {
  addresses?: Array<{ type?: string; value?: string }>;
  conditions?: Condition[];
  listeners?: Array<{ name?: string; attachedRoutes?: number; conditions?: Condition[]; supportedKinds?: Array<{ group?: string; kind?: string }> }>;
}

export interface GatewayClassSpec {
  controllerName?: string;
  parametersRef?: unknown;
  description?: string;
}

export interface ReferenceGrantSpec {
  from?: Array<{ group?: string; kind?: string; namespace?: string }>;
  to?: Array<{ group?: string; kind?: string; name?: string }>;
}

export type K8sGateway = K8sObject<GatewaySpecV1> & { status?: GatewayStatusV1 };
export type GatewayClass = K8sObject<GatewayClassSpec> & { status?: { conditions?: Condition[] } };
export type HTTPRouteV1 = K8sObject<RouteSpec<HTTPRouteRule>> & { status?: { parents?: RouteParentStatus[] } };
export type GRPCRouteV1 = K8sObject<RouteSpec<GRPCRouteRule>> & { status?: { parents?: RouteParentStatus[] } };
export type TCPRouteV1 = K8sObject<RouteSpec<L4RouteRule>> & { status?: { parents?: RouteParentStatus[] } };
export type TLSRouteV1 = K8sObject<RouteSpec<L4RouteRule>> & { status?: { parents?: RouteParentStatus[] } };
export type ReferenceGrant = K8sObject<ReferenceGrantSpec>;

export type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute';
export type AnyRoute = HTTPRouteV1 | GRPCRouteV1 | TCPRouteV1 | TLSRouteV1;

/** Istio's controller names (istiod creates GatewayClasses istio, istio-waypoint, istio-remote, istio-east-west). */
export const ISTIO_GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
export const ISTIO_MESH_CONTROLLER = 'istio.io/mesh-controller';
export const ISTIO_REMOTE_CONTROLLER = 'istio.io/unmanaged-gateway';
export const ISTIO_CONTROLLERS: ReadonlySet<string> = new Set([ISTIO_GATEWAY_CONTROLLER, ISTIO_MESH_CONTROLLER, ISTIO_REMOTE_CONTROLLER]);
/** GatewayClass names istiod creates by default, and the controller behind each. */
export const ISTIO_DEFAULT_CLASSES: Readonly<Record<string, string>> = {
  istio: ISTIO_GATEWAY_CONTROLLER,
  'istio-waypoint': ISTIO_MESH_CONTROLLER,
  'istio-remote': ISTIO_REMOTE_CONTROLLER,
  'istio-east-west': ISTIO_GATEWAY_CONTROLLER,
};
