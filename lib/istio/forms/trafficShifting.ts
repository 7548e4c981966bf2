/**
 * Traffic-shifting form: split a service's traffic between subsets (versions found on
 * its workloads), with canary steps, and optional timeout, retries and fault injection.
 *
 * Ownership:
 *  - routing: the existing VirtualService whose hosts include the service (mesh
 *    traffic), edited in place: only its route to the service changes (the catch-all
 *    route whose destinations are all this service; appended if there is none);
 *  - subsets: the existing DestinationRule for the host, extended (existing subsets and
 *    their traffic policies stay; a new subset is added when traffic is sent to it).
 *  Both are created only when absent.
 *
 * Where the service's mesh routing is the Gateway API — an HTTPRoute with a Service
 * parentRef already routes it, or its namespace is ambient, where the VirtualService is
 * alpha and mesh routing is HTTPRoute/GRPCRoute applied by the waypoint
 * (https://istio.io/latest/docs/ambient/usage/l7-features/,
 * https://istio.io/latest/docs/tasks/traffic-management/traffic-shifting/ "Gateway API"
 * tab) — the form writes an HTTPRoute instead (`api: 'HTTPRoute'`, lib/istio/forms/meshRoute.ts):
 *  - routing: the HTTPRoute whose parentRef is the Service (S5: reviews), edited in place:
 *    only the backendRefs (and the request timeout) of its catch-all rule change;
 *  - versions are backend Services (one per version, reviews-v1, reviews-v2...), since an
 *    HTTPRoute has no subsets: no DestinationRule is written. The Gateway API's standard
 *    channel has no fault injection and no retries; the form refuses them there.
 */
import { z } from 'zod';
import { fqdn } from '../hosts';
import { matchesLabels } from '../labels';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { DestinationRule, HTTPRoute, RouteDestination, Service, Subset, VirtualService } from '../types';
import { findService, workloadsOfService, type Workload } from './mesh';
import { clone, freeName, listInWords, newObject, startFrom } from './objects';
import { checkState, pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { buildMeshRoute, getInitMeshRoute, trafficApiFor } from './meshRoute';
import { applyRouteOptions, faultField, readRouteOptions, retriesField, timeoutField } from './routeOptions';
import {
  addDuplicateIssues,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  dnsLabelSchema,
  labelsSchema,
  resourceNameSchema,
  weightsProblem,
} from './validators';

export const trafficShiftingSchema = z
  .object({
    namespace: dnsLabelSchema('namespace'),
    service: dnsLabelSchema('service name'),
    /** Label key that tells versions apart on the service's workloads ("version", "release"...). */
    versionLabel: z.string(),
    subsets: z.array(z.object({ name: z.string(), labels: labelsSchema, weight: z.number({ error: 'Enter a weight' }) })),
    timeout: timeoutField,
    retries: retriesField,
    fault: faultField,
    /** Names used only when the VirtualService / DestinationRule have to be created. */
    virtualServiceName: resourceNameSchema('VirtualService name'),
    destinationRuleName: resourceNameSchema('DestinationRule name'),
    /** Which API routes the service: VirtualService + DestinationRule subsets (default) or an HTTPRoute with a Service parentRef (subsets are backend Services). */
    api: z.enum(['VirtualService', 'HTTPRoute']).optional(),
    /** Name used only when the HTTPRoute has to be created. */
    httpRouteName: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.api === 'HTTPRoute') {
      const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      if (s.subsets.length === 0) add(['subsets'], `Add at least one backend Service (a version of ${s.service || 'the service'}) to send traffic to`);
      s.subsets.forEach((ss, i) => {
        const p = dns1123LabelProblem(ss.name, 'backend Service name');
        if (p) add(['subsets', i, 'name'], p);
      });
      addDuplicateIssues(
        ctx,
        s.subsets.map((x) => x.name),
        ['subsets'],
        (n) => `The backend Service ${n} is listed twice`,
      );
      const w = weightsProblem(s.subsets.map((x) => x.weight));
      if (w) add(['subsets'], w);
      const name = s.httpRouteName ?? '';
      const np = dns1123SubdomainProblem(name, 'HTTPRoute name');
      if (np) add(['httpRouteName'], np);
      if (s.fault?.delay || s.fault?.abort)
        add(
          ['fault'],
          "An HTTPRoute has no fault injection (the Gateway API's standard channel does not define it): remove the delay and abort, or route this service with a VirtualService",
        );
      if (s.retries) add(['retries'], "An HTTPRoute of the Gateway API's standard channel has no retries: remove them here (the request timeout is supported)");
      return;
    }
    if (s.subsets.length === 0)
      ctx.addIssue({ code: 'custom', path: ['subsets'], message: 'Add at least one subset (a version of the service) to send traffic to' });
    s.subsets.forEach((ss, i) => {
      const p = dns1123LabelProblem(ss.name, 'subset name');
      if (p) ctx.addIssue({ code: 'custom', path: ['subsets', i, 'name'], message: p });
      if (Object.keys(ss.labels).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['subsets', i, 'labels'],
          message: `Give subset ${ss.name || i + 1} the labels that pick its pods, such as version: v2`,
        });
    });
    addDuplicateIssues(
      ctx,
      s.subsets.map((x) => x.name),
      ['subsets'],
      (n) => `There are two subsets named ${n}`,
    );
    const w = weightsProblem(s.subsets.map((x) => x.weight));
    if (w) ctx.addIssue({ code: 'custom', path: ['subsets'], message: w });
  });

export type TrafficShiftingState = z.infer<typeof trafficShiftingSchema>;
export type SubsetWeight = TrafficShiftingState['subsets'][number];

export interface TrafficShiftingContext {
  resources: MeshResources;
}

export interface TrafficShiftingInitContext {
  resources: MeshResources;
  namespace: string;
  service: string;
  /** Label key for versions; detected from the workloads when absent. */
  versionLabel?: string;
}

const NET_API = 'networking.istio.io/v1';

/* ---- canary steps ---- */

export const canarySteps: ReadonlyArray<readonly [number, number]> = [
  [90, 10],
  [50, 50],
  [0, 100],
];

/** Set `from` and `to` to the weights of `step`; every other subset gets 0. */
export function applyCanaryStep(state: TrafficShiftingState, step: readonly [number, number], from: string, to: string): TrafficShiftingState {
  return {
    ...state,
    subsets: state.subsets.map((s) => ({ ...s, weight: s.name === from ? step[0] : s.name === to ? step[1] : 0 })),
  };
}

/** The step after the current weights (the first step when none matches yet), or undefined after 0/100. */
export function nextCanaryStep(state: TrafficShiftingState, from: string, to: string): readonly [number, number] | undefined {
  const a = state.subsets.find((s) => s.name === from)?.weight ?? 0;
  const b = state.subsets.find((s) => s.name === to)?.weight ?? 0;
  const i = canarySteps.findIndex(([x, y]) => x === a && y === b);
  if (i < 0) return b === 100 ? undefined : canarySteps[0];
  return canarySteps[i + 1];
}

/** Which subset is stable and which is the canary: named so, or the one with all traffic and the next one. */
export function guessCanaryPair(state: TrafficShiftingState): { from: string; to: string } | undefined {
  const names = state.subsets.map((s) => s.name);
  if (names.includes('stable') && names.includes('canary')) return { from: 'stable', to: 'canary' };
  const busiest = [...state.subsets].sort((a, b) => b.weight - a.weight)[0];
  const other = state.subsets.find((s) => s !== busiest);
  return busiest && other ? { from: busiest.name, to: other.name } : undefined;
}

/* ---- finding what exists ---- */

/** Label key that tells the service's versions apart: "version" when present, else a key whose values differ. */
export function detectVersionLabel(r: MeshResources, svc: Service): string | undefined {
  const ws = workloadsOfService(r, svc);
  if (!ws.length) return undefined;
  const selector = svc.spec?.selector ?? {};
  const common = Object.keys(ws[0]!.labels).filter((k) => !(k in selector) && ws.every((w) => k in w.labels));
  for (const k of ['version', 'app.kubernetes.io/version']) if (common.includes(k)) return k;
  return common.find((k) => new Set(ws.map((w) => w.labels[k])).size > 1) ?? common[0];
}

const VERSION_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * Distinct values of the version label on the service's workloads, in version order
 * (v2 before v10): not in the order the cluster happened to list or create them.
 */
export function versionsOf(r: MeshResources, svc: Service, key: string): string[] {
  return [
    ...new Set(
      workloadsOfService(r, svc)
        .map((w) => w.labels[key])
        .filter((v): v is string => !!v),
    ),
  ].sort(VERSION_ORDER.compare);
}

function isMeshVirtualService(vs: VirtualService): boolean {
  const gws = vs.spec?.gateways ?? [];
  return gws.length === 0 || gws.includes('mesh');
}

/** VirtualServices that route mesh traffic for the service's host, those of its namespace first. */
export function findRoutingVirtualServices(r: MeshResources, namespace: string, service: string): VirtualService[] {
  const host = fqdn(service, namespace);
  const matches = r.virtualServices.filter((vs) => isMeshVirtualService(vs) && (vs.spec?.hosts ?? []).some((h) => fqdn(h, vs.metadata.namespace) === host));
  return [...matches].sort((a, b) => Number(b.metadata.namespace === namespace) - Number(a.metadata.namespace === namespace));
}

export function findDestinationRule(r: MeshResources, namespace: string, service: string): DestinationRule | undefined {
  const host = fqdn(service, namespace);
  return r.destinationRules.find(
    (d) => d.metadata.namespace === namespace && !d.spec?.workloadSelector && !!d.spec?.host && fqdn(d.spec.host, namespace) === host,
  );
}

function routesToService(route: HTTPRoute, vsNamespace: string | undefined, host: string): boolean {
  const ds = route.route ?? [];
  return ds.length > 0 && ds.every((d) => !!d.destination?.host && fqdn(d.destination.host, vsNamespace) === host);
}

/** Index of the route this form owns: the catch-all route to the service, else the first route to it; -1 if none. */
export function ownedRouteIndex(vs: VirtualService, host: string): number {
  const http = vs.spec?.http ?? [];
  const ns = vs.metadata.namespace;
  const candidates = http.map((r, i) => ({ r, i })).filter(({ r }) => routesToService(r, ns, host) && !r.redirect && !r.directResponse && !r.delegate);
  const catchAll = candidates.filter(({ r }) => !r.match || r.match.length === 0);
  return (catchAll[catchAll.length - 1] ?? candidates[0])?.i ?? -1;
}

/* ---- init ---- */

function sanitizeName(v: string): string {
  const s = v
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 63) || 'subset';
}

export function getInitTrafficShifting(ctx: TrafficShiftingInitContext): TrafficShiftingState {
  const r = ctx.resources;
  if (trafficApiFor(r, ctx.namespace, ctx.service).api === 'HTTPRoute') return getInitMeshRoute(ctx);
  const svc = findService(r, ctx.namespace, ctx.service);
  const host = fqdn(ctx.service, ctx.namespace);
  const versionLabel = ctx.versionLabel ?? (svc ? detectVersionLabel(r, svc) : undefined) ?? 'version';
  const dr = findDestinationRule(r, ctx.namespace, ctx.service);
  const vs = findRoutingVirtualServices(r, ctx.namespace, ctx.service)[0];
  const idx = vs ? ownedRouteIndex(vs, host) : -1;
  const route = vs && idx >= 0 ? vs.spec?.http?.[idx] : undefined;
  const dests = route?.route ?? [];
  const weightOf = (name: string): number => {
    const hits = dests.filter((d) => d.destination?.subset === name);
    if (!hits.length) return 0;
    if (dests.length === 1) return 100;
    return hits.reduce((a, d) => a + (d.weight ?? 0), 0);
  };

  const subsets: SubsetWeight[] = (dr?.spec?.subsets ?? [])
    .filter((s) => s.name)
    .map((s) => ({ name: s.name as string, labels: { ...(s.labels ?? {}) }, weight: weightOf(s.name as string) }));
  if (svc) {
    for (const v of versionsOf(r, svc, versionLabel)) {
      if (subsets.some((s) => s.labels[versionLabel] === v)) continue;
      subsets.push({ name: freeSubsetName(sanitizeName(v), subsets), labels: { [versionLabel]: v }, weight: 0 });
    }
  }
  // A route without subsets (plain service) counts as all traffic on the only subset, if there is exactly one.
  if (dests.length === 1 && !dests[0]?.destination?.subset && subsets.length === 1) subsets[0]!.weight = 100;

  return {
    namespace: ctx.namespace,
    service: ctx.service,
    versionLabel,
    subsets,
    ...readRouteOptions(route),
    virtualServiceName: vs?.metadata.name ?? freeName(ctx.service, r.virtualServices, ctx.namespace),
    destinationRuleName: dr?.metadata.name ?? freeName(ctx.service, r.destinationRules, ctx.namespace),
  };
}

function freeSubsetName(base: string, subsets: SubsetWeight[]): string {
  if (!subsets.some((s) => s.name === base)) return base;
  for (let i = 2; ; i++) if (!subsets.some((s) => s.name === `${base}-${i}`)) return `${base}-${i}`;
}

/* ---- build ---- */

function buildDestinations(s: TrafficShiftingState, before: RouteDestination[], hostSpelling: string, port: number | undefined): RouteDestination[] {
  const used = s.subsets.filter((x) => x.weight > 0);
  return used.map((x) => {
    const prior = before.find((d) => d.destination?.subset === x.name);
    const dest: RouteDestination = prior
      ? clone(prior)
      : { destination: { host: hostSpelling, subset: x.name, ...(port !== undefined ? { port: { number: port } } : {}) } };
    if (used.length === 1) delete dest.weight;
    else dest.weight = x.weight;
    return dest;
  });
}

function buildRule(s: TrafficShiftingState, live: DestinationRule | undefined): DestinationRule {
  const dr: DestinationRule = live
    ? startFrom(live)
    : newObject<DestinationRule>(NET_API, 'DestinationRule', s.destinationRuleName, s.namespace, { host: s.service });
  const spec = (dr.spec ??= {});
  const subsets: Subset[] = spec.subsets ? [...spec.subsets] : [];
  for (const x of s.subsets) {
    const i = subsets.findIndex((ss) => ss.name === x.name);
    if (i >= 0) {
      const existing = subsets[i]!;
      subsets[i] = { ...existing, labels: { ...x.labels } };
    } else if (x.weight > 0) {
      subsets.push({ name: x.name, labels: { ...x.labels } });
    }
  }
  if (subsets.length) spec.subsets = subsets;
  return dr;
}

function buildVirtualService(s: TrafficShiftingState, live: VirtualService | undefined, warnings: FormWarning[]): VirtualService {
  const host = fqdn(s.service, s.namespace);
  const vs: VirtualService = live
    ? startFrom(live)
    : newObject<VirtualService>(NET_API, 'VirtualService', s.virtualServiceName, s.namespace, { hosts: [s.service] });
  const spec = (vs.spec ??= {});
  const http = spec.http ? [...spec.http] : [];
  const idx = ownedRouteIndex(vs, host);
  const route: HTTPRoute = idx >= 0 ? clone(http[idx]!) : {};
  const before = route.route ?? [];
  const hostSpelling = before[0]?.destination?.host ?? s.service;
  const port = before.find((d) => d.destination?.port?.number !== undefined)?.destination?.port?.number;
  route.route = buildDestinations(s, before, hostSpelling, port);
  applyRouteOptions(route, { timeout: s.timeout, retries: s.retries, fault: s.fault }, { fault: true });
  if (idx >= 0) http[idx] = route;
  else http.push(route);
  spec.http = http;

  const others = http.filter(
    (r, i) =>
      i !== (idx >= 0 ? idx : http.length - 1) && (r.route ?? []).some((d) => d.destination?.host && fqdn(d.destination.host, vs.metadata.namespace) === host),
  );
  if (others.length) {
    warnings.push({
      code: 'TS_OTHER_ROUTES',
      message: `${friendlyName(vs)} has ${others.length} more route${others.length > 1 ? 's' : ''} to ${s.service} (with their own matches); ${others.length > 1 ? 'they are' : 'it is'} left as ${others.length > 1 ? 'they are' : 'it is'}.`,
    });
  }
  if (idx < 0 && http.length > 1) {
    const shadow = http.slice(0, -1).some((r) => !r.match || r.match.length === 0);
    if (shadow)
      warnings.push({
        code: 'TS_ROUTE_SHADOWED',
        message: `${friendlyName(vs)} already has a route without match before the new one; the new route to ${s.service} would never be used.`,
      });
  }
  return vs;
}

export function buildTrafficShifting(input: TrafficShiftingState, ctx: TrafficShiftingContext): BuildResult {
  const checked = checkState(trafficShiftingSchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  if (s.api === 'HTTPRoute') return buildMeshRoute(s, r);
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];
  const svc = findService(r, s.namespace, s.service);

  const liveDr = findDestinationRule(r, s.namespace, s.service);
  const dr = buildRule(s, liveDr);
  pushWrite(writes, dr, liveDr);

  const routing = findRoutingVirtualServices(r, s.namespace, s.service);
  const liveVs = routing[0];
  const vs = buildVirtualService(s, liveVs, warnings);
  pushWrite(writes, vs, liveVs);
  if (routing.length > 1) {
    warnings.push({
      code: 'TS_SEVERAL_VIRTUAL_SERVICES',
      message: `${listInWords(routing.map(friendlyName))} all route ${s.service}; only ${friendlyName(routing[0]!)} is changed. Merge them: Istio's behaviour with several VirtualServices for one host is undefined.`,
    });
  }

  if (!svc) {
    warnings.push({
      code: 'TS_NO_SERVICE',
      message: `There is no Service ${s.namespace}/${s.service}; the rules will not match any workload until it exists.`,
    });
  } else {
    const pods: Workload[] = workloadsOfService(r, svc);
    for (const x of s.subsets) {
      const inDr = (dr.spec?.subsets ?? []).some((ss) => ss.name === x.name);
      if (!inDr) continue;
      if (!pods.some((w) => matchesLabels(x.labels, w.labels))) {
        warnings.push({
          code: 'TS_SUBSET_NO_WORKLOAD',
          message: `Subset ${x.name} (${Object.entries(x.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}) matches no workload of ${s.service}${x.weight > 0 ? `; the ${x.weight}% sent to it will fail with "no healthy upstream"` : ''}.`,
        });
      }
    }
    const ports = svc.spec?.ports ?? [];
    const routeDests = (vs.spec?.http ?? [])[ownedRouteIndex(vs, fqdn(s.service, s.namespace))]?.route ?? [];
    if (ports.length > 1 && routeDests.some((d) => d.destination?.port?.number === undefined)) {
      warnings.push({
        code: 'TS_PORT_REQUIRED',
        message: `${s.service} has ${ports.length} ports; the route must name the destination port (one of ${listInWords(ports.map((p) => String(p.port)))}).`,
      });
    }
  }
  return { writes, warnings, errors: [] };
}
