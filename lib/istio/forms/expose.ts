/**
 * Expose form: publish a service through an ingress Gateway — host names, HTTP 80
 * and/or HTTPS 443 (credentialName), optional HTTP->HTTPS redirect, path prefixes with
 * optional rewrite, timeout and retries.
 *
 * Ownership:
 *  - Gateway: an existing one is reused (a server is extended or added only when it does
 *    not already serve the hosts; listeners are never removed), otherwise a new one with
 *    selector istio: ingressgateway is created in the chosen namespace;
 *  - VirtualService: the one of that name in the service's namespace (getInit picks the
 *    one already routing the service through a gateway). The form owns its hosts, the
 *    gateway reference and the routes to the service made of path prefixes; other routes,
 *    gateways and fields stay.
 */
import { z } from 'zod';
import { fqdn, hostMatches, hostsOverlap, resolveGatewayRef, splitGatewayHost } from '../hosts';
import { gatewayApiModel } from '../gatewayapi/model';
import { matchesLabels } from '../labels';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { Gateway, GatewayServer, HTTPRoute, K8sObject, VirtualService } from '../types';
import { exposedServiceIssues, findService, listWorkloads, rootNamespace, workloadLabel, type Workload } from './mesh';
import { clone, freeName, listInWords, newObject, startFrom } from './objects';
import { checkState, pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { buildExposeGatewayApi, gatewayRoutesForService, getInitExposeGatewayApi, istioIngressGateways, type ExposeApi } from './exposeGatewayApi';
import { namespaceDataPlane } from '../dataplane';
import { applyRouteOptions, readRouteOptions, retriesField, timeoutField } from './routeOptions';
import { addDuplicateIssues, dns1123SubdomainProblem, dnsLabelSchema, hostProblem, portSchema, resourceNameSchema, type FieldIssue } from './validators';

export const INGRESS_SELECTOR = { istio: 'ingressgateway' } as const;

export const exposeSchema = z
  .object({
    /** Namespace of the service; the VirtualService is written there. */
    namespace: dnsLabelSchema('namespace'),
    service: dnsLabelSchema('service name'),
    /** One of the Service's ports. */
    port: portSchema('service port'),
    /** Host names clients use, e.g. app.example.com. */
    hosts: z.array(z.string()),
    http: z.boolean(),
    https: z.boolean(),
    /** Kubernetes TLS secret with the certificate (HTTPS), in the namespace of the gateway workload. */
    credentialName: z.string(),
    httpsRedirect: z.boolean(),
    gateway: z.object({
      mode: z.enum(['existing', 'new'], { error: 'Choose an existing gateway or create a new one' }),
      namespace: dnsLabelSchema('gateway namespace'),
      name: resourceNameSchema('gateway name'),
    }),
    virtualServiceName: resourceNameSchema('VirtualService name'),
    routes: z.array(
      z.object({
        prefix: z.string(),
        rewrite: z.string().optional(),
        /** Gateway API only: Exact instead of PathPrefix. */ match: z.enum(['PathPrefix', 'Exact']).optional(),
      }),
    ),
    timeout: timeoutField,
    retries: retriesField,
    /** What to write: Istio Gateway + VirtualService (absent: that), or Gateway API Gateway + HTTPRoute. */
    api: z.enum(['istio', 'gateway-api']).optional(),
    /** Gateway API: the HTTPRoute, in the service's namespace. */
    httpRouteName: z.string().optional(),
    /** Gateway API, new Gateway in another namespace than the route: how its listeners admit routes from that namespace. */
    allowedFrom: z.enum(['All', 'Selector']).optional(),
  })
  .superRefine((s, ctx) => {
    const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const gwApi = s.api === 'gateway-api';
    if (s.hosts.length === 0 && !gwApi) add(['hosts'], 'Enter at least one host name, such as app.example.com');
    s.hosts.forEach((h, i) => {
      // Gateway API hostnames: a name or a "*." wildcard, never "*" alone (no host names means any).
      const p = hostProblem(h, { wildcard: true, star: !gwApi });
      if (p) add(['hosts', i], p);
    });
    addDuplicateIssues(ctx, s.hosts, ['hosts'], (h) => `The host ${h} is listed twice`);
    if (!s.http && !s.https) add(['http'], 'Choose HTTP (port 80), HTTPS (port 443) or both');
    if (s.https) {
      if (!s.credentialName) add(['credentialName'], 'Choose the TLS secret that holds the certificate for HTTPS');
      else {
        const p = dns1123SubdomainProblem(s.credentialName, 'secret name');
        if (p) add(['credentialName'], p);
      }
    }
    if (s.httpsRedirect && !(s.http && s.https)) add(['httpsRedirect'], 'Redirecting HTTP to HTTPS needs both HTTP and HTTPS');
    if (s.routes.length === 0) add(['routes'], 'Add at least one path, such as /');
    s.routes.forEach((r, i) => {
      if (!r.prefix.startsWith('/')) add(['routes', i, 'prefix'], `The path "${r.prefix}" must start with "/"`);
      else if (/\s/.test(r.prefix)) add(['routes', i, 'prefix'], `The path "${r.prefix}" contains spaces`);
      if (r.rewrite !== undefined && r.rewrite !== '' && !r.rewrite.startsWith('/'))
        add(['routes', i, 'rewrite'], `The rewritten path "${r.rewrite}" must start with "/"`);
    });
    addDuplicateIssues(
      ctx,
      s.routes.map((r) => `${r.match ?? 'PathPrefix'} ${r.prefix}`),
      ['routes'],
      (p) => `The path ${p.replace(/^\S+ /, '')} is listed twice`,
    );
    if (gwApi) {
      if (s.retries) add(['retries'], "An HTTPRoute of the Gateway API's standard channel has no retries: remove them here (the request timeout is supported)");
      const p = s.httpRouteName ? dns1123SubdomainProblem(s.httpRouteName, 'HTTPRoute name') : 'Enter the name of the HTTPRoute';
      if (p) add(['httpRouteName'], p);
    } else {
      s.routes.forEach((r, i) => {
        if (r.match === 'Exact') add(['routes', i, 'match'], 'Exact paths are written only by the Gateway API mode here; use a path prefix');
      });
    }
  });

export type ExposeState = z.infer<typeof exposeSchema>;

export interface ExposeContext {
  resources: MeshResources;
  /** Secrets the user may list (omit when RBAC does not allow it): the credential is then checked. */
  secrets?: readonly K8sObject[];
}

export interface ExposeInitContext {
  resources: MeshResources;
  namespace: string;
  service: string;
  /** Preselect this gateway. */
  gateway?: { namespace: string; name: string };
  /** Start in this mode (default: defaultExposeApi, what the mesh already uses). */
  api?: 'istio' | 'gateway-api';
}

const NET_API = 'networking.istio.io/v1';

/* ---- gateways, for the form's choices ---- */

export interface GatewayChoice {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  /** Ingress workloads the gateway selects ("Deployment istio-system/istio-ingressgateway"). */
  workloads: string[];
  /** Namespaces where its TLS secrets (credentialName) must live: those of its workloads. */
  credentialNamespaces: string[];
  hosts: string[];
}

export function gatewayWorkloads(r: MeshResources, gw: Gateway): Workload[] {
  const sel = gw.spec?.selector ?? {};
  if (Object.keys(sel).length === 0) return [];
  return listWorkloads(r).filter((w) => matchesLabels(sel, w.labels));
}

export function listGatewayChoices(r: MeshResources): GatewayChoice[] {
  return r.gateways.map((gw) => {
    const ws = gatewayWorkloads(r, gw);
    const namespaces = [...new Set(ws.map((w) => w.namespace))];
    return {
      namespace: gw.metadata.namespace ?? 'default',
      name: gw.metadata.name,
      selector: { ...(gw.spec?.selector ?? {}) },
      workloads: ws.map(workloadLabel),
      credentialNamespaces: namespaces.length ? namespaces : ['istio-system'],
      hosts: [...new Set((gw.spec?.servers ?? []).flatMap((s) => s.hosts ?? []))],
    };
  });
}

/**
 * The namespace a gateway's TLS secret (credentialName) must be in: the namespace of the
 * ingress workload that serves it — that of the chosen Gateway's workloads, or for a new
 * Gateway (selector istio: ingressgateway) of the workloads with that label. When they run
 * in several namespaces, the gateway's own namespace wins, then the root namespace, then
 * the first by name; istio-system when no ingress workload is known.
 */
export function credentialNamespaceOf(s: Pick<ExposeState, 'gateway'>, r: MeshResources): string {
  const live = s.gateway.mode === 'existing' ? findGateway(r, s.gateway.namespace, s.gateway.name) : undefined;
  const workloads = live
    ? gatewayWorkloads(r, live)
    : s.gateway.mode === 'new'
      ? listWorkloads(r).filter((w) => matchesLabels(INGRESS_SELECTOR, w.labels))
      : [];
  const namespaces = [...new Set(workloads.map((w) => w.namespace))].sort();
  const root = rootNamespace(r);
  return namespaces.find((n) => n === s.gateway.namespace) ?? namespaces.find((n) => n === root) ?? namespaces[0] ?? 'istio-system';
}

/** Ports of the Service, for the port picker ("http 8080"). */
export function servicePortChoices(r: MeshResources, namespace: string, service: string): Array<{ port: number; name?: string; appProtocol?: string }> {
  return (findService(r, namespace, service)?.spec?.ports ?? []).map((p) => ({
    port: p.port,
    ...(p.name ? { name: p.name } : {}),
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
}

/** Names of TLS secrets in `namespace` (type kubernetes.io/tls, or holding tls.crt / cert). */
export function tlsSecretNames(secrets: readonly K8sObject[], namespace: string): string[] {
  return secrets
    .filter((s) => s.kind === 'Secret' && s.metadata.namespace === namespace)
    .filter((s) => {
      const data = { ...((s.data as Record<string, unknown>) ?? {}), ...((s.stringData as Record<string, unknown>) ?? {}) };
      return s.type === 'kubernetes.io/tls' || 'tls.crt' in data || 'cert' in data;
    })
    .map((s) => s.metadata.name)
    .sort();
}

export function findGateway(r: MeshResources, namespace: string, name: string): Gateway | undefined {
  return r.gateways.find((g) => g.metadata.namespace === namespace && g.metadata.name === name);
}

/* ---- host coverage on gateway servers ---- */

/** Does a server host ("app.example.com", "*.example.com", "ns/app.example.com", "./x") admit `host` from a VirtualService in `vsNamespace`? */
function serverHostAdmits(serverHost: string, host: string, vsNamespace: string, gatewayNamespace: string): boolean {
  const { namespace, host: h } = splitGatewayHost(serverHost);
  if (namespace === '.') {
    if (vsNamespace !== gatewayNamespace) return false;
  } else if (namespace !== undefined && namespace !== vsNamespace) return false;
  return hostMatches(h, host);
}

function serverAdmits(server: GatewayServer, host: string, vsNamespace: string, gatewayNamespace: string): boolean {
  return (server.hosts ?? []).some((sh) => serverHostAdmits(sh, host, vsNamespace, gatewayNamespace));
}

const isHttp = (s: GatewayServer) => (s.port?.protocol ?? '').toUpperCase() === 'HTTP';
const isHttps = (s: GatewayServer) => (s.port?.protocol ?? '').toUpperCase() === 'HTTPS' && (s.tls?.mode ?? 'SIMPLE') === 'SIMPLE';

function preferPort(servers: GatewayServer[], port: number): GatewayServer[] {
  return [...servers].sort((a, b) => Number(b.port?.number === port) - Number(a.port?.number === port));
}

function freePortName(base: string, servers: GatewayServer[]): string {
  const used = new Set(servers.map((s) => s.port?.name));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

function hostSlug(hosts: string[]): string {
  return (hosts[0] ?? 'host')
    .replace(/^\*\./, 'wildcard-')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Remove `hosts` written exactly in `server` (not wildcards covering them). */
function withoutHosts(server: GatewayServer, hosts: string[]): string[] {
  return (server.hosts ?? []).filter((h) => !hosts.includes(splitGatewayHost(h).host));
}

/**
 * Make a gateway serve `hosts` on HTTP and/or HTTPS as the state asks, changing as little
 * as possible: an existing server that admits every host stays as it is (HTTPS: when it
 * uses the same secret); else hosts are added to a server with the same settings; else a
 * server is added.
 */
function ensureServers(gw: Gateway, s: ExposeState, warnings: FormWarning[]): void {
  const spec = (gw.spec ??= {});
  const servers: GatewayServer[] = spec.servers ? [...spec.servers] : [];
  const gwNs = gw.metadata.namespace ?? s.gateway.namespace;
  const admitsAll = (srv: GatewayServer) => s.hosts.every((h) => serverAdmits(srv, h, s.namespace, gwNs));

  interface Want {
    protocol: 'HTTP' | 'HTTPS';
    port: number;
    /** Does a server already have the settings the state asks for? */
    fits: (srv: GatewayServer) => boolean;
    /** The server with those settings. */
    retune: (srv: GatewayServer) => GatewayServer;
  }

  const place = (w: Want) => {
    const sameProto = preferPort(servers.filter(w.protocol === 'HTTP' ? isHttp : isHttps), w.port);
    const covering = sameProto.find(admitsAll);
    if (covering && w.fits(covering)) return;
    if (covering) {
      const i = servers.indexOf(covering);
      const onlyOurs = (covering.hosts ?? []).every((h) => s.hosts.includes(splitGatewayHost(h).host));
      if (onlyOurs) {
        servers[i] = w.retune(covering);
        return;
      }
      const rest = withoutHosts(covering, s.hosts);
      if (rest.length === (covering.hosts ?? []).length) {
        warnings.push({
          code: 'EXPOSE_SERVER_SHARED',
          message: `Gateway ${gwNs}/${gw.metadata.name} serves ${listInWords(s.hosts)} through a wildcard on port ${covering.port?.number} together with other hosts; its settings there stay as they are.`,
        });
        return;
      }
      // Shared with other hosts: move ours to a server of their own.
      servers[i] = { ...covering, hosts: rest };
    }
    const same = sameProto.find((srv) => srv !== covering && srv.port?.number === w.port && w.fits(srv));
    if (same) {
      const i = servers.indexOf(same);
      const missing = s.hosts.filter((h) => !serverAdmits(same, h, s.namespace, gwNs));
      servers[i] = { ...same, hosts: [...(same.hosts ?? []), ...missing] };
      return;
    }
    const base = w.protocol.toLowerCase();
    const taken = servers.some((x) => x.port?.name === base);
    const fresh = w.retune({
      port: { number: w.port, name: freePortName(taken ? `${base}-${hostSlug(s.hosts)}` : base, servers), protocol: w.protocol },
      hosts: [...s.hosts],
    });
    servers.push(fresh);
  };

  if (s.http) {
    place({
      protocol: 'HTTP',
      port: 80,
      fits: (srv) => Boolean(srv.tls?.httpsRedirect) === s.httpsRedirect,
      retune: (srv) => {
        const out: GatewayServer = { ...srv };
        const tls = { ...(srv.tls ?? {}) };
        if (s.httpsRedirect) tls.httpsRedirect = true;
        else delete tls.httpsRedirect;
        if (Object.keys(tls).length) out.tls = tls;
        else delete out.tls;
        return out;
      },
    });
  }
  if (s.https) {
    place({
      protocol: 'HTTPS',
      port: 443,
      fits: (srv) => srv.tls?.credentialName === s.credentialName,
      retune: (srv) => {
        const tls = { ...(srv.tls ?? {}), mode: 'SIMPLE', credentialName: s.credentialName };
        delete tls.credentialNames;
        return { ...srv, tls };
      },
    });
  }
  spec.servers = servers;
}

function newGateway(s: ExposeState): Gateway {
  const gw = newObject<Gateway>(NET_API, 'Gateway', s.gateway.name, s.gateway.namespace, { selector: { ...INGRESS_SELECTOR }, servers: [] });
  const servers: GatewayServer[] = [];
  if (s.http)
    servers.push({ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [...s.hosts], ...(s.httpsRedirect ? { tls: { httpsRedirect: true } } : {}) });
  if (s.https)
    servers.push({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [...s.hosts], tls: { mode: 'SIMPLE', credentialName: s.credentialName } });
  gw.spec!.servers = servers;
  return gw;
}

/* ---- routes ---- */

/** Reference to a gateway as written in a VirtualService of `vsNamespace`. */
export function gatewayRef(gwNamespace: string, name: string, vsNamespace: string): string {
  return gwNamespace === vsNamespace ? name : `${gwNamespace}/${name}`;
}

function refersTo(ref: string, vsNamespace: string, gwNamespace: string, name: string): boolean {
  const g = resolveGatewayRef(ref, vsNamespace);
  return g !== 'mesh' && g.namespace === gwNamespace && g.name === name;
}

/** Prefix of a route whose matches are only uri prefixes ("/" for no match); undefined for other routes. */
function routePrefix(route: HTTPRoute): string | undefined {
  const ms = route.match ?? [];
  if (ms.length === 0) return '/';
  if (ms.length !== 1) return undefined;
  const m = ms[0]!;
  const keys = Object.keys(m).filter((k) => (m as Record<string, unknown>)[k] !== undefined);
  if (keys.length !== 1 || keys[0] !== 'uri' || m.uri?.prefix === undefined || Object.keys(m.uri).length !== 1) return undefined;
  return m.uri.prefix;
}

function targetsService(route: HTTPRoute, vsNamespace: string | undefined, host: string): boolean {
  const ds = route.route ?? [];
  return ds.length > 0 && ds.every((d) => !!d.destination?.host && fqdn(d.destination.host, vsNamespace) === host);
}

/** Routes of `vs` the form owns: to the service, matched by a path prefix only (or nothing). */
function ownedRoutes(vs: VirtualService, host: string): Array<{ index: number; prefix: string; route: HTTPRoute }> {
  return (vs.spec?.http ?? []).flatMap((route, index) => {
    const prefix = routePrefix(route);
    if (prefix === undefined || !targetsService(route, vs.metadata.namespace, host) || route.redirect || route.directResponse) return [];
    return [{ index, prefix, route }];
  });
}

function buildRoutes(s: ExposeState, owned: ReturnType<typeof ownedRoutes>): HTTPRoute[] {
  const host = fqdn(s.service, s.namespace);
  const sorted = [...s.routes].sort((a, b) => b.prefix.length - a.prefix.length);
  return sorted.map((r) => {
    const prior = owned.find((o) => o.prefix === r.prefix)?.route;
    const route: HTTPRoute = prior ? clone(prior) : r.prefix === '/' ? {} : { match: [{ uri: { prefix: r.prefix } }] };
    const dests = route.route ?? [];
    route.route = dests.length
      ? dests.map((d) => ({ ...d, destination: { ...d.destination, port: { number: s.port } } }))
      : [{ destination: { host, port: { number: s.port } } }];
    if (r.rewrite) route.rewrite = { ...(route.rewrite ?? {}), uri: r.rewrite };
    else if (route.rewrite) {
      const rest = { ...route.rewrite };
      delete rest.uri;
      if (Object.keys(rest).length) route.rewrite = rest;
      else delete route.rewrite;
    }
    applyRouteOptions(route, { timeout: s.timeout, retries: s.retries }, { fault: false });
    // Conventional key order for routes the form creates.
    return prior ? route : orderKeys(route, ['name', 'match', 'rewrite', 'route', 'timeout', 'retries']);
  });
}

function orderKeys<T extends object>(o: T, order: string[]): T {
  const rec = o as Record<string, unknown>;
  const keys = [...order.filter((k) => k in rec), ...Object.keys(rec).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, rec[k]])) as T;
}

/* ---- init ---- */

/** The VirtualService that already exposes the service through a gateway, if any. */
export function findExposingVirtualService(
  r: MeshResources,
  namespace: string,
  service: string,
  gateway?: { namespace: string; name: string },
): VirtualService | undefined {
  const host = fqdn(service, namespace);
  return r.virtualServices.find((vs) => {
    if (vs.metadata.namespace !== namespace) return false;
    const gws = (vs.spec?.gateways ?? []).filter((g) => g !== 'mesh');
    if (!gws.length) return false;
    if (gateway && !gws.some((g) => refersTo(g, namespace, gateway.namespace, gateway.name))) return false;
    return ownedRoutes(vs, host).length > 0;
  });
}

/**
 * The mode the form starts in — what the mesh already uses — and why (shown next to the
 * choice), first match wins:
 *  1. an HTTPRoute already attaches the service to a Gateway: Gateway API;
 *  2. a VirtualService already exposes it through an Istio Gateway: Istio;
 *  3. the service's namespace is ambient (Istio's ambient ingress is the Gateway API): Gateway API;
 *  4. the namespace has an Istio Gateway of its own: Istio;
 *  5. the mesh has Gateway API Gateways of class istio: Gateway API;
 *  6. otherwise Istio.
 * (4 before 5: a sidecar namespace with its own Istio Gateway keeps using it even when
 * another namespace of the mesh runs a Gateway API ingress.)
 */
export function defaultExposeApi(r: MeshResources, namespace: string, service: string): { api: ExposeApi; reason: string } {
  const routes = gatewayRoutesForService(r, namespace, service);
  if (routes.length)
    return {
      api: 'gateway-api',
      reason: `${listInWords(routes.map((x) => x.resource))} already ${routes.length === 1 ? 'attaches' : 'attach'} ${service} to a Gateway`,
    };
  const vs = findExposingVirtualService(r, namespace, service);
  if (vs) return { api: 'istio', reason: `${friendlyName(vs)} already exposes ${service} through an Istio Gateway` };
  const dp = namespaceDataPlane(namespace, r.namespaces.find((n) => n.metadata.name === namespace)?.metadata.labels);
  if (dp.mode === 'ambient')
    return { api: 'gateway-api', reason: `namespace ${namespace} is ambient (${dp.reason}); Istio's ambient ingress is the Gateway API` };
  const local = r.gateways.filter((g) => g.metadata.namespace === namespace);
  if (local.length)
    return {
      api: 'istio',
      reason: `namespace ${namespace} has the Istio Gateway${local.length > 1 ? 's' : ''} ${listInWords(local.map((g) => g.metadata.name))}`,
    };
  const gws = istioIngressGateways(r);
  if (gws.length)
    return {
      api: 'gateway-api',
      reason: `the mesh already has Gateway API Gateways of class istio (${listInWords(gws.map((g) => `${g.namespace}/${g.name}`))})`,
    };
  return { api: 'istio', reason: 'the mesh has no Gateway API Gateway of class istio and the namespace is not ambient' };
}

export function getInitExpose(ctx: ExposeInitContext): ExposeState {
  const istio = getInitExposeIstio(ctx);
  const api = ctx.api ?? defaultExposeApi(ctx.resources, ctx.namespace, ctx.service).api;
  return api === 'gateway-api' ? getInitExposeGatewayApi(ctx, istio) : istio;
}

function getInitExposeIstio(ctx: ExposeInitContext): ExposeState {
  const r = ctx.resources;
  const svc = findService(r, ctx.namespace, ctx.service);
  const host = fqdn(ctx.service, ctx.namespace);
  const vs = findExposingVirtualService(r, ctx.namespace, ctx.service, ctx.gateway);
  const firstPort = svc?.spec?.ports?.[0]?.port ?? 80;

  let gateway: ExposeState['gateway'];
  const ref = (vs?.spec?.gateways ?? []).find((g) => g !== 'mesh' && (!ctx.gateway || refersTo(g, ctx.namespace, ctx.gateway.namespace, ctx.gateway.name)));
  const resolved = ref ? resolveGatewayRef(ref, ctx.namespace) : undefined;
  if (resolved && resolved !== 'mesh')
    gateway = { mode: findGateway(r, resolved.namespace, resolved.name) ? 'existing' : 'new', namespace: resolved.namespace, name: resolved.name };
  else if (ctx.gateway) gateway = { mode: findGateway(r, ctx.gateway.namespace, ctx.gateway.name) ? 'existing' : 'new', ...ctx.gateway };
  else {
    const local = r.gateways.find((g) => g.metadata.namespace === ctx.namespace);
    gateway = local
      ? { mode: 'existing', namespace: ctx.namespace, name: local.metadata.name }
      : { mode: 'new', namespace: ctx.namespace, name: freeName(`${ctx.service}-gateway`, r.gateways, ctx.namespace) };
  }

  if (!vs) {
    const vsName = r.virtualServices.some((v) => v.metadata.namespace === ctx.namespace && v.metadata.name === ctx.service)
      ? freeName(`${ctx.service}-ingress`, r.virtualServices, ctx.namespace)
      : ctx.service;
    return {
      namespace: ctx.namespace,
      service: ctx.service,
      port: firstPort,
      hosts: [],
      http: true,
      https: false,
      credentialName: '',
      httpsRedirect: false,
      gateway,
      virtualServiceName: vsName,
      routes: [{ prefix: '/' }],
    };
  }

  const owned = ownedRoutes(vs, host);
  const hosts = [...(vs.spec?.hosts ?? [])];
  const gw = gateway.mode === 'existing' ? findGateway(r, gateway.namespace, gateway.name) : undefined;
  const servers = gw?.spec?.servers ?? [];
  const admitsAll = (srv: GatewayServer) => hosts.every((h) => serverAdmits(srv, h, ctx.namespace, gateway.namespace));
  const httpServer = preferPort(servers.filter(isHttp), 80).find(admitsAll);
  const httpsServer = preferPort(servers.filter(isHttps), 443).find(admitsAll);
  const port = owned[0]?.route.route?.[0]?.destination?.port?.number ?? firstPort;
  const options = readRouteOptions(owned[0]?.route);
  return {
    namespace: ctx.namespace,
    service: ctx.service,
    port,
    hosts,
    http: Boolean(httpServer) || !httpsServer,
    https: Boolean(httpsServer),
    credentialName: httpsServer?.tls?.credentialName ?? '',
    httpsRedirect: Boolean(httpServer?.tls?.httpsRedirect),
    gateway,
    virtualServiceName: vs.metadata.name,
    routes: owned.map((o) => ({ prefix: o.prefix, ...(o.route.rewrite?.uri ? { rewrite: o.route.rewrite.uri } : {}) })),
    ...(options.timeout ? { timeout: options.timeout } : {}),
    ...(options.retries ? { retries: options.retries } : {}),
  };
}

/* ---- checks that need the live resources ---- */

/** Field errors the schema cannot see: the port must be one of the Service's, an existing gateway must exist. */
export function validateExposeAgainst(s: ExposeState, r: MeshResources): FieldIssue[] {
  const out = exposedServiceIssues(s, r);
  if (s.gateway.mode === 'existing' && !findGateway(r, s.gateway.namespace, s.gateway.name)) {
    out.push({ path: 'gateway.name', message: `There is no Gateway ${s.gateway.name} in namespace ${s.gateway.namespace}; choose another one or create it` });
  }
  if (s.gateway.mode === 'new' && findGateway(r, s.gateway.namespace, s.gateway.name)) {
    out.push({
      path: 'gateway.name',
      message: `A Gateway ${s.gateway.name} already exists in ${s.gateway.namespace}; choose it as an existing gateway or pick another name`,
    });
  }
  return out;
}

/* ---- build ---- */

export function buildExpose(input: ExposeState, ctx: ExposeContext): BuildResult {
  const checked = checkState(exposeSchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  if (s.api === 'gateway-api') return buildExposeGatewayApi(s, r);
  const errors = validateExposeAgainst(s, r);
  if (errors.length) return { writes: [], warnings: [], errors };
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];

  // Gateway
  const liveGw = s.gateway.mode === 'existing' ? findGateway(r, s.gateway.namespace, s.gateway.name) : undefined;
  const gw = liveGw ? startFrom(liveGw) : newGateway(s);
  if (liveGw) ensureServers(gw, s, warnings);
  pushWrite(writes, gw, liveGw);

  // VirtualService
  const host = fqdn(s.service, s.namespace);
  const liveVs = r.virtualServices.find((v) => v.metadata.namespace === s.namespace && v.metadata.name === s.virtualServiceName);
  const vs: VirtualService = liveVs ? startFrom(liveVs) : newObject<VirtualService>(NET_API, 'VirtualService', s.virtualServiceName, s.namespace, {});
  const spec = (vs.spec ??= {});
  spec.hosts = [...s.hosts];
  const ref = gatewayRef(s.gateway.namespace, s.gateway.name, s.namespace);
  const gws = spec.gateways ?? [];
  if (!gws.some((g) => refersTo(g, s.namespace, s.gateway.namespace, s.gateway.name))) spec.gateways = [...gws, ref];
  const owned = ownedRoutes(vs, host);
  const fresh = buildRoutes(s, owned);
  const http = [...(spec.http ?? [])];
  const at = owned.length ? owned[0]!.index : http.length;
  const kept = http.filter((_, i) => !owned.some((o) => o.index === i));
  const insertAt = kept.filter((_, i) => i < at).length;
  const before = kept.slice(0, insertAt);
  spec.http = [...before, ...fresh, ...kept.slice(insertAt)];
  if (!liveVs) vs.spec = { hosts: spec.hosts, gateways: spec.gateways, http: spec.http };
  pushWrite(writes, vs, liveVs);

  // Warnings
  const shadowing = before.filter((rt) => !rt.match || rt.match.length === 0 || rt.match.some((m) => m.uri?.prefix === '/'));
  if (shadowing.length) {
    warnings.push({
      code: 'EXPOSE_ROUTE_SHADOWED',
      message: `${friendlyName(vs)} has a catch-all route before the routes to ${s.service}; requests will never reach them. Move that route to the end.`,
    });
  }
  for (const other of r.virtualServices) {
    if (other === liveVs) continue;
    const ons = other.metadata.namespace ?? 'default';
    if (!(other.spec?.gateways ?? []).some((g) => refersTo(g, ons, s.gateway.namespace, s.gateway.name))) continue;
    const shared = (other.spec?.hosts ?? []).filter((h) => s.hosts.some((mine) => hostsOverlap(h, mine)));
    if (shared.length) {
      warnings.push({
        code: 'EXPOSE_HOST_CLAIMED',
        message: `${friendlyName(other)} already claims ${listInWords(shared)} on gateway ${s.gateway.namespace}/${s.gateway.name}; two VirtualServices for one host on a gateway are merged in an undefined order. Edit that VirtualService instead, or use another host.`,
      });
    }
  }
  // Exposed already through the Gateway API: this form writes Istio's Gateway + VirtualService only (say so, not silently add a second way in).
  const gwApiRoutes = gatewayApiModel(r).routes.filter(
    (rt) => rt.parents.some((p) => p.accepted && p.gateway) && rt.backends.some((b) => b.service && b.namespace === s.namespace && b.name === s.service),
  );
  if (gwApiRoutes.length) {
    warnings.push({
      code: 'EXPOSE_GATEWAY_API_ROUTE',
      message: `${listInWords(gwApiRoutes.map((x) => x.resource))} already ${gwApiRoutes.length === 1 ? 'exposes' : 'expose'} ${s.service} through a Gateway API Gateway; this form writes an Istio Gateway and VirtualService, a second way in. To edit the existing route instead, choose "Gateway API Gateway + HTTPRoute".`,
    });
  }
  const selected = gatewayWorkloads(r, gw);
  if (s.https && ctx.secrets) {
    const namespaces = selected.length ? [...new Set(selected.map((w) => w.namespace))] : ['istio-system'];
    if (!namespaces.some((ns) => tlsSecretNames(ctx.secrets ?? [], ns).includes(s.credentialName))) {
      warnings.push({
        code: 'EXPOSE_SECRET_NOT_FOUND',
        message: `There is no TLS secret ${s.credentialName} in ${listInWords(namespaces)}, where the gateway workload reads its certificates; HTTPS for ${listInWords(s.hosts)} will fail until it exists.`,
      });
    }
  }
  if (!selected.length) {
    warnings.push({
      code: 'EXPOSE_NO_INGRESS_WORKLOAD',
      message: `No known workload has the labels ${
        Object.entries(gw.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || '(none)'
      } of Gateway ${s.gateway.namespace}/${s.gateway.name}; make sure an ingress gateway is deployed.`,
    });
  }
  if (!liveGw) {
    for (const other of r.gateways) {
      if (!matchesLabels(other.spec?.selector ?? {}, INGRESS_SELECTOR) || Object.keys(other.spec?.selector ?? {}).length === 0) continue;
      for (const srv of other.spec?.servers ?? []) {
        const mine = (gw.spec?.servers ?? []).find((x) => x.port?.number === srv.port?.number);
        if (!mine) continue;
        const clash = (srv.hosts ?? []).map((h) => splitGatewayHost(h).host).filter((h) => s.hosts.some((m) => hostsOverlap(h, m)));
        if (clash.length) {
          warnings.push({
            code: 'EXPOSE_GATEWAY_CONFLICT',
            message: `${friendlyName(other)} already serves ${listInWords(clash)} on port ${srv.port?.number} of the same ingress workloads; a second gateway for the same host and port conflicts. Choose that gateway instead.`,
          });
        }
      }
    }
  }
  return { writes, warnings, errors: [] };
}
