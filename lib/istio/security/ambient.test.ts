/**
 * mTLS and authorization in ambient mode: ztunnel's HBONE, PeerAuthentication as ztunnel
 * reads it, selector policies reduced to L4 as istiod hands them to ztunnel, policies
 * attached to waypoints, and the two hops of a path through a waypoint.
 */
import { describe, expect, it } from 'vitest';
import { s5Objects } from '../graph/test/fixtures';
import { indexResources, type MeshResources } from '../resources';
import type { K8sObject } from '../types';
import { authorize, authorizePath, l7Attributes, waypointPolicies, ztunnelView } from './authz';
import { edgeSecurity } from './mtls';

const pa = (ns: string, name: string, mode: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace: ns },
  spec: { mtls: { mode }, ...extra },
});
const dr = (ns: string, host: string, mode: string): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: `dr-${host}`, namespace: ns },
  spec: { host, trafficPolicy: { tls: { mode } } },
});
const ap = (ns: string, name: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: ns },
  spec,
});

function mesh(...objs: K8sObject[]): MeshResources {
  return indexResources(objs);
}

const amb = (ns = 'app', labels = { app: 'api' }) => ({ namespace: ns, labels, inMesh: true, mode: 'ambient' as const });
const dest = { host: 'api.app.svc.cluster.local', port: 8080 };

describe('mTLS with ztunnel', () => {
  it('is HBONE mTLS between ambient workloads, whatever DestinationRules say', () => {
    const r = mesh(dr('app', 'api', 'DISABLE'));
    const s = edgeSecurity(r, { client: { namespace: 'app', inMesh: true, mode: 'ambient' }, destination: dest, server: { ...amb(), port: 8080 } });
    expect(s).toMatchObject({ state: 'mtls', hbone: true });
    expect(s.reason).toMatch(/DestinationRule TLS settings do not apply to ztunnel/);
  });

  it('refuses plaintext from outside the mesh under STRICT, accepts it under PERMISSIVE', () => {
    const outside = { namespace: 'legacy', inMesh: false, mode: 'none' as const };
    expect(edgeSecurity(mesh(pa('app', 'default', 'STRICT')), { client: outside, destination: dest, server: amb() }).state).toBe('conflict');
    expect(edgeSecurity(mesh(pa('app', 'default', 'PERMISSIVE')), { client: outside, destination: dest, server: amb() }).state).toBe('plaintext');
  });

  it('ignores DISABLE (not supported in ambient): plaintext from outside still gets in, mesh traffic stays mTLS', () => {
    const r = mesh(pa('app', 'default', 'DISABLE'));
    const fromOutside = edgeSecurity(r, { client: { namespace: 'legacy', inMesh: false }, destination: dest, server: amb() });
    expect(fromOutside.state).toBe('plaintext');
    expect(fromOutside.reason).toMatch(/DISABLE is not supported in ambient mode and is ignored/);
    expect(edgeSecurity(r, { client: { namespace: 'app', inMesh: true, mode: 'ambient' }, destination: dest, server: amb() }).state).toBe('mtls');
  });

  it('honours port-level modes of a workload policy', () => {
    const r = mesh(
      pa('app', 'default', 'PERMISSIVE'),
      pa('app', 'api', 'UNSET', { selector: { matchLabels: { app: 'api' } }, portLevelMtls: { '8080': { mode: 'STRICT' } } }),
    );
    const outside = { namespace: 'legacy', inMesh: false };
    expect(edgeSecurity(r, { client: outside, destination: dest, server: { ...amb(), port: 8080 } }).state).toBe('conflict');
    expect(edgeSecurity(r, { client: outside, destination: dest, server: { ...amb(), port: 9090 } }).state).toBe('plaintext');
  });

  it('interoperates with sidecars both ways', () => {
    const r = mesh(pa('app', 'default', 'STRICT'));
    expect(edgeSecurity(r, { client: { namespace: 'web', inMesh: true, mode: 'sidecar' }, destination: dest, server: amb() })).toMatchObject({
      state: 'mtls',
      hbone: true,
    });
    expect(
      edgeSecurity(r, {
        client: { namespace: 'app', inMesh: true, mode: 'ambient' },
        destination: dest,
        server: { namespace: 'web', inMesh: true, mode: 'sidecar' },
      }),
    ).toMatchObject({ state: 'mtls', hbone: true });
  });

  it('a sidecar client still applies its DestinationRule: DISABLE meets a STRICT ztunnel', () => {
    const r = mesh(pa('app', 'default', 'STRICT'), dr('web', 'api.app.svc.cluster.local', 'DISABLE'));
    const s = edgeSecurity(r, { client: { namespace: 'web', inMesh: true, mode: 'sidecar' }, destination: dest, server: amb() });
    expect(s.state).toBe('conflict');
    expect(s.reason).toMatch(/server's ztunnel requires mTLS/);
  });

  it('is plaintext from an ambient client to a workload outside the mesh and to external hosts', () => {
    const r = mesh(dr('app', 'db.example.com', 'SIMPLE'));
    expect(
      edgeSecurity(r, {
        client: { namespace: 'app', inMesh: true, mode: 'ambient' },
        destination: dest,
        server: { namespace: 'legacy', inMesh: false, mode: 'none' },
      }).state,
    ).toBe('plaintext');
    expect(
      edgeSecurity(r, {
        client: { namespace: 'app', inMesh: true, mode: 'ambient' },
        destination: { host: 'db.example.com', port: 5432 },
        server: { external: true, protocol: 'TCP' },
      }).state,
    ).toBe('plaintext');
  });

  it('gateways and waypoints reach ambient workloads over HBONE', () => {
    expect(
      edgeSecurity(mesh(pa('app', 'default', 'STRICT')), {
        client: { namespace: 'istio-system', inMesh: true, mode: 'proxy' },
        destination: dest,
        server: amb(),
      }).state,
    ).toBe('mtls');
  });
});

describe("ztunnel's view of a selector policy (istiod's conversion)", () => {
  it('finds HTTP attributes', () => {
    expect(
      l7Attributes({
        to: [{ operation: { methods: ['GET'], ports: ['80'] } }],
        when: [
          { key: 'request.headers[x]', values: ['y'] },
          { key: 'source.ip', values: ['1.2.3.4'] },
        ],
      }),
    ).toEqual(['methods', 'request.headers[x]']);
    expect(l7Attributes({ from: [{ source: { principals: ['a'], requestPrincipals: ['b'] } }] })).toEqual(['requestPrincipals']);
  });

  it('omits ALLOW rules with HTTP attributes; a policy left without rules allows nothing', () => {
    const v = ztunnelView(
      ap('app', 'get-only', { selector: { matchLabels: { app: 'api' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }) as never,
    );
    expect(v.omitted).toEqual([0]);
    expect(v.policy?.spec?.rules).toEqual([]);
    expect(v.notes[0]).toMatch(/omitted, so the policy allows nothing/);
  });

  it('keeps the L4 part of DENY rules (denies more than written)', () => {
    const v = ztunnelView(
      ap('app', 'no-post', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { methods: ['POST'] } }] }] }) as never,
    );
    expect(v.stripped).toEqual([0]);
    expect(v.policy?.spec?.rules).toEqual([{ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: {} }] }]);
  });

  it('ignores CUSTOM and AUDIT', () => {
    expect(ztunnelView(ap('app', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] }) as never).policy).toBeUndefined();
  });
});

describe('S5 decisions', () => {
  const r = indexResources(s5Objects({ live: true }));
  const td = 'cluster.local/ns/bookinfo/sa';
  const sa = (name: string) => ({ namespace: 'bookinfo', serviceAccount: name, inMesh: true, mtls: true, name });
  const ratings = { namespace: 'bookinfo', labels: { app: 'ratings', version: 'v1' }, mode: 'ambient' as const };
  const productpage = { namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' }, mode: 'ambient' as const };
  const waypoint = { namespace: 'bookinfo', name: 'waypoint', className: 'istio-waypoint', serviceAccount: 'waypoint' };

  it('ratings-get-only puts an HTTP rule in a ztunnel policy: every caller of ratings is denied, even reviews', () => {
    const d = authorize(r, { caller: sa('bookinfo-reviews'), target: ratings });
    expect(d).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy bookinfo/ratings-get-only', enforcedBy: 'ztunnel' });
    expect(d.reason).toMatch(/ztunnel does not support HTTP attributes \(found: methods\)/);
  });

  it('productpage-ztunnel lets the gateway in at ztunnel (ingress bypasses the waypoint)', () => {
    expect(authorize(r, { caller: sa('bookinfo-gateway-istio'), target: productpage })).toMatchObject({
      decision: 'allow',
      policy: 'AuthorizationPolicy bookinfo/productpage-ztunnel',
      enforcedBy: 'ztunnel',
    });
  });

  it('the waypoint enforces productpage-viewer (targetRefs the Service): curl may only GET', () => {
    expect(waypointPolicies(r, waypoint, { namespace: 'bookinfo', name: 'productpage' }).map((p) => p.metadata.name)).toEqual(['productpage-viewer']);
    const get = authorizePath(r, {
      caller: sa('curl'),
      target: productpage,
      waypoint,
      service: { namespace: 'bookinfo', name: 'productpage' },
      request: { method: 'DELETE' },
    });
    expect(get).toMatchObject({ decision: 'deny', enforcedBy: 'waypoint', policy: 'AuthorizationPolicy bookinfo/productpage-viewer' });
  });

  it("through the waypoint, the destination ztunnel sees the waypoint's identity, which productpage-ztunnel does not allow", () => {
    const d = authorizePath(r, {
      caller: sa('curl'),
      target: productpage,
      waypoint,
      service: { namespace: 'bookinfo', name: 'productpage' },
      request: { method: 'GET' },
    });
    expect(d).toMatchObject({ decision: 'deny', enforcedBy: 'ztunnel', policy: 'AuthorizationPolicy bookinfo/productpage-ztunnel' });
    expect(d.steps?.map((s) => [s.at, s.decision, s.policy])).toEqual([
      ['waypoint', 'allow', 'AuthorizationPolicy bookinfo/productpage-viewer'],
      ['ztunnel', 'deny', 'AuthorizationPolicy bookinfo/productpage-ztunnel'],
    ]);
    expect(d.reason).toContain(`${td}/waypoint`);
  });

  it('allowing the waypoint at ztunnel leaves the decision to the waypoint: GET only', () => {
    const fixed = indexResources([
      ...s5Objects({ live: true }).filter((o) => o.metadata.name !== 'productpage-ztunnel'),
      ap('bookinfo', 'productpage-ztunnel', {
        selector: { matchLabels: { app: 'productpage' } },
        rules: [{ from: [{ source: { principals: [`${td}/waypoint`, `${td}/bookinfo-gateway-istio`] } }] }],
      }),
    ]);
    const q = { caller: sa('curl'), target: productpage, waypoint, service: { namespace: 'bookinfo', name: 'productpage' } };
    expect(authorizePath(fixed, q)).toMatchObject({
      decision: 'conditional',
      enforcedBy: 'waypoint',
      policy: 'AuthorizationPolicy bookinfo/productpage-viewer',
    });
    expect(authorizePath(fixed, { ...q, request: { method: 'GET' } }).decision).toBe('allow');
    expect(authorizePath(fixed, { ...q, caller: sa('bookinfo-reviews'), request: { method: 'GET' } })).toMatchObject({
      decision: 'deny',
      enforcedBy: 'waypoint',
    });
  });

  it('a policy attached to the waypoint Gateway applies to every service behind it', () => {
    const withGw = indexResources([
      ...s5Objects({ live: true }),
      ap('bookinfo', 'viewer', {
        targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }],
        rules: [{ from: [{ source: { namespaces: ['bookinfo'] } }] }],
      }),
    ]);
    expect(waypointPolicies(withGw, waypoint, { namespace: 'bookinfo', name: 'reviews' }).map((p) => p.metadata.name)).toEqual(['viewer']);
  });
});
