/**
 * The spec's expectations on the scenario fixtures (e2e/fixtures/scenarios) and
 * Bookinfo (e2e/fixtures/istio), with and without the ingress gateway Deployment the
 * demo seeder adds.
 */
import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject, VirtualService } from '../types';
import { buildGraph } from './build';
import type { ObservedTraffic } from './observed';
import { ingressGatewayObjects, loadFixture, s5Objects } from './test/fixtures';
import type { ExternalNode, GatewayNode, GraphEdge, MeshGraph, NamespaceNode, ServiceNode, VersionNode, WaypointNode, WorkloadNode } from './types';

const node = <T = unknown>(g: MeshGraph, id: string): T => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}; have ${g.nodes.map((x) => x.id).join(', ')}`);
  return n as T;
};
const edgesBetween = (g: MeshGraph, source: string, target: string): GraphEdge[] => g.edges.filter((e) => e.source === source && e.target === target);
const edgeBetween = (g: MeshGraph, source: string, target: string): GraphEdge => {
  const l = edgesBetween(g, source, target);
  if (l.length !== 1) throw new Error(`expected one edge ${source} -> ${target}, found ${l.length}; edges: ${g.edges.map((e) => e.id).join('\n')}`);
  return l[0]!;
};
const ids = (g: MeshGraph, kind?: string) => g.nodes.filter((n) => !kind || n.kind === kind).map((n) => n.id);

const UNRESOLVED_GW = 'gw:selector/istio=ingressgateway';
const SEEDED_GW = 'gw:istio-system/istio-ingressgateway';

/* ---------------- S1 ---------------- */

describe('S1: sample services, gRPC, external MySQL', () => {
  const objects = loadFixture('scenarios/s1-sample-grpc-mysql.yaml');

  describe.each([
    ['without a gateway deployment', [] as K8sObject[], UNRESOLVED_GW],
    ['with the seeded gateway deployment', ingressGatewayObjects(), SEEDED_GW],
  ])('%s', (_title, extra, gwId) => {
    const g = buildGraph(indexResources([...objects, ...extra]));

    it('has exactly the expected nodes', () => {
      expect(ids(g).sort()).toEqual(
        [
          'ext:se/sample/mysql',
          gwId,
          'ns:istio-system',
          'ns:sample',
          'svc:sample/service-a',
          'svc:sample/service-b',
          'svc:sample/service-c',
          'svc:sample/service-d',
          'ver:sample/service-a/v1',
          'ver:sample/service-b/v1',
          'ver:sample/service-c/v1',
          'ver:sample/service-d/v1',
        ].sort(),
      );
    });

    it('routes gateway -> english -> service-a, locked by ISTIO_MUTUAL over a PERMISSIVE namespace', () => {
      const e = edgeBetween(g, gwId, 'svc:sample/service-a');
      expect(e).toMatchObject({
        kind: 'gateway-route',
        weight: 100,
        port: 9000,
        protocol: 'http',
        declared: true,
        observed: false,
        via: { gateway: 'Gateway sample/english-gateway', virtualService: 'VirtualService sample/english', hosts: ['english.example.com'] },
      });
      expect(e.id).toBe(`gateway-route:${gwId}->svc:sample/service-a#vs:sample/english/http[0]/route[0]`);
      expect(e.security).toMatchObject({
        state: 'mtls',
        server: { mode: 'PERMISSIVE', level: 'namespace', resource: 'PeerAuthentication sample/default', inMesh: true },
        client: { mode: 'ISTIO_MUTUAL', level: 'destination-rule', resource: 'DestinationRule sample/default', auto: false },
      });
      expect(e.authz?.decision).toBe('allow');
      expect(e.authz?.policy).toBeUndefined();
      expect(g.edges.filter((x) => x.kind === 'gateway-route')).toHaveLength(1);
    });

    it('shows the gateway servers, the HTTPS one with its credential', () => {
      const gw = node<GatewayNode>(g, gwId);
      expect(gw.gateways).toEqual(['Gateway sample/english-gateway']);
      expect(gw.servers).toEqual([
        { gateway: 'Gateway sample/english-gateway', port: 80, protocol: 'HTTP', name: 'http', hosts: ['english.example.com'], tls: undefined },
        {
          gateway: 'Gateway sample/english-gateway',
          port: 443,
          protocol: 'HTTPS',
          name: 'https',
          hosts: ['english.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'english-cert', httpsRedirect: undefined },
        },
      ]);
    });

    it('shows MySQL as an external TCP node', () => {
      const db = node<ExternalNode>(g, 'ext:se/sample/mysql');
      expect(db).toMatchObject({
        kind: 'external',
        protocol: 'tcp',
        addresses: ['10.0.0.1/32'],
        hosts: ['rds.dev.example.local'],
        location: 'MESH_EXTERNAL',
        serviceEntry: 'ServiceEntry sample/mysql',
        parent: 'ns:sample',
        ports: [{ number: 3306, protocol: 'TCP', name: 'mysql' }],
      });
    });

    it('shows the namespace as PERMISSIVE and every workload in the mesh', () => {
      const ns = node<NamespaceNode>(g, 'ns:sample');
      expect(ns).toMatchObject({
        injection: 'enabled',
        declared: true,
        mtls: { mode: 'PERMISSIVE', level: 'namespace', resource: 'PeerAuthentication sample/default' },
      });
      for (const v of ['a', 'b', 'c', 'd']) {
        const n = node<VersionNode>(g, `ver:sample/service-${v}/v1`);
        expect(n).toMatchObject({ inMesh: true, app: `service-${v}`, version: 'v1', services: [`svc:sample/service-${v}`], parent: 'ns:sample' });
        const r = edgeBetween(g, `svc:sample/service-${v}`, `ver:sample/service-${v}/v1`);
        expect(r).toMatchObject({ kind: 'route', implicit: true, security: { state: 'mtls', client: { mode: 'ISTIO_MUTUAL' } } });
        expect(r.authz).toBeUndefined();
      }
      expect(node<ServiceNode>(g, 'svc:sample/service-b').ports).toEqual([
        { port: 50051, name: 'grpc', protocol: 'grpc', targetPort: 50051, workloadPort: 50051 },
      ]);
    });
  });

  it('identifies the seeded gateway by its workload and service account', () => {
    const g = buildGraph(indexResources([...objects, ...ingressGatewayObjects()]));
    expect(node<GatewayNode>(g, SEEDED_GW)).toMatchObject({
      resolved: true,
      role: 'ingress',
      namespace: 'istio-system',
      parent: 'ns:istio-system',
      identity: { namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account', assumed: false },
      workload: { kind: 'Deployment', name: 'istio-ingressgateway' },
    });
    // The gateway's own Service is not drawn as a mesh service.
    expect(ids(g)).not.toContain('svc:istio-system/istio-ingressgateway');
  });

  it('marks an unresolved gateway as such, with the default identity assumed', () => {
    const g = buildGraph(indexResources(objects));
    const gw = node<GatewayNode>(g, UNRESOLVED_GW);
    expect(gw).toMatchObject({
      resolved: false,
      label: 'istio-ingressgateway',
      identity: { namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account', assumed: true },
    });
    expect(gw.warnings?.[0]).toMatch(/no workload selects/);
    expect(gw.workload).toBeUndefined();
  });

  it('overlays telemetry: gateway traffic marks the declared edge, MySQL traffic adds an observed TCP edge', () => {
    const observed: ObservedTraffic = {
      window: '5m',
      samples: [
        {
          source: { workload: 'istio-ingressgateway', namespace: 'istio-system' },
          destination: { service: 'service-a.sample.svc.cluster.local', workload: 'service-a-v1', namespace: 'sample' },
          protocol: 'http',
          rps: 10,
          errorRps: 1,
          p95Ms: 42,
        },
        { source: { workload: 'service-a-v1', namespace: 'sample' }, destination: { service: 'rds.dev.example.local' }, protocol: 'tcp', tcpBytesPerSec: 2048 },
      ],
    };
    for (const extra of [[], ingressGatewayObjects()]) {
      const g = buildGraph(indexResources([...objects, ...extra]), { observed });
      const gwId = extra.length ? SEEDED_GW : UNRESOLVED_GW;
      expect(edgeBetween(g, gwId, 'svc:sample/service-a')).toMatchObject({
        kind: 'gateway-route',
        declared: true,
        observed: true,
        metrics: { rps: 10, errorRatio: 0.1, p95Ms: 42 },
      });
      expect(edgeBetween(g, 'svc:sample/service-a', 'ver:sample/service-a/v1')).toMatchObject({ declared: true, observed: true, metrics: { rps: 10 } });
      const db = edgeBetween(g, 'ver:sample/service-a/v1', 'ext:se/sample/mysql');
      expect(db).toMatchObject({
        id: 'observed:ver:sample/service-a/v1->ext:se/sample/mysql',
        kind: 'observed',
        declared: false,
        observed: true,
        protocol: 'tcp',
        metrics: { tcpBytesPerSec: 2048 },
      });
      expect(db.security?.state).toBe('plaintext');
      expect(g.meta).toMatchObject({ observed: true, window: '5m' });
    }
  });
});

/* ---------------- S2 ---------------- */

describe('S2: Bookinfo with reviews -> v3, ratings -> v2-mysql and an external MySQL', () => {
  const defaultNs: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } } };
  const base = [
    defaultNs,
    ...loadFixture('istio/bookinfo.yaml', 'default'),
    ...loadFixture('istio/bookinfo-ratings-v2-mysql.yaml', 'default'),
    ...loadFixture('istio/bookinfo-gateway.yaml', 'default'),
  ];
  const s2 = loadFixture('scenarios/s2-bookinfo-external-mysql.yaml');
  const g = buildGraph(indexResources([...base, ...loadFixture('istio/destination-rule-all.yaml', 'default'), ...s2]));

  it('routes reviews 100% to v3 and nothing to v1/v2', () => {
    const routes = g.edges.filter((e) => e.source === 'svc:default/reviews');
    expect(routes.map((e) => e.target)).toEqual(['ver:default/reviews/v3']);
    expect(routes[0]).toMatchObject({
      id: 'route:svc:default/reviews->ver:default/reviews/v3#vs:default/reviews/http[0]/route[0]',
      kind: 'route',
      weight: 100,
      subset: 'v3',
      protocol: 'http',
      port: 9080,
      declared: true,
      via: { virtualService: 'VirtualService default/reviews' },
      refs: [{ resource: 'VirtualService default/reviews', path: 'spec/http[0]/route[0]' }, { resource: 'DestinationRule default/reviews' }],
    });
    expect(routes[0]!.weightShared).toBeUndefined();
    expect(node<ServiceNode>(g, 'svc:default/reviews').versions).toEqual(['ver:default/reviews/v1', 'ver:default/reviews/v2', 'ver:default/reviews/v3']);
  });

  it('routes ratings 100% to v2-mysql', () => {
    const routes = g.edges.filter((e) => e.source === 'svc:default/ratings');
    expect(routes.map((e) => [e.target, e.weight, e.subset])).toEqual([['ver:default/ratings/v2-mysql', 100, 'v2-mysql']]);
    expect(node<VersionNode>(g, 'ver:default/ratings/v2-mysql')).toMatchObject({
      app: 'ratings',
      version: 'v2-mysql',
      serviceAccounts: ['default'],
      inMesh: true,
    });
  });

  it('shows mysql-external as an external TCP node with its CIDR address', () => {
    expect(node<ExternalNode>(g, 'ext:se/default/mysql-external')).toMatchObject({
      protocol: 'tcp',
      addresses: ['192.0.2.10/32'],
      hosts: ['mysqldb.example.com'],
      ports: [{ number: 3306, protocol: 'TCP', name: 'tcp' }],
      label: 'mysql-external',
    });
  });

  it('keeps implicit routes where no VirtualService applies and binds the Bookinfo gateway', () => {
    expect(edgeBetween(g, 'svc:default/details', 'ver:default/details/v1')).toMatchObject({ implicit: true });
    const gw = edgeBetween(g, UNRESOLVED_GW, 'svc:default/productpage');
    expect(gw).toMatchObject({ weight: 100, port: 9080, via: { hosts: ['*'] } });
    expect(gw.match).toBe('uri=/productpage | uri prefix /static | uri=/login | uri=/logout | uri prefix /api/v1/products');
  });

  it('locks every edge with auto mTLS, or with the DestinationRules of destination-rule-all-mtls', () => {
    for (const e of g.edges)
      expect(e.security).toMatchObject({ state: 'mtls', client: { mode: 'ISTIO_MUTUAL', auto: true }, server: { mode: 'PERMISSIVE', level: 'default' } });
    const g2 = buildGraph(indexResources([...base, ...loadFixture('istio/destination-rule-all-mtls.yaml', 'default'), ...s2]));
    expect(edgeBetween(g2, 'svc:default/reviews', 'ver:default/reviews/v3').security?.client).toEqual({
      mode: 'ISTIO_MUTUAL',
      level: 'destination-rule',
      resource: 'DestinationRule default/reviews',
      auto: false,
    });
  });

  it('reports a subset that no DestinationRule defines instead of drawing an edge', () => {
    const g3 = buildGraph(indexResources([...base, ...s2]));
    expect(g3.edges.filter((e) => e.source === 'svc:default/reviews')).toEqual([]);
    expect(node<ServiceNode>(g3, 'svc:default/reviews').warnings).toEqual([
      'VirtualService default/reviews spec/http[0]/route[0]: subset "v3" but no DestinationRule defines subsets for reviews.default.svc.cluster.local',
    ]);
  });
});

/* ---------------- S3 ---------------- */

describe('S3: STRICT mesh, authorization, a listener outside the mesh', () => {
  const objects = loadFixture('scenarios/s3-microsvc-mtls-authz.yaml');

  describe.each([
    ['without a gateway deployment', [] as K8sObject[], UNRESOLVED_GW],
    ['with the seeded gateway deployment', ingressGatewayObjects(), SEEDED_GW],
  ])('%s', (_title, extra, gwId) => {
    const g = buildGraph(indexResources([...objects, ...extra]));

    it('denies gateway -> sample by to-sample', () => {
      const e = edgeBetween(g, gwId, 'svc:microsvc-sample/sample');
      expect(e).toMatchObject({
        kind: 'gateway-route',
        via: { hosts: ['sample.apps.example.com'], virtualService: 'VirtualService microsvc-sample/sample' },
        match: 'uri prefix /',
      });
      expect(e.authz).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy microsvc-sample/to-sample' });
      expect(e.authz?.reason).toContain('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
    });

    it('allows gateway -> caller (no policy selects caller)', () => {
      const e = edgeBetween(g, gwId, 'svc:microsvc-sample/caller');
      expect(e.authz?.decision).toBe('allow');
      expect(e.authz?.policy).toBeUndefined();
    });

    it('allows caller -> sample, found through the SAMPLE_API_BASE_PATH env var', () => {
      const e = edgeBetween(g, 'ver:microsvc-sample/caller/v1', 'svc:microsvc-sample/sample');
      expect(e).toMatchObject({
        id: 'call:ver:microsvc-sample/caller/v1->svc:microsvc-sample/sample',
        kind: 'call',
        port: 8080,
        protocol: 'http',
        declared: true,
        observed: false,
        basis: ['env'],
        evidence: ['env SAMPLE_API_BASE_PATH of Deployment microsvc-sample/caller'],
        refs: [{ resource: 'Deployment microsvc-sample/caller', path: 'spec/template/spec/containers[0]/env[0]' }],
        authz: { decision: 'allow', policy: 'AuthorizationPolicy microsvc-sample/to-sample' },
      });
    });

    it('locks everything by the mesh-wide STRICT policy', () => {
      expect(g.edges.length).toBe(5);
      for (const e of g.edges) {
        expect(e.security).toMatchObject({
          state: 'mtls',
          server: { mode: 'STRICT', level: 'mesh', resource: 'PeerAuthentication istio-system/default' },
          client: { mode: 'ISTIO_MUTUAL', auto: true },
        });
      }
    });

    it('shows el-caller outside the mesh', () => {
      const el = node<WorkloadNode>(g, 'wl:microsvc-sample/el-caller');
      expect(el).toMatchObject({
        kind: 'workload',
        inMesh: false,
        sidecar: { injected: false, reason: 'pod annotation sidecar.istio.io/inject=false' },
        services: [],
      });
      expect(node<VersionNode>(g, 'ver:microsvc-sample/sample/v1')).toMatchObject({ inMesh: true, sidecar: { injected: true } });
      expect(g.edges.some((e) => e.source === el.id || e.target === el.id)).toBe(false);
    });
  });

  it('evaluates observed calls from outside the mesh: STRICT conflict and denied', () => {
    const observed: ObservedTraffic = {
      window: '1m',
      samples: [
        {
          source: { workload: 'el-caller', namespace: 'microsvc-sample' },
          destination: { service: 'sample.microsvc-sample.svc.cluster.local', workload: 'sample', namespace: 'microsvc-sample' },
          protocol: 'http',
          rps: 1,
          errorRps: 0,
        },
        {
          source: { workload: 'unknown', namespace: 'unknown' },
          destination: { service: 'caller.microsvc-sample.svc.cluster.local', workload: 'caller', namespace: 'microsvc-sample' },
          protocol: 'http',
          rps: 2,
          errorRps: 2,
        },
      ],
    };
    const g = buildGraph(indexResources(objects), { observed });
    const el = edgeBetween(g, 'wl:microsvc-sample/el-caller', 'svc:microsvc-sample/sample');
    expect(el).toMatchObject({
      kind: 'observed',
      declared: false,
      observed: true,
      security: { state: 'conflict' },
      authz: { decision: 'deny', policy: 'AuthorizationPolicy microsvc-sample/to-sample' },
    });
    const unknown = edgeBetween(g, 'unknown', 'svc:microsvc-sample/caller');
    expect(unknown).toMatchObject({ kind: 'observed', metrics: { rps: 2, errorRatio: 1 }, security: { state: 'conflict' }, authz: { decision: 'allow' } });
    expect(node(g, 'unknown')).toMatchObject({ kind: 'unknown', observedOnly: true });
    // The observed hop service -> version matches the declared implicit route.
    expect(edgeBetween(g, 'svc:microsvc-sample/sample', 'ver:microsvc-sample/sample/v1')).toMatchObject({
      declared: true,
      observed: true,
      metrics: { rps: 1 },
    });
  });

  it('scopes to a namespace and keeps the gateway that routes into it', () => {
    const both = buildGraph(indexResources([...objects, ...loadFixture('scenarios/s1-sample-grpc-mysql.yaml')]), { namespaces: ['microsvc-sample'] });
    expect(ids(both).filter((id) => id.startsWith('svc:'))).toEqual(['svc:microsvc-sample/caller', 'svc:microsvc-sample/sample']);
    expect(ids(both)).toContain(UNRESOLVED_GW);
    expect(both.edges.every((e) => !e.target.includes('sample/service-a'))).toBe(true);
    expect(ids(both, 'namespace')).toEqual(['ns:istio-system', 'ns:microsvc-sample']);
    expect(both.meta.namespaces).toEqual(['microsvc-sample']);
  });
});

/* ---------------- S4 ---------------- */

describe('S4: user-service canary labelled component/release', () => {
  const objects = loadFixture('scenarios/s4-user-service-canary.yaml');
  const labels: Array<[string, string]> = [
    ['app', 'version'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/version'],
    ['component', 'release'],
  ];

  it('groups user-service-v2/v3 as versions v2 (stable) and v3 (canary) of one service', () => {
    const g = buildGraph(indexResources(objects), { versionLabels: labels });
    const svc = node<ServiceNode>(g, 'svc:shop/user-service');
    expect(svc.versions).toEqual(['ver:shop/user-service/v2', 'ver:shop/user-service/v3']);
    expect(svc).toMatchObject({ virtualService: 'VirtualService shop/user-service-vs', destinationRule: 'DestinationRule shop/user-service-dr' });
    for (const v of ['v2', 'v3']) {
      expect(node<VersionNode>(g, `ver:shop/user-service/${v}`)).toMatchObject({
        kind: 'version',
        app: 'user-service',
        version: v,
        labelKeys: ['component', 'release'],
        label: `user-service ${v}`,
        serviceAccounts: ['app-user-service'],
        services: ['svc:shop/user-service'],
        workloads: [{ kind: 'Deployment', name: `user-service-${v}` }],
      });
    }
    const routes = g.edges.filter((e) => e.source === svc.id);
    expect(routes.map((e) => [e.target, e.weight, e.subset])).toEqual([['ver:shop/user-service/v2', 100, 'stable']]);
    expect(ids(g, 'workload')).toEqual([]);
  });

  it('without the component/release pair each Deployment is its own workload', () => {
    const g = buildGraph(indexResources(objects));
    expect(ids(g, 'version')).toEqual([]);
    expect(ids(g, 'workload')).toEqual(['wl:shop/user-service-v2', 'wl:shop/user-service-v3']);
    expect(edgesBetween(g, 'svc:shop/user-service', 'wl:shop/user-service-v2')).toHaveLength(1);
  });

  it.each([
    [90, 10],
    [50, 50],
    [0, 100],
  ])('follows a canary step %i/%i', (stable, canary) => {
    const shifted = objects.map((o) => {
      if (o.kind !== 'VirtualService') return o;
      const vs = structuredClone(o) as VirtualService;
      vs.spec!.http![0]!.route = [
        { destination: { host: 'user-service', subset: 'stable' }, weight: stable },
        { destination: { host: 'user-service', subset: 'canary' }, weight: canary },
      ];
      return vs as K8sObject;
    });
    const g = buildGraph(indexResources(shifted), { versionLabels: labels });
    const routes = g.edges.filter((e) => e.source === 'svc:shop/user-service').map((e) => [e.target, e.weight]);
    expect(routes).toEqual([
      ['ver:shop/user-service/v2', stable],
      ['ver:shop/user-service/v3', canary],
    ]);
  });

  it('shows the app gateway even though nothing routes through it', () => {
    const g = buildGraph(indexResources(objects), { versionLabels: labels });
    const gw = node<GatewayNode>(g, UNRESOLVED_GW);
    expect(gw.servers).toEqual([{ gateway: 'Gateway shop/app-gateway', port: 80, protocol: 'HTTP', name: 'http', hosts: ['app.example.com'], tls: undefined }]);
    expect(g.edges.filter((e) => e.source === gw.id)).toEqual([]);
  });
});

/* ---------------- S5: ambient + Gateway API ---------------- */

describe('S5: Bookinfo on ambient with the Gateway API', () => {
  describe.each([
    ['from files (a GitOps folder)', false],
    ['as the demo seeds it (gateway and waypoint workloads, pods)', true],
  ])('%s', (_title, live) => {
    const g = buildGraph(indexResources(s5Objects({ live })), { namespaces: ['bookinfo'] });
    const gw = 'gw:bookinfo/bookinfo-gateway-istio';

    it('draws the Gateway API ingress with its listener, and the waypoint as a node of its own', () => {
      expect(node<GatewayNode>(g, gw)).toMatchObject({
        kind: 'gateway',
        api: 'gateway-api',
        gatewayClass: 'istio',
        role: 'ingress',
        gateways: ['Gateway bookinfo/bookinfo-gateway'],
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedFrom: 'Same', attachedRoutes: 1 }],
        identity: { namespace: 'bookinfo', serviceAccount: 'bookinfo-gateway-istio' },
      });
      expect(node<WaypointNode>(g, 'wp:bookinfo/waypoint')).toMatchObject({
        kind: 'waypoint',
        traffic: 'service',
        serves: ['svc:bookinfo/productpage', 'svc:bookinfo/reviews'],
      });
      expect(ids(g).filter((id) => id.includes('waypoint') || id.includes('gateway-istio'))).toEqual([gw, 'wp:bookinfo/waypoint']);
    });

    it('routes the gateway to productpage with the HTTPRoute path matches, bypassing the waypoint', () => {
      const e = edgeBetween(g, gw, 'svc:bookinfo/productpage');
      expect(e).toMatchObject({
        kind: 'gateway-route',
        weight: 100,
        port: 9080,
        via: { gateway: 'Gateway bookinfo/bookinfo-gateway', httpRoute: 'HTTPRoute bookinfo/bookinfo', listener: 'http' },
      });
      expect(e.match).toBe('path=/productpage | path prefix /static | path=/login | path=/logout | path prefix /api/v1/products');
      expect(e.appliedBy?.reason).toMatch(/ingress bypasses productpage's waypoint/);
      expect(e.authz).toMatchObject({ decision: 'allow', policy: 'AuthorizationPolicy bookinfo/productpage-ztunnel', enforcedBy: 'ztunnel' });
    });

    it('splits reviews 90/10 to reviews-v1 and reviews-v2, applied by the waypoint', () => {
      const v1 = edgeBetween(g, 'svc:bookinfo/reviews', 'svc:bookinfo/reviews-v1');
      const v2 = edgeBetween(g, 'svc:bookinfo/reviews', 'svc:bookinfo/reviews-v2');
      expect([v1.weight, v2.weight]).toEqual([90, 10]);
      expect(v1.appliedBy).toMatchObject({ by: 'waypoint', enforcer: 'Gateway bookinfo/waypoint' });
      // The route replaces the selector's implicit spread over all versions.
      expect(edgesBetween(g, 'svc:bookinfo/reviews', 'ver:bookinfo/reviews/v3')).toEqual([]);
    });

    it('draws the ratings timeout route as applied by nothing, and says why', () => {
      const e = g.edges.find((x) => x.id.includes('HTTPRoute/bookinfo/ratings-timeout'))!;
      expect(e.appliedBy).toMatchObject({ by: 'none' });
      expect(e.appliedBy?.reason).toMatch(/ratings is in ambient mode without a waypoint/);
      expect(e.badges.map((b) => b.label)).toEqual(['timeout 2s']);
      // Traffic still reaches ratings through the Service selector.
      expect(
        edgesBetween(g, 'svc:bookinfo/ratings', 'ver:bookinfo/ratings/v1')
          .map((x) => x.implicit ?? false)
          .sort(),
      ).toEqual([false, true]);
    });

    it('shows every edge between ambient workloads as HBONE mTLS', () => {
      const ambientEdges = g.edges.filter((e) => e.kind !== 'waypoint');
      expect(ambientEdges.length).toBeGreaterThan(10);
      for (const e of ambientEdges) expect(e.security, e.id).toMatchObject({ state: 'mtls', hbone: true });
      for (const id of ids(g, 'version'))
        expect(node<VersionNode>(g, id)).toMatchObject({ inMesh: true, dataPlane: { mode: 'ambient' }, sidecar: { injected: false } });
      expect(node<NamespaceNode>(g, 'ns:bookinfo').dataPlane).toMatchObject({ mode: 'ambient' });
    });

    it('decides curl -> productpage at the waypoint (GET only) and then at ztunnel, which sees the waypoint', () => {
      const e = edgeBetween(g, 'ver:bookinfo/curl', 'svc:bookinfo/productpage');
      expect(e.basis).toEqual(['policy']);
      expect(e.authz).toMatchObject({ decision: 'deny', enforcedBy: 'ztunnel', policy: 'AuthorizationPolicy bookinfo/productpage-ztunnel' });
      expect(e.authz?.steps?.map((s) => [s.at, s.decision, s.policy])).toEqual([
        ['waypoint', 'conditional', 'AuthorizationPolicy bookinfo/productpage-viewer'],
        ['ztunnel', 'deny', 'AuthorizationPolicy bookinfo/productpage-ztunnel'],
      ]);
    });

    it('denies reviews -> ratings at ztunnel: ratings-get-only has an HTTP rule ztunnel omits', () => {
      const e = edgeBetween(g, 'ver:bookinfo/reviews/v1', 'svc:bookinfo/ratings');
      expect(e.authz).toMatchObject({ decision: 'deny', enforcedBy: 'ztunnel', policy: 'AuthorizationPolicy bookinfo/ratings-get-only' });
      expect(e.authz?.notes?.join(' ')).toMatch(/found: methods.*omitted, so the policy allows nothing/);
    });

    it('warns that the details VirtualService applies to nothing', () => {
      expect(node<ServiceNode>(g, 'svc:bookinfo/details').warnings?.join(' ')).toMatch(/VirtualService bookinfo\/details: not applied/);
    });
  });
});

describe('a mixed mesh: sidecar, ambient and out-of-mesh namespaces', () => {
  const ns = (name: string, labels: Record<string, string>): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const app = (namespace: string, name: string, env?: string): K8sObject[] => [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name, version: 'v1' } },
          spec: { containers: [{ name: 'app', ...(env ? { env: [{ name: 'TARGET_URL', value: env }] } : {}) }] },
        },
      },
    },
  ];
  const objs = [
    ns('side', { 'istio-injection': 'enabled' }),
    ns('amb', { 'istio.io/dataplane-mode': 'ambient' }),
    ns('legacy', {}),
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'amb' }, spec: { mtls: { mode: 'STRICT' } } },
    ...app('side', 'web', 'http://api.amb:8080'),
    ...app('amb', 'api', 'http://db.legacy:8080'),
    ...app('legacy', 'db'),
    ...app('legacy', 'batch', 'http://api.amb:8080'),
  ];
  const g = buildGraph(indexResources(objs));

  it('draws each workload with its data plane', () => {
    expect(['ver:side/web/v1', 'ver:amb/api/v1', 'ver:legacy/db/v1'].map((id) => node<VersionNode>(g, id).dataPlane.mode)).toEqual([
      'sidecar',
      'ambient',
      'none',
    ]);
  });
  it('sidecar -> ambient is HBONE mTLS, ambient -> out of mesh is plaintext, out of mesh -> STRICT ambient is refused', () => {
    expect(edgeBetween(g, 'ver:side/web/v1', 'svc:amb/api').security).toMatchObject({ state: 'mtls', hbone: true });
    expect(edgeBetween(g, 'ver:amb/api/v1', 'svc:legacy/db').security).toMatchObject({ state: 'plaintext' });
    const refused = edgeBetween(g, 'ver:legacy/batch/v1', 'svc:amb/api').security!;
    expect(refused.state).toBe('conflict');
    expect(refused.reason).toMatch(/server's ztunnel requires mTLS/);
  });
});
