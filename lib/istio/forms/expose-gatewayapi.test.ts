import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayApiModel } from '../gatewayapi/model';
import type { HTTPRouteV1, K8sGateway } from '../gatewayapi/types';
import { s5Objects } from '../graph/test/fixtures';
import { indexResources, type MeshResources } from '../resources';
import type { K8sObject } from '../types';
import { withWrites } from './writes';
import { buildExpose, defaultExposeApi, getInitExpose, type ExposeState } from './expose';
import { crdChecker } from './crdcheck';
import { newFindings, testkit, S1, S4 } from './testkit';

const { loadObjects, loadScenario } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

const r = indexResources(s5Objects({ live: true }));
const specOf = (o: K8sObject) => o.spec as HTTPRouteV1['spec'];

/** How the attachment model sees route `name` on gateway `gw` once the writes are applied. */
function attachment(after: MeshResources, name: string, gw = 'bookinfo/bookinfo-gateway') {
  const route = gatewayApiModel(after).routes.find((x) => x.namespace === 'bookinfo' && x.name === name);
  return route?.parents.find((p) => `${p.namespace}/${p.name}` === gw);
}

describe('default mode of the expose form: what the mesh already uses', () => {
  it('S5: Gateway API (HTTPRoute attached to a Gateway, or ambient namespace, or Gateways of class istio)', () => {
    expect(defaultExposeApi(r, 'bookinfo', 'productpage')).toEqual({
      api: 'gateway-api',
      reason: 'HTTPRoute bookinfo/bookinfo already attaches productpage to a Gateway',
    });
    expect(defaultExposeApi(r, 'bookinfo', 'details').api).toBe('gateway-api');
    expect(defaultExposeApi(r, 'bookinfo', 'details').reason).toMatch(/^namespace bookinfo is ambient/);
    // Not ambient, but the mesh has a Gateway of class istio.
    const gwOnly = indexResources(
      s5Objects({ live: true })
        .map((o) => (o.kind === 'Namespace' ? { ...o, metadata: { name: o.metadata.name } } : o))
        .filter((o) => !(o.kind === 'HTTPRoute' && o.metadata.name === 'bookinfo')),
    );
    expect(defaultExposeApi(gwOnly, 'bookinfo', 'details')).toEqual({
      api: 'gateway-api',
      reason: 'the mesh already has Gateway API Gateways of class istio (bookinfo/bookinfo-gateway)',
    });
  });

  it('sidecar meshes with Istio Gateways: Istio, and the state is what it was before the mode existed', () => {
    expect(defaultExposeApi(loadScenario(S1), 'sample', 'service-a').api).toBe('istio');
    const s4 = loadScenario(S4);
    expect(defaultExposeApi(s4, 'shop', 'user-service').api).toBe('istio');
    expect(getInitExpose({ resources: s4, namespace: 'shop', service: 'user-service' }).api).toBeUndefined();
  });

  it("what already exposes the service, or the namespace's own Istio Gateway, wins over a Gateway API ingress elsewhere in the mesh", () => {
    const s1 = loadScenario(S1);
    expect(defaultExposeApi(s1, 'sample', 'service-a')).toEqual({
      api: 'istio',
      reason: 'VirtualService sample/english already exposes service-a through an Istio Gateway',
    });
    // S4 (sidecars, Istio Gateway app-gateway in shop) in the same mesh as S5 (as the demo cluster holds them).
    const mixed = indexResources([...loadObjects(S4), ...s5Objects({ live: true })]);
    expect(defaultExposeApi(mixed, 'shop', 'user-service')).toEqual({ api: 'istio', reason: 'namespace shop has the Istio Gateway app-gateway' });
    expect(getInitExpose({ resources: mixed, namespace: 'shop', service: 'user-service' }).api).toBeUndefined();
    // A namespace without a gateway of its own: the mesh's Gateway API ingress.
    const plain: K8sObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'site', namespace: 'web' },
        spec: { selector: { app: 'site' }, ports: [{ name: 'http', port: 8080 }] },
      },
    ];
    const withPlain = indexResources([...loadObjects(S4), ...s5Objects({ live: true }), ...plain]);
    expect(defaultExposeApi(withPlain, 'web', 'site')).toEqual({
      api: 'gateway-api',
      reason: 'the mesh already has Gateway API Gateways of class istio (bookinfo/bookinfo-gateway)',
    });
    expect(getInitExpose({ resources: withPlain, namespace: 'web', service: 'site' })).toMatchObject({
      api: 'gateway-api',
      gateway: { mode: 'existing', namespace: 'bookinfo', name: 'bookinfo-gateway' },
      httpRouteName: 'site',
      port: 8080,
    });
  });

  it('a waypoint (class istio-waypoint) is not an ingress Gateway', () => {
    const waypointOnly = indexResources(
      s5Objects({ live: true }).filter(
        (o) =>
          !(
            o.kind === 'Namespace' ||
            (o.kind === 'Gateway' && o.metadata.name === 'bookinfo-gateway') ||
            (o.kind === 'HTTPRoute' && o.metadata.name === 'bookinfo')
          ),
      ),
    );
    expect(defaultExposeApi(waypointOnly, 'bookinfo', 'details').api).toBe('istio');
  });
});

describe('expose details on S5 through the Gateway API', () => {
  const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'details' });

  it('starts on the existing bookinfo Gateway with a new HTTPRoute details', () => {
    expect(init).toMatchObject({
      api: 'gateway-api',
      gateway: { mode: 'existing', namespace: 'bookinfo', name: 'bookinfo-gateway' },
      httpRouteName: 'details',
      port: 9080,
      hosts: [],
      http: true,
      https: false,
      routes: [{ prefix: '/' }],
    });
  });

  it('writes an HTTPRoute the bookinfo Gateway takes; nothing else', () => {
    const res = buildExpose({ ...init, hosts: ['details.example.com'], routes: [{ prefix: '/details' }] }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'details', namespace: 'bookinfo' },
          spec: {
            parentRefs: [{ name: 'bookinfo-gateway' }],
            hostnames: ['details.example.com'],
            rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/details' } }], backendRefs: [{ name: 'details', port: 9080 }] }],
          },
        },
      },
    ]);
    const a = attachment(withWrites(r, res.writes), 'details');
    expect([a?.accepted, a?.listeners, a?.hostnames]).toEqual([true, ['http'], ['details.example.com']]);
    // The written route reads back as the same state: building again writes nothing.
    const again = getInitExpose({ resources: withWrites(r, res.writes), namespace: 'bookinfo', service: 'details' });
    expect(again).toMatchObject({ httpRouteName: 'details', hosts: ['details.example.com'], routes: [{ prefix: '/details' }] });
    expect(buildExpose(again, { resources: withWrites(r, res.writes) }).writes).toEqual([]);
  });

  it('rewrite, exact path and timeout become URLRewrite filters and timeouts.request', () => {
    const res = buildExpose(
      {
        ...init,
        routes: [
          { prefix: '/d', rewrite: '/details' },
          { prefix: '/health', match: 'Exact', rewrite: '/details/0' },
        ],
        timeout: '5s',
      },
      { resources: r },
    );
    expect(res.errors).toEqual([]);
    expect(specOf(res.writes[0]!.object)?.rules).toEqual([
      {
        matches: [{ path: { type: 'Exact', value: '/health' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/details/0' } } }],
        backendRefs: [{ name: 'details', port: 9080 }],
        timeouts: { request: '5s' },
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/d' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/details' } } }],
        backendRefs: [{ name: 'details', port: 9080 }],
        timeouts: { request: '5s' },
      },
    ]);
    expect(attachment(withWrites(r, res.writes), 'details')?.accepted).toBe(true);
  });

  it('a new Gateway with HTTP and HTTPS (Terminate, certificateRefs), the HTTP->HTTPS redirect on its own route', () => {
    const s: ExposeState = {
      ...init,
      hosts: ['details.example.com'],
      gateway: { mode: 'new', namespace: 'bookinfo', name: 'details-gateway' },
      https: true,
      credentialName: 'details-cert',
      httpsRedirect: true,
    };
    const res = buildExpose(s, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.writes.map((w) => [w.action, w.object.kind, w.object.metadata.name])).toEqual([
      ['create', 'Gateway', 'details-gateway'],
      ['create', 'HTTPRoute', 'details'],
      ['create', 'HTTPRoute', 'details-redirect'],
    ]);
    expect(res.writes[0]!.object.spec).toEqual({
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'details-cert' }] },
          allowedRoutes: { namespaces: { from: 'Same' } },
        },
      ],
    });
    expect(specOf(res.writes[1]!.object)?.parentRefs).toEqual([{ name: 'details-gateway', sectionName: 'https' }]);
    expect(res.writes[2]!.object.spec).toEqual({
      parentRefs: [{ name: 'details-gateway', sectionName: 'http' }],
      hostnames: ['details.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    const after = withWrites(r, res.writes);
    expect([attachment(after, 'details', 'bookinfo/details-gateway')?.accepted, attachment(after, 'details', 'bookinfo/details-gateway')?.listeners]).toEqual([
      true,
      ['https'],
    ]);
    expect(attachment(after, 'details-redirect', 'bookinfo/details-gateway')?.listeners).toEqual(['http']);
    expect(gatewayApiModel(after).gatewayByKey.get('bookinfo/details-gateway')?.istio).toBe('ingress');
    // Read back: the same state (redirect, HTTPS, secret), nothing to write.
    const back = getInitExpose({ resources: after, namespace: 'bookinfo', service: 'details', gateway: { namespace: 'bookinfo', name: 'details-gateway' } });
    expect(back).toMatchObject({
      https: true,
      http: true,
      httpsRedirect: true,
      credentialName: 'details-cert',
      gateway: { mode: 'existing', name: 'details-gateway' },
    });
    expect(buildExpose(back, { resources: after }).writes).toEqual([]);
  });

  it('a new Gateway in another namespace admits the route namespace as the user chooses (Selector or All)', () => {
    const base: ExposeState = { ...init, gateway: { mode: 'new', namespace: 'istio-ingress', name: 'edge' } };
    const sel = buildExpose(base, { resources: r });
    expect((sel.writes[0]!.object as K8sGateway).spec?.listeners?.[0]?.allowedRoutes).toEqual({
      namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'bookinfo' } } },
    });
    expect(specOf(sel.writes[1]!.object)?.parentRefs).toEqual([{ name: 'edge', namespace: 'istio-ingress' }]);
    const withNs = indexResources([...s5Objects({ live: true }), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-ingress' } }]);
    // The Selector reads the namespace's kubernetes.io/metadata.name label, which the API server sets.
    const labelled = indexResources([
      ...s5Objects({ live: true }).map((o) =>
        o.kind === 'Namespace' && o.metadata.name === 'bookinfo'
          ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'kubernetes.io/metadata.name': 'bookinfo' } } }
          : o,
      ),
    ]);
    expect(attachment(withWrites(labelled, sel.writes), 'details', 'istio-ingress/edge')?.accepted).toBe(true);
    const all = buildExpose({ ...base, allowedFrom: 'All' }, { resources: withNs });
    expect((all.writes[0]!.object as K8sGateway).spec?.listeners?.[0]?.allowedRoutes).toEqual({ namespaces: { from: 'All' } });
    expect(attachment(withWrites(withNs, all.writes), 'details', 'istio-ingress/edge')?.accepted).toBe(true);
  });
});

describe('expose on S5: the existing HTTPRoute bookinfo is edited in place', () => {
  const live = r.httpRoutes.find((x) => x.metadata.name === 'bookinfo')!;

  it('productpage: reads the route (five paths, any host); unchanged state writes nothing', () => {
    const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'productpage' });
    expect(init).toMatchObject({
      api: 'gateway-api',
      httpRouteName: 'bookinfo',
      gateway: { mode: 'existing', namespace: 'bookinfo', name: 'bookinfo-gateway' },
      hosts: [],
      port: 9080,
      routes: [
        { prefix: '/productpage', match: 'Exact' },
        { prefix: '/static' },
        { prefix: '/login', match: 'Exact' },
        { prefix: '/logout', match: 'Exact' },
        { prefix: '/api/v1/products' },
      ],
    });
    expect(buildExpose(init, { resources: r })).toEqual({ writes: [], warnings: [], errors: [] });
    // A timeout on the route: the same rule, same name and resourceVersion, timeouts.request added.
    const res = buildExpose({ ...init, timeout: '10s' }, { resources: r });
    expect(res.writes).toHaveLength(1);
    expect([res.writes[0]!.action, res.writes[0]!.object.metadata.name, res.writes[0]!.object.metadata.resourceVersion]).toEqual([
      'replace',
      'bookinfo',
      live.metadata.resourceVersion,
    ]);
    expect(specOf(res.writes[0]!.object)?.rules).toEqual([{ ...live.spec!.rules![0]!, timeouts: { request: '10s' } }]);
  });

  it('details added to the HTTPRoute bookinfo: a rule of its own; the productpage rule stays as it was', () => {
    const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'details' });
    const res = buildExpose({ ...init, httpRouteName: 'bookinfo', routes: [{ prefix: '/details' }] }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes).toHaveLength(1);
    const w = res.writes[0]!;
    expect([w.action, w.object.metadata.name]).toEqual(['replace', 'bookinfo']);
    expect(specOf(w.object)).toEqual({
      parentRefs: [{ name: 'bookinfo-gateway' }],
      rules: [live.spec!.rules![0], { matches: [{ path: { type: 'PathPrefix', value: '/details' } }], backendRefs: [{ name: 'details', port: 9080 }] }],
    });
    const after = withWrites(r, res.writes);
    expect(attachment(after, 'bookinfo')?.accepted).toBe(true);
    expect(
      gatewayApiModel(after)
        .routes.find((x) => x.name === 'bookinfo')!
        .backends.map((b) => [b.name, b.problem]),
    ).toEqual([
      ['productpage', undefined],
      ['details', undefined],
    ]);
  });

  it('host names on the shared HTTPRoute bookinfo would narrow the productpage rule too: a warning says so', () => {
    const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'details' });
    const res = buildExpose({ ...init, httpRouteName: 'bookinfo', hosts: ['details.example.com'], routes: [{ prefix: '/details' }] }, { resources: r });
    expect(res.warnings).toEqual([
      {
        code: 'EXPOSE_HOSTNAMES_SHARED',
        message:
          'The hostnames of HTTPRoute bookinfo/bookinfo apply to its 1 other rule too (now details.example.com, before any host); to give details host names of its own, use an HTTPRoute of its own.',
      },
    ]);
  });
});

describe('expose through the Gateway API: refusals', () => {
  const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'details' });

  it('bad host names, "*" alone, retries, no HTTPRoute name: field errors, nothing written', () => {
    const bad = buildExpose({ ...init, hosts: ['Bad_Host', '*'] }, { resources: r });
    expect(bad.writes).toEqual([]);
    expect(bad.errors.map((e) => e.path)).toEqual(['hosts.0', 'hosts.1']);
    expect(bad.errors[1]!.message).toBe('A host name cannot be just "*"; name the host, or use a wildcard such as *.example.com');
    expect(buildExpose({ ...init, retries: { attempts: 3 } }, { resources: r }).errors.map((e) => e.path)).toEqual(['retries']);
    expect(buildExpose({ ...init, httpRouteName: '' }, { resources: r }).errors).toEqual([
      { path: 'httpRouteName', message: 'Enter the name of the HTTPRoute' },
    ]);
    expect(buildExpose({ ...init, gateway: { mode: 'existing', namespace: 'bookinfo', name: 'waypoint' } }, { resources: r }).errors).toEqual([
      {
        path: 'gateway.name',
        message: 'Gateway bookinfo/waypoint has class istio-waypoint, which is not an Istio ingress class; choose a Gateway of class istio',
      },
    ]);
    expect(
      buildExpose({ ...init, gateway: { mode: 'new', namespace: 'bookinfo', name: 'bookinfo-gateway' } }, { resources: r }).errors.map((e) => e.path),
    ).toEqual(['gateway.name']);
  });

  it('a listener that does not admit the route namespace: a warning with the fix', () => {
    const edge: K8sObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'edge', namespace: 'istio-ingress' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }] },
    };
    const rr = indexResources([...s5Objects({ live: true }), edge]);
    const res = buildExpose({ ...init, gateway: { mode: 'existing', namespace: 'istio-ingress', name: 'edge' } }, { resources: rr });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([
      {
        code: 'EXPOSE_ROUTE_NOT_ATTACHED',
        message:
          'Gateway istio-ingress/edge will not take HTTPRoute bookinfo/details: the listeners of Gateway istio-ingress/edge do not admit routes from namespace bookinfo (allowedRoutes.namespaces.from: Same). Let the listeners of Gateway istio-ingress/edge admit routes from bookinfo: set allowedRoutes.namespaces.from to All, or to Selector with matchLabels kubernetes.io/metadata.name: bookinfo; or expose through a Gateway in bookinfo.',
      },
    ]);
    expect(attachment(withWrites(rr, res.writes), 'details', 'istio-ingress/edge')?.accepted).toBe(false);
  });

  it('a host the listener does not serve, HTTPS on a Gateway without an HTTPS listener: warnings', () => {
    const narrow: K8sObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop', namespace: 'bookinfo' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.shop.example.com' }] },
    };
    const rr = indexResources([...s5Objects({ live: true }), narrow]);
    const res = buildExpose({ ...init, gateway: { mode: 'existing', namespace: 'bookinfo', name: 'shop' }, hosts: ['details.example.com'] }, { resources: rr });
    expect(res.warnings.map((w) => w.code)).toEqual(['EXPOSE_NO_HTTP_LISTENER', 'EXPOSE_ROUTE_NOT_ATTACHED']);
    expect(res.warnings[1]!.message).toContain(
      'no hostname of the route (details.example.com) matches the listener hostname of Gateway bookinfo/shop (*.shop.example.com)',
    );
    const tls = buildExpose({ ...init, hosts: ['details.example.com'], https: true, credentialName: 'c' }, { resources: r });
    expect(tls.warnings.map((w) => w.code)).toEqual(['EXPOSE_NO_HTTPS_LISTENER']);
  });
});

describe('what the Gateway API mode writes passes the Gateway API CRD schemas and the analysis', () => {
  const read = (f: string) => readFileSync(new URL(`../data/gateway-api/${f}`, import.meta.url), 'utf8');
  const check = crdChecker(`${read('gateway.networking.k8s.io_gateways.yaml')}\n---\n${read('gateway.networking.k8s.io_httproutes.yaml')}`);
  const objects = s5Objects({ live: true });
  const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'details' });
  const cases: Array<[string, ExposeState]> = [
    [
      'existing Gateway, rewrite, exact path, timeout',
      {
        ...init,
        hosts: ['details.example.com'],
        routes: [
          { prefix: '/d', rewrite: '/details' },
          { prefix: '/x', match: 'Exact' },
        ],
        timeout: '5s',
      },
    ],
    [
      'new Gateway with HTTPS and redirect',
      {
        ...init,
        hosts: ['details.example.com'],
        gateway: { mode: 'new', namespace: 'bookinfo', name: 'details-gateway' },
        https: true,
        credentialName: 'details-cert',
        httpsRedirect: true,
      },
    ],
    ['edit of the HTTPRoute bookinfo', { ...init, httpRouteName: 'bookinfo', routes: [{ prefix: '/details' }] }],
  ];
  it.each(cases)('%s', (_, s) => {
    const res = buildExpose(s, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes.length).toBeGreaterThan(0);
    for (const w of res.writes) expect(check(w.object), `${w.object.kind} ${w.object.metadata.name}`).toEqual([]);
    expect(newFindings(objects, res.writes).written).toEqual([]);
  });
  it('the schema check does see a wrong field', () => {
    expect(
      check({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'x' }, spec: { rules: [{ timeouts: { requestt: '1s' } }] } }),
    ).not.toEqual([]);
  });
});
