/**
 * buildGraph(resources, options) -> MeshGraph: what the configuration declares, with
 * security on every edge, optionally overlaid with observed traffic. Pure.
 *
 * Nodes
 * - Gateways: every workload a Gateway's selector matches (in any namespace, Istio's
 *   default) or that carries istio=ingressgateway/egressgateway; a Gateway whose
 *   selector matches nothing still gets a node, "gw:selector/<k=v>", resolved: false.
 * - Services: Kubernetes Services (except those that only select gateway workloads).
 * - Versions: other workloads grouped by the first label pair of `versionLabels` whose
 *   app key they carry ("ver:ns/app/version"); workloads without any app key stay
 *   single ("wl:ns/name").
 * - External: one node per ServiceEntry ("ext:se/ns/name"), HTTP hosts and TCP addresses.
 * - Namespace boxes ("ns:name") for every namespace that holds a node.
 *
 * Declared edges
 * - gateway-route: gateway -> service (or external) for each destination of a
 *   VirtualService bound to a Gateway (spec.gateways) whose server hosts overlap the
 *   VirtualService hosts (honouring "ns/host" server hosts).
 * - route: service -> version for each destination of the VirtualService that routes
 *   mesh traffic for the service's host (subset labels from the DestinationRule; a
 *   destination without subset reaches every version and its weight is marked
 *   shared); without a VirtualService, one implicit edge per version the selector picks.
 *   A destination that is another host gives service -> service/external.
 * - call: version/workload -> service/external, inferred (never guessed from names):
 *   (1) VirtualService match.sourceLabels: the matching workloads call the host;
 *   (2) heuristic: env values of the pod template that contain a URL ("scheme://host"),
 *   or, for env names that look like an address (HOST, URL, URI, ADDR, ENDPOINT, SERVER,
 *   SERVICE, BASE_PATH, API), a "host[:port]" value, when that host resolves to a
 *   Service or ServiceEntry host/address (short names only in the workload's namespace).
 *
 * Options.namespaces keeps nodes of those namespaces, gateways whose Gateway resource
 * lives there, and the direct neighbours of those nodes.
 */
import { fqdn, hostMatches, hostsOverlap, resolveGatewayRef, serviceFqdn, splitGatewayHost } from '../hosts';
import { matchesLabels } from '../labels';
import type { MeshResources } from '../resources';
import { ipInBlock } from '../security/authz';
import { nsOf, oldestFirst, refOf, rootNamespaceOf } from '../security/common';
import { effectiveMtls, findDestinationRule } from '../security/mtls';
import type {
  Gateway, HTTPMatchRequest, HTTPRoute, L4MatchAttributes, RouteDestination, Service, ServiceEntry, ServicePort, VirtualService,
} from '../types';
import { createAnnotator } from './annotate';
import { finalizeGraph, namespaceNode } from './finalize';
import { mergeObserved, type ObservedTraffic } from './observed';
import type {
  EdgeBadge, ExternalNode, GatewayNode, GatewayServerInfo, GraphEdge, GraphNode, Identity, MeshGraph, MtlsSummary,
  Protocol, ResourceRef, ServiceNode, ServicePortInfo, SidecarInfo, VersionNode, WorkloadNode, WorkloadRef,
} from './types';
import { collectWorkloads, DEFAULT_VERSION_LABELS, isProxyWorkload, looksLikeGateway, versionKey, type Workload } from './workloads';

export interface BuildOptions {
  /** Namespaces to show (and their direct neighbours). Empty or absent: all. */
  namespaces?: string[];
  /** App/version label pairs tried in order. Default: app/version, then app.kubernetes.io/name + version. */
  versionLabels?: ReadonlyArray<readonly [string, string]>;
  /** Telemetry to overlay (see observed.ts). */
  observed?: ObservedTraffic;
  /** Infer calls from pod env vars (default true). */
  envHeuristic?: boolean;
}

/* ---- small helpers ---- */

const PROTOCOLS = new Set<Protocol>(['http', 'http2', 'grpc', 'tcp', 'tls', 'https', 'mongo', 'mysql', 'redis']);

/** Istio protocol selection: appProtocol, else the port name prefix ("http-api", "grpc"). */
export function portProtocol(p: Pick<ServicePort, 'name' | 'appProtocol' | 'protocol'>): Protocol {
  const ap = (p.appProtocol ?? '').toLowerCase();
  if (ap === 'kubernetes.io/h2c') return 'http2';
  if (PROTOCOLS.has(ap as Protocol)) return ap as Protocol;
  if ((p.protocol ?? 'TCP').toUpperCase() === 'UDP') return 'unknown';
  const prefix = (p.name ?? '').toLowerCase().split('-')[0] ?? '';
  if (prefix === 'grpc-web') return 'grpc';
  if (PROTOCOLS.has(prefix as Protocol)) return prefix as Protocol;
  return 'unknown';
}

const HTTP_FAMILY = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
const TLS_FAMILY = new Set(['HTTPS', 'TLS']);

function seProtocol(se: ServiceEntry): ExternalNode['protocol'] {
  const kinds = new Set<string>();
  for (const p of se.spec?.ports ?? []) {
    const proto = (p.protocol ?? '').toUpperCase();
    kinds.add(HTTP_FAMILY.has(proto) ? 'http' : TLS_FAMILY.has(proto) ? 'tls' : proto ? 'tcp' : 'unknown');
  }
  kinds.delete('unknown');
  if (kinds.size === 0) return 'unknown';
  if (kinds.size === 1) return [...kinds][0] as ExternalNode['protocol'];
  return 'mixed';
}

function stringMatch(m: { exact?: string; prefix?: string; regex?: string } | undefined): string {
  if (!m) return '';
  if (m.exact !== undefined) return `=${m.exact}`;
  if (m.prefix !== undefined) return ` prefix ${m.prefix}`;
  if (m.regex !== undefined) return ` ~${m.regex}`;
  return ' (any)';
}

function labelsText(l: Record<string, string>): string {
  return Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');
}

/** One line per match block, joined by " | " (the blocks are ORed). */
export function summarizeMatch(matches: ReadonlyArray<HTTPMatchRequest | L4MatchAttributes> | undefined): string | undefined {
  if (!matches || !matches.length) return undefined;
  const blocks = matches.map((m) => {
    const parts: string[] = [];
    const h = m as HTTPMatchRequest;
    if (h.uri) parts.push(`uri${stringMatch(h.uri)}`);
    if (h.method) parts.push(`method${stringMatch(h.method)}`);
    if (h.authority) parts.push(`authority${stringMatch(h.authority)}`);
    if (h.scheme) parts.push(`scheme${stringMatch(h.scheme)}`);
    for (const [k, v] of Object.entries(h.headers ?? {})) parts.push(`header ${k}${stringMatch(v)}`);
    for (const [k, v] of Object.entries(h.withoutHeaders ?? {})) parts.push(`without header ${k}${stringMatch(v)}`);
    for (const [k, v] of Object.entries(h.queryParams ?? {})) parts.push(`query ${k}${stringMatch(v)}`);
    if (m.port !== undefined) parts.push(`port ${m.port}`);
    if (m.sourceLabels) parts.push(`source ${labelsText(m.sourceLabels)}`);
    if (m.sourceNamespace) parts.push(`source namespace ${m.sourceNamespace}`);
    if (m.gateways?.length) parts.push(`gateways ${m.gateways.join(',')}`);
    const l4 = m as { destinationSubnets?: string[]; sniHosts?: string[] };
    if (l4.destinationSubnets?.length) parts.push(`subnets ${l4.destinationSubnets.join(',')}`);
    if (l4.sniHosts?.length) parts.push(`sni ${l4.sniHosts.join(',')}`);
    return parts.join('; ') || 'any';
  });
  return blocks.join(' | ');
}

export function routeBadges(r: HTTPRoute): EdgeBadge[] {
  const out: EdgeBadge[] = [];
  if (r.timeout) out.push({ kind: 'timeout', label: `timeout ${r.timeout}`, value: r.timeout });
  if (r.retries && (r.retries.attempts ?? 0) > 0) {
    out.push({
      kind: 'retries', label: `retries ${r.retries.attempts}${r.retries.perTryTimeout ? ` × ${r.retries.perTryTimeout}` : ''}`,
      attempts: r.retries.attempts, perTryTimeout: r.retries.perTryTimeout, retryOn: r.retries.retryOn,
    });
  }
  const d = r.fault?.delay;
  if (d) {
    const pct = d.percentage?.value;
    out.push({ kind: 'fault-delay', label: `delay ${d.fixedDelay ?? '?'}${pct !== undefined ? ` (${pct}%)` : ''}`, delay: d.fixedDelay, percent: pct });
  }
  const a = r.fault?.abort;
  if (a) {
    const pct = a.percentage?.value;
    const status = a.httpStatus ?? a.grpcStatus;
    out.push({ kind: 'fault-abort', label: `abort ${status ?? '?'}${pct !== undefined ? ` (${pct}%)` : ''}`, status, percent: pct });
  }
  const mirrors: Array<{ host?: string; percent?: number }> = [];
  if (r.mirror) mirrors.push({ host: r.mirror.host, percent: r.mirrorPercentage?.value });
  for (const m of r.mirrors ?? []) mirrors.push({ host: m.destination?.host, percent: m.percentage?.value });
  for (const m of mirrors) out.push({ kind: 'mirror', label: `mirror ${m.host ?? '?'}${m.percent !== undefined ? ` (${m.percent}%)` : ''}`, host: m.host, percent: m.percent });
  return out;
}

/** matchLabels without allocating (the hot loop of service -> workload selection). */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function commonLabels(ws: readonly Workload[]): Record<string, string> {
  const first = ws[0]?.labels ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (ws.every((w) => w.labels[k] === v)) out[k] = v;
  return out;
}

function summary(m: ReturnType<typeof effectiveMtls>): MtlsSummary {
  return { mode: m.mode, level: m.source.level, resource: m.source.resource, reason: m.reason };
}

const ENV_NAME_HINT = /(HOST|URL|URI|ADDR|ENDPOINT|SERVER|SERVICE|BASE_?PATH|API)/i;
const URL_RE = /[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^/\s:?#,;]+)(?::(\d+))?/gi;
const HOST_PORT_RE = /^([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d+))?$/i;

/** Hosts (and ports) an env value points at, per the documented heuristic. */
export function envTargets(name: string, value: string | undefined): Array<{ host: string; port?: number }> {
  if (!value) return [];
  const out: Array<{ host: string; port?: number }> = [];
  if (value.includes('://')) {
    for (const m of value.matchAll(URL_RE)) {
      const host = (m[1] ?? '').toLowerCase();
      if (host) out.push({ host, port: m[2] ? Number(m[2]) : undefined });
    }
    return out;
  }
  if (!ENV_NAME_HINT.test(name)) return [];
  for (const token of value.split(/[\s,;]+/)) {
    const m = HOST_PORT_RE.exec(token);
    if (!m || !m[1] || /^\d+$/.test(m[1])) continue;
    out.push({ host: m[1].toLowerCase(), port: m[2] ? Number(m[2]) : undefined });
  }
  return out;
}

function isIp(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h);
}

/* ---- the builder ---- */

interface Group {
  id: string;
  namespace: string;
  workloads: Workload[];
  node: VersionNode | WorkloadNode;
}

interface SvcInfo {
  svc: Service;
  node: ServiceNode;
  groups: Group[];
}

type Target = { kind: 'service'; info: SvcInfo } | { kind: 'external'; node: ExternalNode };

function sidecarOf(ws: readonly Workload[]): SidecarInfo {
  const injected = ws.filter((w) => w.sidecar.injected);
  if (injected.length === ws.length) return { injected: true, reason: ws[0]?.sidecar.reason ?? '' };
  if (injected.length === 0) return { injected: false, reason: ws[0]?.sidecar.reason ?? '' };
  return { injected: false, reason: `only ${injected.length} of ${ws.length} workloads have a sidecar (${injected.map((w) => w.name).join(', ')})` };
}

function workloadRef(w: Workload): WorkloadRef {
  return { kind: w.kind, name: w.name, serviceAccount: w.serviceAccount, replicas: w.replicas };
}

export function buildGraph(resources: MeshResources, options: BuildOptions = {}): MeshGraph {
  const root = rootNamespaceOf(resources);
  const versionLabels = (options.versionLabels ?? DEFAULT_VERSION_LABELS).map(([a, v]) => [a, v] as [string, string]);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const warn = (n: GraphNode, w: string) => {
    (n.warnings ??= []).push(w);
  };

  const workloads = collectWorkloads(resources);

  /* -- gateways -- */
  const gatewayNodesOf = new Map<string, string[]>(); // "ns/name" of Gateway -> node ids
  const gatewayWorkloads = new Set<Workload>();
  const gwNodeByWorkload = new Map<Workload, GatewayNode>();
  const gatewayNamespaces = new Map<string, Set<string>>(); // node id -> namespaces of Gateway resources
  const sortedGateways = [...resources.gateways].sort(oldestFirst);

  function gatewayNodeFor(w: Workload, role: 'ingress' | 'egress'): GatewayNode {
    let n = gwNodeByWorkload.get(w);
    if (!n) {
      n = {
        id: `gw:${w.namespace}/${w.name}`, kind: 'gateway', label: w.name, namespace: w.namespace, role, resolved: true,
        selector: {}, workload: workloadRef(w), gateways: [], servers: [],
        identity: { namespace: w.namespace, serviceAccount: w.serviceAccount, assumed: false },
        refs: [{ resource: `${w.kind} ${w.namespace}/${w.name}` }],
      };
      gwNodeByWorkload.set(w, n);
      nodes.set(n.id, n);
      gatewayWorkloads.add(w);
    }
    return n;
  }

  function serversOf(g: Gateway): GatewayServerInfo[] {
    return (g.spec?.servers ?? []).map((s) => ({
      gateway: refOf(g), port: s.port?.number, protocol: s.port?.protocol, name: s.port?.name ?? s.name, hosts: s.hosts ?? [],
      tls: s.tls ? { mode: s.tls.mode, credentialName: s.tls.credentialName, httpsRedirect: s.tls.httpsRedirect } : undefined,
    }));
  }

  for (const g of sortedGateways) {
    const sel = g.spec?.selector ?? {};
    const role: 'ingress' | 'egress' = sel['istio'] === 'egressgateway' ? 'egress' : 'ingress';
    const candidates = Object.keys(sel).length ? workloads.filter((w) => matchesLabels(sel, w.labels)) : [];
    // An application workload is never drawn as a gateway, even when a selector (wrongly) matches it.
    const matched = candidates.filter(isProxyWorkload);
    const notProxies = candidates.filter((w) => !isProxyWorkload(w));
    const ids: string[] = [];
    if (matched.length) {
      for (const w of matched) {
        const n = gatewayNodeFor(w, looksLikeGateway(w) ?? role);
        if (!Object.keys(n.selector).length) n.selector = { ...sel };
        n.gateways.push(refOf(g));
        n.servers.push(...serversOf(g));
        n.refs.push({ resource: refOf(g) });
        ids.push(n.id);
      }
    } else {
      const key = Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',') || '*';
      const id = `gw:selector/${key}`;
      let n = nodes.get(id) as GatewayNode | undefined;
      if (!n) {
        const known = sel['istio'] === 'ingressgateway' ? 'istio-ingressgateway' : sel['istio'] === 'egressgateway' ? 'istio-egressgateway' : undefined;
        const identity: Identity = known ? { namespace: root, serviceAccount: `${known}-service-account`, assumed: true } : { assumed: true };
        n = {
          id, kind: 'gateway', label: known ?? key, role, resolved: false, selector: { ...sel }, gateways: [], servers: [], identity, refs: [],
          warnings: [`no workload selects: no pod matches the selector ${key}`],
        };
        if (known) n.namespace = root;
        nodes.set(id, n);
      }
      n.gateways.push(refOf(g));
      n.servers.push(...serversOf(g));
      n.refs.push({ resource: refOf(g), path: 'spec/selector' });
      if (notProxies.length) warn(n, `${refOf(g)}: the selector matches workloads that are not gateway proxies: ${notProxies.map((w) => `${w.namespace}/${w.name}`).join(', ')}`);
      ids.push(id);
    }
    gatewayNodesOf.set(`${nsOf(g)}/${g.metadata.name}`, ids);
    for (const id of ids) {
      const s = gatewayNamespaces.get(id) ?? new Set<string>();
      s.add(nsOf(g));
      gatewayNamespaces.set(id, s);
    }
  }
  for (const w of workloads) {
    const role = looksLikeGateway(w);
    if (role && !gatewayWorkloads.has(w)) {
      const n = gatewayNodeFor(w, role);
      n.selector = { istio: w.labels['istio'] ?? '' };
    }
  }

  /* -- versions and workloads -- */
  const groups = new Map<string, Group>();
  const groupsByNs = new Map<string, Group[]>();
  const groupOfWorkload = new Map<Workload, Group>();
  for (const w of workloads) {
    if (gatewayWorkloads.has(w)) continue;
    const vk = versionKey(w.labels, versionLabels);
    const id = vk ? `ver:${w.namespace}/${vk.app}${vk.version ? `/${vk.version}` : ''}` : `wl:${w.namespace}/${w.name}`;
    let g = groups.get(id);
    if (!g) {
      const base = {
        label: '', namespace: w.namespace, workloads: [], labels: {}, serviceAccounts: [], inMesh: false,
        sidecar: { injected: false, reason: '' }, mtls: { mode: 'PERMISSIVE' as const, level: 'default' as const, reason: '' }, services: [], refs: [],
      };
      const node: VersionNode | WorkloadNode = vk
        ? { id, kind: 'version', ...base, label: vk.version ? `${vk.app} ${vk.version}` : vk.app, app: vk.app, version: vk.version, labelKeys: vk.keys }
        : { id, kind: 'workload', ...base, label: w.name, name: w.name };
      g = { id, namespace: w.namespace, workloads: [], node };
      groups.set(id, g);
      nodes.set(id, node);
      const l = groupsByNs.get(w.namespace) ?? [];
      l.push(g);
      groupsByNs.set(w.namespace, l);
    }
    g.workloads.push(w);
    groupOfWorkload.set(w, g);
  }
  for (const g of groups.values()) {
    const n = g.node;
    n.workloads = g.workloads.map(workloadRef);
    n.labels = commonLabels(g.workloads);
    n.serviceAccounts = [...new Set(g.workloads.map((w) => w.serviceAccount))].sort();
    n.sidecar = sidecarOf(g.workloads);
    n.inMesh = n.sidecar.injected;
    n.mtls = summary(effectiveMtls(resources, { namespace: g.namespace, labels: g.workloads[0]?.labels }));
    n.refs = g.workloads.map((w) => ({ resource: `${w.kind} ${w.namespace}/${w.name}` }));
  }

  /* -- services -- */
  const svcByHost = new Map<string, SvcInfo>();
  const services: SvcInfo[] = [];
  for (const s of [...resources.services].sort(oldestFirst)) {
    const ns = nsOf(s);
    const sel = s.spec?.selector;
    const hasSel = !!sel && Object.keys(sel).length > 0;
    const selected = hasSel ? (groupsByNs.get(ns) ?? []).filter((g) => g.workloads.some((w) => selects(sel, w.labels))) : [];
    const selectsGateway = hasSel && [...gatewayWorkloads].some((w) => w.namespace === ns && matchesLabels(sel, w.labels));
    if (selectsGateway && selected.length === 0) continue;
    const host = serviceFqdn(s.metadata.name, ns);
    const ports: ServicePortInfo[] = (s.spec?.ports ?? []).map((p) => {
      let workloadPort: number | undefined;
      if (typeof p.targetPort === 'number') workloadPort = p.targetPort;
      else if (typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort)) workloadPort = Number(p.targetPort);
      else if (typeof p.targetPort === 'string') {
        for (const g of selected) for (const w of g.workloads) for (const c of w.containers) {
          const cp = c.ports?.find((x) => x.name === p.targetPort);
          if (cp && workloadPort === undefined) workloadPort = cp.containerPort;
        }
      } else workloadPort = p.port;
      return { port: p.port, name: p.name, protocol: portProtocol(p), targetPort: p.targetPort, workloadPort };
    });
    const node: ServiceNode = {
      id: `svc:${ns}/${s.metadata.name}`, kind: 'service', label: s.metadata.name, namespace: ns, name: s.metadata.name, host, ports,
      selector: hasSel ? { ...sel } : undefined, versions: selected.map((g) => g.id), refs: [{ resource: refOf(s) }],
    };
    const dr = findDestinationRule(resources, { fromNamespace: ns, host });
    if (dr) {
      node.destinationRule = dr.resource;
      node.refs.push({ resource: dr.resource });
    }
    for (const g of selected) g.node.services.push(node.id);
    const info: SvcInfo = { svc: s, node, groups: selected };
    services.push(info);
    svcByHost.set(host, info);
    nodes.set(node.id, node);
  }

  /* -- external services -- */
  const seByHost = new Map<string, ExternalNode>();
  const seWildcards: Array<{ host: string; node: ExternalNode }> = [];
  const seAddresses: Array<{ block: string; node: ExternalNode }> = [];
  for (const se of [...resources.serviceEntries].sort(oldestFirst)) {
    const ns = nsOf(se);
    const hosts = (se.spec?.hosts ?? []).map((h) => fqdn(h, ns));
    const node: ExternalNode = {
      id: `ext:se/${ns}/${se.metadata.name}`, kind: 'external', label: hosts[0] ?? se.metadata.name, namespace: ns, serviceEntry: refOf(se),
      hosts, addresses: se.spec?.addresses ?? [], ports: (se.spec?.ports ?? []).map((p) => ({ number: p.number, protocol: p.protocol, name: p.name })),
      protocol: seProtocol(se), location: se.spec?.location === 'MESH_INTERNAL' ? 'MESH_INTERNAL' : 'MESH_EXTERNAL', resolution: se.spec?.resolution,
      refs: [{ resource: refOf(se) }],
    };
    if (node.protocol === 'tcp' && node.addresses.length) node.label = se.metadata.name;
    nodes.set(node.id, node);
    for (const h of hosts) {
      if (h.startsWith('*')) seWildcards.push({ host: h, node });
      else if (!seByHost.has(h)) seByHost.set(h, node);
    }
    for (const a of node.addresses) seAddresses.push({ block: a, node });
  }

  function resolveHost(host: string, fromNs: string): Target | undefined {
    const h = fqdn(host, fromNs);
    const svc = svcByHost.get(h);
    if (svc) return { kind: 'service', info: svc };
    const se = seByHost.get(h);
    if (se) return { kind: 'external', node: se };
    if (isIp(h)) {
      const hit = seAddresses.find((a) => ipInBlock(a.block, h));
      if (hit) return { kind: 'external', node: hit.node };
      return undefined;
    }
    const wc = seWildcards.find((w) => hostMatches(w.host, h));
    if (wc) return { kind: 'external', node: wc.node };
    return undefined;
  }

  function addEdge(e: GraphEdge): GraphEdge {
    const existing = edges.get(e.id);
    if (existing) {
      if (e.weight !== undefined) existing.weight = (existing.weight ?? 0) + e.weight;
      for (const ev of e.evidence) if (!existing.evidence.includes(ev)) existing.evidence.push(ev);
      for (const b of e.basis ?? []) if (!existing.basis?.includes(b)) (existing.basis ??= []).push(b);
      for (const r of e.refs) if (!existing.refs.some((x) => x.resource === r.resource && x.path === r.path)) existing.refs.push(r);
      return existing;
    }
    edges.set(e.id, e);
    return e;
  }

  function subsetGroups(info: SvcInfo, subset: string | undefined, fromNs: string): { groups: Group[]; dr?: string; problem?: string } {
    if (!subset) return { groups: info.groups };
    const dr = findDestinationRule(resources, { fromNamespace: fromNs, host: info.node.host });
    if (!dr) return { groups: [], problem: `subset "${subset}" but no DestinationRule defines subsets for ${info.node.host}` };
    const s = dr.entry.dr.spec?.subsets?.find((x) => x.name === subset);
    if (!s) return { groups: [], dr: dr.resource, problem: `subset "${subset}" is not defined in ${dr.resource}` };
    const groupsHit = info.groups.filter((g) => g.workloads.some((w) => matchesLabels(s.labels, w.labels)));
    if (!groupsHit.length) return { groups: [], dr: dr.resource, problem: `subset "${subset}" of ${dr.resource} selects no workload of ${info.node.host}` };
    return { groups: groupsHit, dr: dr.resource };
  }

  function destPort(d: RouteDestination, target: Target): number | undefined {
    if (d.destination?.port?.number !== undefined) return d.destination.port.number;
    if (target.kind === 'service') return target.info.node.ports.length === 1 ? target.info.node.ports[0]?.port : undefined;
    return target.node.ports.length === 1 ? target.node.ports[0]?.number : undefined;
  }

  function protocolFor(section: 'http' | 'tcp' | 'tls', target: Target, port: number | undefined): Protocol {
    if (section === 'tcp') return 'tcp';
    if (section === 'tls') return 'tls';
    if (target.kind === 'service') {
      const p = target.info.node.ports.find((x) => x.port === port) ?? target.info.node.ports[0];
      if (p && (p.protocol === 'grpc' || p.protocol === 'http2')) return p.protocol;
    }
    return 'http';
  }

  interface RouteRow {
    section: 'http' | 'tcp' | 'tls';
    index: number;
    route: HTTPRoute | { match?: L4MatchAttributes[]; route?: RouteDestination[] };
  }

  function routeRows(vs: VirtualService): RouteRow[] {
    const rows: RouteRow[] = [];
    (vs.spec?.http ?? []).forEach((route, index) => rows.push({ section: 'http', index, route }));
    (vs.spec?.tcp ?? []).forEach((route, index) => rows.push({ section: 'tcp', index, route }));
    (vs.spec?.tls ?? []).forEach((route, index) => rows.push({ section: 'tls', index, route }));
    return rows;
  }

  /* -- gateway routes -- */
  const gatewayByKey = new Map<string, Gateway>();
  for (const g of sortedGateways) gatewayByKey.set(`${nsOf(g)}/${g.metadata.name}`, g);
  for (const vs of [...resources.virtualServices].sort(oldestFirst)) {
    const vsNs = nsOf(vs);
    const vsRef = refOf(vs);
    const vsHosts = (vs.spec?.hosts ?? []).map((h) => fqdn(h, vsNs));
    for (const ref of vs.spec?.gateways ?? []) {
      const gr = resolveGatewayRef(ref, vsNs);
      if (gr === 'mesh') continue;
      const key = `${gr.namespace}/${gr.name}`;
      const g = gatewayByKey.get(key);
      const gwIds = gatewayNodesOf.get(key) ?? [];
      if (!g) continue; // dangling gateway reference: reported by the analyzer
      const gNs = nsOf(g);
      const bound = new Set<string>();
      for (const server of g.spec?.servers ?? []) {
        for (const sh of server.hosts ?? []) {
          const { namespace, host } = splitGatewayHost(sh);
          if (namespace && namespace !== '.' && namespace !== vsNs) continue;
          if (namespace === '.' && gNs !== vsNs) continue;
          const serverHost = fqdn(host, gNs);
          for (const vh of vsHosts) if (hostsOverlap(serverHost, vh)) bound.add(vh);
        }
      }
      if (!bound.size) continue;
      const hosts = [...bound].sort();
      for (const row of routeRows(vs)) {
        const matches = row.route.match as Array<HTTPMatchRequest | L4MatchAttributes> | undefined;
        if (matches?.length && matches.every((m) => m.gateways?.length) && !matches.some((m) => m.gateways?.some((x) => { const r = resolveGatewayRef(x, vsNs); return r !== 'mesh' && r.namespace === gr.namespace && r.name === gr.name; }))) continue;
        const dests = row.route.route ?? [];
        dests.forEach((d, j) => {
          const host = d.destination?.host;
          if (!host) return;
          const target = resolveHost(host, vsNs);
          const path = `spec/${row.section}[${row.index}]/route[${j}]`;
          if (!target) {
            for (const id of gwIds) {
              const n = nodes.get(id);
              if (n) warn(n, `${vsRef} ${path}: destination host ${host} is not a known Service or ServiceEntry`);
            }
            return;
          }
          const targetId = target.kind === 'service' ? target.info.node.id : target.node.id;
          const port = destPort(d, target);
          for (const gwId of gwIds) {
            addEdge({
              id: `gateway-route:${gwId}->${targetId}#vs:${vsNs}/${vs.metadata.name}/${row.section}[${row.index}]/route[${j}]`,
              kind: 'gateway-route', source: gwId, target: targetId, protocol: protocolFor(row.section, target, port), port,
              weight: d.weight ?? (dests.length === 1 ? 100 : 0), match: summarizeMatch(matches), subset: d.destination?.subset,
              via: { gateway: refOf(g), virtualService: vsRef, hosts, route: (row.route as HTTPRoute).name },
              badges: row.section === 'http' ? routeBadges(row.route as HTTPRoute) : [],
              declared: true, observed: false, evidence: [`${vsRef} ${path}`],
              refs: [{ resource: vsRef, path }, { resource: refOf(g) }],
            });
          }
        });
      }
    }
  }

  /* -- mesh routes: service -> version -- */
  const meshVsExact = new Map<string, VirtualService[]>();
  const meshVsWildcard: Array<{ host: string; vs: VirtualService }> = [];
  for (const vs of [...resources.virtualServices].sort(oldestFirst)) {
    const gws = vs.spec?.gateways;
    if (gws && gws.length && !gws.includes('mesh')) continue;
    for (const h of vs.spec?.hosts ?? []) {
      const host = fqdn(h, nsOf(vs));
      if (host.startsWith('*')) meshVsWildcard.push({ host, vs });
      else {
        const l = meshVsExact.get(host) ?? [];
        l.push(vs);
        meshVsExact.set(host, l);
      }
    }
  }
  function meshVsFor(info: SvcInfo): VirtualService | undefined {
    const ns = info.node.namespace;
    const exact = meshVsExact.get(info.node.host) ?? [];
    const local = exact.find((v) => nsOf(v) === ns);
    if (local) return local;
    if (exact[0]) return exact[0];
    return meshVsWildcard.find((w) => hostMatches(w.host, info.node.host))?.vs;
  }

  for (const info of services) {
    const svcNode = info.node;
    const vs = meshVsFor(info);
    if (!vs) {
      const protocol = svcNode.ports[0]?.protocol;
      for (const g of info.groups) {
        addEdge({
          id: `route:${svcNode.id}->${g.id}`, kind: 'route', source: svcNode.id, target: g.id, protocol, port: svcNode.ports.length === 1 ? svcNode.ports[0]?.port : undefined,
          implicit: true, badges: [], declared: true, observed: false, evidence: [`${refOf(info.svc)} selector`], refs: [{ resource: refOf(info.svc), path: 'spec/selector' }],
        });
      }
      continue;
    }
    const vsNs = nsOf(vs);
    const vsRef = refOf(vs);
    svcNode.virtualService = vsRef;
    svcNode.refs.push({ resource: vsRef });
    for (const row of routeRows(vs)) {
      const dests = row.route.route ?? [];
      const matches = row.route.match as Array<HTTPMatchRequest | L4MatchAttributes> | undefined;
      if (matches?.length && matches.every((m) => m.gateways?.length && !m.gateways.includes('mesh'))) continue;
      dests.forEach((d, j) => {
        const host = d.destination?.host;
        if (!host) return;
        const path = `spec/${row.section}[${row.index}]/route[${j}]`;
        const target = resolveHost(host, vsNs);
        if (!target) {
          warn(svcNode, `${vsRef} ${path}: destination host ${host} is not a known Service or ServiceEntry`);
          return;
        }
        const port = destPort(d, target);
        const weight = d.weight ?? (dests.length === 1 ? 100 : 0);
        const base = {
          kind: 'route' as const, source: svcNode.id, protocol: protocolFor(row.section, target, port), port, match: summarizeMatch(matches),
          subset: d.destination?.subset, via: { virtualService: vsRef, route: (row.route as HTTPRoute).name },
          badges: row.section === 'http' ? routeBadges(row.route as HTTPRoute) : [], declared: true, observed: false, evidence: [`${vsRef} ${path}`],
        };
        const suffix = `#vs:${vsNs}/${vs.metadata.name}/${row.section}[${row.index}]/route[${j}]`;
        if (target.kind === 'service' && target.info === info) {
          const { groups: hit, dr, problem } = subsetGroups(info, d.destination?.subset, vsNs);
          if (problem) warn(svcNode, `${vsRef} ${path}: ${problem}`);
          const refs: ResourceRef[] = [{ resource: vsRef, path }];
          if (dr) refs.push({ resource: dr });
          for (const g of hit) {
            addEdge({ ...base, id: `route:${svcNode.id}->${g.id}${suffix}`, target: g.id, weight, weightShared: hit.length > 1 || undefined, refs: [...refs] });
          }
          return;
        }
        const targetId = target.kind === 'service' ? target.info.node.id : target.node.id;
        addEdge({ ...base, id: `route:${svcNode.id}->${targetId}${suffix}`, target: targetId, weight, refs: [{ resource: vsRef, path }] });
      });
    }
  }

  /* -- calls: sourceLabels -- */
  function addCall(from: Group, target: Target, port: number | undefined, basis: 'sourceLabels' | 'env', evidence: string, ref: ResourceRef) {
    const targetId = target.kind === 'service' ? target.info.node.id : target.node.id;
    if (target.kind === 'service' && target.info.groups.includes(from)) return; // a workload calling its own service
    let protocol: Protocol | undefined;
    let p = port;
    if (target.kind === 'service') {
      const sp = target.info.node.ports.find((x) => x.port === port) ?? (port === undefined && target.info.node.ports.length === 1 ? target.info.node.ports[0] : undefined);
      if (!sp && port !== undefined) p = undefined;
      protocol = sp?.protocol;
      p = sp?.port ?? p;
    } else {
      const sp = target.node.ports.find((x) => x.number === port) ?? (target.node.ports.length === 1 ? target.node.ports[0] : undefined);
      p = sp?.number ?? port;
      const proto = (sp?.protocol ?? '').toLowerCase();
      protocol = PROTOCOLS.has(proto as Protocol) ? (proto as Protocol) : undefined;
    }
    addEdge({
      id: `call:${from.id}->${targetId}`, kind: 'call', source: from.id, target: targetId, protocol, port: p, badges: [],
      declared: true, observed: false, basis: [basis], evidence: [evidence], refs: [ref],
    });
  }

  for (const vs of [...resources.virtualServices].sort(oldestFirst)) {
    const gws = vs.spec?.gateways;
    if (gws && gws.length && !gws.includes('mesh')) continue;
    const vsNs = nsOf(vs);
    const vsRef = refOf(vs);
    const targets = (vs.spec?.hosts ?? []).map((h) => resolveHost(h, vsNs)).filter((t): t is Target => !!t);
    if (!targets.length) continue;
    for (const row of routeRows(vs)) {
      (row.route.match ?? []).forEach((m, k) => {
        if (!m.sourceLabels || !Object.keys(m.sourceLabels).length) return;
        const path = `spec/${row.section}[${row.index}]/match[${k}]/sourceLabels`;
        const candidates = m.sourceNamespace ? groupsByNs.get(m.sourceNamespace) ?? [] : [...groups.values()];
        for (const g of candidates) {
          if (!g.workloads.some((w) => matchesLabels(m.sourceLabels, w.labels))) continue;
          for (const t of targets) addCall(g, t, m.port, 'sourceLabels', `${vsRef} ${path}`, { resource: vsRef, path });
        }
      });
    }
  }

  /* -- calls: env heuristic -- */
  if (options.envHeuristic !== false) {
    for (const w of workloads) {
      const g = groupOfWorkload.get(w);
      if (!g) continue;
      w.containers.forEach((c, ci) => {
        (c.env ?? []).forEach((e, ei) => {
          for (const t of envTargets(e.name, e.value)) {
            const target = resolveHost(t.host, w.namespace);
            if (!target) continue;
            const path = w.kind === 'Deployment' ? `spec/template/spec/containers[${ci}]/env[${ei}]` : `spec/containers[${ci}]/env[${ei}]`;
            addCall(g, target, t.port, 'env', `env ${e.name} of ${w.kind} ${w.namespace}/${w.name}`, { resource: `${w.kind} ${w.namespace}/${w.name}`, path });
          }
        });
      });
    }
  }

  /* -- namespaces -- */
  for (const n of resources.namespaces) nodes.set(`ns:${n.metadata.name}`, namespaceNode(resources, n.metadata.name));
  for (const n of [...nodes.values()]) {
    if (n.kind !== 'namespace' && n.namespace && !nodes.has(`ns:${n.namespace}`)) nodes.set(`ns:${n.namespace}`, namespaceNode(resources, n.namespace));
  }

  /* -- security on declared edges -- */
  const annotator = createAnnotator(resources, nodes);
  for (const e of edges.values()) annotator.annotate(e);

  let graph: MeshGraph = {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    meta: { rootNamespace: root, namespaces: [...(options.namespaces ?? [])], versionLabels, observed: false },
  };
  if (options.observed) graph = mergeObserved(graph, options.observed, resources);
  graph = scopeToNamespaces(graph, options.namespaces, gatewayNamespaces);
  return finalizeGraph(graph, resources);
}

function scopeToNamespaces(graph: MeshGraph, namespaces: readonly string[] | undefined, gatewayNamespaces: ReadonlyMap<string, ReadonlySet<string>>): MeshGraph {
  if (!namespaces || !namespaces.length) return graph;
  const wanted = new Set(namespaces);
  // Nodes of the namespaces asked for; edges touching them bring their other end along.
  const inside = new Set<string>();
  for (const n of graph.nodes) if (n.kind !== 'namespace' && n.namespace && wanted.has(n.namespace)) inside.add(n.id);
  const keep = new Set(inside);
  // Gateways configured from these namespaces stay even without edges.
  for (const n of graph.nodes) if (n.kind === 'gateway' && [...(gatewayNamespaces.get(n.id) ?? [])].some((ns) => wanted.has(ns))) keep.add(n.id);
  const edges = graph.edges.filter((e) => inside.has(e.source) || inside.has(e.target));
  for (const e of edges) {
    keep.add(e.source);
    keep.add(e.target);
  }
  const nodes = graph.nodes.filter((n) => (n.kind === 'namespace' ? wanted.has(n.namespace) : keep.has(n.id)));
  return { ...graph, nodes, edges };
}
