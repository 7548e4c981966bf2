/**
 * The two domain models the ambient and Gateway API checks read, built once per analysis
 * run from the context's objects: the data-plane model (lib/istio/dataplane.ts: sidecar,
 * ambient or none per workload, Istio's own proxies, waypoint bindings) and the Gateway
 * API model (lib/istio/gatewayapi: route attachment, backends, listeners). The analyzers
 * never decide those things themselves. Pure.
 */
import { AMBIENT_REDIRECTION, DATAPLANE_MODE_LABEL, dataPlaneModel, type DataPlaneModel, type PodMeta, type WorkloadDataPlane } from '../dataplane';
import { gatewayApiModel, type GatewayApiModel } from '../gatewayapi';
import { emptyMeshResources, indexResources, type MeshResources } from '../resources';
import { GATEWAY_API_GROUP } from '../kinds';
import type { Container, MeshConfig, Service } from '../types';
import { asArray, asLabels, asRecord, containsLabels, groupOf, nsOf, specOf, type AnalysisContext, type Workload } from './context';
import type { K8sObject } from '../types';

/*
 * The models are typed: they trust that a list is a list and a port a number. Input here
 * may be anything (files being written, fuzz), so the fields they read are coerced first:
 * a value of the wrong type is dropped (as if absent), everything else is kept as it is.
 * Objects are copied only where something had to be dropped.
 */
type Shape = 'string' | 'number' | 'boolean' | 'map' | 'any' | { [field: string]: Shape } | readonly [Shape];

/** A shape with its fields listed once (coercion runs over every object of a large mesh). */
type Compiled = 'string' | 'number' | 'boolean' | 'map' | 'any' | { list: Compiled } | { fields: Array<[string, Compiled]> };

function compile(shape: Shape): Compiled {
  if (typeof shape === 'string') return shape;
  if (Array.isArray(shape)) return { list: compile(shape[0] as Shape) };
  return { fields: Object.entries(shape as Record<string, Shape>).map(([k, v]) => [k, compile(v)]) };
}

const DROP = Symbol('drop');

const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

/** `v` with values of the wrong type dropped; the same object when nothing had to be (DROP: `v` itself is of the wrong type). */
function coerce(v: unknown, shape: Compiled): unknown {
  if (v === undefined || v === null || shape === 'any') return v;
  if (typeof shape === 'string') {
    if (shape === 'map') {
      if (typeof v !== 'object' || Array.isArray(v)) return DROP;
      for (const x of Object.values(v)) if (typeof x !== 'string') return asLabels(v);
      return v;
    }
    return typeof v === shape ? v : DROP;
  }
  if ('list' in shape) {
    if (!Array.isArray(v)) return DROP;
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const it: unknown = v[i];
      const c = coerce(it, shape.list);
      const keep = c !== DROP && c !== undefined && c !== null;
      if (!out && (!keep || c !== it)) out = v.slice(0, i);
      if (out && keep) out.push(c);
    }
    return out ?? v;
  }
  if (typeof v !== 'object' || Array.isArray(v)) return DROP;
  let copy: Record<string, unknown> | undefined;
  for (const [k, sub] of shape.fields) {
    const cur = (v as Record<string, unknown>)[k];
    if (cur === undefined) continue;
    const c = coerce(cur, sub);
    if (c === cur) continue;
    copy ??= { ...(v as Record<string, unknown>) };
    if (c === DROP) delete copy[k];
    else copy[k] = c;
  }
  return copy ?? v;
}

const strings = ['string'] as const;
const selector: Shape = { matchLabels: 'map', matchExpressions: [{ key: 'string', operator: 'string', values: strings }] };
const condition: Shape = { type: 'string', status: 'string', reason: 'string', message: 'string' };
const containers: Shape = [{ name: 'string', image: 'string' }];
const podSpec: Shape = { containers, initContainers: containers, hostNetwork: 'boolean', serviceAccountName: 'string', serviceAccount: 'string' };
const ref: Shape = { group: 'string', kind: 'string', name: 'string', namespace: 'string', sectionName: 'string', port: 'number', weight: 'number' };
const routeSpec: Shape = { parentRefs: [ref], hostnames: strings, rules: [{ backendRefs: [ref], matches: ['any'], filters: ['any'] }] };
const routeStatus: Shape = { parents: [{ parentRef: ref, controllerName: 'string', conditions: [condition] }] };
const source = Object.fromEntries(
  [
    'principals',
    'notPrincipals',
    'requestPrincipals',
    'notRequestPrincipals',
    'namespaces',
    'notNamespaces',
    'ipBlocks',
    'notIpBlocks',
    'remoteIpBlocks',
    'notRemoteIpBlocks',
    'serviceAccounts',
    'notServiceAccounts',
  ].map((f) => [f, strings]),
);
const operation = Object.fromEntries(['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'].map((f) => [f, strings]));

/** What the models read, by "group/Kind". */
const SHAPE_SOURCE: Record<string, { spec?: Shape; status?: Shape }> = {
  '/Pod': { spec: podSpec },
  'apps/Deployment': { spec: { selector, template: { metadata: { labels: 'map', annotations: 'map' }, spec: podSpec } } },
  '/Service': { spec: { selector: 'map', ports: [{ port: 'number', name: 'string', protocol: 'string', targetPort: 'any' }] } },
  'gateway.networking.k8s.io/GatewayClass': { spec: { controllerName: 'string' }, status: { conditions: [condition] } },
  'gateway.networking.k8s.io/Gateway': {
    spec: {
      gatewayClassName: 'string',
      listeners: [
        {
          name: 'string',
          hostname: 'string',
          port: 'number',
          protocol: 'string',
          tls: { mode: 'string', certificateRefs: [ref] },
          allowedRoutes: { namespaces: { from: 'string', selector }, kinds: [{ group: 'string', kind: 'string' }] },
        },
      ],
      addresses: [{ type: 'string', value: 'string' }],
    },
    status: { addresses: [{ type: 'string', value: 'string' }], conditions: [condition], listeners: ['any'] },
  },
  'gateway.networking.k8s.io/HTTPRoute': { spec: routeSpec, status: routeStatus },
  'gateway.networking.k8s.io/GRPCRoute': { spec: routeSpec, status: routeStatus },
  'gateway.networking.k8s.io/TCPRoute': { spec: routeSpec, status: routeStatus },
  'gateway.networking.k8s.io/TLSRoute': { spec: routeSpec, status: routeStatus },
  'gateway.networking.k8s.io/ReferenceGrant': {
    spec: { from: [{ group: 'string', kind: 'string', namespace: 'string' }], to: [{ group: 'string', kind: 'string', name: 'string' }] },
  },
  'security.istio.io/AuthorizationPolicy': {
    spec: {
      selector,
      action: 'string',
      provider: { name: 'string' },
      targetRef: ref,
      targetRefs: [ref],
      rules: [{ from: [{ source }], to: [{ operation }], when: [{ key: 'string', values: strings, notValues: strings }] }],
    },
  },
  'security.istio.io/PeerAuthentication': { spec: { selector, mtls: { mode: 'string' }, portLevelMtls: 'any' } },
  'networking.istio.io/DestinationRule': { spec: { host: 'string', exportTo: strings, workloadSelector: selector, trafficPolicy: 'any', subsets: ['any'] } },
  'networking.istio.io/ServiceEntry': { spec: { hosts: strings, exportTo: strings, ports: ['any'], workloadSelector: { labels: 'map' } } },
};

const SHAPES = new Map(Object.entries(SHAPE_SOURCE).map(([k, v]) => [k, { spec: v.spec && compile(v.spec), status: v.status && compile(v.status) }]));
const POD_SPEC = compile(podSpec);

function coerceObject(o: K8sObject): K8sObject {
  const shape = SHAPES.get(`${groupOf(o)}/${o.kind}`);
  if (!shape) return o;
  const status = (o as { status?: unknown }).status;
  const spec = shape.spec ? coerce(o.spec, shape.spec) : o.spec;
  const st = shape.status ? coerce(status, shape.status) : status;
  if (spec === o.spec && st === status) return o;
  return { ...o, spec: spec === DROP ? undefined : spec, status: st === DROP ? undefined : st } as K8sObject;
}

/**
 * indexResources(objects, meshConfig), asking it once per apiVersion and kind (with one
 * object of each) which list they go to, rather than parsing every object's apiVersion.
 */
function groupedResources(objects: readonly K8sObject[], meshConfig: MeshConfig | undefined): MeshResources {
  const r = emptyMeshResources();
  r.meshConfig = meshConfig;
  const lists = new Map<string, Map<string, K8sObject[]>>();
  for (const o of objects) {
    let byKind = lists.get(o.apiVersion);
    if (!byKind) lists.set(o.apiVersion, (byKind = new Map()));
    let list = byKind.get(o.kind);
    if (!list) {
      const probe = indexResources([o]);
      const key = (Object.keys(probe) as Array<keyof MeshResources>).find((k) => Array.isArray(probe[k]) && (probe[k] as unknown[]).length > 0);
      list = r[key as keyof MeshResources] as K8sObject[];
      byKind.set(o.kind, list);
    }
    list.push(o);
  }
  return r;
}

/**
 * The context's objects grouped by kind, with the fields the models read coerced to their
 * types. Each kind's list is coerced when it is first read: the data-plane model reads
 * namespaces, pods and gateways only, and a large mesh is mostly Deployments, Services and
 * routes that no model may ask for.
 */
export function meshResourcesOf(ctx: AnalysisContext): MeshResources {
  return ctx.cached('models.meshResources', () => {
    const r = groupedResources(ctx.objects, ctx.meshConfig);
    for (const key of Object.keys(r) as Array<keyof MeshResources>) {
      const raw = r[key];
      if (!Array.isArray(raw)) continue;
      Object.defineProperty(r, key, {
        configurable: true,
        enumerable: true,
        get() {
          const value = (raw as K8sObject[]).map(coerceObject);
          Object.defineProperty(r, key, { value, writable: true, enumerable: true, configurable: true });
          return value;
        },
        set(this: MeshResources, value: unknown) {
          // On the object assigned to (a view made with Object.create(r) keeps its own).
          Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
    return r;
  });
}

export function dataPlaneOf(ctx: AnalysisContext): DataPlaneModel {
  return ctx.cached('models.dataPlane', () => dataPlaneModel(meshResourcesOf(ctx)));
}

export function gatewayApiOf(ctx: AnalysisContext): GatewayApiModel {
  return ctx.cached('models.gatewayApi', () => {
    const r = meshResourcesOf(ctx);
    const routes = ROUTE_KINDS.some((k) => ctx.list(GATEWAY_API_GROUP, k).length > 0);
    if (routes) return gatewayApiModel(r);
    // Without routes the model reads no Service or ServiceEntry (they resolve route parents and backends only).
    const view = Object.create(r) as MeshResources;
    const none = { value: [], writable: true, enumerable: true, configurable: true };
    Object.defineProperties(view, { services: none, serviceEntries: { ...none, value: [] } });
    return gatewayApiModel(view);
  });
}

function metaOf(w: Workload): PodMeta {
  const c = coerce(w.spec, POD_SPEC);
  const spec = asRecord(c === DROP ? undefined : c);
  return {
    labels: w.labels,
    annotations: w.annotations,
    containers: asArray(spec.containers) as Container[],
    initContainers: asArray(spec.initContainers) as Container[],
    hostNetwork: spec.hostNetwork === true,
  };
}

/** The data plane of one workload of the context: a running Pod as observed, a controller template as predicted. */
export function workloadDataPlaneOf(ctx: AnalysisContext, w: Workload): WorkloadDataPlane {
  const memo = ctx.cached('models.workloadDataPlane', () => new Map<Workload, WorkloadDataPlane>());
  let d = memo.get(w);
  if (!d) {
    const meta = metaOf(w);
    memo.set(w, (d = dataPlaneOf(ctx).workload(w.namespace, meta, w.isPod ? [meta] : [])));
  }
  return d;
}

/**
 * False when istio-cni cannot capture the workload's pods: neither it nor its namespace is
 * labelled istio.io/dataplane-mode=ambient (or it opts out). The data-plane model says
 * "ambient" only when its ambientDecision does, so this answers most workloads without it.
 */
export function mayBeAmbient(ctx: AnalysisContext, w: Workload): boolean {
  const own = w.labels[DATAPLANE_MODE_LABEL];
  if (own === 'ambient') return true;
  if (own === 'none') return false;
  return ctx.namespaces.get(w.namespace)?.metadata.labels?.[DATAPLANE_MODE_LABEL] === 'ambient';
}

/** Ambient-captured (ztunnel) and not one of Istio's own proxies. */
export function isAmbientWorkload(ctx: AnalysisContext, w: Workload): boolean {
  // A running pod is also ambient when istio-cni says it captured it.
  if (!mayBeAmbient(ctx, w) && !(w.isPod && w.annotations[AMBIENT_REDIRECTION] === 'enabled')) return false;
  const d = workloadDataPlaneOf(ctx, w);
  return !d.proxy && d.mode === 'ambient';
}

/** The workloads (pods, or templates standing for them) a Service selects. */
export function serviceWorkloads(ctx: AnalysisContext, svc: K8sObject | Service): Workload[] {
  const sel = asLabels(specOf(svc as K8sObject).selector);
  if (!Object.keys(sel).length) return [];
  return ctx.workloadsSelected(nsOf(svc as K8sObject), sel);
}

/** The Services in a workload's namespace whose selector matches it. */
export function servicesOf(ctx: AnalysisContext, w: Workload): Array<{ svc: K8sObject; selector: Record<string, string> }> {
  const byNs = ctx.cached('models.servicesByNs', () => {
    const m = new Map<string, Array<{ svc: K8sObject; selector: Record<string, string> }>>();
    for (const svc of ctx.core('Service')) {
      const selector = asLabels(specOf(svc).selector);
      if (!Object.keys(selector).length) continue;
      const l = m.get(nsOf(svc)) ?? [];
      l.push({ svc, selector });
      m.set(nsOf(svc), l);
    }
    return m;
  });
  return (byNs.get(w.namespace) ?? []).filter((s) => containsLabels(w.labels, s.selector));
}

export type ServicePlane = 'ambient' | 'sidecar' | 'none' | 'unknown';

/**
 * How the workloads behind a Service are served: ambient when any of them is captured by
 * ztunnel, else sidecar when any runs one, else none. A Service whose workloads are not in
 * the input (a folder of Services and routes) takes its namespace's mode when the
 * Namespace is known, else "unknown".
 */
export function servicePlane(ctx: AnalysisContext, svc: K8sObject | Service): { plane: ServicePlane; workloads: Workload[] } {
  const all = serviceWorkloads(ctx, svc).filter((w) => !workloadDataPlaneOf(ctx, w).proxy);
  if (all.length) {
    const modes = new Set(all.map((w) => workloadDataPlaneOf(ctx, w).mode));
    return { plane: modes.has('ambient') ? 'ambient' : modes.has('sidecar') ? 'sidecar' : 'none', workloads: all };
  }
  const ns = nsOf(svc as K8sObject);
  if (!ctx.namespaces.has(ns)) return { plane: 'unknown', workloads: [] };
  return { plane: dataPlaneOf(ctx).namespace(ns).mode, workloads: [] };
}

/**
 * servicePlane(ctx, svc).plane === 'ambient'. Only a namespace labelled
 * istio.io/dataplane-mode=ambient, or one with a workload labelled so (or a pod istio-cni
 * captured), can have an ambient Service; elsewhere the answer needs no data-plane model.
 */
export function isAmbientService(ctx: AnalysisContext, svc: K8sObject | Service): boolean {
  const possible = ctx.cached('models.ambientNamespaces', () => {
    const s = new Set<string>();
    for (const [name, n] of ctx.namespaces) if (n.metadata.labels?.[DATAPLANE_MODE_LABEL] === 'ambient') s.add(name);
    for (const w of ctx.workloads) {
      if (w.labels[DATAPLANE_MODE_LABEL] === 'ambient' || (w.isPod && w.annotations[AMBIENT_REDIRECTION] === 'enabled')) s.add(w.namespace);
    }
    return s;
  });
  if (!possible.has(nsOf(svc as K8sObject))) return false;
  return servicePlane(ctx, svc).plane === 'ambient';
}
