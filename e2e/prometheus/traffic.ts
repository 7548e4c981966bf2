/**
 * Synthetic Istio telemetry for the seeded demo mesh: which workload calls which
 * service how often, with what errors and latency, and the Prometheus series Istio's
 * proxies would export for it (istio_requests_total, istio_request_duration_milliseconds
 * histogram, istio_tcp_sent_bytes_total).
 *
 * Every counter grows linearly with time (value = rate × seconds since BASE), so a
 * rate() over any window gives back exactly the rate below, whether the samples come
 * from the backfilled history (OpenMetrics through promtool) or from live scrapes.
 */

export interface Workload {
  name: string;
  namespace: string;
  app?: string;
  version?: string;
}

export interface TrafficEdge {
  source: Workload | 'unknown';
  /** Host as Istio reports destination_service (FQDN for Kubernetes services, the ServiceEntry host otherwise). */
  service: string;
  serviceNamespace?: string;
  /** The destination workload, when it has a sidecar (its proxy reports too). */
  destination?: Workload;
  protocol: 'http' | 'grpc' | 'tcp';
  /** Requests per second (http/grpc). */
  rps?: number;
  /** Share answered 5xx (http) or with a non-OK gRPC status (grpc). */
  errorRatio?: number;
  /** Share answered 403 (RBAC denials). */
  deniedRatio?: number;
  /** Bytes per second sent (tcp). */
  tcpBytesPerSec?: number;
  /**
   * Who reports it (default: the destination's sidecar when `destination` is set, and the
   * source's). Ambient: ztunnel reports TCP only (as source and destination), a waypoint
   * reports HTTP as reporter="waypoint", a gateway as source.
   */
  reporters?: Reporter[];
}

export type Reporter = 'source' | 'destination' | 'waypoint';

const gw: Workload = { name: 'istio-ingressgateway', namespace: 'istio-system', app: 'istio-ingressgateway' };
const wl = (namespace: string, name: string, app: string, version?: string): Workload => ({ name, namespace, app, version });
const svc = (name: string, ns: string) => `${name}.${ns}.svc.cluster.local`;

/** What the demo mesh (e2e/cluster/seed.ts seedDemo) would report with some users on it. */
export const DEMO_TRAFFIC: TrafficEdge[] = [
  // S1: english.example.com -> service-a, which calls B, C, D over gRPC and reads MySQL over TCP.
  {
    source: gw,
    service: svc('service-a', 'sample'),
    serviceNamespace: 'sample',
    destination: wl('sample', 'service-a-v1', 'service-a', 'v1'),
    protocol: 'http',
    rps: 12,
    errorRatio: 0.05,
  },
  {
    source: wl('sample', 'service-a-v1', 'service-a', 'v1'),
    service: svc('service-b', 'sample'),
    serviceNamespace: 'sample',
    destination: wl('sample', 'service-b-v1', 'service-b', 'v1'),
    protocol: 'grpc',
    rps: 8,
  },
  {
    source: wl('sample', 'service-a-v1', 'service-a', 'v1'),
    service: svc('service-c', 'sample'),
    serviceNamespace: 'sample',
    destination: wl('sample', 'service-c-v1', 'service-c', 'v1'),
    protocol: 'grpc',
    rps: 4,
  },
  {
    source: wl('sample', 'service-a-v1', 'service-a', 'v1'),
    service: svc('service-d', 'sample'),
    serviceNamespace: 'sample',
    destination: wl('sample', 'service-d-v1', 'service-d', 'v1'),
    protocol: 'grpc',
    rps: 2,
    errorRatio: 0.1,
  },
  { source: wl('sample', 'service-a-v1', 'service-a', 'v1'), service: 'rds.dev.example.local', protocol: 'tcp', tcpBytesPerSec: 2048 },
  // S2: Bookinfo through the gateway; reviews all on v3, ratings all on v2-mysql, MySQL outside.
  {
    source: gw,
    service: svc('productpage', 'default'),
    serviceNamespace: 'default',
    destination: wl('default', 'productpage-v1', 'productpage', 'v1'),
    protocol: 'http',
    rps: 20,
    errorRatio: 0.01,
  },
  {
    source: wl('default', 'productpage-v1', 'productpage', 'v1'),
    service: svc('details', 'default'),
    serviceNamespace: 'default',
    destination: wl('default', 'details-v1', 'details', 'v1'),
    protocol: 'http',
    rps: 20,
  },
  {
    source: wl('default', 'productpage-v1', 'productpage', 'v1'),
    service: svc('reviews', 'default'),
    serviceNamespace: 'default',
    destination: wl('default', 'reviews-v3', 'reviews', 'v3'),
    protocol: 'http',
    rps: 20,
    errorRatio: 0.02,
  },
  {
    source: wl('default', 'reviews-v3', 'reviews', 'v3'),
    service: svc('ratings', 'default'),
    serviceNamespace: 'default',
    destination: wl('default', 'ratings-v2-mysql', 'ratings', 'v2-mysql'),
    protocol: 'http',
    rps: 20,
  },
  { source: wl('default', 'ratings-v2-mysql', 'ratings', 'v2-mysql'), service: 'mysqldb.example.com', protocol: 'tcp', tcpBytesPerSec: 4096 },
  // S3: the gateway reaches caller, caller reaches sample; the gateway's calls to sample are denied (403).
  {
    source: gw,
    service: svc('caller', 'microsvc-sample'),
    serviceNamespace: 'microsvc-sample',
    destination: wl('microsvc-sample', 'caller', 'caller', 'v1'),
    protocol: 'http',
    rps: 5,
  },
  {
    source: wl('microsvc-sample', 'caller', 'caller', 'v1'),
    service: svc('sample', 'microsvc-sample'),
    serviceNamespace: 'microsvc-sample',
    destination: wl('microsvc-sample', 'sample', 'sample', 'v1'),
    protocol: 'http',
    rps: 3,
    errorRatio: 0.03,
  },
  {
    source: gw,
    service: svc('sample', 'microsvc-sample'),
    serviceNamespace: 'microsvc-sample',
    destination: wl('microsvc-sample', 'sample', 'sample', 'v1'),
    protocol: 'http',
    rps: 1,
    deniedRatio: 1,
  },
  // S4: all user-service traffic lands on the stable release (v2); callers without a sidecar are "unknown".
  {
    source: 'unknown',
    service: svc('user-service', 'shop'),
    serviceNamespace: 'shop',
    destination: wl('shop', 'user-service-v2', 'user-service', 'v2'),
    protocol: 'http',
    rps: 6,
  },
  // S5 (ambient): the Gateway API gateway reports HTTP to productpage; productpage -> reviews goes through the
  // waypoint, which reports HTTP (90/10 to v1/v2 as the HTTPRoute says); details has no waypoint: ztunnel reports TCP only.
  // curl's requests through the waypoint fail: the destination ztunnel refuses the waypoint's identity.
  {
    source: wl('bookinfo', 'bookinfo-gateway-istio', 'bookinfo-gateway-istio'),
    service: svc('productpage', 'bookinfo'),
    serviceNamespace: 'bookinfo',
    destination: wl('bookinfo', 'productpage-v1', 'productpage', 'v1'),
    protocol: 'http',
    rps: 10,
    reporters: ['source'],
  },
  {
    source: wl('bookinfo', 'productpage-v1', 'productpage', 'v1'),
    service: svc('reviews', 'bookinfo'),
    serviceNamespace: 'bookinfo',
    destination: wl('bookinfo', 'reviews-v1', 'reviews', 'v1'),
    protocol: 'http',
    rps: 9,
    reporters: ['waypoint'],
  },
  {
    source: wl('bookinfo', 'productpage-v1', 'productpage', 'v1'),
    service: svc('reviews', 'bookinfo'),
    serviceNamespace: 'bookinfo',
    destination: wl('bookinfo', 'reviews-v2', 'reviews', 'v2'),
    protocol: 'http',
    rps: 1,
    reporters: ['waypoint'],
  },
  {
    source: wl('bookinfo', 'productpage-v1', 'productpage', 'v1'),
    service: svc('details', 'bookinfo'),
    serviceNamespace: 'bookinfo',
    destination: wl('bookinfo', 'details-v1', 'details', 'v1'),
    protocol: 'tcp',
    tcpBytesPerSec: 3072,
    reporters: ['source', 'destination'],
  },
  {
    source: wl('bookinfo', 'curl', 'curl'),
    service: svc('productpage', 'bookinfo'),
    serviceNamespace: 'bookinfo',
    destination: wl('bookinfo', 'productpage-v1', 'productpage', 'v1'),
    protocol: 'http',
    rps: 0.5,
    errorRatio: 1,
    reporters: ['waypoint'],
  },
];

/** Counters start at BASE (seconds), a little before any window anyone looks at. */
export const BASE = 1_600_000_000;

export interface Series {
  name: string;
  /** OpenMetrics family and type this sample belongs to. */
  family: string;
  type: 'counter' | 'histogram';
  labels: Record<string, string>;
  /** Increase per second. */
  rate: number;
}

const BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
/** Cumulative share of requests at or below each bucket bound (p95 ≈ 86 ms). */
const CUMULATIVE = [0.2, 0.5, 0.8, 0.9, 0.97, 0.99, 1, 1, 1, 1];

function edgeLabels(e: TrafficEdge, reporter: Reporter): Record<string, string> {
  const src = e.source === 'unknown' ? undefined : e.source;
  return {
    reporter,
    source_workload: src?.name ?? 'unknown',
    source_workload_namespace: src?.namespace ?? 'unknown',
    source_app: src?.app ?? 'unknown',
    source_version: src?.version ?? 'unknown',
    destination_service: e.service,
    destination_service_name: e.serviceNamespace ? e.service.split('.')[0]! : e.service,
    destination_service_namespace: e.serviceNamespace ?? 'unknown',
    destination_workload: e.destination?.name ?? 'unknown',
    destination_workload_namespace: e.destination?.namespace ?? 'unknown',
    destination_app: e.destination?.app ?? 'unknown',
    destination_version: e.destination?.version ?? 'unknown',
  };
}

/** Which proxies report an edge: the destination's when it has a sidecar, and the source's when it has one. */
function reporters(e: TrafficEdge): Reporter[] {
  if (e.reporters) return e.reporters;
  const out: Reporter[] = [];
  if (e.destination) out.push('destination');
  if (e.source !== 'unknown') out.push('source');
  return out;
}

/** Every series the proxies would export for these edges, with its per-second increase. */
export function seriesFor(edges: readonly TrafficEdge[]): Series[] {
  const out: Series[] = [];
  for (const e of edges) {
    for (const reporter of reporters(e)) {
      const base = edgeLabels(e, reporter);
      if (e.protocol === 'tcp') {
        out.push({
          name: 'istio_tcp_sent_bytes_total',
          family: 'istio_tcp_sent_bytes',
          type: 'counter',
          labels: { ...base, request_protocol: 'tcp' },
          rate: e.tcpBytesPerSec ?? 0,
        });
        continue;
      }
      const rps = e.rps ?? 0;
      const err = e.errorRatio ?? 0;
      const denied = e.deniedRatio ?? 0;
      const ok = Math.max(0, 1 - err - denied);
      const proto = e.protocol;
      const outcomes: Array<[string, string, number]> =
        proto === 'grpc'
          ? [
              ['200', '0', ok + denied],
              ['200', '14', err],
            ]
          : [
              ['200', '', ok],
              ['503', '', err],
              ['403', '', denied],
            ];
      for (const [code, grpc, share] of outcomes) {
        if (share <= 0) continue;
        const labels: Record<string, string> = { ...base, request_protocol: proto, response_code: code };
        if (grpc) labels.grpc_response_status = grpc;
        out.push({ name: 'istio_requests_total', family: 'istio_requests', type: 'counter', labels, rate: rps * share });
      }
      const h = { ...base, request_protocol: proto, response_code: '200' };
      BUCKETS.forEach((le, i) =>
        out.push({
          name: 'istio_request_duration_milliseconds_bucket',
          family: 'istio_request_duration_milliseconds',
          type: 'histogram',
          labels: { ...h, le: String(le) },
          rate: rps * (CUMULATIVE[i] ?? 1),
        }),
      );
      out.push({
        name: 'istio_request_duration_milliseconds_bucket',
        family: 'istio_request_duration_milliseconds',
        type: 'histogram',
        labels: { ...h, le: '+Inf' },
        rate: rps,
      });
      out.push({ name: 'istio_request_duration_milliseconds_count', family: 'istio_request_duration_milliseconds', type: 'histogram', labels: h, rate: rps });
      out.push({
        name: 'istio_request_duration_milliseconds_sum',
        family: 'istio_request_duration_milliseconds',
        type: 'histogram',
        labels: h,
        rate: rps * 40,
      });
    }
  }
  return out;
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelsOf = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;

/** Counter value at time t (seconds). */
export const valueAt = (s: Series, t: number) => Math.round(s.rate * (t - BASE) * 1000) / 1000;

/** Sample times (seconds): every `step` seconds in [from, to], aligned to multiples of step. */
export function sampleTimes(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

/**
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: samples at the
 * given times, families not interleaved, every histogram point (its buckets, count and
 * sum) together, timestamps in seconds. Ends with "# EOF".
 */
export function openMetrics(series: readonly Series[], opts: { times: readonly number[]; extraLabels?: Record<string, string> }): string {
  const lines: string[] = [];
  const extra = opts.extraLabels ?? {};
  const labelText = (l: Record<string, string>) => labelsOf({ ...l, ...extra });
  const families = new Map<string, Series[]>();
  for (const s of series) {
    const l = families.get(s.family);
    if (l) l.push(s);
    else families.set(s.family, [s]);
  }
  const times = opts.times;
  for (const [family, list] of families) {
    const type = list[0]!.type;
    lines.push(`# TYPE ${family} ${type}`);
    if (type === 'counter') {
      for (const s of list) for (const t of times) lines.push(`${s.name}${labelText(s.labels)} ${valueAt(s, t)} ${t}`);
      continue;
    }
    // Histogram: group by label set without "le"; each point lists buckets, count, sum at one time.
    const points = new Map<string, Series[]>();
    for (const s of list) {
      const { le: _le, ...rest } = s.labels;
      const key = labelText(rest);
      const l = points.get(key);
      if (l) l.push(s);
      else points.set(key, [s]);
    }
    for (const group of points.values()) for (const t of times) for (const s of group) lines.push(`${s.name}${labelText(s.labels)} ${valueAt(s, t)} ${t}`);
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Prometheus text exposition of the series at time t (seconds), with explicit millisecond timestamps. */
export function exposition(series: readonly Series[], t: number): string {
  const lines: string[] = [];
  const ms = Math.round(t * 1000);
  let family = '';
  for (const s of [...series].sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : 0))) {
    if (s.family !== family) {
      family = s.family;
      lines.push(`# TYPE ${s.type === 'counter' ? s.name : family} ${s.type === 'counter' ? 'counter' : 'histogram'}`);
    }
    lines.push(`${s.name}${labelsOf(s.labels)} ${valueAt(s, t)} ${ms}`);
  }
  return `${lines.join('\n')}\n`;
}
