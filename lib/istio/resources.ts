/** Identity and indexing of resources. Pure. */
import type { GatewayClass, GRPCRouteV1, HTTPRouteV1, K8sGateway, ReferenceGrant, TCPRouteV1, TLSRouteV1 } from './gatewayapi/types';
import { groupSegment } from './address';
import { GATEWAY_API_GROUP, parseApiVersion } from './kinds';
import type {
  AuthorizationPolicy,
  Deployment,
  DestinationRule,
  Gateway,
  K8sObject,
  MeshConfig,
  Namespace,
  PeerAuthentication,
  Pod,
  Service,
  ServiceEntry,
  Sidecar,
  VirtualService,
} from './types';

/** Stable id: "group/Kind/namespace/name" ("core" for the core group, "-" for no namespace). */
export function resourceId(obj: Pick<K8sObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const { group } = parseApiVersion(obj.apiVersion);
  return `${groupSegment(group)}/${obj.kind}/${obj.metadata.namespace ?? '-'}/${obj.metadata.name}`;
}

/** "Kind namespace/name" (or "Kind name" without a namespace), the form istioctl analyze prints. */
export function friendlyName(obj: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const ns = obj.metadata.namespace;
  return ns ? `${obj.kind} ${ns}/${obj.metadata.name}` : `${obj.kind} ${obj.metadata.name}`;
}

export function isK8sObject(v: unknown): v is K8sObject {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  const m = o.metadata as Record<string, unknown> | undefined;
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && !!m && typeof m === 'object' && typeof m.name === 'string';
}

/** The resources a mesh is made of, grouped by kind. */
export interface MeshResources {
  namespaces: Namespace[];
  services: Service[];
  deployments: Deployment[];
  pods: Pod[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  gateways: Gateway[];
  serviceEntries: ServiceEntry[];
  sidecars: Sidecar[];
  peerAuthentications: PeerAuthentication[];
  authorizationPolicies: AuthorizationPolicy[];
  /* Gateway API (gateway.networking.k8s.io); `gateways` above are Istio's. */
  gatewayClasses: GatewayClass[];
  k8sGateways: K8sGateway[];
  httpRoutes: HTTPRouteV1[];
  grpcRoutes: GRPCRouteV1[];
  tcpRoutes: TCPRouteV1[];
  tlsRoutes: TLSRouteV1[];
  referenceGrants: ReferenceGrant[];
  /** Everything else (other Istio kinds, unknown kinds), in input order. */
  others: K8sObject[];
  meshConfig?: MeshConfig;
}

export function emptyMeshResources(): MeshResources {
  return {
    namespaces: [],
    services: [],
    deployments: [],
    pods: [],
    virtualServices: [],
    destinationRules: [],
    gateways: [],
    serviceEntries: [],
    sidecars: [],
    peerAuthentications: [],
    authorizationPolicies: [],
    gatewayClasses: [],
    k8sGateways: [],
    httpRoutes: [],
    grpcRoutes: [],
    tcpRoutes: [],
    tlsRoutes: [],
    referenceGrants: [],
    others: [],
  };
}

/** Group a flat list of objects (any served version) by kind. */
export function indexResources(objects: readonly K8sObject[], meshConfig?: MeshConfig): MeshResources {
  const r = emptyMeshResources();
  r.meshConfig = meshConfig;
  for (const o of objects) {
    const { group } = parseApiVersion(o.apiVersion);
    const istio = group === 'networking.istio.io' || group === 'security.istio.io';
    const gwApi = group === GATEWAY_API_GROUP;
    switch (true) {
      case group === '' && o.kind === 'Namespace':
        r.namespaces.push(o as Namespace);
        break;
      case group === '' && o.kind === 'Service':
        r.services.push(o as Service);
        break;
      case group === 'apps' && o.kind === 'Deployment':
        r.deployments.push(o as Deployment);
        break;
      case group === '' && o.kind === 'Pod':
        r.pods.push(o as Pod);
        break;
      case istio && o.kind === 'VirtualService':
        r.virtualServices.push(o as VirtualService);
        break;
      case istio && o.kind === 'DestinationRule':
        r.destinationRules.push(o as DestinationRule);
        break;
      case istio && o.kind === 'Gateway':
        r.gateways.push(o as Gateway);
        break;
      case istio && o.kind === 'ServiceEntry':
        r.serviceEntries.push(o as ServiceEntry);
        break;
      case istio && o.kind === 'Sidecar':
        r.sidecars.push(o as Sidecar);
        break;
      case istio && o.kind === 'PeerAuthentication':
        r.peerAuthentications.push(o as PeerAuthentication);
        break;
      case istio && o.kind === 'AuthorizationPolicy':
        r.authorizationPolicies.push(o as AuthorizationPolicy);
        break;
      case gwApi && o.kind === 'GatewayClass':
        r.gatewayClasses.push(o as GatewayClass);
        break;
      case gwApi && o.kind === 'Gateway':
        r.k8sGateways.push(o as K8sGateway);
        break;
      case gwApi && o.kind === 'HTTPRoute':
        r.httpRoutes.push(o as HTTPRouteV1);
        break;
      case gwApi && o.kind === 'GRPCRoute':
        r.grpcRoutes.push(o as GRPCRouteV1);
        break;
      case gwApi && o.kind === 'TCPRoute':
        r.tcpRoutes.push(o as TCPRouteV1);
        break;
      case gwApi && o.kind === 'TLSRoute':
        r.tlsRoutes.push(o as TLSRouteV1);
        break;
      case gwApi && o.kind === 'ReferenceGrant':
        r.referenceGrants.push(o as ReferenceGrant);
        break;
      default:
        r.others.push(o);
    }
  }
  return r;
}

/**
 * Is resourceVersion `a` newer than `b`? resourceVersions are opaque strings, but
 * etcd-backed API servers use increasing integers; compare those numerically, and
 * treat anything else as "newer when different".
 */
export function isNewerVersion(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return a !== b || !a;
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x > y;
  return a !== b;
}

/** "namespace/name" ("/name" for cluster-scoped objects): the key of an object within its type. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
