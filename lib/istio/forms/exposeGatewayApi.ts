/**
 * Expose form, Gateway API mode: publish a service through a Gateway API Gateway (class
 * istio) and an HTTPRoute. Pure. (Which mode the form starts in: defaultExposeApi in
 * expose.ts.)
 *
 * - Gateway: an existing one (class istio) is reused as it is — whether its listeners
 *   take the route is decided by the attachment model (lib/istio/gatewayapi/model.ts),
 *   and a refusal is a warning with the fix; or a new one with an HTTP listener on 80
 *   and, for TLS, an HTTPS listener on 443 (tls.mode Terminate, certificateRefs to the
 *   Secret, which lives in the Gateway's namespace). Routes from another namespace are
 *   admitted by allowedRoutes.namespaces.from All or a Selector on
 *   kubernetes.io/metadata.name, as the user chooses.
 * - HTTPRoute: the one of that name in the service's namespace, edited in place (same
 *   name, other rules, parentRefs and fields stay). The form owns its hostnames, the
 *   parentRef to the Gateway and the rules to the service whose matches are paths only.
 * - HTTP->HTTPS redirect: a second HTTPRoute `<name>-redirect` on the HTTP listener with
 *   a RequestRedirect filter (scheme https, 301); the main route then attaches to the
 *   HTTPS listener (https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/).
 * - Path rewrite: a URLRewrite filter (ReplacePrefixMatch for a prefix, ReplaceFullPath
 *   for an exact path); the timeout is timeouts.request.
 */
import { intersectHostnames } from '../gatewayapi/hostnames';
import { gatewayApiModel, type GatewayInfo, type ListenerInfo } from '../gatewayapi/model';
import type { HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule, HTTPRouteV1, K8sGateway, Listener, ParentReference } from '../gatewayapi/types';
import type { MeshResources } from '../resources';
import { exposedServiceIssues } from './mesh';
import { clone, freeName, listInWords, newObject, startFrom } from './objects';
import { pushWrite, withWrites, type BuildResult, type FormWarning, type FormWrite } from './writes';
import type { ExposeInitContext, ExposeState } from './expose';
import type { FieldIssue } from './validators';

const GW_API = 'gateway.networking.k8s.io/v1';
export const ISTIO_GATEWAY_CLASS = 'istio';

export type ExposeApi = 'istio' | 'gateway-api';

/* ---- which API ---- */

/** Routes (HTTPRoute) attached (accepted) to a Gateway with a backend that is the service. */
export function gatewayRoutesForService(r: MeshResources, namespace: string, service: string) {
  return gatewayApiModel(r).routes.filter(
    (rt) =>
      rt.kind === 'HTTPRoute' &&
      rt.parents.some((p) => p.accepted && p.gateway) &&
      rt.backends.some((b) => b.kind === 'Service' && !b.group && b.namespace === namespace && b.name === service),
  );
}

/** Gateway API Gateways Istio runs as ingress (class istio, or another class of Istio's gateway controller). */
export function istioIngressGateways(r: MeshResources): GatewayInfo[] {
  return gatewayApiModel(r).gateways.filter((g) => g.istio === 'ingress');
}

/* ---- init ---- */

/** HTTPRoute rules the form owns: every backend is the service, every match is a path only. */
function ownedRules(route: HTTPRouteV1, namespace: string, service: string): number[] {
  return (route.spec?.rules ?? []).flatMap((rule, i) => {
    const bs = rule.backendRefs ?? [];
    if (
      !bs.length ||
      !bs.every((b) => (b.group ?? '') === '' && (b.kind ?? 'Service') === 'Service' && (b.namespace || namespace) === namespace && b.name === service)
    )
      return [];
    if (!(rule.matches ?? []).every(pathOnly)) return [];
    if ((rule.filters ?? []).some((f) => f.type === 'RequestRedirect')) return [];
    return [i];
  });
}

function pathOnly(m: HTTPRouteMatch): boolean {
  const keys = Object.keys(m).filter((k) => (m as Record<string, unknown>)[k] !== undefined);
  const t = m.path?.type ?? 'PathPrefix';
  return keys.length === 1 && keys[0] === 'path' && (t === 'PathPrefix' || t === 'Exact');
}

function rewriteOf(rule: HTTPRouteRule): string | undefined {
  const p = rule.filters?.find((f) => f.type === 'URLRewrite')?.urlRewrite?.path;
  return p?.replacePrefixMatch ?? p?.replaceFullPath;
}

function ruleEntries(rule: HTTPRouteRule): ExposeState['routes'] {
  const ms = rule.matches?.length ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }];
  const rewrite = rewriteOf(rule);
  return ms.map((m) => ({
    prefix: m.path?.value ?? '/',
    ...(rewrite ? { rewrite } : {}),
    ...((m.path?.type ?? 'PathPrefix') === 'Exact' ? { match: 'Exact' as const } : {}),
  }));
}

function refersToGateway(ref: ParentReference, routeNs: string, gw: { namespace: string; name: string }): boolean {
  return (
    (ref.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' &&
    (ref.kind ?? 'Gateway') === 'Gateway' &&
    (ref.namespace || routeNs) === gw.namespace &&
    ref.name === gw.name
  );
}

function isRedirectRoute(route: HTTPRouteV1): boolean {
  const rules = route.spec?.rules ?? [];
  return (
    rules.length === 1 &&
    !(rules[0]!.backendRefs ?? []).length &&
    (rules[0]!.filters ?? []).some((f) => f.type === 'RequestRedirect' && f.requestRedirect?.scheme === 'https')
  );
}

/** Initial state in Gateway API mode, from the HTTPRoute already exposing the service (if any). */
export function getInitExposeGatewayApi(ctx: ExposeInitContext, base: ExposeState): ExposeState {
  const r = ctx.resources;
  const ns = ctx.namespace;
  const routes = gatewayRoutesForService(r, ns, ctx.service).filter(
    (rt) =>
      rt.namespace === ns &&
      (!ctx.gateway || rt.parents.some((p) => p.accepted && p.gateway?.namespace === ctx.gateway!.namespace && p.gateway.name === ctx.gateway!.name)),
  );
  const found = routes[0];
  const gws = istioIngressGateways(r);
  const parent = found?.parents.find(
    (p) => p.accepted && p.gateway && (!ctx.gateway || (p.gateway.namespace === ctx.gateway.namespace && p.gateway.name === ctx.gateway.name)),
  );
  let gateway: ExposeState['gateway'];
  if (parent?.gateway) gateway = { mode: 'existing', namespace: parent.gateway.namespace, name: parent.gateway.name };
  else if (ctx.gateway)
    gateway = { mode: gws.some((g) => g.namespace === ctx.gateway!.namespace && g.name === ctx.gateway!.name) ? 'existing' : 'new', ...ctx.gateway };
  else {
    const pick = gws.find((g) => g.namespace === ns) ?? gws[0];
    gateway = pick
      ? { mode: 'existing', namespace: pick.namespace, name: pick.name }
      : { mode: 'new', namespace: ns, name: freeName(`${ctx.service}-gateway`, r.k8sGateways, ns) };
  }
  const out: ExposeState = {
    ...base,
    api: 'gateway-api',
    gateway,
    hosts: [],
    http: true,
    https: false,
    credentialName: '',
    httpsRedirect: false,
    routes: [{ prefix: '/' }],
  };
  delete out.timeout;
  delete out.retries;
  if (!found) return { ...out, httpRouteName: freeName(ctx.service, r.httpRoutes, ns) };
  const route = found.obj as HTTPRouteV1;
  const owned = ownedRules(route, ns, ctx.service);
  const rules = route.spec?.rules ?? [];
  const entries = owned.flatMap((i) => ruleEntries(rules[i]!));
  const port = owned.map((i) => rules[i]!.backendRefs?.[0]?.port).find((p) => p !== undefined) ?? base.port;
  const timeout = owned.map((i) => rules[i]!.timeouts?.request).find(Boolean);
  const info = gatewayApiModel(r).gatewayByKey.get(`${gateway.namespace}/${gateway.name}`);
  const listeners = parent?.listeners ?? [];
  const protocols = new Set((info?.listeners ?? []).filter((l) => listeners.includes(l.name)).map((l) => l.protocol));
  const redirect = r.httpRoutes.find(
    (x) => (x.metadata.namespace ?? 'default') === ns && x.metadata.name === `${route.metadata.name}-redirect` && isRedirectRoute(x),
  );
  const https = protocols.has('HTTPS');
  const tlsListener = info?.listeners.find((l) => listeners.includes(l.name) && l.protocol === 'HTTPS');
  return {
    ...out,
    port,
    hosts: [...(route.spec?.hostnames ?? [])],
    http: protocols.has('HTTP') || !!redirect || !https,
    https,
    credentialName: tlsListener?.tls?.certificateRefs?.[0]?.name ?? '',
    httpsRedirect: !!redirect,
    httpRouteName: route.metadata.name,
    routes: entries.length ? entries : [{ prefix: '/' }],
    ...(timeout ? { timeout } : {}),
  };
}

/* ---- checks ---- */

export function validateExposeGatewayApi(s: ExposeState, r: MeshResources): FieldIssue[] {
  const out = exposedServiceIssues(s, r);
  const m = gatewayApiModel(r);
  const info = m.gatewayByKey.get(`${s.gateway.namespace}/${s.gateway.name}`);
  if (s.gateway.mode === 'existing') {
    if (!info)
      out.push({
        path: 'gateway.name',
        message: `There is no Gateway API Gateway ${s.gateway.name} in namespace ${s.gateway.namespace}; choose another one or create it`,
      });
    else if (info.istio !== 'ingress')
      out.push({
        path: 'gateway.name',
        message: `${info.resource} has class ${info.className || '(none)'}, which is not an Istio ingress class; choose a Gateway of class istio`,
      });
  } else if (info) {
    out.push({
      path: 'gateway.name',
      message: `A Gateway API Gateway ${s.gateway.name} already exists in ${s.gateway.namespace}; choose it as an existing gateway or pick another name`,
    });
  }
  const name = s.httpRouteName ?? '';
  const redirectName = `${name}-redirect`;
  const live = r.httpRoutes.find((x) => (x.metadata.namespace ?? 'default') === s.namespace && x.metadata.name === redirectName);
  if (s.httpsRedirect && live && !isRedirectRoute(live))
    out.push({
      path: 'httpsRedirect',
      message: `HTTPRoute ${s.namespace}/${redirectName}, where the redirect would go, exists and does something else; rename the HTTPRoute`,
    });
  return out;
}

/* ---- build ---- */

function newGatewayObject(s: ExposeState): K8sGateway {
  const listeners: Listener[] = [];
  const cross = s.gateway.namespace !== s.namespace;
  const allowedRoutes: Listener['allowedRoutes'] = !cross
    ? { namespaces: { from: 'Same' } }
    : s.allowedFrom === 'All'
      ? { namespaces: { from: 'All' } }
      : { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': s.namespace } } } };
  if (s.http) listeners.push({ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes });
  if (s.https)
    listeners.push({
      name: 'https',
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: s.credentialName }] },
      allowedRoutes,
    });
  return newObject<K8sGateway>(GW_API, 'Gateway', s.gateway.name, s.gateway.namespace, { gatewayClassName: ISTIO_GATEWAY_CLASS, listeners });
}

/** Listener of the gateway for a protocol whose hostname intersects the route's (undefined: none). */
function listenerFor(info: GatewayInfo | undefined, gw: K8sGateway, protocol: 'HTTP' | 'HTTPS', hosts: string[]): string | undefined {
  const ls: Array<Pick<ListenerInfo, 'name' | 'protocol' | 'hostname'>> =
    info?.listeners ?? (gw.spec?.listeners ?? []).map((l, i) => ({ name: l.name ?? `listener-${i}`, protocol: l.protocol ?? '', hostname: l.hostname }));
  return ls.find((l) => l.protocol === protocol && intersectHostnames(l.hostname, hosts).matched)?.name;
}

function parentRef(s: ExposeState, sectionName: string | undefined): ParentReference {
  return { name: s.gateway.name, ...(s.gateway.namespace !== s.namespace ? { namespace: s.gateway.namespace } : {}), ...(sectionName ? { sectionName } : {}) };
}

function newRule(s: ExposeState, e: ExposeState['routes'][number]): HTTPRouteRule {
  const type = e.match ?? 'PathPrefix';
  const rule: HTTPRouteRule = { matches: [{ path: { type, value: e.prefix } }] };
  if (e.rewrite) rule.filters = [rewriteFilter(type, e.rewrite)];
  rule.backendRefs = [{ name: s.service, port: s.port }];
  if (s.timeout) rule.timeouts = { request: s.timeout };
  return rule;
}

function rewriteFilter(type: string, to: string): HTTPRouteFilter {
  return {
    type: 'URLRewrite',
    urlRewrite: { path: type === 'Exact' ? { type: 'ReplaceFullPath', replaceFullPath: to } : { type: 'ReplacePrefixMatch', replacePrefixMatch: to } },
  };
}

/** The rules of the route: owned rules kept in place where their paths stay, new rules for the rest, others untouched. */
function mergeRules(s: ExposeState, rules: HTTPRouteRule[], owned: number[]): HTTPRouteRule[] {
  const key = (e: { prefix: string; match?: string }) => `${e.match ?? 'PathPrefix'} ${e.prefix}`;
  const remaining = new Map(s.routes.map((e) => [key(e), e]));
  const out: HTTPRouteRule[] = [];
  let insertAt = -1;
  rules.forEach((rule, i) => {
    if (!owned.includes(i)) {
      out.push(rule);
      return;
    }
    if (insertAt < 0) insertAt = out.length;
    const rewrite = rewriteOf(rule);
    const implicit = !rule.matches?.length;
    const ms = implicit ? [{ path: { type: 'PathPrefix', value: '/' } }] : rule.matches!;
    const keep = ms.filter((m) => {
      const e = remaining.get(key({ prefix: m.path?.value ?? '/', match: m.path?.type }));
      return e && (e.rewrite || undefined) === rewrite;
    });
    if (!keep.length) return;
    for (const m of keep) remaining.delete(key({ prefix: m.path?.value ?? '/', match: m.path?.type }));
    const next = clone(rule);
    if (!implicit) next.matches = keep;
    next.backendRefs = (next.backendRefs ?? []).map((b) => ({ ...b, port: s.port }));
    const t = { ...(next.timeouts ?? {}) };
    if (s.timeout) t.request = s.timeout;
    else delete t.request;
    if (Object.keys(t).length) next.timeouts = t;
    else delete next.timeouts;
    out.push(next);
    insertAt = out.length;
  });
  // New rules, longest paths first, where the owned rules were (at the end when there were none).
  const fresh = [...remaining.values()].sort((a, b) => b.prefix.length - a.prefix.length).map((e) => newRule(s, e));
  const at = insertAt < 0 ? out.length : insertAt;
  return [...out.slice(0, at), ...fresh, ...out.slice(at)];
}

function applyHostnames(route: HTTPRouteV1, hosts: string[]): void {
  const spec = (route.spec ??= {});
  if (hosts.length) spec.hostnames = [...hosts];
  else delete spec.hostnames;
}

function setParent(route: HTTPRouteV1, s: ExposeState, sectionName: string | undefined): void {
  const spec = (route.spec ??= {});
  const refs = [...(spec.parentRefs ?? [])];
  const i = refs.findIndex((p) => refersToGateway(p, s.namespace, s.gateway));
  if (i < 0) refs.push(parentRef(s, sectionName));
  else {
    const p = { ...refs[i]! };
    if (sectionName) p.sectionName = sectionName;
    else delete p.sectionName;
    refs[i] = p;
  }
  spec.parentRefs = refs;
}

export function buildExposeGatewayApi(s: ExposeState, r: MeshResources): BuildResult {
  const errors = validateExposeGatewayApi(s, r);
  if (errors.length) return { writes: [], warnings: [], errors };
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];
  const model = gatewayApiModel(r);
  const gwKey = `${s.gateway.namespace}/${s.gateway.name}`;
  const info = s.gateway.mode === 'existing' ? model.gatewayByKey.get(gwKey) : undefined;
  const gw = info ? info.obj : newGatewayObject(s);
  if (!info) pushWrite(writes, gw, undefined);

  // Listeners the route attaches to.
  const httpL = listenerFor(info, gw, 'HTTP', s.hosts);
  const httpsL = listenerFor(info, gw, 'HTTPS', s.hosts);
  const gwName = `Gateway ${gwKey}`;
  if (s.http && !httpL && info)
    warnings.push({
      code: 'EXPOSE_NO_HTTP_LISTENER',
      message: `${gwName} has no HTTP listener for ${s.hosts.length ? listInWords(s.hosts) : 'any host'}; add one (port 80, protocol HTTP) or create a new Gateway.`,
    });
  if (s.https && !httpsL && info)
    warnings.push({
      code: 'EXPOSE_NO_HTTPS_LISTENER',
      message: `${gwName} has no HTTPS listener for ${s.hosts.length ? listInWords(s.hosts) : 'any host'}; add one (port 443, protocol HTTPS, tls.mode Terminate with certificateRefs to the Secret ${s.credentialName}) or create a new Gateway.`,
    });
  const listenerCount = info ? info.listeners.length : (gw.spec?.listeners ?? []).length;
  let section: string | undefined;
  if (s.httpsRedirect) section = httpsL;
  else if (s.http !== s.https && listenerCount > 1) section = s.http ? httpL : httpsL;

  // The HTTPRoute.
  const name = s.httpRouteName!;
  const live = r.httpRoutes.find((x) => (x.metadata.namespace ?? 'default') === s.namespace && x.metadata.name === name);
  const route: HTTPRouteV1 = live ? startFrom(live) : newObject<HTTPRouteV1>(GW_API, 'HTTPRoute', name, s.namespace, {});
  setParent(route, s, section);
  const hostsBefore = [...(route.spec?.hostnames ?? [])];
  applyHostnames(route, s.hosts);
  const others = live ? (live.spec?.rules ?? []).length - ownedRules(live, s.namespace, s.service).length : 0;
  if (others > 0 && JSON.stringify(hostsBefore) !== JSON.stringify(route.spec?.hostnames ?? [])) {
    warnings.push({
      code: 'EXPOSE_HOSTNAMES_SHARED',
      message: `The hostnames of HTTPRoute ${s.namespace}/${name} apply to its ${others} other rule${others > 1 ? 's' : ''} too (now ${s.hosts.length ? listInWords(s.hosts) : 'any host'}, before ${hostsBefore.length ? listInWords(hostsBefore) : 'any host'}); to give ${s.service} host names of its own, use an HTTPRoute of its own.`,
    });
  }
  const rules = route.spec?.rules ?? [];
  route.spec!.rules = mergeRules(s, rules, live ? ownedRules(route, s.namespace, s.service) : []);
  if (!live) route.spec = { parentRefs: route.spec!.parentRefs, ...(s.hosts.length ? { hostnames: [...s.hosts] } : {}), rules: route.spec!.rules };
  pushWrite(writes, route, live);

  // The redirect route on the HTTP listener.
  const redirectName = `${name}-redirect`;
  const liveRedirect = r.httpRoutes.find((x) => (x.metadata.namespace ?? 'default') === s.namespace && x.metadata.name === redirectName);
  if (s.httpsRedirect) {
    const red: HTTPRouteV1 = liveRedirect ? startFrom(liveRedirect) : newObject<HTTPRouteV1>(GW_API, 'HTTPRoute', redirectName, s.namespace, {});
    const spec = (red.spec ??= {});
    spec.parentRefs = [parentRef(s, httpL)];
    applyHostnames(red, s.hosts);
    spec.rules = [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }];
    if (!liveRedirect) red.spec = { parentRefs: spec.parentRefs, ...(s.hosts.length ? { hostnames: [...s.hosts] } : {}), rules: spec.rules };
    pushWrite(writes, red, liveRedirect);
  } else if (liveRedirect && isRedirectRoute(liveRedirect)) {
    warnings.push({
      code: 'EXPOSE_REDIRECT_LEFT',
      message: `HTTPRoute ${s.namespace}/${redirectName} still redirects HTTP to HTTPS; delete it in the editor to serve plain HTTP.`,
    });
  }

  // Does the gateway take the route? Ask the attachment model about the mesh after the writes.
  const after = gatewayApiModel(withWrites(r, writes));
  const written = after.routes.find((x) => x.kind === 'HTTPRoute' && x.namespace === s.namespace && x.name === name);
  const attach = written?.parents.find((p) => p.gateway && p.namespace === s.gateway.namespace && p.name === s.gateway.name);
  if (attach && !attach.accepted) {
    let fix = '';
    if (attach.refusal === 'NotAllowedByListeners' && s.gateway.namespace !== s.namespace) {
      fix = ` Let the listeners of ${gwName} admit routes from ${s.namespace}: set allowedRoutes.namespaces.from to All, or to Selector with matchLabels kubernetes.io/metadata.name: ${s.namespace}; or expose through a Gateway in ${s.namespace}.`;
    } else if (attach.refusal === 'NoMatchingListenerHostname') {
      fix = ` Use host names the listeners serve, or add a listener for ${listInWords(s.hosts)}.`;
    }
    warnings.push({ code: 'EXPOSE_ROUTE_NOT_ATTACHED', message: `${gwName} will not take HTTPRoute ${s.namespace}/${name}: ${attach.reason}.${fix}` });
  }
  const badBackend = written?.backends.find((b) => b.problem && b.name === s.service);
  if (badBackend) warnings.push({ code: 'EXPOSE_BACKEND', message: badBackend.reason ?? `backend ${s.service} is not usable` });
  if (s.https && info && httpsL) {
    const l = info.obj.spec?.listeners?.find((x) => x.name === httpsL);
    const refs = (l?.tls?.certificateRefs ?? []).flatMap((c) => (c.name ? [c.name] : []));
    if (s.credentialName && !refs.includes(s.credentialName)) {
      warnings.push({
        code: 'EXPOSE_CERTIFICATE_DIFFERS',
        message: `Listener ${httpsL} of ${gwName} serves the certificate ${listInWords(refs) || '(none)'}, not ${s.credentialName}; the form does not change an existing Gateway's listeners.`,
      });
    }
  }
  // Routes of the other API for the same service (a second way in).
  const vss = r.virtualServices.filter(
    (v) =>
      v.metadata.namespace === s.namespace &&
      (v.spec?.gateways ?? []).some((g) => g !== 'mesh') &&
      (v.spec?.http ?? []).some((h) =>
        (h.route ?? []).some((d) => d.destination?.host === s.service || d.destination?.host?.startsWith(`${s.service}.${s.namespace}.`)),
      ),
  );
  if (vss.length)
    warnings.push({
      code: 'EXPOSE_ISTIO_ROUTE',
      message: `${listInWords(vss.map((v) => `VirtualService ${s.namespace}/${v.metadata.name}`))} already ${vss.length === 1 ? 'exposes' : 'expose'} ${s.service} through an Istio Gateway; this writes a Gateway API route as well, a second way in.`,
    });
  return { writes, warnings, errors: [] };
}

/* ---- choices, for the form ---- */

export interface GatewayApiChoice {
  namespace: string;
  name: string;
  /** "http: HTTP 80, any host, routes from Same" */
  listeners: string[];
}

/** Gateway API Gateways Istio runs as ingress, with their listeners in words. */
export function listGatewayApiChoices(r: MeshResources): GatewayApiChoice[] {
  return istioIngressGateways(r).map((g) => ({
    namespace: g.namespace,
    name: g.name,
    listeners: g.listeners.map((l) => `${l.name}: ${l.protocol} ${l.port ?? '?'}, ${l.hostname ?? 'any host'}, routes from ${l.allowedFrom}`),
  }));
}
