import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject, MeshConfig } from '../types';
import { clientTls, edgeSecurity, effectiveMtls, findDestinationRule } from './mtls';

function pa(ns: string, name: string, spec: Record<string, unknown>, created?: string): K8sObject {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns, creationTimestamp: created }, spec };
}
function dr(ns: string, name: string, spec: Record<string, unknown>, created?: string): K8sObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: ns, creationTimestamp: created }, spec };
}
const res = (objs: K8sObject[], mc?: MeshConfig) => indexResources(objs, mc);

describe('effectiveMtls precedence', () => {
  const mesh = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
  const nsPermissive = pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } });
  const wlDisable = pa('shop', 'legacy', {
    selector: { matchLabels: { app: 'legacy' } },
    mtls: { mode: 'DISABLE' },
    portLevelMtls: { '8080': { mode: 'STRICT' }, '9090': { mode: 'UNSET' } },
  });

  it('defaults to PERMISSIVE with no policy', () => {
    const r = effectiveMtls(res([]), { namespace: 'shop', labels: { app: 'x' } });
    expect(r).toMatchObject({ mode: 'PERMISSIVE', source: { level: 'default' } });
    expect(r.source.resource).toBeUndefined();
  });

  it('applies the root-namespace policy mesh-wide', () => {
    const r = effectiveMtls(res([mesh]), { namespace: 'shop', labels: {} });
    expect(r.mode).toBe('STRICT');
    expect(r.source).toEqual({ level: 'mesh', resource: 'PeerAuthentication istio-system/default', path: 'spec/mtls/mode' });
    expect(r.reason).toContain('mesh-wide');
  });

  it('honours meshConfig.rootNamespace', () => {
    const custom = pa('mesh-root', 'default', { mtls: { mode: 'STRICT' } });
    expect(effectiveMtls(res([custom]), { namespace: 'shop' }).mode).toBe('PERMISSIVE');
    expect(effectiveMtls(res([custom], { rootNamespace: 'mesh-root' }), { namespace: 'shop' }).source.level).toBe('mesh');
    // A policy in istio-system is then just a namespace policy of istio-system.
    expect(effectiveMtls(res([mesh], { rootNamespace: 'mesh-root' }), { namespace: 'shop' }).mode).toBe('PERMISSIVE');
  });

  it('namespace beats mesh, workload beats namespace, port beats workload', () => {
    const r = res([mesh, nsPermissive, wlDisable]);
    expect(effectiveMtls(r, { namespace: 'shop', labels: { app: 'web' } })).toMatchObject({
      mode: 'PERMISSIVE',
      source: { level: 'namespace', resource: 'PeerAuthentication shop/default' },
    });
    expect(effectiveMtls(r, { namespace: 'shop', labels: { app: 'legacy' } })).toMatchObject({
      mode: 'DISABLE',
      source: { level: 'workload', resource: 'PeerAuthentication shop/legacy' },
    });
    expect(effectiveMtls(r, { namespace: 'shop', labels: { app: 'legacy' }, port: 8080 })).toMatchObject({
      mode: 'STRICT',
      source: { level: 'port', resource: 'PeerAuthentication shop/legacy', path: 'spec/portLevelMtls/8080/mode' },
    });
    // UNSET at port level inherits the workload mode.
    const unset = effectiveMtls(r, { namespace: 'shop', labels: { app: 'legacy' }, port: 9090 });
    expect(unset).toMatchObject({ mode: 'DISABLE', source: { level: 'workload' } });
    expect(unset.inherited).toEqual(['PeerAuthentication shop/legacy port 9090']);
    // Other namespaces only see the mesh policy.
    expect(effectiveMtls(r, { namespace: 'other', labels: { app: 'legacy' } }).source.level).toBe('mesh');
  });

  it('UNSET inherits from the next level and records it', () => {
    const nsUnset = pa('shop', 'default', { mtls: { mode: 'UNSET' } });
    const wlNoMode = pa('shop', 'w', { selector: { matchLabels: { app: 'a' } } });
    const r = effectiveMtls(res([mesh, nsUnset, wlNoMode]), { namespace: 'shop', labels: { app: 'a' } });
    expect(r.mode).toBe('STRICT');
    expect(r.source.level).toBe('mesh');
    expect(r.inherited).toEqual(['PeerAuthentication shop/default', 'PeerAuthentication shop/w']);
  });

  it('the oldest policy wins among equals, then the name', () => {
    const a = pa('shop', 'b-newer', { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'DISABLE' } }, '2024-05-01T00:00:00Z');
    const b = pa('shop', 'z-older', { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'STRICT' } }, '2024-01-01T00:00:00Z');
    expect(effectiveMtls(res([a, b]), { namespace: 'shop', labels: { app: 'a' } }).source.resource).toBe('PeerAuthentication shop/z-older');
    const c = pa('shop', 'a-first', { mtls: { mode: 'DISABLE' } });
    const d = pa('shop', 'b-second', { mtls: { mode: 'STRICT' } });
    expect(effectiveMtls(res([d, c]), { namespace: 'shop' }).source.resource).toBe('PeerAuthentication shop/a-first');
  });

  it('a selector policy in the root namespace only selects root-namespace workloads', () => {
    const rootSel = pa('istio-system', 'gw', { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'DISABLE' } });
    expect(effectiveMtls(res([mesh, rootSel]), { namespace: 'shop', labels: { app: 'a' } }).mode).toBe('STRICT');
    expect(effectiveMtls(res([mesh, rootSel]), { namespace: 'istio-system', labels: { app: 'a' } })).toMatchObject({
      mode: 'DISABLE',
      source: { level: 'workload' },
    });
  });

  it('ignores portLevelMtls when no port is given and when the policy has no selector', () => {
    const nsPort = pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } });
    expect(effectiveMtls(res([nsPort]), { namespace: 'shop', labels: { app: 'a' }, port: 8080 }).mode).toBe('PERMISSIVE');
    expect(effectiveMtls(res([wlDisable]), { namespace: 'shop', labels: { app: 'legacy' } }).mode).toBe('DISABLE');
  });
});

describe('findDestinationRule and clientTls', () => {
  const svcHost = 'reviews.prod.svc.cluster.local';

  it('prefers the client namespace, then the host namespace, then the root namespace', () => {
    const inClient = dr('client', 'c', { host: svcHost, trafficPolicy: { tls: { mode: 'DISABLE' } } });
    const inHost = dr('prod', 'h', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const inRoot = dr('istio-system', 'r', { host: '*.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE' } } });
    const q = { fromNamespace: 'client', host: svcHost };
    expect(findDestinationRule(res([inClient, inHost, inRoot]), q)).toMatchObject({ resource: 'DestinationRule client/c', via: 'client-namespace' });
    expect(findDestinationRule(res([inHost, inRoot]), q)).toMatchObject({ resource: 'DestinationRule prod/h', via: 'host-namespace' });
    expect(findDestinationRule(res([inRoot]), q)).toMatchObject({ resource: 'DestinationRule istio-system/r', via: 'root-namespace' });
    expect(clientTls(res([inHost, inRoot]), q)).toMatchObject({
      mode: 'ISTIO_MUTUAL',
      auto: false,
      source: { level: 'destination-rule', resource: 'DestinationRule prod/h', path: 'spec/trafficPolicy/tls' },
    });
  });

  it('honours exportTo outside the owner namespace but not inside it', () => {
    const private_ = dr('prod', 'h', { host: 'reviews', exportTo: ['.'], trafficPolicy: { tls: { mode: 'DISABLE' } } });
    const toClient = dr('prod', 'h2', { host: 'reviews', exportTo: ['client'], trafficPolicy: { tls: { mode: 'DISABLE' } } });
    expect(findDestinationRule(res([private_]), { fromNamespace: 'client', host: svcHost })).toBeUndefined();
    expect(findDestinationRule(res([private_]), { fromNamespace: 'prod', host: 'reviews' })?.resource).toBe('DestinationRule prod/h');
    expect(findDestinationRule(res([toClient]), { fromNamespace: 'client', host: svcHost })?.resource).toBe('DestinationRule prod/h2');
    expect(findDestinationRule(res([toClient]), { fromNamespace: 'third', host: svcHost })).toBeUndefined();
    const hidden = dr('istio-system', 'r', { host: '*', exportTo: ['~'] });
    expect(findDestinationRule(res([hidden]), { fromNamespace: 'client', host: svcHost })).toBeUndefined();
  });

  it('picks the most specific host, then the oldest', () => {
    const wide = dr('prod', 'wide', { host: '*.prod.svc.cluster.local' }, '2020-01-01T00:00:00Z');
    const exact = dr('prod', 'exact', { host: 'reviews' }, '2024-01-01T00:00:00Z');
    const exactOld = dr('prod', 'exact-old', { host: 'reviews.prod.svc.cluster.local' }, '2023-01-01T00:00:00Z');
    expect(findDestinationRule(res([wide, exact]), { fromNamespace: 'prod', host: 'reviews' })?.resource).toBe('DestinationRule prod/exact');
    expect(findDestinationRule(res([wide, exact, exactOld]), { fromNamespace: 'prod', host: 'reviews' })?.resource).toBe('DestinationRule prod/exact-old');
    expect(findDestinationRule(res([wide, exact]), { fromNamespace: 'prod', host: 'ratings' })?.resource).toBe('DestinationRule prod/wide');
  });

  it('applies a workloadSelector DR only to matching clients of its namespace', () => {
    const sel = dr('prod', 'sel', { host: 'reviews', workloadSelector: { matchLabels: { app: 'pp' } }, trafficPolicy: { tls: { mode: 'DISABLE' } } });
    const plain = dr('prod', 'plain', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const r = res([sel, plain]);
    expect(findDestinationRule(r, { fromNamespace: 'prod', fromLabels: { app: 'pp' }, host: 'reviews' })?.resource).toBe('DestinationRule prod/sel');
    expect(findDestinationRule(r, { fromNamespace: 'prod', fromLabels: { app: 'other' }, host: 'reviews' })?.resource).toBe('DestinationRule prod/plain');
    expect(findDestinationRule(r, { fromNamespace: 'client', fromLabels: { app: 'pp' }, host: svcHost })?.resource).toBe('DestinationRule prod/plain');
  });

  it('port-level and subset settings override, and port-level settings do not inherit', () => {
    const d = dr('prod', 'reviews', {
      host: 'reviews',
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        portLevelSettings: [
          { port: { number: 9080 }, tls: { mode: 'DISABLE' } },
          { port: { number: 9443 }, loadBalancer: { simple: 'ROUND_ROBIN' } },
        ],
      },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        {
          name: 'v2',
          labels: { version: 'v2' },
          trafficPolicy: { tls: { mode: 'SIMPLE' }, portLevelSettings: [{ port: { number: 9080 }, tls: { mode: 'MUTUAL' } }] },
        },
      ],
    });
    const r = res([d]);
    const base = { fromNamespace: 'prod', host: 'reviews' };
    expect(clientTls(r, base)).toMatchObject({ mode: 'ISTIO_MUTUAL', source: { level: 'destination-rule' } });
    expect(clientTls(r, { ...base, port: 9080 })).toMatchObject({
      mode: 'DISABLE',
      source: { level: 'port', path: 'spec/trafficPolicy/portLevelSettings[0]/tls' },
    });
    // A port-level entry without tls resets TLS to the auto default.
    expect(clientTls(r, { ...base, port: 9443 })).toMatchObject({
      mode: 'ISTIO_MUTUAL',
      auto: true,
      source: { level: 'auto' },
      destinationRule: 'DestinationRule prod/reviews',
    });
    expect(clientTls(r, { ...base, subset: 'v1', port: 9080 })).toMatchObject({ mode: 'DISABLE', source: { level: 'port' } });
    expect(clientTls(r, { ...base, subset: 'v2' })).toMatchObject({ mode: 'SIMPLE', source: { level: 'subset', path: 'spec/subsets[1]/trafficPolicy/tls' } });
    expect(clientTls(r, { ...base, subset: 'v2', port: 9080 })).toMatchObject({
      mode: 'MUTUAL',
      source: { level: 'subset-port', path: 'spec/subsets[1]/trafficPolicy/portLevelSettings[0]/tls' },
    });
    expect(clientTls(r, { ...base, subset: 'v9' }).reason).toContain('subset "v9" is not defined');
  });

  it('uses auto mTLS without DR tls, depending on the server', () => {
    const r = res([]);
    const q = { fromNamespace: 'a', host: svcHost };
    expect(clientTls(r, q)).toMatchObject({ mode: 'ISTIO_MUTUAL', auto: true });
    expect(clientTls(r, { ...q, server: { inMesh: true, mode: 'STRICT' } })).toMatchObject({ mode: 'ISTIO_MUTUAL', auto: true });
    expect(clientTls(r, { ...q, server: { inMesh: false } })).toMatchObject({ mode: 'DISABLE', auto: true });
    expect(clientTls(r, { ...q, server: { inMesh: true, mode: 'DISABLE' } })).toMatchObject({ mode: 'DISABLE', auto: true });
    expect(clientTls(r, { ...q, server: { inMesh: false, external: true } })).toMatchObject({ mode: 'DISABLE', auto: true });
    expect(clientTls(res([], { enableAutoMtls: false }), { ...q, server: { inMesh: true } })).toMatchObject({
      mode: 'DISABLE',
      auto: false,
      source: { level: 'default' },
    });
    expect(clientTls(r, { ...q, clientInMesh: false })).toMatchObject({ mode: 'DISABLE', source: { level: 'no-sidecar' } });
  });

  it('reads a tls block without mode as DISABLE (the API default)', () => {
    const d = dr('prod', 'r', { host: 'reviews', trafficPolicy: { tls: { sni: 'x' } } });
    expect(clientTls(res([d]), { fromNamespace: 'prod', host: 'reviews' })).toMatchObject({ mode: 'DISABLE', auto: false });
  });
});

describe('edgeSecurity', () => {
  const strict = pa('istio-system', 'default', { mtls: { mode: 'STRICT' } });
  const disableClient = dr('shop', 'no-tls', { host: 'api', trafficPolicy: { tls: { mode: 'DISABLE' } } });
  const server = { namespace: 'shop', labels: { app: 'api' }, inMesh: true, port: 8080 };
  const dest = { host: 'api.shop.svc.cluster.local', port: 80 };

  it('locks a mesh edge with auto mTLS', () => {
    const s = edgeSecurity(res([strict]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server });
    expect(s.state).toBe('mtls');
    expect(s.server).toMatchObject({ mode: 'STRICT', source: { level: 'mesh' }, inMesh: true });
    expect(s.client).toMatchObject({ mode: 'ISTIO_MUTUAL', auto: true });
  });

  it('flags STRICT server + DISABLE client as a conflict', () => {
    const s = edgeSecurity(res([strict, disableClient]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server });
    expect(s.state).toBe('conflict');
    expect(s.client.source.resource).toBe('DestinationRule shop/no-tls');
    expect(s.reason).toMatch(/requires mTLS/);
  });

  it('flags a STRICT server called by a client without sidecar', () => {
    const s = edgeSecurity(res([strict]), { client: { namespace: 'shop', inMesh: false }, destination: dest, server });
    expect(s.state).toBe('conflict');
    expect(s.reason).toMatch(/no sidecar/);
  });

  it('shows plaintext (open padlock) on a PERMISSIVE server with DISABLE client, or with no sidecar on either side', () => {
    const perm = pa('shop', 'default', { mtls: { mode: 'PERMISSIVE' } });
    expect(edgeSecurity(res([perm, disableClient]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server }).state).toBe('plaintext');
    expect(edgeSecurity(res([perm]), { client: { namespace: 'shop', inMesh: false }, destination: dest, server }).state).toBe('plaintext');
    const noSidecar = { ...server, inMesh: false };
    expect(edgeSecurity(res([strict]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server: noSidecar }).state).toBe('plaintext');
  });

  it('flags explicit ISTIO_MUTUAL towards a server without sidecar or a DISABLE server', () => {
    const mutual = dr('shop', 'mutual', { host: 'api', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(edgeSecurity(res([mutual]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server: { ...server, inMesh: false } }).state).toBe(
      'conflict',
    );
    const off = pa('shop', 'off', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'DISABLE' } });
    expect(edgeSecurity(res([mutual, off]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server }).state).toBe('conflict');
    // Auto mTLS adapts to the DISABLE server instead.
    expect(edgeSecurity(res([off]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server }).state).toBe('plaintext');
  });

  it('evaluates external hosts by DR origination or port protocol', () => {
    const ext = { external: true as const, protocol: 'TCP' };
    const extDest = { host: 'db.example.com', port: 3306 };
    expect(edgeSecurity(res([]), { client: { namespace: 'shop', inMesh: true }, destination: extDest, server: ext }).state).toBe('plaintext');
    expect(
      edgeSecurity(res([]), { client: { namespace: 'shop', inMesh: true }, destination: extDest, server: { external: true, protocol: 'HTTPS' } }).state,
    ).toBe('tls');
    const orig = dr('shop', 'orig', { host: 'db.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } });
    const o = edgeSecurity(res([orig]), { client: { namespace: 'shop', inMesh: true }, destination: extDest, server: ext });
    expect(o.state).toBe('tls');
    expect(o.server).toBeUndefined();
    expect(o.client.source.resource).toBe('DestinationRule shop/orig');
    const bad = dr('shop', 'bad', { host: 'db.example.com', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(edgeSecurity(res([bad]), { client: { namespace: 'shop', inMesh: true }, destination: extDest, server: ext }).state).toBe('conflict');
  });

  it('uses the workload port for portLevelMtls and the service port for DR port settings', () => {
    const wl = pa('shop', 'api', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '8080': { mode: 'PERMISSIVE' } } });
    const portDr = dr('shop', 'p', { host: 'api', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] } });
    const s = edgeSecurity(res([wl, portDr]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server });
    expect(s.state).toBe('plaintext');
    expect(s.server?.source.level).toBe('port');
    expect(s.client.source.level).toBe('port');
    const s2 = edgeSecurity(res([wl, portDr]), { client: { namespace: 'shop', inMesh: true }, destination: dest, server: { ...server, port: 9999 } });
    expect(s2.state).toBe('conflict');
  });
});
