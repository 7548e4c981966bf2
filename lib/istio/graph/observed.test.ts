import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import { buildGraph } from './build';
import {
  buildObservedQueries,
  GraphQueryError,
  mergeObserved,
  observedFromPrometheus,
  parsePrometheusVector,
  PrometheusResponseError,
  validateWindow,
  type ObservedTraffic,
} from './observed';
import { parseGraphParams } from './params';
import { loadFixture, s5Objects } from './test/fixtures';

const vector = (result: Array<{ metric: Record<string, string>; value: string }>) => ({
  status: 'success',
  data: { resultType: 'vector', result: result.map((r) => ({ metric: r.metric, value: [1700000000, r.value] })) },
});

const edge = (src: string, srcNs: string, svc: string, wl: string, wlNs: string, extra: Record<string, string> = {}) => ({
  source_workload: src,
  source_workload_namespace: srcNs,
  destination_service: svc,
  destination_service_namespace: wlNs,
  destination_workload: wl,
  destination_workload_namespace: wlNs,
  ...extra,
});

describe('PromQL', () => {
  it('builds the three queries for a window', () => {
    const q = buildObservedQueries({ window: '5m' });
    expect(q.requests).toBe(
      'sum by (reporter, source_workload, source_workload_namespace, destination_service, destination_service_namespace, destination_workload, destination_workload_namespace, destination_version, request_protocol, response_code, grpc_response_status) (rate(istio_requests_total[5m]))',
    );
    expect(q.latency).toBe(
      'histogram_quantile(0.95, sum by (le, reporter, source_workload, source_workload_namespace, destination_service, destination_service_namespace, destination_workload, destination_workload_namespace) (rate(istio_request_duration_milliseconds_bucket[5m])))',
    );
    expect(q.tcp).toBe(
      'sum by (reporter, source_workload, source_workload_namespace, destination_service, destination_service_namespace, destination_workload, destination_workload_namespace) (rate(istio_tcp_sent_bytes_total[5m]))',
    );
  });

  it('selects traffic into or out of the namespaces', () => {
    const q = buildObservedQueries({ window: '1h', namespaces: ['shop', 'default'] });
    expect(q.tcp).toContain(
      '(rate(istio_tcp_sent_bytes_total{destination_service_namespace=~"shop|default"}[1h]) or rate(istio_tcp_sent_bytes_total{source_workload_namespace=~"shop|default"}[1h]))',
    );
  });

  it('rejects windows and namespaces that would break the query', () => {
    expect(validateWindow('30s')).toBe('30s');
    for (const w of ['5', '5x', '0m', '5m]) or vector(1', '']) expect(() => validateWindow(w)).toThrow(GraphQueryError);
  });

  it('caps the window at 30 days', () => {
    for (const w of ['30d', '720h', '43200m', '2592000s']) expect(validateWindow(w)).toBe(w);
    for (const w of ['31d', '721h', '43201m', '2592001s', '999999d', '9999999s']) expect(() => validateWindow(w), w).toThrow(/at most 30d/);
    expect(() => parseGraphParams({ window: '365d' })).toThrow(GraphQueryError);
    expect(() => buildObservedQueries({ window: '5m', namespaces: ['a"}'] })).toThrow(/invalid namespace/);
  });
});

describe('parsing Prometheus responses', () => {
  it('reads instant vectors and drops NaN', () => {
    expect(
      parsePrometheusVector(
        vector([
          { metric: { a: 'b' }, value: '1.5' },
          { metric: {}, value: 'NaN' },
        ]),
      ),
    ).toEqual([{ metric: { a: 'b' }, value: 1.5 }]);
  });

  it('throws typed errors on failures', () => {
    expect(() => parsePrometheusVector({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' })).toThrow(PrometheusResponseError);
    expect(() => parsePrometheusVector({ status: 'success', data: { resultType: 'matrix', result: [] } })).toThrow(/instant vector/);
    expect(() => parsePrometheusVector('nope')).toThrow(PrometheusResponseError);
  });

  it('combines rates, errors, p95 and TCP bytes per edge, preferring the destination reporter', () => {
    const svcA = 'a.shop.svc.cluster.local';
    const requests = vector([
      { metric: { ...edge('web-v1', 'shop', svcA, 'a-v1', 'shop', { reporter: 'destination', response_code: '200', request_protocol: 'http' }) }, value: '9' },
      { metric: { ...edge('web-v1', 'shop', svcA, 'a-v1', 'shop', { reporter: 'destination', response_code: '503', request_protocol: 'http' }) }, value: '1' },
      // The source reporter's view of the same edge is ignored.
      { metric: { ...edge('web-v1', 'shop', svcA, 'a-v1', 'shop', { reporter: 'source', response_code: '200', request_protocol: 'http' }) }, value: '100' },
      // Only the source reported this one (no sidecar at the destination).
      {
        metric: { ...edge('web-v1', 'shop', 'api.partner.com', 'unknown', 'unknown', { reporter: 'source', response_code: '200', request_protocol: 'http' }) },
        value: '2',
      },
      // gRPC failures with HTTP 200.
      {
        metric: {
          ...edge('web-v1', 'shop', 'g.shop.svc.cluster.local', 'g-v1', 'shop', {
            reporter: 'destination',
            response_code: '200',
            request_protocol: 'grpc',
            grpc_response_status: '14',
          }),
        },
        value: '0.5',
      },
      {
        metric: {
          ...edge('web-v1', 'shop', 'g.shop.svc.cluster.local', 'g-v1', 'shop', {
            reporter: 'destination',
            response_code: '200',
            request_protocol: 'grpc',
            grpc_response_status: '0',
          }),
        },
        value: '1.5',
      },
    ]);
    const latency = vector([{ metric: { ...edge('web-v1', 'shop', svcA, 'a-v1', 'shop', { reporter: 'destination' }) }, value: '87.5' }]);
    const tcp = vector([{ metric: { ...edge('a-v1', 'shop', 'db.example.com', 'unknown', 'unknown', { reporter: 'source' }) }, value: '4096' }]);
    const t = observedFromPrometheus({ requests, latency, tcp }, '5m');
    expect(t.window).toBe('5m');
    const find = (svc: string) => t.samples.find((s) => s.destination.service === svc);
    expect(find(svcA)).toEqual({
      source: { workload: 'web-v1', namespace: 'shop' },
      destination: { service: svcA, serviceNamespace: 'shop', workload: 'a-v1', namespace: 'shop', version: undefined },
      protocol: 'http',
      rps: 10,
      errorRps: 1,
      p95Ms: 87.5,
    });
    expect(find('api.partner.com')).toMatchObject({ rps: 2, errorRps: 0, destination: { workload: undefined } });
    expect(find('g.shop.svc.cluster.local')).toMatchObject({ protocol: 'grpc', rps: 2, errorRps: 0.5 });
    expect(find('db.example.com')).toMatchObject({ protocol: 'tcp', tcpBytesPerSec: 4096 });
    expect(t.samples).toHaveLength(4);
  });
});

describe('merging observed traffic', () => {
  const resources = indexResources([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } } },
    ...loadFixture('istio/bookinfo.yaml', 'default'),
    ...loadFixture('istio/destination-rule-all.yaml', 'default'),
    ...loadFixture('istio/virtual-service-reviews-v3.yaml', 'default'),
  ]);
  const declared = buildGraph(resources);
  const h = (s: string) => `${s}.default.svc.cluster.local`;
  const traffic: ObservedTraffic = {
    window: '10m',
    samples: [
      // Declared says reviews -> v3 only; reality still sends some to v1.
      {
        source: { workload: 'productpage-v1', namespace: 'default' },
        destination: { service: h('reviews'), workload: 'reviews-v3', namespace: 'default' },
        protocol: 'http',
        rps: 8,
        errorRps: 0,
        p95Ms: 30,
      },
      {
        source: { workload: 'productpage-v1', namespace: 'default' },
        destination: { service: h('reviews'), workload: 'reviews-v1', namespace: 'default' },
        protocol: 'http',
        rps: 2,
        errorRps: 1,
        p95Ms: 120,
      },
      {
        source: { workload: 'reviews-v3', namespace: 'default' },
        destination: { service: h('ratings'), workload: 'ratings-v1', namespace: 'default' },
        protocol: 'http',
        rps: 4,
        errorRps: 0,
      },
      {
        source: { workload: 'batch', namespace: 'jobs' },
        destination: { service: h('details'), workload: 'details-v1', namespace: 'default' },
        protocol: 'http',
        rps: 1,
      },
      { source: { workload: 'ratings-v1', namespace: 'default' }, destination: { service: 'PassthroughCluster' }, protocol: 'tcp', tcpBytesPerSec: 10 },
      {
        source: { workload: 'ratings-v1', namespace: 'default' },
        destination: { service: 'ghost.default.svc.cluster.local', workload: 'ghost-v1', namespace: 'default' },
        protocol: 'http',
        rps: 1,
      },
    ],
  };
  const g = mergeObserved(declared, traffic, resources);
  const find = (source: string, target: string) => g.edges.filter((e) => e.source === source && e.target === target);

  it('marks declared edges observed and adds what the configuration does not declare', () => {
    expect(find('svc:default/reviews', 'ver:default/reviews/v3')).toEqual([
      expect.objectContaining({ kind: 'route', declared: true, observed: true, metrics: { rps: 8, errorRatio: 0, p95Ms: 30 } }),
    ]);
    expect(find('svc:default/reviews', 'ver:default/reviews/v1')).toEqual([
      expect.objectContaining({
        id: 'observed:svc:default/reviews->ver:default/reviews/v1',
        kind: 'observed',
        declared: false,
        observed: true,
        metrics: { rps: 2, errorRatio: 0.5, p95Ms: 120 },
      }),
    ]);
    // The caller edge aggregates over destination versions: rates add up, p95 is the largest.
    expect(find('ver:default/productpage/v1', 'svc:default/reviews')).toEqual([
      expect.objectContaining({ kind: 'observed', metrics: { rps: 10, errorRatio: 0.1, p95Ms: 120 } }),
    ]);
    // Declared implicit route for ratings is now observed too.
    expect(find('svc:default/ratings', 'ver:default/ratings/v1')[0]).toMatchObject({ declared: true, observed: true, implicit: true });
  });

  it('creates nodes only telemetry knows about', () => {
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    expect(byId.get('wl:jobs/batch')).toMatchObject({ kind: 'workload', observedOnly: true, parent: 'ns:jobs' });
    expect(byId.get('ns:jobs')).toMatchObject({ kind: 'namespace', declared: false });
    expect(byId.get('ext:host/PassthroughCluster')).toMatchObject({ kind: 'external', observedOnly: true });
    expect(byId.get('svc:default/ghost')).toMatchObject({ kind: 'service', observedOnly: true, versions: ['wl:default/ghost-v1'] });
    expect(byId.get('wl:default/ghost-v1')).toMatchObject({ services: ['svc:default/ghost'] });
    expect(g.meta).toMatchObject({ observed: true, window: '10m' });
  });

  it('evaluates security on observed edges and leaves the input graph unchanged', () => {
    expect(find('ver:default/productpage/v1', 'svc:default/reviews')[0]!.security?.state).toBe('mtls');
    expect(find('ver:default/productpage/v1', 'svc:default/reviews')[0]!.authz?.decision).toBe('allow');
    expect(declared.edges.every((e) => !e.observed && !e.metrics)).toBe(true);
    expect(declared.nodes.some((n) => n.observedOnly)).toBe(false);
  });

  it('works on a graph alone (no resources): no security on new edges', () => {
    const bare = mergeObserved(declared, traffic);
    const e = bare.edges.find((x) => x.id === 'observed:svc:default/reviews->ver:default/reviews/v1');
    expect(e?.security).toBeUndefined();
    expect(e?.metrics?.rps).toBe(2);
  });
});

describe('observed traffic in ambient (S5)', () => {
  const r = indexResources(s5Objects({ live: true }));
  const sample = (workload: string, service: string, dest: string, rps: number) => ({
    source: { workload, namespace: 'bookinfo' },
    destination: { service: `${service}.bookinfo.svc.cluster.local`, serviceNamespace: 'bookinfo', workload: dest, namespace: 'bookinfo' },
    protocol: 'http' as const,
    rps,
  });
  const g = buildGraph(r, {
    namespaces: ['bookinfo'],
    observed: {
      window: '5m',
      samples: [
        sample('productpage-v1', 'reviews', 'reviews-v1', 9),
        sample('productpage-v1', 'reviews', 'reviews-v2', 1),
        sample('bookinfo-gateway-istio', 'productpage', 'productpage-v1', 10),
      ],
    },
  });
  const edge = (id: string) => g.edges.find((e) => e.id === id);

  it('follows the declared route reviews -> reviews-v1 / reviews-v2 with the waypoint-reported traffic', () => {
    expect(edge('route:svc:bookinfo/reviews->svc:bookinfo/reviews-v1#route:HTTPRoute/bookinfo/reviews/rules[0]/backendRefs[0]')?.metrics?.rps).toBe(9);
    expect(edge('route:svc:bookinfo/reviews-v1->ver:bookinfo/reviews/v1')?.metrics?.rps).toBe(9);
    expect(edge('route:svc:bookinfo/reviews->svc:bookinfo/reviews-v2#route:HTTPRoute/bookinfo/reviews/rules[0]/backendRefs[1]')?.metrics?.rps).toBe(1);
    expect(g.edges.filter((e) => e.kind === 'observed' && e.source === 'svc:bookinfo/reviews')).toEqual([]);
  });

  it('maps the Gateway API gateway workload to its gateway node', () => {
    expect(g.edges.find((e) => e.source === 'gw:bookinfo/bookinfo-gateway-istio' && e.target === 'svc:bookinfo/productpage')?.metrics?.rps).toBe(10);
  });
});

describe('GET /api/graph parameters', () => {
  it('parses namespaces, window and version label pairs', () => {
    expect(parseGraphParams(new URLSearchParams('namespaces=a,b,a&window=15m&versionLabels=component:release,app:version'))).toEqual({
      namespaces: ['a', 'b'],
      window: '15m',
      versionLabels: [
        ['component', 'release'],
        ['app', 'version'],
      ],
    });
    expect(parseGraphParams({})).toEqual({
      namespaces: [],
      window: '5m',
      versionLabels: [
        ['app', 'version'],
        ['app.kubernetes.io/name', 'app.kubernetes.io/version'],
      ],
    });
  });

  it('rejects bad input', () => {
    expect(() => parseGraphParams({ namespaces: 'Bad_NS' })).toThrow(GraphQueryError);
    expect(() => parseGraphParams({ window: '5 m' })).toThrow(GraphQueryError);
    expect(() => parseGraphParams({ versionLabels: 'app' })).toThrow(/appKey:versionKey/);
  });
});
