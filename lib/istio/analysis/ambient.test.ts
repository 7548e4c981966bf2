/**
 * Ambient mode and the Gateway API in the analysis engine: the exact findings on
 * scenario S5 (as files, and as the demo seeds it with what istiod's controllers add),
 * no findings on Istio's own Gateway API and ambient samples, and for every new check a
 * resource that passes and one that fails.
 */
import { describe, expect, it } from 'vitest';
import { buildGatewayApiModel } from '../gatewayapi';
import { loadFixture } from '../graph/test/fixtures';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { gatewayWorkloadObjects, istioSystemObjects, podsFor, routeStatus } from '../../../e2e/cluster/seed';
import { analyze } from './index';

type Obj = K8sObject;
const clone = <T>(v: T): T => structuredClone(v);
const keys = (objs: unknown[], opts: Parameters<typeof analyze>[1] = {}) => analyze(objs, opts).map((f) => `${f.code} ${f.resource}`).sort();
const only = (objs: unknown[], analyzer: string) => analyze(objs, { analyzers: [analyzer] });

/* ---- fixtures ---- */

/** Bookinfo (+ one Service per version) and curl in `ns`; `waypointServices` labelled istio.io/use-waypoint=waypoint. */
function bookinfo(ns: string, waypointServices: readonly string[] = [], waypoint = 'waypoint'): Obj[] {
  return [...loadFixture('istio/bookinfo.yaml', ns), ...loadFixture('istio/bookinfo-versions.yaml', ns), ...loadFixture('istio/curl.yaml', ns)].map((o) => {
    if (o.kind === 'Service' && waypointServices.includes(o.metadata.name)) o.metadata.labels = { ...(o.metadata.labels ?? {}), 'istio.io/use-waypoint': waypoint };
    return o;
  });
}

/** S5 as the scenario's header says to apply it (the seeder labels reviews and productpage). */
function s5Files(): Obj[] {
  return [...loadFixture('scenarios/s5-bookinfo-ambient-gateway-api.yaml', 'bookinfo'), ...bookinfo('bookinfo', ['reviews', 'productpage'])];
}

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
  out.push(...(controllers.flatMap((d) => podsFor(d as never, nsObj(d.metadata.namespace) as never, { apiVersion: 'apps/v1', kind: d.kind })) as unknown as Obj[]));
  const r = indexResources(out);
  const svcLabels = new Map(r.services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.metadata.labels ?? {}]));
  const nsLabels = new Map(r.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  for (const route of buildGatewayApiModel(r).routes) {
    (route.obj as { status?: unknown }).status = routeStatus(route, (ns, name) => !!svcLabels.get(`${ns}/${name}`)?.['istio.io/use-waypoint'] || !!nsLabels.get(ns)?.['istio.io/use-waypoint']);
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
    expect(by('MB0015').message).toContain('"istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected"');
    expect(by('MB0015').message).toContain('istio.io/use-waypoint=waypoint');
    expect(by('MB0017')).toMatchObject({ level: 'Error', path: 'spec/rules[0]/to[0]/operation/methods' });
    expect(by('MB0017').message).toContain('Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.');
    expect(by('MB0017').message).toContain('this ALLOW policy allows nothing and every connection to ratings is denied');
    expect(by('MB0022')).toMatchObject({ path: 'spec/hosts[0]' });
    expect(by('MB0022').message).toContain('alpha');
    expect(by('MB0022').message).toContain('Service bookinfo/details');
    expect(by('MB0024').message).toContain('every request that reaches productpage through waypoint bookinfo/waypoint is denied at the destination ztunnel; allow cluster.local/ns/bookinfo/sa/waypoint here'.replace('; allow', '. Allow'));
  });

  it('fixing the mistakes clears every finding', () => {
    const fixed = s5Files().filter((o) => !['ratings-get-only', 'details'].includes(o.metadata.name) || o.kind === 'Service' || o.kind === 'Deployment' || o.kind === 'ServiceAccount');
    for (const o of fixed) {
      if (o.kind === 'Service' && o.metadata.name === 'ratings') o.metadata.labels = { ...o.metadata.labels, 'istio.io/use-waypoint': 'waypoint' };
      if (o.kind === 'AuthorizationPolicy' && o.metadata.name === 'productpage-ztunnel') {
        (o.spec as { rules: Array<{ from: Array<{ source: { principals: string[] } }> }> }).rules[0]!.from[0]!.source.principals.push('cluster.local/ns/bookinfo/sa/waypoint');
      }
    }
    expect(keys(fixed)).toEqual([]);
  });
});

describe("Istio's own samples raise nothing", () => {
  const ambientNs = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'istio.io/dataplane-mode': 'ambient', ...labels } } });
  const waypoint = (ns: string, name = 'waypoint'): Obj => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: ns, labels: { 'istio.io/waypoint-for': 'service' } },
    spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
  });
  const namespaceWaypoint = () => [ambientNs('bookinfo', { 'istio.io/use-waypoint': 'waypoint' }), waypoint('bookinfo'), ...bookinfo('bookinfo'), ...loadFixture('istio/gateway-api/bookinfo-gateway.yaml', 'bookinfo')];

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
        if (o.kind === 'Service' && (o.metadata.name === 'details' || o.metadata.name === 'reviews')) o.metadata.labels = { ...o.metadata.labels, 'istio.io/use-waypoint': `bookinfo-${o.metadata.name}` };
        return o;
      }),
    ];
    expect(keys(objs)).toEqual([]);
    expect(keys(asLive(objs), { defaultResources: false })).toEqual([]);
  });
});

describe('malformed ambient and Gateway API input', () => {
  it('never throws (deterministic mini-fuzz over S5 as the demo holds it)', () => {
    const docs = asLive(s5Files());
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const weird: unknown[] = [null, 0, -1, '', 'x', true, [], {}, [null], { a: null }, 1.5];
    const mutate = (v: unknown, depth = 0): unknown => {
      if (v && typeof v === 'object') {
        const ks = Object.keys(v);
        if (!ks.length) return v;
        const k = ks[Math.floor(rnd() * ks.length)] as string;
        const copy = (Array.isArray(v) ? [...v] : { ...v }) as Record<string, unknown>;
        copy[k] = rnd() < 0.3 || depth > 6 ? weird[Math.floor(rnd() * weird.length)] : mutate((v as Record<string, unknown>)[k], depth + 1);
        return copy;
      }
      return weird[Math.floor(rnd() * weird.length)];
    };
    for (let i = 0; i < 100; i++) {
      const objs = docs.map((d) => (rnd() < 0.3 ? mutate(mutate(d)) : d));
      expect(() => analyze(objs, { defaultResources: false }), `iteration ${i}`).not.toThrow();
    }
  }, 120_000);
});
