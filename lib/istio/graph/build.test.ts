import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { buildGraph, envTargets, portProtocol, summarizeMatch } from './build';
import type { GatewayNode, GraphEdge, MeshGraph, ServiceNode, VersionNode, WorkloadNode } from './types';
import { versionKey } from './workloads';

/* ---- factories ---- */

const ns = (name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
function svc(
  n: string,
  namespace: string,
  ports: Array<Record<string, unknown>> = [{ name: 'http', port: 80, targetPort: 8080 }],
  selector: Record<string, string> | null = { app: n },
): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: n, namespace }, spec: { ...(selector ? { selector } : {}), ports } };
}
function deploy(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  opts: { env?: Array<{ name: string; value: string }>; sa?: string; annotations?: Record<string, string>; containers?: unknown[] } = {},
): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: opts.annotations },
        spec: {
          serviceAccountName: opts.sa,
          containers: opts.containers ?? [{ name: 'app', image: 'x', env: opts.env, ports: [{ containerPort: 8080, name: 'web' }] }],
        },
      },
    },
  };
}
const vs = (name: string, namespace: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec,
});
const dr = (name: string, namespace: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name, namespace },
  spec,
});
const gw = (name: string, namespace: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec,
});
const se = (name: string, namespace: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: { name, namespace },
  spec,
});
const pa = (name: string, namespace: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace },
  spec,
});
const ap = (name: string, namespace: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace },
  spec,
});

const build = (objs: K8sObject[], opts = {}) => buildGraph(indexResources(objs), opts);
const only = (g: MeshGraph, source: string, target: string): GraphEdge => {
  const l = g.edges.filter((e) => e.source === source && e.target === target);
  if (l.length !== 1) throw new Error(`${l.length} edges ${source} -> ${target}: ${g.edges.map((e) => e.id).join(', ')}`);
  return l[0]!;
};
const get = <T>(g: MeshGraph, id: string) => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n as T;
};

const shop = [
  ns('shop'),
  svc('web', 'shop'),
  deploy('web-v1', 'shop', { app: 'web', version: 'v1' }),
  svc('api', 'shop'),
  deploy('api-v1', 'shop', { app: 'api', version: 'v1' }),
  deploy('api-v2', 'shop', { app: 'api', version: 'v2' }),
];
const apiDr = dr('api', 'shop', {
  host: 'api',
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    { name: 'v2', labels: { version: 'v2' } },
  ],
});

describe('routes', () => {
  it('draws weights, match summaries and badges per route', () => {
    const g = build([
      ...shop,
      apiDr,
      vs('api', 'shop', {
        hosts: ['api'],
        http: [
          {
            name: 'jason',
            match: [{ headers: { 'end-user': { exact: 'jason' } }, uri: { prefix: '/v2' } }],
            route: [{ destination: { host: 'api', subset: 'v2' } }],
            timeout: '3s',
            fault: { delay: { fixedDelay: '5s', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 1 } } },
          },
          {
            route: [
              { destination: { host: 'api', subset: 'v1' }, weight: 90 },
              { destination: { host: 'api', subset: 'v2' }, weight: 10 },
            ],
            retries: { attempts: 3, perTryTimeout: '2s' },
            mirror: { host: 'web' },
            mirrorPercentage: { value: 5 },
          },
        ],
      }),
    ]);
    const toV2 = g.edges.filter((e) => e.source === 'svc:shop/api' && e.target === 'ver:shop/api/v2');
    expect(toV2.map((e) => e.id)).toEqual([
      'route:svc:shop/api->ver:shop/api/v2#vs:shop/api/http[0]/route[0]',
      'route:svc:shop/api->ver:shop/api/v2#vs:shop/api/http[1]/route[1]',
    ]);
    expect(toV2[0]).toMatchObject({ weight: 100, match: 'uri prefix /v2; header end-user=jason', via: { route: 'jason' } });
    expect(toV2[0]!.badges.map((b) => b.label)).toEqual(['timeout 3s', 'delay 5s (10%)', 'abort 503 (1%)']);
    expect(toV2[1]).toMatchObject({ weight: 10 });
    expect(toV2[1]!.match).toBeUndefined();
    expect(toV2[1]!.badges.map((b) => b.kind)).toEqual(['retries', 'mirror']);
    expect(toV2[1]!.badges[0]).toMatchObject({ label: 'retries 3 × 2s', attempts: 3 });
    expect(toV2[1]!.badges[1]).toMatchObject({ host: 'web', percent: 5 });
    expect(only(g, 'svc:shop/api', 'ver:shop/api/v1').weight).toBe(90);
  });

  it('marks a weight shared by several versions when the destination has no subset', () => {
    const g = build([...shop, vs('api', 'shop', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }] }] })]);
    for (const v of ['v1', 'v2']) {
      const e = only(g, 'svc:shop/api', `ver:shop/api/${v}`);
      expect(e).toMatchObject({ weight: 100, weightShared: true });
      expect(e.implicit).toBeUndefined();
    }
  });

  it('routes to another service or an external host as service -> service/external', () => {
    const g = build([
      ...shop,
      se('ext', 'shop', { hosts: ['api.partner.com'], ports: [{ number: 443, protocol: 'HTTPS', name: 'https' }], location: 'MESH_EXTERNAL' }),
      vs('web', 'shop', {
        hosts: ['web'],
        http: [
          {
            route: [
              { destination: { host: 'api' }, weight: 80 },
              { destination: { host: 'api.partner.com' }, weight: 20 },
            ],
          },
        ],
      }),
    ]);
    expect(only(g, 'svc:shop/web', 'svc:shop/api')).toMatchObject({ kind: 'route', weight: 80 });
    expect(only(g, 'svc:shop/web', 'ext:se/shop/ext')).toMatchObject({ kind: 'route', weight: 20, security: { state: 'tls' } });
    expect(g.edges.some((e) => e.source === 'svc:shop/web' && e.target.startsWith('ver:'))).toBe(false);
  });

  it('warns about dangling destinations and subsets that select nothing', () => {
    const g = build([
      ...shop,
      dr('api', 'shop', { host: 'api', subsets: [{ name: 'v9', labels: { version: 'v9' } }] }),
      vs('api', 'shop', {
        hosts: ['api'],
        http: [
          {
            route: [
              { destination: { host: 'api', subset: 'v9' }, weight: 50 },
              { destination: { host: 'nope' }, weight: 50 },
            ],
          },
        ],
      }),
    ]);
    expect(get<ServiceNode>(g, 'svc:shop/api').warnings).toEqual([
      'VirtualService shop/api spec/http[0]/route[0]: subset "v9" of DestinationRule shop/api selects no workload of api.shop.svc.cluster.local',
      'VirtualService shop/api spec/http[0]/route[1]: destination host nope is not a known Service or ServiceEntry',
    ]);
    expect(g.edges.filter((e) => e.source === 'svc:shop/api')).toEqual([]);
  });

  it('ignores gateway-only VirtualServices for mesh routing and honours tcp routes', () => {
    const g = build([
      ...shop,
      vs('edge', 'shop', { hosts: ['api'], gateways: ['gw'], http: [{ route: [{ destination: { host: 'web' } }] }] }),
      vs('tcp', 'shop', { hosts: ['web'], tcp: [{ match: [{ port: 80 }], route: [{ destination: { host: 'web', port: { number: 80 } } }] }] }),
    ]);
    expect(g.edges.filter((e) => e.source === 'svc:shop/api').every((e) => e.implicit)).toBe(true);
    expect(only(g, 'svc:shop/web', 'ver:shop/web/v1')).toMatchObject({
      protocol: 'tcp',
      port: 80,
      match: 'port 80',
      id: 'route:svc:shop/web->ver:shop/web/v1#vs:shop/tcp/tcp[0]/route[0]',
    });
  });
});

describe('gateway binding', () => {
  const ingress = deploy('ingress', 'edge', { istio: 'ingressgateway' }, { sa: 'ingress-sa', containers: [{ name: 'istio-proxy' }] });
  const gateway = gw('public', 'edge', {
    selector: { istio: 'ingressgateway' },
    servers: [{ port: { number: 80, protocol: 'HTTP', name: 'http' }, hosts: ['shop/*.example.com', 'other/admin.internal.org'] }],
  });

  it('binds a VirtualService only when a server host allows its namespace and overlaps its hosts', () => {
    const bound = vs('shop-web', 'shop', { hosts: ['www.example.com'], gateways: ['edge/public'], http: [{ route: [{ destination: { host: 'web' } }] }] });
    const wrongNs = vs('admin', 'shop', { hosts: ['admin.internal.org'], gateways: ['edge/public'], http: [{ route: [{ destination: { host: 'api' } }] }] });
    const wrongHost = vs('x', 'shop', { hosts: ['www.other.org'], gateways: ['edge/public'], http: [{ route: [{ destination: { host: 'api' } }] }] });
    const g = build([...shop, ns('edge', {}), ingress, gateway, bound, wrongNs, wrongHost]);
    const e = only(g, 'gw:edge/ingress', 'svc:shop/web');
    expect(e).toMatchObject({
      kind: 'gateway-route',
      via: { gateway: 'Gateway edge/public', virtualService: 'VirtualService shop/shop-web', hosts: ['www.example.com'] },
      port: 80,
    });
    expect(g.edges.filter((x) => x.kind === 'gateway-route')).toHaveLength(1);
    expect(get<GatewayNode>(g, 'gw:edge/ingress')).toMatchObject({
      resolved: true,
      identity: { namespace: 'edge', serviceAccount: 'ingress-sa', assumed: false },
      gateways: ['Gateway edge/public'],
    });
    // Gateway identity is used for authorization.
    const locked = build([
      ...shop,
      ns('edge', {}),
      ingress,
      gateway,
      bound,
      ap('only-edge', 'shop', {
        selector: { matchLabels: { app: 'web' } },
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/edge/sa/ingress-sa'] } }] }],
      }),
    ]);
    expect(only(locked, 'gw:edge/ingress', 'svc:shop/web').authz).toMatchObject({ decision: 'allow', policy: 'AuthorizationPolicy shop/only-edge' });
  });

  it('skips routes whose matches name other gateways', () => {
    const v = vs('split', 'shop', {
      hosts: ['www.example.com'],
      gateways: ['edge/public', 'mesh'],
      http: [{ match: [{ gateways: ['mesh'] }], route: [{ destination: { host: 'api' } }] }, { route: [{ destination: { host: 'web' } }] }],
    });
    const g = build([...shop, ns('edge', {}), ingress, gateway, v]);
    expect(g.edges.filter((e) => e.kind === 'gateway-route').map((e) => e.target)).toEqual(['svc:shop/web']);
  });

  it('never turns an application workload into a gateway, even when a selector matches it', () => {
    const wrong = gw('wrong', 'shop', { selector: { app: 'web' }, servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['*'] }] });
    const g = build([...shop, wrong]);
    expect(get<VersionNode>(g, 'ver:shop/web/v1').kind).toBe('version');
    const n = get<GatewayNode>(g, 'gw:selector/app=web');
    expect(n).toMatchObject({ resolved: false, identity: { assumed: true } });
    expect(n.identity.namespace).toBeUndefined();
    expect(n.warnings).toEqual([
      'no workload selects: no pod matches the selector app=web',
      'Gateway shop/wrong: the selector matches workloads that are not gateway proxies: shop/web-v1',
    ]);
    // A Helm-chart gateway (istio=ingress) is recognised.
    const helm = deploy(
      'istio-ingress',
      'istio-ingress',
      { app: 'istio-ingress', istio: 'ingress' },
      { annotations: { 'inject.istio.io/templates': 'gateway' } },
    );
    expect(get<GatewayNode>(build([helm]), 'gw:istio-ingress/istio-ingress')).toMatchObject({ role: 'ingress', resolved: true });
  });

  it('creates a node for an egress gateway recognised by its labels, even without a Gateway', () => {
    const egress = deploy(
      'istio-egressgateway',
      'istio-system',
      { istio: 'egressgateway', app: 'istio-egressgateway' },
      { containers: [{ name: 'istio-proxy' }] },
    );
    const g = build([egress]);
    expect(get<GatewayNode>(g, 'gw:istio-system/istio-egressgateway')).toMatchObject({ role: 'egress', resolved: true, gateways: [] });
    expect(g.nodes.some((n) => n.kind === 'version')).toBe(false);
  });
});

describe('inferred calls', () => {
  it('reads sourceLabels of VirtualService matches', () => {
    const g = build([
      ...shop,
      apiDr,
      vs('api', 'shop', {
        hosts: ['api'],
        http: [
          { match: [{ sourceLabels: { app: 'web' } }], route: [{ destination: { host: 'api', subset: 'v2' } }] },
          { route: [{ destination: { host: 'api', subset: 'v1' } }] },
        ],
      }),
    ]);
    expect(only(g, 'ver:shop/web/v1', 'svc:shop/api')).toMatchObject({
      kind: 'call',
      basis: ['sourceLabels'],
      evidence: ['VirtualService shop/api spec/http[0]/match[0]/sourceLabels'],
      port: 80,
    });
  });

  it('reads URLs and host:port values from env, within the rules of the heuristic', () => {
    const worker = deploy(
      'worker',
      'shop',
      { app: 'worker', version: 'v1' },
      {
        env: [
          { name: 'API_URL', value: 'https://api.shop.svc.cluster.local:80/v1' },
          { name: 'DB_HOST', value: '10.1.2.3' },
          { name: 'CACHE_ADDR', value: 'web:80' },
          { name: 'GREETING', value: 'api' },
          { name: 'LOG_DIR', value: '/tmp/logs' },
          { name: 'OTHER_SERVICE_HOST', value: 'missing' },
        ],
      },
    );
    const db = se('db', 'shop', {
      hosts: ['db.internal'],
      addresses: ['10.1.2.0/24'],
      ports: [{ number: 5432, protocol: 'TCP', name: 'pg' }],
      location: 'MESH_EXTERNAL',
      resolution: 'STATIC',
    });
    const g = build([...shop, worker, db]);
    const calls = g.edges.filter((e) => e.kind === 'call').map((e) => [e.target, e.evidence[0]]);
    expect(calls).toEqual([
      ['ext:se/shop/db', 'env DB_HOST of Deployment shop/worker'],
      ['svc:shop/api', 'env API_URL of Deployment shop/worker'],
      ['svc:shop/web', 'env CACHE_ADDR of Deployment shop/worker'],
    ]);
    expect(only(g, 'ver:shop/worker/v1', 'ext:se/shop/db')).toMatchObject({ port: 5432, security: { state: 'plaintext' } });
    // Can be switched off.
    expect(build([...shop, worker, db], { envHeuristic: false }).edges.filter((e) => e.kind === 'call')).toEqual([]);
  });

  it('does not resolve short names across namespaces and ignores a workload calling its own service', () => {
    const other = deploy('client', 'other', { app: 'client' }, { env: [{ name: 'API_HOST', value: 'api' }] });
    const self = deploy('api-v3', 'shop', { app: 'api', version: 'v3' }, { env: [{ name: 'SELF_URL', value: 'http://api:80' }] });
    const g = build([...shop, ns('other'), other, self]);
    expect(g.edges.filter((e) => e.kind === 'call')).toEqual([]);
  });

  it('combines authorization over the versions of the target and shows differences as conditional', () => {
    const denyV2 = ap('deny-web-v2', 'shop', {
      selector: { matchLabels: { app: 'api', version: 'v2' } },
      action: 'DENY',
      rules: [{ from: [{ source: { namespaces: ['shop'] } }] }],
    });
    const web = deploy('web-v1', 'shop', { app: 'web', version: 'v1' }, { env: [{ name: 'API', value: 'http://api' }] });
    const g = build([...shop.filter((o) => o.metadata.name !== 'web-v1'), web, denyV2]);
    const e = only(g, 'ver:shop/web/v1', 'svc:shop/api');
    expect(e.authz).toMatchObject({ decision: 'conditional', policy: 'AuthorizationPolicy shop/deny-web-v2' });
    expect(e.authz?.reason).toContain('api v1 allow');
    expect(e.authz?.reason).toContain('api v2 deny');
  });
});

describe('security on edges', () => {
  it('shows STRICT + DISABLE client as a conflict and PERMISSIVE + DISABLE as plaintext', () => {
    const web = deploy('web-v1', 'shop', { app: 'web', version: 'v1' }, { env: [{ name: 'API', value: 'http://api' }] });
    const base = [...shop.filter((o) => o.metadata.name !== 'web-v1'), web, dr('api', 'shop', { host: 'api', trafficPolicy: { tls: { mode: 'DISABLE' } } })];
    const strict = build([...base, pa('default', 'istio-system', { mtls: { mode: 'STRICT' } })]);
    expect(only(strict, 'ver:shop/web/v1', 'svc:shop/api').security).toMatchObject({
      state: 'conflict',
      server: { mode: 'STRICT', level: 'mesh' },
      client: { mode: 'DISABLE', resource: 'DestinationRule shop/api' },
    });
    const permissive = build(base);
    const e = only(permissive, 'ver:shop/web/v1', 'svc:shop/api');
    expect(e.security?.state).toBe('plaintext');
    // Over plaintext the caller has no identity: a namespace rule cannot match.
    const own = ap('own', 'shop', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] });
    expect(only(build([...base, own]), 'ver:shop/web/v1', 'svc:shop/api').authz).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy shop/own' });
  });

  it('uses the workload port for port-level mTLS', () => {
    const portPa = pa('api', 'shop', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } });
    const g = build([...shop, portPa]);
    expect(only(g, 'svc:shop/api', 'ver:shop/api/v1').security).toMatchObject({ state: 'plaintext', server: { mode: 'DISABLE', level: 'port' } });
    expect(get<VersionNode>(g, 'ver:shop/api/v1').mtls).toMatchObject({ mode: 'STRICT', level: 'workload', resource: 'PeerAuthentication shop/api' });
  });

  it('resolves named target ports through the container ports', () => {
    const g = build([ns('shop'), svc('api', 'shop', [{ name: 'http', port: 80, targetPort: 'web' }]), deploy('api-v1', 'shop', { app: 'api', version: 'v1' })]);
    expect(get<ServiceNode>(g, 'svc:shop/api').ports[0]).toMatchObject({ targetPort: 'web', workloadPort: 8080 });
  });
});

describe('workloads', () => {
  it('groups by the first label pair present, versionless apps included', () => {
    expect(versionKey({ app: 'a', version: 'v1' }, [['app', 'version']])).toEqual({ app: 'a', version: 'v1', keys: ['app', 'version'] });
    expect(
      versionKey({ 'app.kubernetes.io/name': 'b' }, [
        ['app', 'version'],
        ['app.kubernetes.io/name', 'app.kubernetes.io/version'],
      ]),
    ).toEqual({ app: 'b', version: undefined, keys: ['app.kubernetes.io/name', 'app.kubernetes.io/version'] });
    expect(versionKey({ x: 'y' }, [['app', 'version']])).toBeUndefined();
    const g = build([
      ns('shop'),
      deploy('solo', 'shop', { app: 'solo' }),
      deploy('k8s', 'shop', { 'app.kubernetes.io/name': 'k8s', 'app.kubernetes.io/version': '1.2' }),
    ]);
    expect(g.nodes.filter((n) => n.kind === 'version').map((n) => n.id)).toEqual(['ver:shop/k8s/1.2', 'ver:shop/solo']);
  });

  it('reads sidecar, ambient and restarts from the data-plane model (the label wins over the annotation)', () => {
    const tpl = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: labels.app!, namespace: 'shop' },
      spec: { selector: { matchLabels: { app: labels.app! } }, template: { metadata: { labels, annotations }, spec: { containers: [{ name: 'app' }] } } },
    });
    const g = build([
      ns('shop', { 'istio-injection': 'enabled' }),
      tpl({ app: 'a', 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }),
      tpl({ app: 'b' }, { 'sidecar.istio.io/inject': 'false' }),
    ]);
    expect(get<VersionNode>(g, 'ver:shop/a')).toMatchObject({ inMesh: true, sidecar: { injected: true }, dataPlane: { mode: 'sidecar' } });
    expect(get<VersionNode>(g, 'ver:shop/b')).toMatchObject({
      inMesh: false,
      sidecar: { injected: false, reason: 'pod annotation sidecar.istio.io/inject=false' },
      dataPlane: { mode: 'none' },
    });
    const amb = build([ns('mesh', { 'istio.io/dataplane-mode': 'ambient' }), { ...tpl({ app: 'c' }), metadata: { name: 'c', namespace: 'mesh' } }]);
    expect(get<VersionNode>(amb, 'ver:mesh/c')).toMatchObject({ inMesh: true, sidecar: { injected: false }, dataPlane: { mode: 'ambient' } });
  });

  it('folds pods into their Deployment and keeps standalone pods as workloads', () => {
    const owned = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-v1-abc', namespace: 'shop', labels: { app: 'web', version: 'v1' } },
      spec: { containers: [{ name: 'app' }, { name: 'istio-proxy' }] },
    };
    const lone = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: 'shop', labels: { run: 'debug' } },
      spec: { containers: [{ name: 'sh' }] },
    };
    const g = build([...shop, owned, lone]);
    expect(get<VersionNode>(g, 'ver:shop/web/v1')).toMatchObject({
      inMesh: true,
      sidecar: { reason: 'running pods have an istio-proxy sidecar' },
      workloads: [{ kind: 'Deployment', name: 'web-v1' }],
    });
    expect(get<WorkloadNode>(g, 'wl:shop/debug')).toMatchObject({ inMesh: false, workloads: [{ kind: 'Pod', name: 'debug' }] });
  });
});

describe('helpers', () => {
  it('reads protocols like Istio protocol selection', () => {
    expect(portProtocol({ name: 'http-api' })).toBe('http');
    expect(portProtocol({ name: 'grpc' })).toBe('grpc');
    expect(portProtocol({ name: 'web', appProtocol: 'HTTPS' })).toBe('https');
    expect(portProtocol({ name: 'x', appProtocol: 'kubernetes.io/h2c' })).toBe('http2');
    expect(portProtocol({ name: 'dns', protocol: 'UDP' })).toBe('unknown');
    expect(portProtocol({})).toBe('unknown');
  });

  it('summarizes matches', () => {
    expect(summarizeMatch(undefined)).toBeUndefined();
    expect(summarizeMatch([{ method: { exact: 'GET' }, queryParams: { q: { regex: 'a.*' } } }, {}])).toBe('method=GET; query q ~a.* | any');
  });

  it('extracts env targets', () => {
    expect(envTargets('X', 'jdbc:mysql://db.example.com:3306/app,http://b')).toEqual([
      { host: 'db.example.com', port: 3306 },
      { host: 'b', port: undefined },
    ]);
    expect(envTargets('REDIS_HOST', 'redis-master')).toEqual([{ host: 'redis-master', port: undefined }]);
    expect(envTargets('REPLICAS', '3')).toEqual([]);
    expect(envTargets('MODE', 'fast')).toEqual([]);
  });

  it('produces the same graph for the same input in any order', () => {
    const a = build([...shop, apiDr]);
    const b = build([...shop, apiDr].reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
