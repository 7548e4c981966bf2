/**
 * Kubernetes and Istio object shapes used across Meshboard. Specs are typed loosely
 * (every field optional) because the domain code reads what users wrote, which may be
 * incomplete or wrong; validation reports that, it never assumes it away.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }>;
  managedFields?: unknown[];
}

export interface K8sObject<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: unknown;
  [extra: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/* ---- Kubernetes kinds the console reads ---- */

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
  nodePort?: number;
}

export interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: ServicePort[];
  type?: string;
  clusterIP?: string;
  externalName?: string;
}

export interface Container {
  name: string;
  image?: string;
  ports?: Array<{ containerPort: number; name?: string; protocol?: string }>;
  env?: Array<{ name: string; value?: string }>;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  serviceAccountName?: string;
  serviceAccount?: string;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplate;
}

export type Service = K8sObject<ServiceSpec>;
export type Deployment = K8sObject<DeploymentSpec>;
export type Pod = K8sObject<PodSpec>;
export type Namespace = K8sObject<Record<string, never>>;

/* ---- Istio networking ---- */

export interface PortSelector {
  number?: number;
}

export interface Destination {
  host?: string;
  subset?: string;
  port?: PortSelector;
}

export interface RouteDestination {
  destination?: Destination;
  weight?: number;
  headers?: unknown;
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
  withoutHeaders?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
}

export interface HTTPRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
}

export interface HTTPFaultInjection {
  delay?: { fixedDelay?: string; percentage?: { value?: number } };
  abort?: { httpStatus?: number; grpcStatus?: string; percentage?: { value?: number } };
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: RouteDestination[];
  redirect?: { uri?: string; authority?: string; scheme?: string; port?: number; redirectCode?: number };
  directResponse?: { status?: number };
  delegate?: { name?: string; namespace?: string };
  rewrite?: { uri?: string; authority?: string; uriRegexRewrite?: unknown };
  timeout?: string;
  retries?: HTTPRetry;
  fault?: HTTPFaultInjection;
  mirror?: Destination;
  mirrors?: Array<{ destination?: Destination; percentage?: { value?: number } }>;
  mirrorPercentage?: { value?: number };
  corsPolicy?: unknown;
  headers?: unknown;
}

export interface L4MatchAttributes {
  destinationSubnets?: string[];
  port?: number;
  sourceLabels?: Record<string, string>;
  gateways?: string[];
  sourceNamespace?: string;
}

export interface TLSMatchAttributes extends L4MatchAttributes {
  sniHosts?: string[];
}

export interface TCPRoute {
  match?: L4MatchAttributes[];
  route?: RouteDestination[];
}

export interface TLSRoute {
  match?: TLSMatchAttributes[];
  route?: RouteDestination[];
}

export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  http?: HTTPRoute[];
  tcp?: TCPRoute[];
  tls?: TLSRoute[];
  exportTo?: string[];
}

export interface ClientTLSSettings {
  mode?: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL' | string;
  credentialName?: string;
  sni?: string;
  subjectAltNames?: string[];
  caCertificates?: string;
  clientCertificate?: string;
  privateKey?: string;
}

export interface TrafficPolicy {
  tls?: ClientTLSSettings;
  loadBalancer?: unknown;
  connectionPool?: unknown;
  outlierDetection?: unknown;
  portLevelSettings?: Array<{ port?: PortSelector; tls?: ClientTLSSettings; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface Subset {
  name?: string;
  labels?: Record<string, string>;
  trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  host?: string;
  trafficPolicy?: TrafficPolicy;
  subsets?: Subset[];
  exportTo?: string[];
  workloadSelector?: LabelSelector;
}

export interface ServerTLSSettings {
  mode?: 'PASSTHROUGH' | 'SIMPLE' | 'MUTUAL' | 'AUTO_PASSTHROUGH' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL' | string;
  httpsRedirect?: boolean;
  credentialName?: string;
  credentialNames?: string[];
  serverCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
}

export interface GatewayServer {
  port?: { number?: number; name?: string; protocol?: string; targetPort?: number };
  hosts?: string[];
  tls?: ServerTLSSettings;
  bind?: string;
  name?: string;
}

export interface GatewaySpec {
  selector?: Record<string, string>;
  servers?: GatewayServer[];
}

export interface WorkloadEntrySpec {
  address?: string;
  ports?: Record<string, number>;
  labels?: Record<string, string>;
  network?: string;
  locality?: string;
  weight?: number;
  serviceAccount?: string;
}

export interface ServiceEntrySpec {
  hosts?: string[];
  addresses?: string[];
  ports?: Array<{ number?: number; protocol?: string; name?: string; targetPort?: number }>;
  location?: 'MESH_EXTERNAL' | 'MESH_INTERNAL' | string;
  resolution?: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN' | string;
  endpoints?: WorkloadEntrySpec[];
  workloadSelector?: { labels?: Record<string, string> };
  exportTo?: string[];
  subjectAltNames?: string[];
}

export interface SidecarSpec {
  workloadSelector?: { labels?: Record<string, string> };
  ingress?: unknown[];
  egress?: Array<{ port?: unknown; bind?: string; captureMode?: string; hosts?: string[] }>;
  outboundTrafficPolicy?: { mode?: string };
}

/* ---- Istio security ---- */

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthenticationSpec {
  selector?: { matchLabels?: Record<string, string> };
  mtls?: { mode?: MtlsMode | string };
  portLevelMtls?: Record<string, { mode?: MtlsMode | string }>;
}

export interface AuthzSource {
  principals?: string[];
  notPrincipals?: string[];
  requestPrincipals?: string[];
  notRequestPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  ipBlocks?: string[];
  notIpBlocks?: string[];
  remoteIpBlocks?: string[];
  notRemoteIpBlocks?: string[];
}

export interface AuthzOperation {
  hosts?: string[];
  notHosts?: string[];
  ports?: string[];
  notPorts?: string[];
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
}

export interface AuthzCondition {
  key?: string;
  values?: string[];
  notValues?: string[];
}

export interface AuthzRule {
  from?: Array<{ source?: AuthzSource }>;
  to?: Array<{ operation?: AuthzOperation }>;
  when?: AuthzCondition[];
}

export interface AuthorizationPolicySpec {
  selector?: { matchLabels?: Record<string, string> };
  targetRef?: unknown;
  targetRefs?: unknown[];
  rules?: AuthzRule[];
  action?: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM' | string;
  provider?: { name?: string };
}

export type VirtualService = K8sObject<VirtualServiceSpec>;
export type DestinationRule = K8sObject<DestinationRuleSpec>;
export type Gateway = K8sObject<GatewaySpec>;
export type ServiceEntry = K8sObject<ServiceEntrySpec>;
export type Sidecar = K8sObject<SidecarSpec>;
export type PeerAuthentication = K8sObject<PeerAuthenticationSpec>;
export type AuthorizationPolicy = K8sObject<AuthorizationPolicySpec>;

/** Mesh-wide settings that change how configuration is read (a subset of MeshConfig). */
export interface MeshConfig {
  rootNamespace?: string;
  ingressControllerMode?: string;
  enableAutoMtls?: boolean;
  outboundTrafficPolicy?: { mode?: 'ALLOW_ANY' | 'REGISTRY_ONLY' | string };
  defaultConfig?: Record<string, unknown>;
  trustDomain?: string;
  [k: string]: unknown;
}

export const DEFAULT_ROOT_NAMESPACE = 'istio-system';
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';
