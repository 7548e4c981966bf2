/**
 * Ambient mode and the Gateway API in the analysis engine: the exact findings on
 * scenario S5 (as files, and as the demo seeds it with what istiod's controllers add),
 * no findings on Istio's own Gateway API and ambient samples, and for every new check a
 * resource that passes and one that fails.
 */
import { describe, expect, it } from 'vitest';
import { buildGatewayApiModel } from '../gatewayapi';
import { loadFixture, s5Objects } from '../graph/test/fixtures';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { gatewayWorkloadObjects, podsFor, routeStatus } from '../../../e2e/cluster/demo-data';
import { istioSystemObjects } from '../../../e2e/cluster/seed';
import { analyze } from './index';
import { mutatedVariants } from './test/fuzz';

type Obj = K8sObject;
const keys = (objs: unknown[], opts: Parameters<typeof analyze>[1] = {}) =>
  analyze(objs, opts)
    .map((f) => `${f.code} ${f.resource}`)
    .sort();
const only = (objs: unknown[], analyzer: string) => analyze(objs, { analyzers: [analyzer] });

/* ---- fixtures ---- */

/** Bookinfo (+ one Service per version) and curl in `ns`; `waypointServices` labelled istio.io/use-waypoint=waypoint. */
function bookinfo(ns: string, waypointServices: readonly string[] = [], waypoint = 'waypoint'): Obj[] {
  return [...loadFixture('istio/bookinfo.yaml', ns), ...loadFixture('istio/bookinfo-versions.yaml', ns), ...loadFixture('istio/curl.yaml', ns)].map((o) => {
    if (o.kind === 'Service' && waypointServices.includes(o.metadata.name))
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'istio.io/use-waypoint': waypoint };
    return o;
  });
}

/** S5 as the demo applies it (e2e/cluster/demo-data.ts s5Manifests: the seeder labels reviews and productpage). */
const s5Files = (): Obj[] => s5Objects();

/**
 * What the demo cluster holds for S5: istio-system (ingress gateway, ztunnel), the
 * Deployment/Service/ServiceAccount istiod creates per Gateway, Pods for every Deployment
 * and DaemonSet (ambient ones annotated by "istio-cni"), and route status as istiod
 * writes it — built with the seeder's own functions (e2e/cluster/seed.ts).
 */
function asLive(objs: Obj[]): Obj[] {
  const out = [...objs, ...(istioSystemObjects() as unknown as Obj[])];
  const model = buildGatewayApiModel(indexResources(out));
  out.push(...(model.gateways.filter((g) => g.istio === 'ingress' || g.istio === 'waypoint').flatMap(gatewayWorkloadObjects) as unknown as Obj[]));
  const nsObj = (n?: string) => out.find((o) => o.kind === 'Namespace' && o.metadata.name === n);
  const controllers = out.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');
  out.push(
    ...(controllers.flatMap((d) => podsFor(d as never, nsObj(d.metadata.namespace) as never, { apiVersion: 'apps/v1', kind: d.kind })) as unknown as Obj[]),
  );
  const r = indexResources(out);
  const svcLabels = new Map(r.services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.metadata.labels ?? {}]));
  const nsLabels = new Map(r.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  for (const route of buildGatewayApiModel(r).routes) {
    (route.obj as { status?: unknown }).status = routeStatus(
      route,
      (ns: string, name: string) => !!svcLabels.get(`${ns}/${name}`)?.['istio.io/use-waypoint'] || !!nsLabels.get(ns)?.['istio.io/use-waypoint'],
    );
  }
  return out;
}

const S5_EXPECTED = [
  'MB0015 HTTPRoute bookinfo/ratings-timeout',
  'MB0017 AuthorizationPolicy bookinfo/ratings-get-only',
  'MB0022 VirtualService bookinfo/details',
  'MB0024 AuthorizationPolicy bookinfo/productpage-ztunnel',
];

describe('scenario S5 (Bookinfo on ambient with the Gateway API)', () => {
  it('as files: the three planted mistakes and the ztunnel policy that shuts out the waypoint, nothing else', () => {
    expect(keys(s5Files())).toEqual(S5_EXPECTED);
  });

  it('as the demo cluster holds it (controller objects, pods, status): the same findings', () => {
    expect(keys(asLive(s5Files()), { defaultResources: false })).toEqual(S5_EXPECTED);
  });

  it('says in words what happens, with field paths for the editor', () => {
    const f = analyze(s5Files());
    const by = (code: string) => f.find((x) => x.code === code)!;
    expect(by('MB0015')).toMatchObject({ level: 'Warning', path: 'spec/parentRefs[0]' });
    expect(by('MB0015').message).toContain('ratings has no waypoint');
    expect(by('MB0015').message).toContain(
      '"istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected"',
    );
    expect(by('MB0015').message).toContain('istio.io/use-waypoint=waypoint');
    expect(by('MB0017')).toMatchObject({ level: 'Error', path: 'spec/rules[0]/to[0]/operation/methods' });
    expect(by('MB0017').message).toContain('Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.');
    expect(by('MB0017').message).toContain('this ALLOW policy allows nothing and every connection to ratings is denied');
    expect(by('MB0022')).toMatchObject({ path: 'spec/hosts[0]' });
    expect(by('MB0022').message).toContain('alpha');
    expect(by('MB0022').message).toContain('Service bookinfo/details');
    expect(by('MB0024').message).toContain(
      'every request that reaches productpage through waypoint bookinfo/waypoint is denied at the destination ztunnel; allow cluster.local/ns/bookinfo/sa/waypoint here, or move the rule to the waypoint with targetRefs',
    );
  });

  it('fixing the mistakes clears every finding', () => {
    const fixed = s5Files().filter(
      (o) => !['ratings-get-only', 'details'].includes(o.metadata.name) || o.kind === 'Service' || o.kind === 'Deployment' || o.kind === 'ServiceAccount',
    );
    for (const o of fixed) {
      if (o.kind === 'Service' && o.metadata.name === 'ratings') o.metadata.labels = { ...o.metadata.labels, 'istio.io/use-waypoint': 'waypoint' };
      if (o.kind === 'AuthorizationPolicy' && o.metadata.name === 'productpage-ztunnel') {
        (o.spec as { rules: Array<{ from: Array<{ source: { principals: string[] } }> }> }).rules[0]!.from[0]!.source.principals.push(
          'cluster.local/ns/bookinfo/sa/waypoint',
        );
      }
    }
    expect(keys(fixed)).toEqual([]);
  });
});

describe("Istio's own samples raise nothing", () => {
  const ambientNs = (name: string, labels: Record<string, string> = {}): Obj => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'istio.io/dataplane-mode': 'ambient', ...labels } },
  });
  const waypoint = (ns: string, name = 'waypoint'): Obj => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns, labels: { 'istio.io/waypoint-for': 'service' } },
    spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
  });
  const namespaceWaypoint = () => [
    ambientNs('bookinfo', { 'istio.io/use-waypoint': 'waypoint' }),
    waypoint('bookinfo'),
    ...bookinfo('bookinfo'),
    ...loadFixture('istio/gateway-api/bookinfo-gateway.yaml', 'bookinfo'),
  ];

  for (const routes of ['route-all-v1.yaml', 'route-reviews-90-10.yaml', 'route-reviews-50-v3.yaml']) {
    it(`gateway-api/${routes} with Bookinfo in an ambient namespace with a waypoint`, () => {
      const objs = [...namespaceWaypoint(), ...loadFixture(`istio/gateway-api/${routes}`, 'bookinfo')];
      expect(keys(objs)).toEqual([]);
      expect(keys(asLive(objs), { defaultResources: false })).toEqual([]);
    });
  }

  it('ambient/ (per-service waypoints of two revisions, 90/10 for reviews)', () => {
    const objs = [
      ambientNs('ambient'),
      ...loadFixture('istio/ambient/details-waypoint.yaml', 'ambient'),
      ...loadFixture('istio/ambient/reviews-waypoint.yaml', 'ambient'),
      ...loadFixture('istio/ambient/route-reviews-90-10.yaml', 'ambient'),
      ...bookinfo('ambient').map((o) => {
        if (o.kind === 'Service' && (o.metadata.name === 'details' || o.metadata.name === 'reviews'))
          o.metadata.labels = { ...o.metadata.labels, 'istio.io/use-waypoint': `bookinfo-${o.metadata.name}` };
        return o;
      }),
    ];
    expect(keys(objs)).toEqual([]);
    expect(keys(asLive(objs), { defaultResources: false })).toEqual([]);
  });
});

describe('malformed ambient and Gateway API input', () => {
  it('never throws (deterministic mini-fuzz over S5 as the demo holds it)', () => {
    let i = 0;
    for (const objs of mutatedVariants(asLive(s5Files()), { seed: 7, iterations: 100, rate: 0.3 })) {
      expect(() => analyze(objs, { defaultResources: false }), `iteration ${i++}`).not.toThrow();
    }
  }, 120_000);
});

/* ---- one check at a time: a resource that fails and one that passes ---- */

const T = 60_000;
const GW = 'gateway.networking.k8s.io/v1';
const nsObj = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const svc = (name: string, ns: string, labels: Record<string, string> = {}, ports = [9080]): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, labels },
  spec: { selector: { app: name }, ports: ports.map((port) => ({ name: 'http', port })) },
});
const deploy = (app: string, ns: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `${app}-v1`, namespace: ns },
  spec: {
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { app, ...labels }, annotations }, spec: { serviceAccountName: app, containers: [{ name: app, image: `${app}:1` }] } },
  },
});
const waypointGw = (ns: string, name = 'waypoint', labels: Record<string, string> = {}, allowedFrom?: string): Obj => ({
  apiVersion: GW,
  kind: 'Gateway',
  metadata: { name, namespace: ns, labels: { 'istio.io/waypoint-for': 'service', ...labels } },
  spec: {
    gatewayClassName: 'istio-waypoint',
    listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...(allowedFrom ? { allowedRoutes: { namespaces: { from: allowedFrom } } } : {}) }],
  },
});
const gateway = (name: string, ns: string, listeners: unknown[], className = 'istio'): Obj => ({
  apiVersion: GW,
  kind: 'Gateway',
  metadata: { name, namespace: ns },
  spec: { gatewayClassName: className, listeners },
});
const route = (name: string, ns: string, spec: Record<string, unknown>, kind = 'HTTPRoute'): Obj => ({
  apiVersion: GW,
  kind,
  metadata: { name, namespace: ns },
  spec,
});
const policy = (kind: string, name: string, ns: string, spec: Record<string, unknown>): Obj => ({
  apiVersion: kind === 'Telemetry' ? 'telemetry.istio.io/v1' : kind === 'WasmPlugin' ? 'extensions.istio.io/v1alpha1' : 'security.istio.io/v1',
  kind,
  metadata: { name, namespace: ns },
  spec,
});
const ap = (name: string, ns: string, spec: Record<string, unknown>) => policy('AuthorizationPolicy', name, ns, spec);
/** An ambient namespace "shop" with app "web" (Service + Deployment). */
const ambientShop = (svcLabels: Record<string, string> = {}) => [
  nsObj('shop', { 'istio.io/dataplane-mode': 'ambient' }),
  svc('web', 'shop', svcLabels),
  deploy('web', 'shop'),
];
/** A sidecar namespace "legacy" with app "web". */
const sidecarShop = () => [nsObj('legacy', { 'istio-injection': 'enabled' }), svc('web', 'legacy'), deploy('web', 'legacy')];

describe('Gateway API checks', () => {
  const ingress = (allowed = 'Same', hostname?: string) =>
    gateway('gw', 'edge', [{ name: 'http', port: 80, protocol: 'HTTP', ...(hostname ? { hostname } : {}), allowedRoutes: { namespaces: { from: allowed } } }]);
  const toWeb = (parentRefs: unknown[], backendRefs: unknown[] = [{ name: 'web', port: 9080 }], hostnames?: string[]) =>
    route('web', 'shop', { parentRefs, ...(hostnames ? { hostnames } : {}), rules: [{ backendRefs }] });
  const base = () => [nsObj('edge'), nsObj('shop'), svc('web', 'shop'), deploy('web', 'shop')];

  it(
    'MB0008: a parentRef to a Gateway or Service that does not exist',
    () => {
      const f = only(
        [
          ...base(),
          toWeb([
            { name: 'gw', namespace: 'edge' },
            { group: '', kind: 'Service', name: 'nope' },
          ]),
        ],
        'meshboard.RouteParentAnalyzer',
      );
      expect(f.map((x) => [x.code, x.path])).toEqual([
        ['MB0008', 'spec/parentRefs[0]'],
        ['MB0008', 'spec/parentRefs[1]'],
      ]);
      expect(f[0]!.message).toContain('Gateway edge/gw does not exist');
      expect(f[1]!.message).toContain('Service shop/nope does not exist');
      expect(
        only(
          [
            ...base(),
            ingress('All'),
            toWeb([
              { name: 'gw', namespace: 'edge' },
              { group: '', kind: 'Service', name: 'web' },
            ]),
          ],
          'meshboard.RouteParentAnalyzer',
        ),
      ).toEqual([]);
    },
    T,
  );

  it(
    'MB0009: allowedRoutes, hostnames and sectionName that refuse the route, with the reason',
    () => {
      const refused = (gw: Obj, ref: Record<string, unknown>, hostnames?: string[]) =>
        only([...base(), gw, toWeb([{ name: 'gw', namespace: 'edge', ...ref }], undefined, hostnames)], 'meshboard.RouteParentAnalyzer');
      const ns = refused(ingress('Same'), {});
      expect(ns).toEqual([expect.objectContaining({ code: 'MB0009', level: 'Error', path: 'spec/parentRefs[0]' })]);
      expect(ns[0]!.message).toContain('do not admit routes from namespace shop (allowedRoutes.namespaces.from: Same)');
      expect(ns[0]!.message).toContain('NotAllowedByListeners');
      const host = refused(ingress('All', 'shop.example.com'), {}, ['other.example.com']);
      expect(host[0]!.message).toContain('NoMatchingListenerHostname');
      expect(host[0]!.message).toContain('shop.example.com');
      expect(refused(ingress('All'), { sectionName: 'https' })[0]!.message).toContain('has no listener named "https"');
      expect(refused(ingress('All', '*.example.com'), {}, ['shop.example.com'])).toEqual([]);
      // A namespace Selector: judged against the route's Namespace, not guessed when the input lacks it.
      const bySelector = gateway('gw', 'edge', [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'yes' } } } } },
      ]);
      expect(refused(bySelector, {}).map((x) => x.code)).toEqual(['MB0009']);
      expect(only([nsObj('edge'), svc('web', 'shop'), bySelector, toWeb([{ name: 'gw', namespace: 'edge' }])], 'meshboard.RouteParentAnalyzer')).toEqual([]);
      expect(
        only(
          [nsObj('edge'), nsObj('shop', { shared: 'yes' }), svc('web', 'shop'), bySelector, toWeb([{ name: 'gw', namespace: 'edge' }])],
          'meshboard.RouteParentAnalyzer',
        ),
      ).toEqual([]);
    },
    T,
  );

  it(
    'MB0010: a backendRef to a missing Service, without a port, or to a port the Service lacks',
    () => {
      const f = only(
        [...base(), ingress('All'), toWeb([{ name: 'gw', namespace: 'edge' }], [{ name: 'nope', port: 80 }, { name: 'web' }, { name: 'web', port: 80 }])],
        'meshboard.RouteBackendAnalyzer',
      );
      expect(f.map((x) => [x.code, x.path])).toEqual([
        ['MB0010', 'spec/rules[0]/backendRefs[0]'],
        ['MB0010', 'spec/rules[0]/backendRefs[1]'],
        ['MB0010', 'spec/rules[0]/backendRefs[2]'],
      ]);
      expect(f[0]!.message).toContain('Service shop/nope does not exist');
      expect(f[1]!.message).toContain('has no port');
      expect(f[2]!.message).toContain('has no port 80 (it has 9080)');
      expect(only([...base(), ingress('All'), toWeb([{ name: 'gw', namespace: 'edge' }])], 'meshboard.RouteBackendAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0011: a cross-namespace backendRef needs a ReferenceGrant',
    () => {
      const edgeRoute = route('to-web', 'edge', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', namespace: 'shop', port: 9080 }] }] });
      const f = only([...base(), ingress(), edgeRoute], 'meshboard.RouteBackendAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0011', path: 'spec/rules[0]/backendRefs[0]', resource: 'HTTPRoute edge/to-web' })]);
      expect(f[0]!.message).toContain('Add a ReferenceGrant in namespace shop from HTTPRoute in edge to Service web');
      const grant: Obj = {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'ReferenceGrant',
        metadata: { name: 'edge-routes', namespace: 'shop' },
        spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }], to: [{ group: '', kind: 'Service' }] },
      };
      expect(only([...base(), ingress(), edgeRoute, grant], 'meshboard.RouteBackendAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0012: listeners that conflict',
    () => {
      const clash = gateway('gw', 'edge', [
        { name: 'http', port: 80, protocol: 'HTTP' },
        { name: 'tcp', port: 80, protocol: 'TCP' },
      ]);
      const f = only([nsObj('edge'), clash], 'meshboard.ListenerConflictAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0012', path: 'spec/listeners[0]' })]);
      expect(f[0]!.message).toContain('Listeners http, tcp of Gateway edge/gw conflict: port 80 is used with incompatible protocols (HTTP, TCP)');
      expect(
        only(
          [
            nsObj('edge'),
            gateway('gw', 'edge', [
              { name: 'http', port: 80, protocol: 'HTTP' },
              { name: 'tcp', port: 9000, protocol: 'TCP' },
            ]),
          ],
          'meshboard.ListenerConflictAnalyzer',
        ),
      ).toEqual([]);
    },
    T,
  );

  it(
    'MB0013 and MB0014: a GatewayClass nobody implements',
    () => {
      const listener = [{ name: 'http', port: 80, protocol: 'HTTP' }];
      const f = only([nsObj('edge'), gateway('gw', 'edge', listener, 'nginx')], 'meshboard.GatewayClassAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0013', level: 'Error', path: 'spec/gatewayClassName' })]);
      for (const cls of ['istio', 'istio-waypoint', 'istio-remote', 'istio-east-west'])
        expect(only([gateway('gw', 'edge', listener, cls)], 'meshboard.GatewayClassAnalyzer')).toEqual([]);
      const other = (status?: unknown): Obj => ({
        apiVersion: GW,
        kind: 'GatewayClass',
        metadata: { name: 'nginx' },
        spec: { controllerName: 'example.com/nginx' },
        ...(status ? { status } : {}),
      });
      const g = only([gateway('gw', 'edge', listener, 'nginx'), other()], 'meshboard.GatewayClassAnalyzer');
      expect(g).toEqual([expect.objectContaining({ code: 'MB0014', level: 'Warning', resource: 'GatewayClass nginx', path: 'spec/controllerName' })]);
      expect(
        only([gateway('gw', 'edge', listener, 'nginx'), other({ conditions: [{ type: 'Accepted', status: 'True' }] })], 'meshboard.GatewayClassAnalyzer'),
      ).toEqual([]);
      expect(
        only(
          [{ apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'istio' }, spec: { controllerName: 'istio.io/gateway-controller' } }],
          'meshboard.GatewayClassAnalyzer',
        ),
      ).toEqual([]);
    },
    T,
  );

  it(
    "virtualServiceKubernetesGateways: a VirtualService bound to a Gateway API Gateway (istioctl's test case)",
    () => {
      // pkg/config/analysis/analyzers/testdata/virtualservice_kubernetes_gateways.yaml at the conformance commit.
      const objs = [
        {
          apiVersion: GW,
          kind: 'Gateway',
          metadata: { name: 'my-gateway', namespace: 'default' },
          spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', hostname: 'example.com', port: 80, protocol: 'HTTP' }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'my-service', namespace: 'default' },
          spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }], selector: { app: 'my-service' } },
        },
        ...['my-vs', 'my-vs-host-mismatch'].map((name) => ({
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name, namespace: 'default' },
          spec: {
            hosts: [name === 'my-vs' ? 'example.com' : 'wrong.example.com'],
            gateways: ['default/my-gateway'],
            http: [{ route: [{ destination: { host: 'my-service', port: { number: 80 } } }] }],
          },
        })),
      ];
      expect(keys(objs, { analyzers: ['virtualservice.GatewayAnalyzer'] })).toEqual(['IST0132 VirtualService default/my-vs-host-mismatch']);
      // A listener without hostname takes any host; a Gateway of neither API is still IST0101 + IST0132.
      const anyHost = structuredClone(objs);
      (anyHost[0] as { spec: { listeners: Array<{ hostname?: string }> } }).spec.listeners[0]!.hostname = undefined;
      expect(keys(anyHost, { analyzers: ['virtualservice.GatewayAnalyzer'] })).toEqual([]);
      expect(keys(objs.slice(1), { analyzers: ['virtualservice.GatewayAnalyzer'] })).toEqual([
        'IST0101 VirtualService default/my-vs',
        'IST0101 VirtualService default/my-vs-host-mismatch',
        'IST0132 VirtualService default/my-vs',
        'IST0132 VirtualService default/my-vs-host-mismatch',
      ]);
    },
    T,
  );

  it(
    "a route a controller refused for a reason the model does not see comes out as IST0171 with the controller's words",
    () => {
      const r = toWeb([{ name: 'gw', namespace: 'edge' }]);
      (r as { status?: unknown }).status = {
        parents: [
          {
            parentRef: { name: 'gw', namespace: 'edge' },
            controllerName: 'istio.io/gateway-controller',
            conditions: [{ type: 'Accepted', status: 'False', reason: 'UnsupportedValue', message: 'timeouts are not supported here' }],
          },
        ],
      };
      const f = analyze([...base(), ingress('All'), r]).filter((x) => x.resource === 'HTTPRoute shop/web');
      expect(f).toEqual([expect.objectContaining({ code: 'IST0171', path: 'status/parents[0]/conditions[0]' })]);
      expect(f[0]!.message).toContain('timeouts are not supported here');
    },
    T,
  );
});

describe('ambient checks', () => {
  const meshRoute = (ns: string) =>
    route('web-timeout', ns, {
      parentRefs: [{ group: '', kind: 'Service', name: 'web', port: 9080 }],
      rules: [{ backendRefs: [{ name: 'web', port: 9080 }], timeouts: { request: '2s' } }],
    });

  it(
    'MB0015: a Service-parent route for an ambient Service without a waypoint; not with one, not for sidecars',
    () => {
      expect(keys([...ambientShop(), meshRoute('shop')], { analyzers: ['meshboard.AmbientRouteAnalyzer'] })).toEqual(['MB0015 HTTPRoute shop/web-timeout']);
      const optOut = only([...ambientShop({ 'istio.io/use-waypoint': 'none' }), waypointGw('shop'), meshRoute('shop')], 'meshboard.AmbientRouteAnalyzer');
      expect(optOut[0]!.message).toContain('opts out with istio.io/use-waypoint=none');
      expect(optOut[0]!.message).not.toContain('istiod reports');
      expect(only([...ambientShop({ 'istio.io/use-waypoint': 'waypoint' }), waypointGw('shop'), meshRoute('shop')], 'meshboard.AmbientRouteAnalyzer')).toEqual(
        [],
      );
      expect(only([...sidecarShop(), meshRoute('legacy')], 'meshboard.AmbientRouteAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0016: a targetRefs policy on a Service without a waypoint, or on a Gateway that does not exist',
    () => {
      const viewer = (name = 'web') =>
        ap('viewer', 'shop', { targetRefs: [{ kind: 'Service', group: '', name }], rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
      const f = only([...ambientShop(), viewer()], 'meshboard.PolicyTargetAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0016', path: 'spec/targetRefs[0]' })]);
      expect(f[0]!.message).toContain('only a waypoint enforces a policy attached to a Service with targetRefs');
      expect(only([...ambientShop(), viewer('nope')], 'meshboard.PolicyTargetAnalyzer')[0]!.message).toContain('that Service does not exist');
      const toGw = policy('Telemetry', 'logs', 'shop', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }] });
      expect(keys([...ambientShop(), toGw], { analyzers: ['meshboard.PolicyTargetAnalyzer'] })).toEqual(['MB0016 Telemetry shop/logs']);
      expect(only([...ambientShop({ 'istio.io/use-waypoint': 'waypoint' }), waypointGw('shop'), viewer(), toGw], 'meshboard.PolicyTargetAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0017: HTTP attributes in policies ztunnel enforces, with what istiod does with them',
    () => {
      const run = (spec: Record<string, unknown>, objs = ambientShop()) =>
        only([...objs, ap('p', 'shop', { selector: { matchLabels: { app: 'web' } }, ...spec })], 'meshboard.ZtunnelPolicyAnalyzer');
      const denyL4 = run({ action: 'DENY', rules: [{ from: [{ source: { namespaces: ['test'] } }], to: [{ operation: { methods: ['DELETE'] } }] }] });
      expect(denyL4).toEqual([expect.objectContaining({ code: 'MB0017', path: 'spec/rules[0]/to[0]/operation/methods' })]);
      expect(denyL4[0]!.message).toContain('DENY policy with HTTP attributes is enforced without the HTTP rules');
      expect(denyL4[0]!.message).toContain('rule 0 denies on its L4 parts alone (namespaces test)');
      const denyAll = run({ action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin'] } }] }] });
      expect(denyAll[0]!.message).toContain('rule 0 has no L4 part left, so it denies every connection to web');
      const when = run({
        rules: [{ when: [{ key: 'request.headers[x-user]', values: ['a'] }] }, { from: [{ source: { principals: ['cluster.local/ns/shop/sa/curl'] } }] }],
      });
      expect(when[0]).toMatchObject({ path: 'spec/rules[0]/when[0]/key' });
      expect(when[0]!.message).toContain('found: request.headers[x-user]');
      expect(when[0]!.message).toContain('istiod omits rule 0');
      // Another ALLOW policy keeps some connections open.
      const other = ap('l4', 'shop', { rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] });
      expect(run({ rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }, [...ambientShop(), other])[0]!.message).toContain(
        'connections to web are allowed only by AuthorizationPolicy shop/l4',
      );
      // L4 attributes only, a sidecar workload, or a waypoint policy: nothing to report.
      expect(
        run({
          rules: [
            {
              from: [{ source: { principals: ['cluster.local/ns/shop/sa/curl'] } }],
              to: [{ operation: { ports: ['9080'] } }],
              when: [{ key: 'source.ip', values: ['10.0.0.1'] }],
            },
          ],
        }),
      ).toEqual([]);
      expect(
        only(
          [...sidecarShop(), ap('p', 'legacy', { selector: { matchLabels: { app: 'web' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })],
          'meshboard.ZtunnelPolicyAnalyzer',
        ),
      ).toEqual([]);
    },
    T,
  );

  it(
    'MB0018: CUSTOM and AUDIT are not supported by ztunnel',
    () => {
      const custom = (ns: string) => ap('ext', ns, { selector: { matchLabels: { app: 'web' } }, action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
      const f = only([...ambientShop(), custom('shop')], 'meshboard.ZtunnelPolicyAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0018', path: 'spec/action' })]);
      expect(f[0]!.message).toContain('ztunnel does not support the CUSTOM action');
      expect(only([...sidecarShop(), custom('legacy')], 'meshboard.ZtunnelPolicyAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0019: RequestAuthentication, Telemetry and WasmPlugin by selector on ambient workloads',
    () => {
      const ra = (ns: string) =>
        policy('RequestAuthentication', 'jwt', ns, { selector: { matchLabels: { app: 'web' } }, jwtRules: [{ issuer: 'https://issuer.example.com' }] });
      const f = only([...ambientShop(), ra('shop')], 'meshboard.AmbientSelectorPolicyAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0019', path: 'spec/selector' })]);
      expect(f[0]!.message).toContain('JWT authentication');
      expect(only([...sidecarShop(), ra('legacy')], 'meshboard.AmbientSelectorPolicyAnalyzer')).toEqual([]);
      const tel = policy('Telemetry', 'tel', 'shop', { targetRefs: [{ kind: 'Service', group: '', name: 'web' }] });
      expect(only([...ambientShop(), tel], 'meshboard.AmbientSelectorPolicyAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0020: istio.io/use-waypoint naming a missing waypoint, one for other traffic, or one that refuses the namespace',
    () => {
      const svcMissing = only([...ambientShop({ 'istio.io/use-waypoint': 'wp' })], 'meshboard.UseWaypointAnalyzer');
      expect(svcMissing).toEqual([expect.objectContaining({ code: 'MB0020', resource: 'Service shop/web', path: 'metadata/labels' })]);
      expect(svcMissing[0]!.message).toContain('there is no waypoint (Gateway of class istio-waypoint) shop/wp');
      const workloadOnly = only(
        [...ambientShop({ 'istio.io/use-waypoint': 'waypoint' }), waypointGw('shop', 'waypoint', { 'istio.io/waypoint-for': 'workload' })],
        'meshboard.UseWaypointAnalyzer',
      );
      expect(workloadOnly[0]!.message).toContain('takes workload traffic only');
      const elsewhere = { 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' };
      const denied = only([...ambientShop(elsewhere), nsObj('infra'), waypointGw('infra', 'shared')], 'meshboard.UseWaypointAnalyzer');
      expect(denied[0]!.message).toContain('only accepts its own namespace (allowedRoutes)');
      expect(only([...ambientShop(elsewhere), nsObj('infra'), waypointGw('infra', 'shared', {}, 'All')], 'meshboard.UseWaypointAnalyzer')).toEqual([]);
      const nsLabel = only([nsObj('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'gone' })], 'meshboard.UseWaypointAnalyzer');
      expect(nsLabel).toEqual([expect.objectContaining({ resource: 'Namespace shop' })]);
      const podLabel = only([...ambientShop(), deploy('api', 'shop', { 'istio.io/use-waypoint': 'gone' })], 'meshboard.UseWaypointAnalyzer');
      expect(podLabel).toEqual([expect.objectContaining({ resource: 'Deployment shop/api-v1', path: 'spec/template/metadata/labels' })]);
    },
    T,
  );

  it(
    'MB0021: a sidecar inside an ambient namespace, and a namespace labelled for both',
    () => {
      const injected = deploy('api', 'shop', { 'sidecar.istio.io/inject': 'true' });
      const f = only([...ambientShop(), injected], 'meshboard.SidecarInAmbientAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0021', resource: 'Deployment shop/api-v1' })]);
      expect(f[0]!.message).toContain(
        'Sidecar injection takes precedence over ambient mode: its pods keep their istio-proxy sidecar and ztunnel does not capture them',
      );
      expect(
        only(
          [...ambientShop(), deploy('api', 'shop', { 'sidecar.istio.io/inject': 'true', 'istio.io/dataplane-mode': 'none' })],
          'meshboard.SidecarInAmbientAnalyzer',
        ),
      ).toEqual([]);
      const both = [nsObj('mixed', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }), deploy('api', 'mixed')];
      expect(keys(both, { analyzers: ['meshboard.SidecarInAmbientAnalyzer', 'injection.Analyzer'] })).toEqual([
        'IST0123 Namespace mixed',
        'MB0021 Namespace mixed',
      ]);
    },
    T,
  );

  it(
    'MB0022: a mesh VirtualService for an ambient Service without a waypoint; not with one, not at ingress only',
    () => {
      const vs = (gateways?: string[]): Obj => ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { hosts: ['web'], ...(gateways ? { gateways } : {}), http: [{ route: [{ destination: { host: 'web' } }], timeout: '3s' }] },
      });
      expect(keys([...ambientShop(), vs()], { analyzers: ['meshboard.AmbientVirtualServiceAnalyzer'] })).toEqual(['MB0022 VirtualService shop/web']);
      expect(keys([...ambientShop(), vs(['mesh', 'edge/gw'])], { analyzers: ['meshboard.AmbientVirtualServiceAnalyzer'] })).toEqual([
        'MB0022 VirtualService shop/web',
      ]);
      expect(only([...ambientShop(), vs(['edge/gw'])], 'meshboard.AmbientVirtualServiceAnalyzer')).toEqual([]);
      expect(only([...ambientShop({ 'istio.io/use-waypoint': 'waypoint' }), waypointGw('shop'), vs()], 'meshboard.AmbientVirtualServiceAnalyzer')).toEqual([]);
      expect(only([...sidecarShop(), { ...vs(), metadata: { name: 'web', namespace: 'legacy' } }], 'meshboard.AmbientVirtualServiceAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'MB0023: an EnvoyFilter only ambient workloads and waypoints would get',
    () => {
      const ef = (ns: string, labels?: Record<string, string>): Obj => ({
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'EnvoyFilter',
        metadata: { name: 'lua', namespace: ns },
        spec: { ...(labels ? { workloadSelector: { labels } } : {}), configPatches: [] },
      });
      const f = only([...ambientShop(), ef('shop', { app: 'web' })], 'meshboard.AmbientEnvoyFilterAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0023', path: 'spec/workloadSelector' })]);
      expect(f[0]!.message).toContain('web is in ambient mode');
      expect(f[0]!.message).toContain('EnvoyFilter on waypoints is alpha');
      expect(only([...sidecarShop(), ef('legacy', { app: 'web' })], 'meshboard.AmbientEnvoyFilterAnalyzer')).toEqual([]);
      // A namespace-wide one still reaches the ingress gateway of that namespace.
      expect(
        only([...ambientShop(), gateway('gw', 'shop', [{ name: 'http', port: 80, protocol: 'HTTP' }]), ef('shop')], 'meshboard.AmbientEnvoyFilterAnalyzer'),
      ).toEqual([]);
      expect(keys([...ambientShop(), ef('shop')], { analyzers: ['meshboard.AmbientEnvoyFilterAnalyzer'] })).toEqual(['MB0023 EnvoyFilter shop/lua']);
    },
    T,
  );

  it(
    'MB0024: passes when the waypoint identity, or its namespace, is allowed',
    () => {
      const withWaypoint = [...ambientShop({ 'istio.io/use-waypoint': 'waypoint' }), waypointGw('shop')];
      const allow = (source: Record<string, unknown>) => ap('web-l4', 'shop', { selector: { matchLabels: { app: 'web' } }, rules: [{ from: [{ source }] }] });
      const f = only([...withWaypoint, allow({ principals: ['cluster.local/ns/shop/sa/curl'] })], 'meshboard.WaypointIdentityAnalyzer');
      expect(f).toEqual([expect.objectContaining({ code: 'MB0024', resource: 'AuthorizationPolicy shop/web-l4', path: 'spec/rules' })]);
      expect(f[0]!.message).toContain('allow cluster.local/ns/shop/sa/waypoint here');
      expect(
        only(
          [...withWaypoint, allow({ principals: ['cluster.local/ns/shop/sa/curl', 'cluster.local/ns/shop/sa/waypoint'] })],
          'meshboard.WaypointIdentityAnalyzer',
        ),
      ).toEqual([]);
      expect(only([...withWaypoint, allow({ namespaces: ['shop'] })], 'meshboard.WaypointIdentityAnalyzer')).toEqual([]);
      // The trust domain comes from the mesh config.
      expect(
        analyze([...withWaypoint, allow({ principals: ['cluster.local/ns/shop/sa/waypoint'] })], {
          analyzers: ['meshboard.WaypointIdentityAnalyzer'],
          meshConfig: { trustDomain: 'corp.example' },
        })[0]!.message,
      ).toContain('corp.example/ns/shop/sa/waypoint');
      // No waypoint: the client's own identity arrives.
      expect(only([...ambientShop(), allow({ principals: ['cluster.local/ns/shop/sa/curl'] })], 'meshboard.WaypointIdentityAnalyzer')).toEqual([]);
    },
    T,
  );

  it(
    'IST0127 is not reported for policies whose workloads are ambient-captured',
    () => {
      const sel = (app: string) => ap(app, 'plain', { selector: { matchLabels: { app } }, rules: [{}] });
      const capturedPod: Obj = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'plain', labels: { app: 'web' }, annotations: { 'ambient.istio.io/redirection': 'enabled' } },
        spec: { containers: [{ name: 'web', image: 'web' }] },
      };
      const objs = [
        nsObj('plain'),
        capturedPod,
        deploy('api', 'plain', { 'istio.io/dataplane-mode': 'ambient' }),
        deploy('off', 'plain'),
        sel('web'),
        sel('api'),
        sel('off'),
      ];
      expect(keys(objs, { analyzers: ['auth.AuthorizationPoliciesAnalyzer'] })).toEqual(['IST0127 AuthorizationPolicy plain/off']);
    },
    T,
  );
});
