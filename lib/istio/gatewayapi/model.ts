/**
 * The Gateway API as Istio implements it: Gateways with their listeners and class, and
 * routes (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute) attached to them or, for mesh
 * traffic, to Services ("GAMMA"), with their backends resolved. Pure; built once per
 * MeshResources (gatewayApiModel) and read by the graph, the analysis and the forms.
 *
 * Attachment follows the spec (https://gateway-api.sigs.k8s.io/api-types/httproute/#attaching-to-gateways)
 * and istiod's reading of it (pilot/pkg/config/kube/gateway referenceAllowed):
 * - parentRef defaults: group gateway.networking.k8s.io, kind Gateway, the route's own
 *   namespace. A Service parentRef is group "" kind Service (Istio also takes
 *   networking.istio.io ServiceEntry).
 * - A Gateway parent offers its listeners; sectionName and port narrow them. A listener
 *   takes the route when its allowedRoutes.namespaces admits the route's namespace
 *   (Same by default, All, or a Selector on the namespace's labels), its kinds include the
 *   route's kind (by protocol: HTTP/HTTPS take HTTPRoute and GRPCRoute, TLS TLSRoute (and
 *   TCPRoute when terminating), TCP TCPRoute; allowedRoutes.kinds narrows that), and the
 *   hostnames intersect (listener hostname and route hostnames; either empty means any).
 * - A Service parent takes every route kind; the route is applied by the Service's
 *   waypoint in ambient mode and by client sidecars in sidecar mode (see dataplane.ts).
 * - backendRefs default to group "" kind Service; weight defaults to 1; port is required
 *   for Services. A backend in another namespace needs a ReferenceGrant in that
 *   namespace from the route's kind and namespace to the backend kind (and name).
 */
import { matchesSelector } from '../labels';
import { GATEWAY_API_GROUP, parseApiVersion } from '../kinds';
import type { MeshResources } from '../resources';
import type { Service, ServiceEntry } from '../types';
import { intersectHostnames } from './hostnames';
import {
  ISTIO_CONTROLLERS,
  ISTIO_DEFAULT_CLASSES,
  ISTIO_GATEWAY_CONTROLLER,
  ISTIO_MESH_CONTROLLER,
  type AnyRoute,
  type BackendRef,
  type Condition,
  type GatewayClass,
  type K8sGateway,
  type Listener,
  type ParentReference,
  type RouteKind,
} from './types';

export type IstioGatewayRole = 'ingress' | 'waypoint' | 'east-west' | 'remote';

export interface ListenerInfo {
  index: number;
  name: string;
  port?: number;
  protocol: string;
  hostname?: string;
  tls?: Listener['tls'];
  allowedFrom: 'Same' | 'All' | 'Selector' | 'None';
  allowedKinds: Array<{ group: string; kind: string }>;
  /** allowedRoutes.kinds names a kind this protocol cannot carry. */
  invalidKinds: string[];
  /** Routes attached to it (set by the model). */
  attachedRoutes: number;
}

export interface GatewayInfo {
  obj: K8sGateway;
  namespace: string;
  name: string;
  /** "Gateway ns/name" */
  resource: string;
  className: string;
  class?: GatewayClass;
  controller?: string;
  /** What Istio does with it; undefined when no Istio controller implements its class. */
  istio?: IstioGatewayRole;
  listeners: ListenerInfo[];
  /** Name of the Deployment and Service istiod creates for it (and its service account). */
  deploymentName: string;
  addresses: string[];
  conditions: Condition[];
  /** Listeners that cannot be served together (same port, incompatible protocol or identical hostname). */
  conflicts: Array<{ listeners: string[]; reason: string }>;
}

export type ParentKind = 'Gateway' | 'Service' | 'ServiceEntry' | 'other';

export interface ParentAttachment {
  index: number;
  ref: ParentReference;
  kind: ParentKind;
  group: string;
  namespace: string;
  name: string;
  /** "spec/parentRefs[i]" */
  path: string;
  accepted: boolean;
  /** Gateway API condition reason when refused: NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, UnsupportedValue. */
  refusal?: 'NoMatchingParent' | 'NotAllowedByListeners' | 'NoMatchingListenerHostname' | 'UnsupportedValue';
  reason: string;
  gateway?: GatewayInfo;
  /** Listener names that took the route. */
  listeners: string[];
  /** Hostnames the route serves on this parent (empty: any). */
  hostnames: string[];
  service?: Service;
  serviceEntry?: ServiceEntry;
}

export type BackendProblem = 'missing' | 'no-port' | 'port' | 'not-permitted' | 'kind';

export interface BackendInfo {
  rule: number;
  index: number;
  /** "spec/rules[i]/backendRefs[j]" */
  path: string;
  ref: BackendRef;
  kind: string;
  group: string;
  namespace: string;
  name: string;
  port?: number;
  weight: number;
  service?: Service;
  serviceEntry?: ServiceEntry;
  problem?: BackendProblem;
  reason?: string;
}

export interface RouteInfo {
  obj: AnyRoute;
  kind: RouteKind;
  namespace: string;
  name: string;
  /** "HTTPRoute ns/name" */
  resource: string;
  parents: ParentAttachment[];
  backends: BackendInfo[];
}

export interface GatewayApiModel {
  gateways: GatewayInfo[];
  /** By "ns/name". */
  gatewayByKey: ReadonlyMap<string, GatewayInfo>;
  classes: ReadonlyMap<string, GatewayClass>;
  routes: RouteInfo[];
  /** Routes attached (accepted) to a Service parent, by "ns/name" of the Service. */
  meshRoutesByService: ReadonlyMap<string, Array<{ route: RouteInfo; parent: ParentAttachment }>>;
  /** Routes accepted by a Gateway, by "ns/name" of the Gateway. */
  routesByGateway: ReadonlyMap<string, Array<{ route: RouteInfo; parent: ParentAttachment }>>;
  /** The class's controller, and which Istio role implements it. */
  classController(className: string): { controller?: string; istio?: IstioGatewayRole; known: boolean };
}

const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

function nsOf(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace || 'default';
}

function roleOf(controller: string | undefined, className: string): IstioGatewayRole | undefined {
  if (controller === ISTIO_GATEWAY_CONTROLLER) return className === 'istio-east-west' ? 'east-west' : 'ingress';
  if (controller === ISTIO_MESH_CONTROLLER) return 'waypoint';
  if (controller === 'istio.io/eastwest-controller') return 'east-west';
  if (controller && ISTIO_CONTROLLERS.has(controller)) return 'remote';
  return undefined;
}

/** The route kinds a listener takes by protocol (Istio's GenerateGatewaySupportedKinds), narrowed by allowedRoutes.kinds. */
export function listenerKinds(l: Listener): { kinds: Array<{ group: string; kind: string }>; invalid: string[] } {
  const g = GATEWAY_API_GROUP;
  let supported: string[] = [];
  switch (l.protocol) {
    case 'HTTP':
    case 'HTTPS':
      supported = ['HTTPRoute', 'GRPCRoute'];
      break;
    case 'TCP':
      supported = ['TCPRoute'];
      break;
    case 'TLS':
      supported = l.tls?.mode === 'Terminate' ? ['TLSRoute', 'TCPRoute'] : ['TLSRoute'];
      break;
    case 'HBONE':
      supported = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];
      break;
    default:
      supported = [];
  }
  const asked = l.allowedRoutes?.kinds;
  if (!asked?.length) return { kinds: supported.map((kind) => ({ group: g, kind })), invalid: [] };
  const kinds: Array<{ group: string; kind: string }> = [];
  const invalid: string[] = [];
  for (const k of asked) {
    const group = k.group ?? g;
    if (group === g && k.kind && supported.includes(k.kind)) kinds.push({ group, kind: k.kind });
    else invalid.push(`${k.kind ?? '?'}${group !== g ? `.${group}` : ''}`);
  }
  return { kinds, invalid };
}

function gatewayInfo(g: K8sGateway, classes: ReadonlyMap<string, GatewayClass>): GatewayInfo {
  const ns = nsOf(g);
  const className = g.spec?.gatewayClassName ?? '';
  const cls = classes.get(className);
  const controller = cls?.spec?.controllerName ?? (cls ? undefined : ISTIO_DEFAULT_CLASSES[className]);
  const istio = roleOf(controller, className);
  const listeners: ListenerInfo[] = (g.spec?.listeners ?? []).map((l, index) => {
    const from = l.allowedRoutes?.namespaces?.from;
    const { kinds, invalid } = listenerKinds(l);
    return {
      index,
      name: l.name ?? `listener-${index}`,
      port: l.port,
      protocol: l.protocol ?? '',
      hostname: l.hostname,
      tls: l.tls,
      allowedFrom: (from === 'All' || from === 'Selector' || from === 'None' ? from : 'Same') as ListenerInfo['allowedFrom'],
      allowedKinds: kinds,
      invalidKinds: invalid,
      attachedRoutes: 0,
    };
  });
  const conflicts: GatewayInfo['conflicts'] = [];
  const byPort = new Map<number, ListenerInfo[]>();
  for (const l of listeners) if (l.port !== undefined) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  for (const [port, ls] of byPort) {
    if (ls.length < 2) continue;
    const family = (p: string) => (p === 'HTTP' ? 'http' : p === 'HTTPS' || p === 'TLS' ? 'tls' : p.toLowerCase());
    const fams = new Set(ls.map((l) => family(l.protocol)));
    if (fams.size > 1) {
      conflicts.push({
        listeners: ls.map((l) => l.name),
        reason: `port ${port} is used with incompatible protocols (${[...new Set(ls.map((l) => l.protocol))].join(', ')})`,
      });
      continue;
    }
    const seen = new Map<string, string>();
    for (const l of ls) {
      const key = (l.hostname ?? '').toLowerCase();
      const other = seen.get(key);
      if (other) conflicts.push({ listeners: [other, l.name], reason: `port ${port} ${l.protocol} with ${key ? `hostname ${key}` : 'no hostname'} twice` });
      else seen.set(key, l.name);
    }
  }
  const addresses = [...(g.spec?.addresses ?? []), ...(g.status?.addresses ?? [])].map((a) => a.value ?? '').filter(Boolean);
  const disableSuffix = istio === 'waypoint' || istio === 'east-west';
  return {
    obj: g,
    namespace: ns,
    name: g.metadata.name,
    resource: `Gateway ${ns}/${g.metadata.name}`,
    className,
    class: cls,
    controller,
    istio,
    listeners,
    deploymentName: disableSuffix ? g.metadata.name : `${g.metadata.name}-${className}`,
    addresses: [...new Set(addresses)],
    conditions: g.status?.conditions ?? [],
    conflicts,
  };
}

function parentOf(ref: ParentReference, routeNs: string): { kind: ParentKind; group: string; namespace: string; name: string } {
  const group = ref.group ?? GATEWAY_API_GROUP;
  const k = ref.kind ?? 'Gateway';
  let kind: ParentKind = 'other';
  if (group === GATEWAY_API_GROUP && k === 'Gateway') kind = 'Gateway';
  else if (group === '' && k === 'Service') kind = 'Service';
  else if (group === 'networking.istio.io' && k === 'ServiceEntry') kind = 'ServiceEntry';
  return { kind, group, namespace: ref.namespace || routeNs, name: ref.name ?? '' };
}

function admitsNamespace(l: ListenerInfo, raw: Listener | undefined, gwNs: string, routeNs: string, nsLabels: Record<string, string> | undefined): boolean {
  switch (l.allowedFrom) {
    case 'All':
      return true;
    case 'Selector':
      return matchesSelector(raw?.allowedRoutes?.namespaces?.selector, nsLabels ?? {});
    case 'None':
      return false;
    default:
      return gwNs === routeNs;
  }
}

/** ReferenceGrant check: may objects of `from` (group/kind in namespace) refer to `to` in toNs? */
export function referenceGranted(
  r: Pick<MeshResources, 'referenceGrants'>,
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  if (from.namespace === to.namespace) return true;
  return r.referenceGrants.some(
    (g) =>
      nsOf(g) === to.namespace &&
      (g.spec?.from ?? []).some((f) => (f.group ?? '') === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      (g.spec?.to ?? []).some((t) => (t.group ?? '') === to.group && t.kind === to.kind && (!t.name || t.name === to.name)),
  );
}

function attachToGateway(
  route: AnyRoute,
  kind: RouteKind,
  ref: ParentReference,
  gw: GatewayInfo,
  nsLabels: Record<string, string> | undefined,
): Pick<ParentAttachment, 'accepted' | 'refusal' | 'reason' | 'listeners' | 'hostnames'> {
  const routeNs = nsOf(route);
  let candidates = gw.listeners;
  if (ref.sectionName) {
    candidates = candidates.filter((l) => l.name === ref.sectionName);
    if (!candidates.length)
      return {
        accepted: false,
        refusal: 'NoMatchingParent',
        reason: `${gw.resource} has no listener named "${ref.sectionName}"`,
        listeners: [],
        hostnames: [],
      };
  }
  if (ref.port !== undefined) {
    candidates = candidates.filter((l) => l.port === ref.port);
    if (!candidates.length)
      return {
        accepted: false,
        refusal: 'NoMatchingParent',
        reason: `${gw.resource} has no listener on port ${ref.port}${ref.sectionName ? ` named "${ref.sectionName}"` : ''}`,
        listeners: [],
        hostnames: [],
      };
  }
  const raw = (l: ListenerInfo) => gw.obj.spec?.listeners?.[l.index];
  const byNamespace = candidates.filter((l) => admitsNamespace(l, raw(l), gw.namespace, routeNs, nsLabels));
  if (!byNamespace.length) {
    const how = [...new Set(candidates.map((l) => l.allowedFrom))].join('/');
    return {
      accepted: false,
      refusal: 'NotAllowedByListeners',
      reason: `the listeners of ${gw.resource} do not admit routes from namespace ${routeNs} (allowedRoutes.namespaces.from: ${how})`,
      listeners: [],
      hostnames: [],
    };
  }
  const byKind = byNamespace.filter((l) => l.allowedKinds.some((k) => k.kind === kind));
  if (!byKind.length) {
    return {
      accepted: false,
      refusal: 'NotAllowedByListeners',
      reason: `the listeners of ${gw.resource} do not take ${kind} (they take ${[...new Set(byNamespace.flatMap((l) => l.allowedKinds.map((k) => k.kind)))].join(', ') || 'no routes'})`,
      listeners: [],
      hostnames: [],
    };
  }
  const listeners: string[] = [];
  const hostnames = new Set<string>();
  let any = false;
  for (const l of byKind) {
    const x = intersectHostnames(l.hostname, route.spec?.hostnames);
    if (!x.matched) continue;
    listeners.push(l.name);
    if (!x.hosts.length) any = true;
    for (const h of x.hosts) hostnames.add(h);
  }
  if (!listeners.length) {
    const hs = byKind
      .map((l) => l.hostname)
      .filter(Boolean)
      .join(', ');
    return {
      accepted: false,
      refusal: 'NoMatchingListenerHostname',
      reason: `no hostname of the route (${(route.spec?.hostnames ?? []).join(', ')}) matches the listener hostname${byKind.length > 1 ? 's' : ''} of ${gw.resource} (${hs})`,
      listeners: [],
      hostnames: [],
    };
  }
  return {
    accepted: true,
    reason: `attached to ${gw.resource} listener${listeners.length > 1 ? 's' : ''} ${listeners.join(', ')}`,
    listeners,
    hostnames: any ? [] : [...hostnames],
  };
}

export function buildGatewayApiModel(r: MeshResources): GatewayApiModel {
  const classes = new Map(r.gatewayClasses.map((c) => [c.metadata.name, c]));
  const nsLabels = new Map(r.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const gateways = r.k8sGateways.map((g) => gatewayInfo(g, classes));
  const gatewayByKey = new Map(gateways.map((g) => [`${g.namespace}/${g.name}`, g]));
  const services = new Map(r.services.map((s) => [`${nsOf(s)}/${s.metadata.name}`, s]));
  const serviceEntries = new Map(r.serviceEntries.map((s) => [`${nsOf(s)}/${s.metadata.name}`, s]));
  const meshRoutesByService = new Map<string, Array<{ route: RouteInfo; parent: ParentAttachment }>>();
  const routesByGateway = new Map<string, Array<{ route: RouteInfo; parent: ParentAttachment }>>();
  const routes: RouteInfo[] = [];
  const lists: Record<RouteKind, readonly AnyRoute[]> = { HTTPRoute: r.httpRoutes, GRPCRoute: r.grpcRoutes, TCPRoute: r.tcpRoutes, TLSRoute: r.tlsRoutes };

  for (const kind of ROUTE_KINDS) {
    for (const obj of lists[kind]) {
      const ns = nsOf(obj);
      const info: RouteInfo = { obj, kind, namespace: ns, name: obj.metadata.name, resource: `${kind} ${ns}/${obj.metadata.name}`, parents: [], backends: [] };
      (obj.spec?.parentRefs ?? []).forEach((ref, index) => {
        const p = parentOf(ref, ns);
        const base = { index, ref, ...p, path: `spec/parentRefs[${index}]`, listeners: [] as string[], hostnames: [] as string[] };
        let a: ParentAttachment;
        if (p.kind === 'Gateway') {
          const gw = gatewayByKey.get(`${p.namespace}/${p.name}`);
          if (!gw) a = { ...base, accepted: false, refusal: 'NoMatchingParent', reason: `Gateway ${p.namespace}/${p.name} does not exist` };
          else a = { ...base, gateway: gw, ...attachToGateway(obj, kind, ref, gw, nsLabels.get(ns)) };
        } else if (p.kind === 'Service') {
          const svc = services.get(`${p.namespace}/${p.name}`);
          if (!svc) a = { ...base, accepted: false, refusal: 'NoMatchingParent', reason: `Service ${p.namespace}/${p.name} does not exist` };
          else if (ref.port !== undefined && !(svc.spec?.ports ?? []).some((sp) => sp.port === ref.port)) {
            a = { ...base, service: svc, accepted: false, refusal: 'NoMatchingParent', reason: `Service ${p.namespace}/${p.name} has no port ${ref.port}` };
          } else
            a = {
              ...base,
              service: svc,
              accepted: true,
              reason: `routes mesh traffic to Service ${p.namespace}/${p.name}${ref.port !== undefined ? ` port ${ref.port}` : ''}`,
            };
        } else if (p.kind === 'ServiceEntry') {
          const se = serviceEntries.get(`${p.namespace}/${p.name}`);
          a = se
            ? { ...base, serviceEntry: se, accepted: true, reason: `routes mesh traffic to ServiceEntry ${p.namespace}/${p.name}` }
            : { ...base, accepted: false, refusal: 'NoMatchingParent', reason: `ServiceEntry ${p.namespace}/${p.name} does not exist` };
        } else {
          a = {
            ...base,
            accepted: false,
            refusal: 'UnsupportedValue',
            reason: `parentRef kind ${ref.kind}${p.group ? `.${p.group}` : ''} is not a Gateway or Service`,
          };
        }
        info.parents.push(a);
        if (!a.accepted) return;
        if (a.gateway) {
          const key = `${a.gateway.namespace}/${a.gateway.name}`;
          routesByGateway.set(key, [...(routesByGateway.get(key) ?? []), { route: info, parent: a }]);
          for (const l of a.gateway.listeners) if (a.listeners.includes(l.name)) l.attachedRoutes++;
        }
        if (a.service) {
          const key = `${p.namespace}/${p.name}`;
          meshRoutesByService.set(key, [...(meshRoutesByService.get(key) ?? []), { route: info, parent: a }]);
        }
      });
      const rules = (obj.spec?.rules ?? []) as Array<{ backendRefs?: BackendRef[] }>;
      rules.forEach((rule, ri) => {
        (rule.backendRefs ?? []).forEach((b, bi) => {
          info.backends.push(resolveBackend(r, services, serviceEntries, kind, ns, b, ri, bi));
        });
      });
      routes.push(info);
    }
  }

  return {
    gateways,
    gatewayByKey,
    classes,
    routes,
    meshRoutesByService,
    routesByGateway,
    classController(className) {
      const cls = classes.get(className);
      const controller = cls?.spec?.controllerName ?? (cls ? undefined : ISTIO_DEFAULT_CLASSES[className]);
      return { controller, istio: roleOf(controller, className), known: !!cls || className in ISTIO_DEFAULT_CLASSES };
    },
  };
}

function resolveBackend(
  r: MeshResources,
  services: ReadonlyMap<string, Service>,
  serviceEntries: ReadonlyMap<string, ServiceEntry>,
  routeKind: RouteKind,
  routeNs: string,
  b: BackendRef,
  rule: number,
  index: number,
): BackendInfo {
  const group = b.group ?? '';
  const kind = b.kind ?? 'Service';
  const namespace = b.namespace || routeNs;
  const name = b.name ?? '';
  const out: BackendInfo = {
    rule,
    index,
    path: `spec/rules[${rule}]/backendRefs[${index}]`,
    ref: b,
    kind,
    group,
    namespace,
    name,
    port: b.port,
    weight: b.weight ?? 1,
  };
  const where = `${kind === 'Service' && !group ? 'Service' : `${kind}${group ? `.${group}` : ''}`} ${namespace}/${name}`;
  if (!(group === '' && kind === 'Service') && !(group === 'networking.istio.io' && (kind === 'ServiceEntry' || kind === 'Hostname'))) {
    return { ...out, problem: 'kind', reason: `backendRef kind ${where} is not supported (Service, or Istio's ServiceEntry and Hostname)` };
  }
  if (namespace !== routeNs && !referenceGranted(r, { group: GATEWAY_API_GROUP, kind: routeKind, namespace: routeNs }, { group, kind, namespace, name })) {
    return {
      ...out,
      problem: 'not-permitted',
      reason: `${where} is in another namespace and no ReferenceGrant in ${namespace} allows ${routeKind}s from ${routeNs} to refer to it`,
    };
  }
  if (kind === 'Hostname') return out;
  if (kind === 'ServiceEntry') {
    const se = serviceEntries.get(`${namespace}/${name}`);
    if (!se) return { ...out, problem: 'missing', reason: `${where} does not exist` };
    return { ...out, serviceEntry: se };
  }
  const svc = services.get(`${namespace}/${name}`);
  if (!svc) return { ...out, problem: 'missing', reason: `${where} does not exist` };
  if (b.port === undefined) return { ...out, service: svc, problem: 'no-port', reason: `backendRef to ${where} has no port (required for Services)` };
  if (!(svc.spec?.ports ?? []).some((p) => p.port === b.port)) {
    return {
      ...out,
      service: svc,
      problem: 'port',
      reason: `${where} has no port ${b.port} (it has ${(svc.spec?.ports ?? []).map((p) => p.port).join(', ') || 'none'})`,
    };
  }
  return { ...out, service: svc };
}

const cache = new WeakMap<MeshResources, { fp: unknown[]; model: GatewayApiModel }>();

/** The model, cached per MeshResources (rebuilt when one of the arrays it reads is replaced or changes length). */
export function gatewayApiModel(r: MeshResources): GatewayApiModel {
  const fp = [
    r.k8sGateways,
    r.k8sGateways.length,
    r.gatewayClasses,
    r.gatewayClasses.length,
    r.httpRoutes,
    r.httpRoutes.length,
    r.grpcRoutes,
    r.grpcRoutes.length,
    r.tcpRoutes,
    r.tcpRoutes.length,
    r.tlsRoutes,
    r.tlsRoutes.length,
    r.referenceGrants,
    r.referenceGrants.length,
    r.services,
    r.services.length,
    r.serviceEntries,
    r.namespaces,
  ];
  const hit = cache.get(r);
  if (hit && hit.fp.every((v, i) => v === fp[i])) return hit.model;
  const model = buildGatewayApiModel(r);
  cache.set(r, { fp, model });
  return model;
}

export function isGatewayApiObject(o: { apiVersion: string }): boolean {
  return parseApiVersion(o.apiVersion).group === GATEWAY_API_GROUP;
}

/** A condition of an object's status, or undefined. */
export function conditionOf(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
