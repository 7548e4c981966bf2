/**
 * Traffic shifting with the Gateway API: an HTTPRoute whose parentRef is the Service
 * (a "mesh" or GAMMA route, https://gateway-api.sigs.k8s.io/mesh/), with weighted
 * backendRefs to one Service per version — what Istio documents for ambient mode
 * (https://istio.io/latest/docs/ambient/usage/l7-features/, where the waypoint applies it)
 * and for sidecars (https://istio.io/latest/docs/tasks/traffic-management/traffic-shifting/,
 * Gateway API tab). The state is the traffic-shifting form's, with `api: 'HTTPRoute'`:
 * each "subset" is a backend Service. Pure.
 *
 * Ownership: the HTTPRoute with a Service parentRef to the service (its own namespace's
 * first), edited in place: only the backendRefs and timeouts.request of its catch-all rule
 * (the last rule without matches; else the first rule) change; parentRefs, other rules,
 * filters, labels and the rest stay. Created only when there is none.
 */
import { dataPlaneModel } from '../dataplane';
import { gatewayApiModel } from '../gatewayapi/model';
import type { BackendRef, HTTPRouteRule, HTTPRouteV1 } from '../gatewayapi/types';
import { GATEWAY_API_GROUP } from '../kinds';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { Service } from '../types';
import { findService } from './mesh';
import { clone, freeName, listInWords, newObject, startFrom } from './objects';
import { pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import type { FieldIssue } from './validators';
import {
  detectVersionLabel,
  findRoutingVirtualServices,
  versionsOf,
  type SubsetWeight,
  type TrafficShiftingInitContext,
  type TrafficShiftingState,
} from './trafficShifting';

const GW_API = `${GATEWAY_API_GROUP}/v1`;

export type TrafficApi = 'VirtualService' | 'HTTPRoute';

/** HTTPRoutes whose accepted parentRef is the Service ns/service, those of its namespace first. */
export function findMeshHttpRoutes(r: MeshResources, namespace: string, service: string): HTTPRouteV1[] {
  const attached = gatewayApiModel(r).meshRoutesByService.get(`${namespace}/${service}`) ?? [];
  const routes = [...new Set(attached.filter((a) => a.route.kind === 'HTTPRoute').map((a) => a.route.obj as HTTPRouteV1))];
  return routes.sort((a, b) => Number((b.metadata.namespace || 'default') === namespace) - Number((a.metadata.namespace || 'default') === namespace));
}

/**
 * Which API the form writes for this service, and why: an existing mesh HTTPRoute wins,
 * then an existing mesh VirtualService, then the namespace's data plane (ambient: HTTPRoute).
 */
export function trafficApiFor(r: MeshResources, namespace: string, service: string): { api: TrafficApi; reason: string } {
  const route = findMeshHttpRoutes(r, namespace, service)[0];
  if (route) return { api: 'HTTPRoute', reason: `${friendlyName(route)} already routes ${service} (Gateway API, Service parentRef)` };
  const vs = findRoutingVirtualServices(r, namespace, service)[0];
  if (vs) return { api: 'VirtualService', reason: `${friendlyName(vs)} already routes ${service}` };
  const ns = dataPlaneModel(r).namespace(namespace);
  if (ns.mode === 'ambient')
    return {
      api: 'HTTPRoute',
      reason: `namespace ${namespace} is ambient (${ns.reason}): mesh routing there is an HTTPRoute applied by the waypoint; the VirtualService is alpha`,
    };
  return { api: 'VirtualService', reason: `nothing routes ${service} yet; sidecars apply VirtualServices` };
}

/** Index of the rule the form owns: the last rule without matches, else the first rule; -1 for none. */
export function ownedRuleIndex(route: HTTPRouteV1): number {
  const rules = route.spec?.rules ?? [];
  if (!rules.length) return -1;
  const catchAll = rules.map((x, i) => ({ x, i })).filter(({ x }) => !x.matches?.length);
  return (catchAll[catchAll.length - 1] ?? { i: 0 }).i;
}

/** Services of the namespace that pick one version of `svc`: its selector plus versionLabel=v, by version. */
export function versionServices(r: MeshResources, svc: Service, versionLabel: string): Map<string, Service> {
  const ns = svc.metadata.namespace || 'default';
  const base = svc.spec?.selector ?? {};
  const out = new Map<string, Service>();
  for (const other of r.services) {
    if ((other.metadata.namespace || 'default') !== ns || other === svc) continue;
    const sel = other.spec?.selector ?? {};
    const v = sel[versionLabel];
    if (!v || out.has(v)) continue;
    if (Object.entries(base).every(([k, x]) => sel[k] === x)) out.set(v, other);
  }
  return out;
}

/** What tells a backend Service's pods apart: its selector without the parent Service's own. */
function backendLabels(r: MeshResources, namespace: string, parent: Service | undefined, name: string): Record<string, string> {
  const b = findService(r, namespace, name);
  const sel = { ...(b?.spec?.selector ?? {}) };
  const base = parent?.spec?.selector ?? {};
  const own = Object.fromEntries(Object.entries(sel).filter(([k, v]) => base[k] !== v));
  return Object.keys(own).length ? own : sel;
}

/** Percentages from Gateway API weights (relative, default 1), summing to 100. */
function percents(weights: number[]): number[] {
  const total = weights.reduce((a, w) => a + w, 0);
  if (total <= 0) return weights.map(() => 0);
  const out = weights.map((w) => Math.round((100 * w) / total));
  const diff = 100 - out.reduce((a, w) => a + w, 0);
  if (diff && out.length) {
    const i = out.indexOf(Math.max(...out));
    out[i] = out[i]! + diff;
  }
  return out;
}

export function getInitMeshRoute(ctx: TrafficShiftingInitContext): TrafficShiftingState {
  const r = ctx.resources;
  const svc = findService(r, ctx.namespace, ctx.service);
  const versionLabel = ctx.versionLabel ?? (svc ? detectVersionLabel(r, svc) : undefined) ?? 'version';
  const route = findMeshHttpRoutes(r, ctx.namespace, ctx.service)[0];
  const idx = route ? ownedRuleIndex(route) : -1;
  const rule = route && idx >= 0 ? route.spec?.rules?.[idx] : undefined;
  const refs = (rule?.backendRefs ?? []).filter((b) => (b.kind ?? 'Service') === 'Service' && !b.group && b.name);
  const weights = percents(refs.map((b) => b.weight ?? 1));
  const routeNs = route?.metadata.namespace || ctx.namespace;
  const subsets: SubsetWeight[] = refs.map((b, i) => ({ name: b.name!, labels: backendLabels(r, b.namespace || routeNs, svc, b.name!), weight: weights[i]! }));
  if (svc) {
    const byVersion = versionServices(r, svc, versionLabel);
    for (const v of versionsOf(r, svc, versionLabel)) {
      const vs = byVersion.get(v);
      if (!vs || subsets.some((x) => x.name === vs.metadata.name)) continue;
      subsets.push({ name: vs.metadata.name, labels: { [versionLabel]: v }, weight: 0 });
    }
  }
  if (!subsets.length && svc) subsets.push({ name: ctx.service, labels: { ...(svc.spec?.selector ?? {}) }, weight: 100 });
  const timeout = rule?.timeouts?.request;
  return {
    namespace: ctx.namespace,
    service: ctx.service,
    versionLabel,
    subsets,
    ...(timeout ? { timeout } : {}),
    api: 'HTTPRoute',
    httpRouteName: route?.metadata.name ?? freeName(ctx.service, r.httpRoutes, ctx.namespace),
    virtualServiceName: freeName(ctx.service, r.virtualServices, ctx.namespace),
    destinationRuleName: freeName(ctx.service, r.destinationRules, ctx.namespace),
  };
}

/** Versions of the service with no Service of their own: an HTTPRoute cannot send traffic to them. */
export function versionsWithoutService(r: MeshResources, s: Pick<TrafficShiftingState, 'namespace' | 'service' | 'versionLabel'>): string[] {
  const svc = findService(r, s.namespace, s.service);
  if (!svc) return [];
  const byVersion = versionServices(r, svc, s.versionLabel);
  return versionsOf(r, svc, s.versionLabel).filter((v) => !byVersion.has(v));
}

function portFor(backend: Service | undefined, parentPort: number | undefined): number | undefined {
  const ports = backend?.spec?.ports ?? [];
  return (ports.find((p) => p.port === parentPort) ?? ports[0])?.port;
}

export function buildMeshRoute(s: TrafficShiftingState, r: MeshResources): BuildResult {
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];
  const errors: FieldIssue[] = [];
  const svc = findService(r, s.namespace, s.service);
  if (!svc) errors.push({ path: 'service', message: `There is no Service ${s.service} in namespace ${s.namespace}: an HTTPRoute's parentRef must name one` });
  s.subsets.forEach((x, i) => {
    if (x.weight > 0 && !findService(r, s.namespace, x.name)) {
      errors.push({
        path: `subsets.${i}.name`,
        message: `There is no Service ${x.name} in ${s.namespace}: the backends of an HTTPRoute are Services (one per version, selecting its pods)`,
      });
    }
  });
  if (errors.length) return { writes: [], warnings: [], errors };

  const routing = findMeshHttpRoutes(r, s.namespace, s.service);
  const live = routing[0];
  const parentPort = (svc!.spec?.ports ?? []).length === 1 ? svc!.spec!.ports![0]!.port : undefined;
  const route: HTTPRouteV1 = live
    ? startFrom(live)
    : newObject<HTTPRouteV1>(GW_API, 'HTTPRoute', s.httpRouteName ?? s.service, s.namespace, {
        parentRefs: [{ group: '', kind: 'Service', name: s.service, ...(parentPort !== undefined ? { port: parentPort } : {}) }],
        rules: [],
      });
  const spec = (route.spec ??= {});
  const rules: HTTPRouteRule[] = spec.rules ? [...spec.rules] : [];
  const idx = ownedRuleIndex(route);
  const rule: HTTPRouteRule = idx >= 0 ? clone(rules[idx]!) : {};
  const before = rule.backendRefs ?? [];
  const refPort = live?.spec?.parentRefs?.find((p) => p.kind === 'Service' && p.name === s.service)?.port ?? parentPort;
  const used = s.subsets.filter((x) => x.weight > 0);
  rule.backendRefs = used.map((x) => {
    const prior = before.find((b) => b.name === x.name && (b.kind ?? 'Service') === 'Service' && !b.group);
    const ref: BackendRef = prior
      ? clone(prior)
      : {
          name: x.name,
          ...(portFor(findService(r, s.namespace, x.name), refPort) !== undefined ? { port: portFor(findService(r, s.namespace, x.name), refPort) } : {}),
        };
    if (used.length === 1) delete ref.weight;
    else ref.weight = x.weight;
    return ref;
  });
  const timeouts = { ...(rule.timeouts ?? {}) };
  if (s.timeout) timeouts.request = s.timeout;
  else delete timeouts.request;
  if (Object.keys(timeouts).length) rule.timeouts = timeouts;
  else delete rule.timeouts;
  if (idx >= 0) rules[idx] = rule;
  else rules.push(rule);
  spec.rules = rules;
  pushWrite(writes, route, live);

  if (routing.length > 1) {
    warnings.push({
      code: 'TS_SEVERAL_HTTP_ROUTES',
      message: `${listInWords(routing.map(friendlyName))} all route ${s.service}; only ${friendlyName(routing[0]!)} is changed.`,
    });
  }
  const vss = findRoutingVirtualServices(r, s.namespace, s.service);
  if (vss.length) {
    warnings.push({
      code: 'TS_VIRTUAL_SERVICE_TOO',
      message: `${listInWords(vss.map(friendlyName))} also ${vss.length === 1 ? 'routes' : 'route'} ${s.service}; two sets of routing rules for one host are confusing at best: keep one of them.`,
    });
  }
  const model = dataPlaneModel(r);
  if (model.namespace(s.namespace).mode === 'ambient') {
    const wp = model.serviceWaypoint(svc!);
    if (wp.state !== 'bound') {
      warnings.push({
        code: 'TS_NO_WAYPOINT',
        message: `${s.service} has no waypoint (${wp.reason}): in ambient mode only a waypoint applies an HTTPRoute, so nothing will split its traffic. Give it one with the Ambient form.`,
      });
    }
  }
  const missing = versionsWithoutService(r, s);
  if (missing.length) {
    warnings.push({
      code: 'TS_VERSION_NO_SERVICE',
      message: `Version${missing.length > 1 ? 's' : ''} ${listInWords(missing)} of ${s.service} ${missing.length > 1 ? 'have' : 'has'} no Service of ${missing.length > 1 ? 'their' : 'its'} own (selecting ${s.versionLabel}=…): an HTTPRoute can only send traffic to Services.`,
    });
  }
  return { writes, warnings, errors: [] };
}
