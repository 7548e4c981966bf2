/**
 * Observed traffic from Istio's standard Prometheus metrics. Pure: builds PromQL, parses
 * /api/v1/query JSON and merges the result into a graph; the server route does the I/O.
 *
 *   validateWindow(window) -> string                          ("5m", at most 30d; throws GraphQueryError)
 *   buildObservedQueries({ window, namespaces? }) -> ObservedQueries
 *   parsePrometheusVector(json) -> PromSample[]               (throws PrometheusResponseError)
 *   observedFromPrometheus({ requests?, latency?, tcp? }, window) -> ObservedTraffic
 *   mergeObserved(graph, traffic, resources?) -> MeshGraph
 *
 * Queries (one /api/v1/query each, evaluated at the same `time`):
 *   requests  sum by (reporter, source_workload, source_workload_namespace,
 *             destination_service, destination_service_namespace, destination_workload,
 *             destination_workload_namespace, destination_version, request_protocol,
 *             response_code, grpc_response_status) (rate(istio_requests_total[w]))
 *             -> rps, and error ratio (5xx, or gRPC status != 0)
 *   latency   histogram_quantile(0.95, sum by (le, reporter, <same edge labels>)
 *             (rate(istio_request_duration_milliseconds_bucket[w]))) -> p95 ms
 *   tcp       sum by (reporter, <edge labels>) (rate(istio_tcp_sent_bytes_total[w]))
 * With namespaces, each selector is the union ("or") of destination_service_namespace
 * and source_workload_namespace matching them. Both reporters are queried: for every
 * edge the destination proxy's report is used when present, the source's otherwise
 * (a destination without sidecar, e.g. an external database, only has the latter).
 *
 * Merge: a sample "source workload -> destination service (-> destination workload)"
 * maps to the caller node (version/workload/gateway; "unknown" without identity), the
 * service or external node, and the version node. Metrics land on every declared edge
 * between the same two nodes (so parallel route edges of one pair show the same
 * figures); pairs with no declared edge become 'observed' edges. Traffic from a service
 * to a workload that a declared route sends through another Service (a Gateway API mesh
 * route: reviews -> reviews-v1 -> reviews v1) lands on that route's two edges. Ambient
 * traffic is reported by ztunnel (TCP) and by waypoints (HTTP, reporter="waypoint",
 * preferred like the destination's report). Aggregating samples
 * sums rates and takes the largest p95 (an upper bound). Nodes seen only in telemetry
 * are created with observedOnly: true.
 */
import { fqdn, hostMatches, parseServiceFqdn } from '../hosts';
import type { MeshResources } from '../resources';
import { isDnsLabel } from '../names';
import { ipInBlock } from '../security/authz';
import { createAnnotator } from './annotate';
import { finalizeGraph } from './finalize';
import type { EdgeMetrics, ExternalNode, GraphEdge, GraphNode, MeshGraph, Protocol, ServiceNode, UnknownNode, WorkloadNode } from './types';

export class GraphQueryError extends Error {
  override name = 'GraphQueryError';
}

export class PrometheusResponseError extends Error {
  override name = 'PrometheusResponseError';
  constructor(
    message: string,
    readonly errorType?: string,
  ) {
    super(message);
  }
}

const WINDOW_RE = /^([1-9]\d{0,6})(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Longest rate window: beyond it a query makes Prometheus read weeks of samples per series, on every graph refresh. */
export const MAX_WINDOW_SECONDS = 30 * 86400;

/** A Prometheus range like "5m": a positive number and s, m, h or d, at most 30d. */
export function validateWindow(window: string): string {
  const m = WINDOW_RE.exec(window);
  if (!m) throw new GraphQueryError(`invalid window "${window}": use a number and s, m, h or d, e.g. 5m`);
  if (Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS] > MAX_WINDOW_SECONDS) throw new GraphQueryError(`invalid window "${window}": at most 30d`);
  return window;
}

export function validateNamespace(ns: string): string {
  if (!isDnsLabel(ns)) throw new GraphQueryError(`invalid namespace "${ns}"`);
  return ns;
}

export interface ObservedQueries {
  requests: string;
  latency: string;
  tcp: string;
}

const EDGE_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'destination_service',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
];

function selectors(namespaces: readonly string[] | undefined): string[] {
  if (!namespaces || !namespaces.length) return [''];
  const re = namespaces.map(validateNamespace).join('|');
  return [`destination_service_namespace=~"${re}"`, `source_workload_namespace=~"${re}"`];
}

function rateOf(metric: string, window: string, sels: string[]): string {
  return sels.map((s) => `rate(${metric}${s ? `{${s}}` : ''}[${window}])`).join(' or ');
}

export function buildObservedQueries(opts: { window: string; namespaces?: readonly string[] }): ObservedQueries {
  const w = validateWindow(opts.window);
  const sels = selectors(opts.namespaces);
  const reqLabels = [...EDGE_LABELS, 'destination_version', 'request_protocol', 'response_code', 'grpc_response_status'].join(', ');
  const edgeLabels = EDGE_LABELS.join(', ');
  return {
    requests: `sum by (${reqLabels}) (${rateOf('istio_requests_total', w, sels)})`,
    latency: `histogram_quantile(0.95, sum by (le, ${edgeLabels}) (${rateOf('istio_request_duration_milliseconds_bucket', w, sels)}))`,
    tcp: `sum by (${edgeLabels}) (${rateOf('istio_tcp_sent_bytes_total', w, sels)})`,
  };
}

/* ---- parsing ---- */

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** Samples of an instant-vector /api/v1/query response. NaN/Inf values are dropped. */
export function parsePrometheusVector(json: unknown): PromSample[] {
  if (!json || typeof json !== 'object') throw new PrometheusResponseError('Prometheus response is not a JSON object');
  const o = json as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (o.status !== 'success') {
    throw new PrometheusResponseError(
      typeof o.error === 'string' ? o.error : 'Prometheus query failed',
      typeof o.errorType === 'string' ? o.errorType : undefined,
    );
  }
  if (o.data?.resultType !== 'vector' || !Array.isArray(o.data.result)) {
    throw new PrometheusResponseError(`expected an instant vector, got ${String(o.data?.resultType)}`);
  }
  const out: PromSample[] = [];
  for (const r of o.data.result as Array<{ metric?: unknown; value?: unknown }>) {
    if (!r || typeof r !== 'object' || !Array.isArray(r.value)) continue;
    const v = Number(r.value[1]);
    if (!Number.isFinite(v)) continue;
    const metric: Record<string, string> = {};
    if (r.metric && typeof r.metric === 'object') for (const [k, x] of Object.entries(r.metric)) if (typeof x === 'string') metric[k] = x;
    out.push({ metric, value: v });
  }
  return out;
}

export interface ObservedSample {
  source: { workload: string; namespace: string };
  destination: { service: string; serviceNamespace?: string; workload?: string; namespace?: string; version?: string };
  protocol: 'http' | 'grpc' | 'tcp';
  rps?: number;
  /** Requests per second that failed (5xx, or gRPC status != 0). */
  errorRps?: number;
  p95Ms?: number;
  tcpBytesPerSec?: number;
}

export interface ObservedTraffic {
  window: string;
  samples: ObservedSample[];
}

const missing = (v: string | undefined) => !v || v === 'unknown';

function edgeKey(m: Record<string, string>): string {
  return [m.source_workload_namespace, m.source_workload, m.destination_service, m.destination_workload_namespace, m.destination_workload]
    .map((x) => x ?? '')
    .join('|');
}

/** Keep, per edge key, the samples of the preferred reporter (destination, else source). */
function preferReporter(samples: readonly PromSample[]): PromSample[] {
  const dest = new Set<string>();
  for (const s of samples) if (s.metric.reporter !== 'source') dest.add(edgeKey(s.metric));
  return samples.filter((s) => s.metric.reporter !== 'source' || !dest.has(edgeKey(s.metric)));
}

/** Turn the three query results (parsed JSON or raw response bodies) into ObservedTraffic. */
export function observedFromPrometheus(results: { requests?: unknown; latency?: unknown; tcp?: unknown }, window: string): ObservedTraffic {
  const asSamples = (x: unknown): PromSample[] => (x === undefined ? [] : Array.isArray(x) ? (x as PromSample[]) : parsePrometheusVector(x));
  const byKey = new Map<string, ObservedSample>();
  const get = (m: Record<string, string>, protocol: ObservedSample['protocol']): ObservedSample => {
    const key = edgeKey(m);
    let s = byKey.get(key);
    if (!s) {
      s = {
        source: { workload: m.source_workload || 'unknown', namespace: m.source_workload_namespace || 'unknown' },
        destination: {
          service: m.destination_service || 'unknown',
          serviceNamespace: missing(m.destination_service_namespace) ? undefined : m.destination_service_namespace,
          workload: missing(m.destination_workload) ? undefined : m.destination_workload,
          namespace: missing(m.destination_workload_namespace) ? undefined : m.destination_workload_namespace,
          version: missing(m.destination_version) ? undefined : m.destination_version,
        },
        protocol,
      };
      byKey.set(key, s);
    } else if (protocol === 'grpc' || (protocol === 'http' && s.protocol === 'tcp')) {
      s.protocol = protocol;
    }
    if (!s.destination.version && !missing(m.destination_version)) s.destination.version = m.destination_version;
    return s;
  };
  for (const p of preferReporter(asSamples(results.requests))) {
    const proto = p.metric.request_protocol === 'grpc' ? 'grpc' : 'http';
    const s = get(p.metric, proto);
    s.rps = (s.rps ?? 0) + p.value;
    const code = p.metric.response_code ?? '';
    const grpc = p.metric.grpc_response_status;
    const failed = code.startsWith('5') || (proto === 'grpc' && !!grpc && grpc !== '0');
    s.errorRps = (s.errorRps ?? 0) + (failed ? p.value : 0);
  }
  for (const p of preferReporter(asSamples(results.latency))) {
    const s = get(p.metric, 'http');
    s.p95Ms = Math.max(s.p95Ms ?? 0, p.value);
  }
  for (const p of preferReporter(asSamples(results.tcp))) {
    const s = get(p.metric, 'tcp');
    s.tcpBytesPerSec = (s.tcpBytesPerSec ?? 0) + p.value;
  }
  return { window, samples: [...byKey.values()] };
}

/* ---- merge ---- */

interface Acc {
  rps: number;
  errorRps: number;
  hasRps: boolean;
  p95?: number;
  tcp?: number;
  protocol: ObservedSample['protocol'];
}

function toMetrics(a: Acc): EdgeMetrics {
  const m: EdgeMetrics = {};
  if (a.hasRps) {
    m.rps = a.rps;
    m.errorRatio = a.rps > 0 ? a.errorRps / a.rps : 0;
  }
  if (a.p95 !== undefined) m.p95Ms = a.p95;
  if (a.tcp !== undefined) m.tcpBytesPerSec = a.tcp;
  return m;
}

const SPECIAL_DESTINATIONS = new Set(['PassthroughCluster', 'BlackHoleCluster', 'InboundPassthroughCluster', 'InboundPassthroughClusterIpv4']);

export function mergeObserved(graph: MeshGraph, traffic: ObservedTraffic, resources?: MeshResources): MeshGraph {
  const nodes = new Map<string, GraphNode>(graph.nodes.map((n) => [n.id, n]));
  const touched = new Set<string>();

  const byWorkload = new Map<string, string>();
  const svcByHost = new Map<string, string>();
  const extByHost = new Map<string, string>();
  const extWildcards: Array<{ host: string; id: string }> = [];
  const extAddresses: Array<{ block: string; id: string }> = [];
  for (const n of graph.nodes) {
    if (n.kind === 'version' || n.kind === 'workload') for (const w of n.workloads) byWorkload.set(`${n.namespace}/${w.name}`, n.id);
    else if (n.kind === 'waypoint') byWorkload.set(`${n.namespace}/${n.workload?.name ?? n.name}`, n.id);
    else if (n.kind === 'gateway') {
      if (n.workload && n.namespace) byWorkload.set(`${n.namespace}/${n.workload.name}`, n.id);
      else if (n.api === 'gateway-api' && n.namespace) byWorkload.set(`${n.namespace}/${n.label}`, n.id);
      else if (!n.resolved && n.identity.assumed && n.identity.namespace) {
        const k = `${n.identity.namespace}/${n.label}`;
        if (!byWorkload.has(k)) byWorkload.set(k, n.id);
      }
    } else if (n.kind === 'service') svcByHost.set(n.host, n.id);
    else if (n.kind === 'external') {
      for (const h of n.hosts) {
        if (h.startsWith('*')) extWildcards.push({ host: h, id: n.id });
        else if (!extByHost.has(h)) extByHost.set(h, n.id);
      }
      for (const a of n.addresses) extAddresses.push({ block: a, id: n.id });
    }
  }

  const ensure = <T extends GraphNode>(n: T): string => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
    return n.id;
  };

  const workloadNode = (ns: string, name: string): string => {
    const known = byWorkload.get(`${ns}/${name}`);
    if (known) return known;
    const n: WorkloadNode = {
      id: `wl:${ns}/${name}`,
      kind: 'workload',
      label: name,
      name,
      namespace: ns,
      workloads: [],
      labels: {},
      serviceAccounts: [],
      inMesh: true,
      sidecar: { injected: true, reason: 'seen in telemetry with a workload identity' },
      dataPlane: {
        mode: 'sidecar',
        reason: 'seen in telemetry with a workload identity (the workload is not among the resources read)',
        expected: 'sidecar',
        restartNeeded: false,
      },
      mtls: { mode: 'PERMISSIVE', level: 'default', reason: 'unknown: the workload is not among the resources read' },
      services: [],
      refs: [],
      observedOnly: true,
    };
    return ensure(n);
  };

  const sourceNode = (s: ObservedSample['source']): string => {
    if (missing(s.workload) || missing(s.namespace)) {
      const u: UnknownNode = { id: 'unknown', kind: 'unknown', label: 'unknown', refs: [], observedOnly: true };
      return ensure(u);
    }
    return workloadNode(s.namespace, s.workload);
  };

  const serviceNode = (d: ObservedSample['destination']): string | undefined => {
    const raw = d.service;
    if (missing(raw)) return undefined;
    const host = raw.toLowerCase();
    const svc = svcByHost.get(host) ?? svcByHost.get(fqdn(host, d.serviceNamespace));
    if (svc) return svc;
    const ext = extByHost.get(host) ?? extAddresses.find((a) => ipInBlock(a.block, host))?.id ?? extWildcards.find((w) => hostMatches(w.host, host))?.id;
    if (ext) return ext;
    const parsed = parseServiceFqdn(host);
    if (parsed) {
      const n: ServiceNode = {
        id: `svc:${parsed.namespace}/${parsed.name}`,
        kind: 'service',
        label: parsed.name,
        namespace: parsed.namespace,
        name: parsed.name,
        host,
        ports: [],
        versions: [],
        refs: [],
        observedOnly: true,
      };
      svcByHost.set(host, n.id);
      return ensure(n);
    }
    const label = SPECIAL_DESTINATIONS.has(raw) ? raw : host;
    const n: ExternalNode = {
      id: `ext:host/${label}`,
      kind: 'external',
      label,
      hosts: [label],
      addresses: [],
      ports: [],
      protocol: 'unknown',
      location: 'MESH_EXTERNAL',
      refs: [],
      observedOnly: true,
      warnings: SPECIAL_DESTINATIONS.has(raw)
        ? [`traffic to ${raw}: no ServiceEntry or Service matched the destination`]
        : ['no ServiceEntry declares this host'],
    };
    return ensure(n);
  };

  const pairs = new Map<string, { source: string; target: string; acc: Acc }>();
  const add = (source: string, target: string, s: ObservedSample) => {
    if (source === target) return;
    const key = `${source}\u0000${target}`;
    let p = pairs.get(key);
    if (!p) {
      p = { source, target, acc: { rps: 0, errorRps: 0, hasRps: false, protocol: s.protocol } };
      pairs.set(key, p);
    }
    const a = p.acc;
    if (s.rps !== undefined) {
      a.rps += s.rps;
      a.errorRps += s.errorRps ?? 0;
      a.hasRps = true;
    }
    if (s.p95Ms !== undefined) a.p95 = Math.max(a.p95 ?? 0, s.p95Ms);
    if (s.tcpBytesPerSec !== undefined) a.tcp = (a.tcp ?? 0) + s.tcpBytesPerSec;
    if (s.protocol === 'grpc' || (s.protocol === 'http' && a.protocol === 'tcp')) a.protocol = s.protocol;
  };

  for (const s of traffic.samples) {
    const src = sourceNode(s.source);
    const svc = serviceNode(s.destination);
    const dstNs = s.destination.namespace ?? s.destination.serviceNamespace;
    const wl = s.destination.workload && dstNs ? workloadNode(dstNs, s.destination.workload) : undefined;
    if (svc) {
      add(src, svc, s);
      if (wl && nodes.get(svc)?.kind === 'service') {
        add(svc, wl, s);
        const sn = nodes.get(svc) as ServiceNode;
        const wn = nodes.get(wl);
        if (sn.observedOnly && !sn.versions.includes(wl)) {
          if (!touched.has(sn.id)) nodes.set(sn.id, { ...sn, versions: [...sn.versions, wl] });
          else sn.versions.push(wl);
          touched.add(sn.id);
        }
        if (wn && (wn.kind === 'version' || wn.kind === 'workload') && wn.observedOnly && !wn.services.includes(svc)) {
          if (!touched.has(wn.id)) nodes.set(wn.id, { ...wn, services: [...wn.services, svc] });
          else wn.services.push(svc);
          touched.add(wn.id);
        }
      }
    } else if (wl) {
      add(src, wl, s);
    }
  }

  const declaredByPair = new Map<string, GraphEdge[]>();
  const edges = graph.edges.map((e) => ({ ...e }));
  for (const e of edges) {
    const k = `${e.source}\u0000${e.target}`;
    const l = declaredByPair.get(k);
    if (l) l.push(e);
    else declaredByPair.set(k, [e]);
  }
  // Service -> Service routes (mesh routes to per-version Services), by their source.
  const viaRoutes = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    if (e.kind !== 'route' || !e.target.startsWith('svc:')) continue;
    viaRoutes.set(e.source, [...(viaRoutes.get(e.source) ?? []), e]);
  }
  const annotator = resources ? createAnnotator(resources, nodes) : undefined;
  for (const [key, p] of pairs) {
    const metrics = toMetrics(p.acc);
    let declared = declaredByPair.get(key);
    if (!declared && p.source.startsWith('svc:')) {
      const hops = (viaRoutes.get(p.source) ?? []).filter((r) => (nodes.get(r.target) as ServiceNode | undefined)?.versions.includes(p.target));
      const second = hops.flatMap((r) => declaredByPair.get(`${r.target}\u0000${p.target}`) ?? []);
      if (hops.length && second.length) declared = [...hops, ...second];
    }
    if (declared) {
      for (const e of declared) {
        e.observed = true;
        e.metrics = metrics;
      }
      continue;
    }
    const protocol: Protocol = p.acc.protocol;
    const e: GraphEdge = {
      id: `observed:${p.source}->${p.target}`,
      kind: 'observed',
      source: p.source,
      target: p.target,
      protocol,
      badges: [],
      declared: false,
      observed: true,
      evidence: [`Prometheus, window ${traffic.window}`],
      metrics,
      refs: [],
    };
    annotator?.annotate(e);
    edges.push(e);
  }
  return finalizeGraph({ ...graph, nodes: [...nodes.values()], edges, meta: { ...graph.meta, observed: true, window: traffic.window } }, resources);
}
