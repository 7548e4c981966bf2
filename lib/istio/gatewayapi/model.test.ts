import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { hostnameMatches, intersectHostnames } from './hostnames';
import { buildGatewayApiModel, listenerKinds } from './model';

const G = 'gateway.networking.k8s.io/v1';
const ns = (name: string, labels: Record<string, string> = {}): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const svc = (namespace: string, name: string, ports = [9080]): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ports: ports.map((port) => ({ port })) },
});
const gateway = (namespace: string, name: string, listeners: unknown[], className = 'istio'): K8sObject => ({
  apiVersion: G,
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: { gatewayClassName: className, listeners },
});
const route = (namespace: string, name: string, spec: Record<string, unknown>, kind = 'HTTPRoute'): K8sObject => ({
  apiVersion: G,
  kind,
  metadata: { name, namespace },
  spec,
});

function model(...objs: K8sObject[]) {
  return buildGatewayApiModel(indexResources(objs));
}

describe('hostnames', () => {
  it('match by wildcard suffix of one or more labels', () => {
    expect(hostnameMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostnameMatches('bookinfo.com', 'bookinfo.com')).toBe(true);
  });
  it('intersect listener and route hostnames', () => {
    expect(intersectHostnames(undefined, [])).toEqual({ matched: true, hosts: [] });
    expect(intersectHostnames('*.example.com', [])).toEqual({ matched: true, hosts: ['*.example.com'] });
    expect(intersectHostnames('*.example.com', ['shop.example.com', 'other.org'])).toEqual({ matched: true, hosts: ['shop.example.com'] });
    expect(intersectHostnames('shop.example.com', ['*.example.com'])).toEqual({ matched: true, hosts: ['shop.example.com'] });
    expect(intersectHostnames('shop.example.com', ['other.org'])).toEqual({ matched: false, hosts: [] });
  });
});

describe('listener kinds', () => {
  it('follow the protocol and allowedRoutes.kinds', () => {
    expect(listenerKinds({ protocol: 'HTTP' }).kinds.map((k) => k.kind)).toEqual(['HTTPRoute', 'GRPCRoute']);
    expect(listenerKinds({ protocol: 'TLS', tls: { mode: 'Passthrough' } }).kinds.map((k) => k.kind)).toEqual(['TLSRoute']);
    expect(listenerKinds({ protocol: 'TLS', tls: { mode: 'Terminate' } }).kinds.map((k) => k.kind)).toEqual(['TLSRoute', 'TCPRoute']);
    expect(listenerKinds({ protocol: 'HTTP', allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }, { kind: 'TCPRoute' }] } })).toEqual({
      kinds: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }],
      invalid: ['TCPRoute'],
    });
  });
});

describe('route attachment', () => {
  const gw = gateway('infra', 'public', [
    { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { expose: 'yes' } } } } },
    { name: 'shop', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
  ]);

  it('defaults the parent to a Gateway of the route namespace', () => {
    const m = model(
      ns('bookinfo'),
      gateway('bookinfo', 'gw', [{ name: 'http', port: 80, protocol: 'HTTP' }]),
      route('bookinfo', 'r', { parentRefs: [{ name: 'gw' }] }),
    );
    expect(m.routes[0]!.parents[0]).toMatchObject({ kind: 'Gateway', namespace: 'bookinfo', accepted: true, listeners: ['http'] });
    expect(m.gateways[0]!.listeners[0]!.attachedRoutes).toBe(1);
  });

  it('refuses a missing Gateway, section or port with NoMatchingParent', () => {
    const m = model(
      ns('a'),
      gw,
      route('a', 'r', {
        parentRefs: [
          { name: 'nope', namespace: 'infra' },
          { name: 'public', namespace: 'infra', sectionName: 'grpc' },
          { name: 'public', namespace: 'infra', port: 8080 },
        ],
      }),
    );
    expect(m.routes[0]!.parents.map((p) => [p.accepted, p.refusal])).toEqual([
      [false, 'NoMatchingParent'],
      [false, 'NoMatchingParent'],
      [false, 'NoMatchingParent'],
    ]);
    expect(m.routes[0]!.parents[1]!.reason).toBe('Gateway infra/public has no listener named "grpc"');
  });

  it('honours allowedRoutes namespaces (Selector on namespace labels, All, Same by default)', () => {
    const m = model(
      ns('a'),
      ns('b', { expose: 'yes' }),
      gw,
      route('a', 'from-a', { parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'http' }] }),
      route('b', 'from-b', { parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'http' }] }),
    );
    expect(m.routes.map((r) => [r.name, r.parents[0]!.accepted, r.parents[0]!.refusal])).toEqual([
      ['from-a', false, 'NotAllowedByListeners'],
      ['from-b', true, undefined],
    ]);
  });

  it('intersects hostnames and refuses routes no listener hostname matches', () => {
    const m = model(
      ns('a'),
      gw,
      route('a', 'shop', { parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'shop' }], hostnames: ['shop.example.com'] }),
      route('a', 'blog', { parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'shop' }], hostnames: ['blog.example.com'] }),
    );
    expect(m.routes[0]!.parents[0]).toMatchObject({ accepted: true, hostnames: ['shop.example.com'] });
    expect(m.routes[1]!.parents[0]).toMatchObject({ accepted: false, refusal: 'NoMatchingListenerHostname' });
  });

  it('refuses a route kind the listener does not take', () => {
    const m = model(ns('a'), gateway('a', 'tcp', [{ name: 'db', port: 3306, protocol: 'TCP' }]), route('a', 'r', { parentRefs: [{ name: 'tcp' }] }));
    expect(m.routes[0]!.parents[0]!.reason).toBe('the listeners of Gateway a/tcp do not take HTTPRoute (they take TCPRoute)');
  });

  it('attaches mesh routes to Services (GAMMA) and checks the Service port', () => {
    const m = model(
      ns('bookinfo'),
      svc('bookinfo', 'reviews'),
      route('bookinfo', 'reviews', { parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }] }),
      route('bookinfo', 'bad-port', { parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 80 }] }),
      route('bookinfo', 'no-svc', { parentRefs: [{ group: '', kind: 'Service', name: 'ghost' }] }),
    );
    expect(m.meshRoutesByService.get('bookinfo/reviews')?.map((x) => x.route.name)).toEqual(['reviews']);
    expect(m.routes.map((r) => r.parents[0]!.reason)).toEqual([
      'routes mesh traffic to Service bookinfo/reviews port 9080',
      'Service bookinfo/reviews has no port 80',
      'Service bookinfo/ghost does not exist',
    ]);
  });
});

describe('backends', () => {
  const rule = (backendRefs: unknown[]) => ({ rules: [{ backendRefs }] });
  it('resolve Services with ports and weights (default 1)', () => {
    const m = model(
      ns('b'),
      svc('b', 'v1'),
      svc('b', 'v2'),
      route(
        'b',
        'r',
        rule([
          { name: 'v1', port: 9080, weight: 90 },
          { name: 'v2', port: 9080 },
        ]),
      ),
    );
    expect(m.routes[0]!.backends.map((x) => [x.name, x.weight, x.problem])).toEqual([
      ['v1', 90, undefined],
      ['v2', 1, undefined],
    ]);
  });
  it('report a missing Service, a missing or wrong port, an unsupported kind', () => {
    const m = model(
      ns('b'),
      svc('b', 'v1'),
      route('b', 'r', rule([{ name: 'ghost', port: 1 }, { name: 'v1' }, { name: 'v1', port: 80 }, { kind: 'Bucket', group: 'x.io', name: 'z' }])),
    );
    expect(m.routes[0]!.backends.map((x) => x.problem)).toEqual(['missing', 'no-port', 'port', 'kind']);
    expect(m.routes[0]!.backends[2]!.reason).toBe('Service b/v1 has no port 80 (it has 9080)');
  });
  it('need a ReferenceGrant across namespaces', () => {
    const grant: K8sObject = {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'allow', namespace: 'backend' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'front' }], to: [{ group: '', kind: 'Service' }] },
    };
    const r = route('front', 'r', rule([{ name: 'api', namespace: 'backend', port: 9080 }]));
    expect(model(ns('front'), svc('backend', 'api'), r).routes[0]!.backends[0]!.problem).toBe('not-permitted');
    expect(model(ns('front'), svc('backend', 'api'), r, grant).routes[0]!.backends[0]!.problem).toBeUndefined();
  });
});

describe('gateways', () => {
  it('know Istio classes by controllerName, and the deployment istiod creates', () => {
    const cls: K8sObject = { apiVersion: G, kind: 'GatewayClass', metadata: { name: 'custom' }, spec: { controllerName: 'istio.io/gateway-controller' } };
    const other: K8sObject = { apiVersion: G, kind: 'GatewayClass', metadata: { name: 'nginx' }, spec: { controllerName: 'nginx.org/gateway' } };
    const m = model(
      cls,
      other,
      gateway('a', 'in', [], 'istio'),
      gateway('a', 'wp', [], 'istio-waypoint'),
      gateway('a', 'c', [], 'custom'),
      gateway('a', 'n', [], 'nginx'),
    );
    expect(m.gateways.map((g) => [g.name, g.istio, g.deploymentName])).toEqual([
      ['in', 'ingress', 'in-istio'],
      ['wp', 'waypoint', 'wp'],
      ['c', 'ingress', 'c-custom'],
      ['n', undefined, 'n-nginx'],
    ]);
  });
  it('report conflicting listeners', () => {
    const m = model(
      gateway('a', 'g', [
        { name: 'a', port: 80, protocol: 'HTTP' },
        { name: 'b', port: 80, protocol: 'TCP' },
        { name: 'c', port: 443, protocol: 'HTTPS', hostname: 'x.com' },
        { name: 'd', port: 443, protocol: 'HTTPS', hostname: 'x.com' },
      ]),
    );
    expect(m.gateways[0]!.conflicts.map((c) => c.listeners)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});
