import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildExpose,
  credentialNamespaceOf,
  exposeSchema,
  getInitExpose,
  listGatewayChoices,
  servicePortChoices,
  tlsSecretNames,
  validateExposeAgainst,
  type ExposeState,
} from './expose';
import { testkit, S1, S3, S4 } from './testkit';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';

const { loadObjects, loadScenario, crdProblems } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

const issues = (s: unknown) => exposeSchema.safeParse(s).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
const codes = (ws: Array<{ code: string }>) => ws.map((w) => w.code);
const noIngress = (ns: string, name: string) => ({
  code: 'EXPOSE_NO_INGRESS_WORKLOAD',
  message: `No known workload has the labels istio=ingressgateway of Gateway ${ns}/${name}; make sure an ingress gateway is deployed.`,
});

const ingress: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
  spec: {
    selector: { matchLabels: { istio: 'ingressgateway' } },
    template: {
      metadata: { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      spec: { serviceAccountName: 'istio-ingressgateway-service-account', containers: [{ name: 'istio-proxy' }] },
    },
  },
};

describe('expose on S1 (english-gateway: HTTP 80 + HTTPS 443 english-cert; VirtualService english -> service-a:9000)', () => {
  const r = loadScenario(S1, { extra: [ingress] });
  const gwLive = r.gateways[0]!;
  const vsLive = r.virtualServices[0]!;
  const init = getInitExpose({ resources: r, namespace: 'sample', service: 'service-a' });

  it('reads the existing exposure; unchanged state writes nothing', () => {
    expect(init).toEqual({
      namespace: 'sample',
      service: 'service-a',
      port: 9000,
      hosts: ['english.example.com'],
      http: true,
      https: true,
      credentialName: 'english-cert',
      httpsRedirect: false,
      gateway: { mode: 'existing', namespace: 'sample', name: 'english-gateway' },
      virtualServiceName: 'english',
      routes: [{ prefix: '/' }],
    });
    expect(buildExpose(init, { resources: r })).toEqual({ writes: [], warnings: [], errors: [] });
  });

  it('lists gateways with the ingress workloads they select and where their secrets live', () => {
    expect(listGatewayChoices(r)).toEqual([
      {
        namespace: 'sample',
        name: 'english-gateway',
        selector: { istio: 'ingressgateway' },
        workloads: ['Deployment istio-system/istio-ingressgateway'],
        credentialNamespaces: ['istio-system'],
        hosts: ['english.example.com'],
      },
    ]);
    const secrets: K8sObject[] = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'english-cert', namespace: 'istio-system' }, type: 'kubernetes.io/tls' },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'generic-cert', namespace: 'istio-system' }, type: 'Opaque', data: { cert: 'x', key: 'y' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'istio-system' }, type: 'Opaque', data: { token: 'x' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-ns', namespace: 'sample' }, type: 'kubernetes.io/tls' },
    ];
    expect(tlsSecretNames(secrets, 'istio-system')).toEqual(['english-cert', 'generic-cert']);
    expect(servicePortChoices(r, 'sample', 'service-a')).toEqual([{ port: 9000, name: 'http-api' }]);
  });

  it('HTTP->HTTPS redirect sets httpsRedirect on the HTTP server that serves only this host', () => {
    const res = buildExpose({ ...init, httpsRedirect: true }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: gwLive,
        object: {
          ...gwLive,
          spec: {
            selector: { istio: 'ingressgateway' },
            servers: [
              { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['english.example.com'], tls: { httpsRedirect: true } },
              {
                port: { number: 443, name: 'https', protocol: 'HTTPS' },
                tls: { mode: 'SIMPLE', credentialName: 'english-cert' },
                hosts: ['english.example.com'],
              },
            ],
          },
        },
      },
    ]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('path prefixes with rewrite, timeout and retries edit the VirtualService in place', () => {
    const res = buildExpose(
      { ...init, routes: [{ prefix: '/' }, { prefix: '/api', rewrite: '/' }], timeout: '10s', retries: { attempts: 3, perTryTimeout: '2s' } },
      { resources: r },
    );
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: vsLive,
        object: {
          ...vsLive,
          spec: {
            hosts: ['english.example.com'],
            gateways: ['english-gateway'],
            http: [
              {
                match: [{ uri: { prefix: '/api' } }],
                rewrite: { uri: '/' },
                route: [{ destination: { host: 'service-a.sample.svc.cluster.local', port: { number: 9000 } } }],
                timeout: '10s',
                retries: { attempts: 3, perTryTimeout: '2s' },
              },
              {
                route: [{ destination: { host: 'service-a.sample.svc.cluster.local', port: { number: 9000 } } }],
                timeout: '10s',
                retries: { attempts: 3, perTryTimeout: '2s' },
              },
            ],
          },
        },
      },
    ]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
    // Read back: the same state.
    const r2 = indexResources([...loadObjects(S1).map((o) => (o.kind === 'VirtualService' ? res.writes[0]!.object : o)), ingress]);
    expect(getInitExpose({ resources: r2, namespace: 'sample', service: 'service-a' })).toEqual({
      ...init,
      routes: [{ prefix: '/api', rewrite: '/' }, { prefix: '/' }],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s' },
    });
  });

  it('removing the rewrite, timeout and retries removes those fields again', () => {
    const first = buildExpose(
      { ...init, routes: [{ prefix: '/', rewrite: '/v2/' }], timeout: '10s', retries: { attempts: 3, retryOn: 'gateway-error' } },
      { resources: r },
    );
    const vs1 = first.writes[0]!.object;
    expect((vs1.spec as { http: unknown[] }).http).toEqual([
      {
        rewrite: { uri: '/v2/' },
        route: [{ destination: { host: 'service-a.sample.svc.cluster.local', port: { number: 9000 } } }],
        timeout: '10s',
        retries: { attempts: 3, retryOn: 'gateway-error' },
      },
    ]);
    const r2 = indexResources([...loadObjects(S1).map((o) => (o.kind === 'VirtualService' ? vs1 : o)), ingress]);
    const back = getInitExpose({ resources: r2, namespace: 'sample', service: 'service-a' });
    expect(back).toMatchObject({ routes: [{ prefix: '/', rewrite: '/v2/' }], timeout: '10s', retries: { attempts: 3, retryOn: 'gateway-error' } });
    const second = buildExpose({ ...back, routes: [{ prefix: '/' }], timeout: undefined, retries: undefined }, { resources: r2 });
    expect(second.writes[0]!.object.spec).toEqual(vsLive.spec);
  });

  it('another host on the same gateway and secret is added to the existing servers', () => {
    const res = buildExpose({ ...init, hosts: ['english.example.com', 'www.english.example.com'] }, { resources: r });
    expect(res.writes.map((w) => w.object.kind)).toEqual(['Gateway', 'VirtualService']);
    expect((res.writes[0]!.object.spec as { servers: Array<{ hosts: string[] }> }).servers.map((x) => x.hosts)).toEqual([
      ['english.example.com', 'www.english.example.com'],
      ['english.example.com', 'www.english.example.com'],
    ]);
    expect(res.writes[1]!.object.spec).toMatchObject({ hosts: ['english.example.com', 'www.english.example.com'] });
  });

  it('a different secret for a host the HTTPS server serves alone changes the credential in place', () => {
    const res = buildExpose({ ...init, credentialName: 'english-cert-2025' }, { resources: r });
    expect((res.writes[0]!.object.spec as { servers: unknown[] }).servers[1]).toEqual({
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      tls: { mode: 'SIMPLE', credentialName: 'english-cert-2025' },
      hosts: ['english.example.com'],
    });
  });

  it('checks the TLS secret when the secrets can be listed', () => {
    const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'english-cert', namespace: 'istio-system' }, type: 'kubernetes.io/tls' };
    expect(
      buildExpose({ ...init, credentialName: 'english-cert', hosts: ['english.example.com', 'x.example.com'] }, { resources: r, secrets: [secret] }).warnings,
    ).toEqual([]);
    expect(buildExpose({ ...init, credentialName: 'missing-cert' }, { resources: r, secrets: [secret] }).warnings).toEqual([
      {
        code: 'EXPOSE_SECRET_NOT_FOUND',
        message:
          'There is no TLS secret missing-cert in istio-system, where the gateway workload reads its certificates; HTTPS for english.example.com will fail until it exists.',
      },
    ]);
    expect(buildExpose({ ...init, credentialName: 'missing-cert' }, { resources: r }).warnings).toEqual([]);
  });

  it('a new gateway for a host another gateway serves on the same port is a conflict', () => {
    const res = buildExpose({ ...init, gateway: { mode: 'new', namespace: 'sample', name: 'english-2' }, virtualServiceName: 'english-2' }, { resources: r });
    expect(codes(res.warnings)).toEqual(['EXPOSE_GATEWAY_CONFLICT', 'EXPOSE_GATEWAY_CONFLICT']);
    expect(res.warnings[0]!.message).toBe(
      'Gateway sample/english-gateway already serves english.example.com on port 80 of the same ingress workloads; a second gateway for the same host and port conflicts. Choose that gateway instead.',
    );
  });
});

describe('expose on S4 (app-gateway HTTP 80 app.example.com; user-service not exposed yet)', () => {
  const r = loadScenario(S4);
  const gwLive = r.gateways[0]!;

  it('creates the VirtualService on the existing gateway without touching it', () => {
    const init = getInitExpose({ resources: r, namespace: 'shop', service: 'user-service' });
    expect(init).toEqual({
      namespace: 'shop',
      service: 'user-service',
      port: 8080,
      hosts: [],
      http: true,
      https: false,
      credentialName: '',
      httpsRedirect: false,
      gateway: { mode: 'existing', namespace: 'shop', name: 'app-gateway' },
      virtualServiceName: 'user-service',
      routes: [{ prefix: '/' }],
    });
    const res = buildExpose({ ...init, hosts: ['app.example.com'] }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([noIngress('shop', 'app-gateway')]);
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'user-service', namespace: 'shop' },
          spec: {
            hosts: ['app.example.com'],
            gateways: ['app-gateway'],
            http: [{ route: [{ destination: { host: 'user-service.shop.svc.cluster.local', port: { number: 8080 } } }] }],
          },
        },
      },
    ]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('a new host on the existing gateway is added to its HTTP server', () => {
    const init = getInitExpose({ resources: r, namespace: 'shop', service: 'user-service' });
    const res = buildExpose({ ...init, hosts: ['users.example.com'] }, { resources: r });
    expect(res.writes[0]).toEqual({
      action: 'replace',
      base: gwLive,
      object: {
        ...gwLive,
        spec: {
          selector: { istio: 'ingressgateway' },
          servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['app.example.com', 'users.example.com'] }],
        },
      },
    });
  });

  it('HTTPS on the existing gateway adds a server; the redirect moves the host to its own HTTP server', () => {
    const init = getInitExpose({ resources: r, namespace: 'shop', service: 'user-service' });
    const res = buildExpose({ ...init, hosts: ['app.example.com'], https: true, credentialName: 'app-cert', httpsRedirect: true }, { resources: r });
    expect(res.writes[0]!.object.spec).toEqual({
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['app.example.com'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['app.example.com'], tls: { mode: 'SIMPLE', credentialName: 'app-cert' } },
      ],
    });
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('creates a gateway (selector istio: ingressgateway) in another namespace and refers to it as ns/name', () => {
    const init = getInitExpose({ resources: r, namespace: 'shop', service: 'user-service' });
    const res = buildExpose(
      {
        ...init,
        hosts: ['users.example.com'],
        https: true,
        credentialName: 'users-cert',
        httpsRedirect: true,
        gateway: { mode: 'new', namespace: 'istio-system', name: 'users-gateway' },
      },
      { resources: r },
    );
    expect(res.errors).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'Gateway',
          metadata: { name: 'users-gateway', namespace: 'istio-system' },
          spec: {
            selector: { istio: 'ingressgateway' },
            servers: [
              { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['users.example.com'], tls: { httpsRedirect: true } },
              { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['users.example.com'], tls: { mode: 'SIMPLE', credentialName: 'users-cert' } },
            ],
          },
        },
      },
      {
        action: 'create',
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'user-service', namespace: 'shop' },
          spec: {
            hosts: ['users.example.com'],
            gateways: ['istio-system/users-gateway'],
            http: [{ route: [{ destination: { host: 'user-service.shop.svc.cluster.local', port: { number: 8080 } } }] }],
          },
        },
      },
    ]);
    for (const w of res.writes) expect(crdProblems(w.object)).toEqual([]);
  });

  it('HTTPS only', () => {
    const init = getInitExpose({ resources: r, namespace: 'shop', service: 'user-service' });
    const res = buildExpose(
      { ...init, hosts: ['secure.example.com'], http: false, https: true, credentialName: 'c', gateway: { mode: 'new', namespace: 'shop', name: 'secure' } },
      { resources: r },
    );
    expect((res.writes[0]!.object.spec as { servers: unknown[] }).servers).toEqual([
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['secure.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } },
    ]);
  });
});

describe('expose on S3 (one gateway, two hosts)', () => {
  const r = loadScenario(S3);

  it('warns when another VirtualService already claims the host on the gateway', () => {
    const init = getInitExpose({ resources: r, namespace: 'microsvc-sample', service: 'caller' });
    expect(init.virtualServiceName).toBe('caller');
    const res = buildExpose({ ...init, hosts: ['caller.apps.example.com', 'sample.apps.example.com'] }, { resources: r });
    expect(res.warnings).toContainEqual({
      code: 'EXPOSE_HOST_CLAIMED',
      message:
        'VirtualService microsvc-sample/sample already claims sample.apps.example.com on gateway microsvc-sample/sample-gateway; two VirtualServices for one host on a gateway are merged in an undefined order. Edit that VirtualService instead, or use another host.',
    });
  });

  it('a redirect for one host of a shared HTTP server moves that host to a server of its own', () => {
    const gw = r.gateways[0]!;
    const init = getInitExpose({ resources: r, namespace: 'microsvc-sample', service: 'sample' });
    expect(init).toMatchObject({
      hosts: ['sample.apps.example.com'],
      http: true,
      https: false,
      gateway: { mode: 'existing', namespace: 'microsvc-sample', name: 'sample-gateway' },
      virtualServiceName: 'sample',
    });
    const res = buildExpose({ ...init, https: true, credentialName: 'sample-cert', httpsRedirect: true }, { resources: r });
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: gw,
        object: {
          ...gw,
          spec: {
            selector: { istio: 'ingressgateway' },
            servers: [
              { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['caller.apps.example.com'] },
              {
                port: { number: 80, name: 'http-sample-apps-example-com', protocol: 'HTTP' },
                hosts: ['sample.apps.example.com'],
                tls: { httpsRedirect: true },
              },
              {
                port: { number: 443, name: 'https', protocol: 'HTTPS' },
                hosts: ['sample.apps.example.com'],
                tls: { mode: 'SIMPLE', credentialName: 'sample-cert' },
              },
            ],
          },
        },
      },
    ]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it("a route in the VirtualService that is not the form's (other service) is kept, ours are inserted where they were", () => {
    const vs = r.virtualServices.find((v) => v.metadata.name === 'sample')!;
    const withOther = {
      ...vs,
      spec: {
        ...vs.spec,
        http: [
          { match: [{ uri: { prefix: '/caller' } }], route: [{ destination: { host: 'caller.microsvc-sample.svc.cluster.local', port: { number: 8080 } } }] },
          ...(vs.spec!.http ?? []),
        ],
      },
    };
    const r2 = { ...r, virtualServices: r.virtualServices.map((v) => (v === vs ? withOther : v)) };
    const init = getInitExpose({ resources: r2, namespace: 'microsvc-sample', service: 'sample' });
    expect(init.routes).toEqual([{ prefix: '/' }]);
    const res = buildExpose({ ...init, timeout: '3s' }, { resources: r2 });
    expect((res.writes[0]!.object.spec as { http: unknown[] }).http).toEqual([
      withOther.spec.http[0],
      {
        match: [{ uri: { prefix: '/' } }],
        route: [{ destination: { host: 'sample.microsvc-sample.svc.cluster.local', port: { number: 8080 } } }],
        timeout: '3s',
      },
    ]);
  });
});

describe('expose refuses invalid input, and nothing is written', () => {
  const r = loadScenario(S4);
  const base: ExposeState = {
    namespace: 'shop',
    service: 'user-service',
    port: 8080,
    hosts: ['app.example.com'],
    http: true,
    https: false,
    credentialName: '',
    httpsRedirect: false,
    gateway: { mode: 'existing', namespace: 'shop', name: 'app-gateway' },
    virtualServiceName: 'user-service',
    routes: [{ prefix: '/' }],
  };
  it('an empty host', () => {
    expect(issues({ ...base, hosts: [''] })).toEqual([{ path: 'hosts.0', message: 'Enter a host name' }]);
    const res = buildExpose({ ...base, hosts: [''] }, { resources: r });
    expect(res).toEqual({ writes: [], warnings: [], errors: [{ path: 'hosts.0', message: 'Enter a host name' }] });
  });
  it('no host, no listener, HTTPS without secret, redirect without HTTPS, paths', () => {
    expect(issues({ ...base, hosts: [], http: false })).toEqual([
      { path: 'hosts', message: 'Enter at least one host name, such as app.example.com' },
      { path: 'http', message: 'Choose HTTP (port 80), HTTPS (port 443) or both' },
    ]);
    expect(issues({ ...base, https: true })).toEqual([{ path: 'credentialName', message: 'Choose the TLS secret that holds the certificate for HTTPS' }]);
    expect(issues({ ...base, httpsRedirect: true })).toEqual([{ path: 'httpsRedirect', message: 'Redirecting HTTP to HTTPS needs both HTTP and HTTPS' }]);
    expect(issues({ ...base, routes: [{ prefix: 'api' }, { prefix: '/x', rewrite: 'y' }] })).toEqual([
      { path: 'routes.0.prefix', message: 'The path "api" must start with "/"' },
      { path: 'routes.1.rewrite', message: 'The rewritten path "y" must start with "/"' },
    ]);
    expect(issues({ ...base, hosts: ['*.example.com', '*'] })).toBeUndefined();
    expect(issues({ ...base, port: 0 })).toEqual([{ path: 'port', message: 'The service port must be a whole number from 1 to 65535' }]);
  });
  it('a port the Service does not have, a missing gateway, a name taken by a gateway', () => {
    expect(validateExposeAgainst({ ...base, port: 9000 }, r)).toEqual([{ path: 'port', message: 'user-service has no port 9000; choose 8080' }]);
    expect(validateExposeAgainst({ ...base, gateway: { mode: 'existing', namespace: 'shop', name: 'nope' } }, r)).toEqual([
      { path: 'gateway.name', message: 'There is no Gateway nope in namespace shop; choose another one or create it' },
    ]);
    expect(validateExposeAgainst({ ...base, gateway: { mode: 'new', namespace: 'shop', name: 'app-gateway' } }, r)[0]!.path).toBe('gateway.name');
    expect(buildExpose({ ...base, port: 9000 }, { resources: r }).writes).toEqual([]);
  });
});

describe('where the TLS secret of the gateway must be (credentialName namespace)', () => {
  const ingressIn = (namespace: string, name = 'istio-ingressgateway'): K8sObject => ({ ...ingress, metadata: { name, namespace } });
  const gateway = (namespace: string, name: string, selector: Record<string, string>): K8sObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: { selector, servers: [] },
  });

  it('an existing gateway: the namespace of the workloads it selects', () => {
    const r = indexResources([
      ingressIn('istio-system'),
      ingressIn('edge', 'edge-gateway'),
      gateway('shop', 'gw', { istio: 'ingressgateway' }),
      gateway('shop', 'edge', { app: 'edge' }),
    ]);
    // Both ingress workloads carry istio=ingressgateway: the root namespace wins over another one.
    expect(credentialNamespaceOf({ gateway: { mode: 'existing', namespace: 'shop', name: 'gw' } }, r)).toBe('istio-system');
    // A gateway that selects nothing known, or one that does not exist: istio-system.
    expect(credentialNamespaceOf({ gateway: { mode: 'existing', namespace: 'shop', name: 'edge' } }, r)).toBe('istio-system');
    expect(credentialNamespaceOf({ gateway: { mode: 'existing', namespace: 'shop', name: 'missing' } }, r)).toBe('istio-system');
  });

  it('a new gateway: where the istio=ingressgateway workloads run, its own namespace first', () => {
    expect(credentialNamespaceOf({ gateway: { mode: 'new', namespace: 'shop', name: 'x' } }, indexResources([ingressIn('istio-ingress')]))).toBe(
      'istio-ingress',
    );
    expect(
      credentialNamespaceOf({ gateway: { mode: 'new', namespace: 'edge', name: 'x' } }, indexResources([ingressIn('istio-system'), ingressIn('edge')])),
    ).toBe('edge');
    expect(credentialNamespaceOf({ gateway: { mode: 'new', namespace: 'shop', name: 'x' } }, indexResources([ingressIn('zeta'), ingressIn('alpha')]))).toBe(
      'alpha',
    );
    expect(credentialNamespaceOf({ gateway: { mode: 'new', namespace: 'shop', name: 'x' } }, indexResources([]))).toBe('istio-system');
    // The scenario: the ingress gateway of istio-system.
    expect(credentialNamespaceOf({ gateway: { mode: 'new', namespace: 'sample', name: 'x' } }, loadScenario(S1, { extra: [ingress] }))).toBe('istio-system');
  });
});

describe('expose on S5 (productpage is exposed by HTTPRoute bookinfo through a Gateway API Gateway)', () => {
  it('says the service is exposed through the Gateway API already, instead of silently adding a second way in', async () => {
    const { s5Objects } = await import('../graph/test/fixtures');
    const r = indexResources(s5Objects({ live: true }));
    // The Istio mode, chosen by the user (the form starts in the Gateway API mode here).
    const init = getInitExpose({ resources: r, namespace: 'bookinfo', service: 'productpage', api: 'istio' });
    const res = buildExpose({ ...init, hosts: ['bookinfo.example.com'] }, { resources: r });
    expect(res.warnings.find((w) => w.code === 'EXPOSE_GATEWAY_API_ROUTE')?.message).toBe(
      'HTTPRoute bookinfo/bookinfo already exposes productpage through a Gateway API Gateway; this form writes an Istio Gateway and VirtualService, a second way in. To edit the existing route instead, choose "Gateway API Gateway + HTTPRoute".',
    );
    const details = buildExpose(
      { ...getInitExpose({ resources: r, namespace: 'bookinfo', service: 'details', api: 'istio' }), hosts: ['d.example.com'] },
      { resources: r },
    );
    expect(details.warnings.map((w) => w.code)).not.toContain('EXPOSE_GATEWAY_API_ROUTE');
  });
});
