/**
 * Each stage of buildGraph on its own (S5: ambient + Gateway API): what it adds to the
 * shared context, run in the order build.ts runs them. The whole graph's facts are in
 * scenarios.test.ts; these pin which stage owns which fact.
 */
import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import { createContext, type BuildContext } from './context';
import { envCalls, policyCalls, sourceLabelCalls } from './stages/calls';
import { gatewayApiGateways, istioGateways, waypointNodes } from './stages/gateways';
import { gatewayApiRoutes } from './stages/gwroutes';
import { externalNodes, serviceNodes } from './stages/services';
import { implicitRoutes, vsGatewayRoutes, vsMeshRoutes } from './stages/vsroutes';
import { waypointServes } from './stages/waypoints';
import { workloadGroups } from './stages/workloads';
import { s5Objects } from './test/fixtures';
import { DEFAULT_VERSION_LABELS } from './workloads';

const fresh = (): BuildContext =>
  createContext(
    indexResources(s5Objects({ live: true })),
    DEFAULT_VERSION_LABELS.map(([a, v]) => [a, v] as [string, string]),
  );
const nodeIds = (ctx: BuildContext, prefix: string) => [...ctx.nodes.keys()].filter((k) => k.startsWith(prefix)).sort();
const edgeList = (ctx: BuildContext, kind?: string) =>
  [...ctx.edges.values()].filter((e) => !kind || e.kind === kind).map((e) => `${e.source}->${e.target}${e.weight !== undefined ? ` ${e.weight}` : ''}`);

describe('graph stages on S5', () => {
  it('gateways: the Gateway API gateway of class istio is an ingress node; no edges yet', () => {
    const ctx = fresh();
    istioGateways(ctx);
    expect(nodeIds(ctx, 'gw:')).toEqual([]);
    gatewayApiGateways(ctx);
    expect(nodeIds(ctx, 'gw:')).toEqual(['gw:bookinfo/bookinfo-gateway-istio']);
    expect(ctx.edges.size).toBe(0);
  });

  it('waypoints: the waypoint is a node of its own, not a workload', () => {
    const ctx = fresh();
    waypointNodes(ctx);
    expect(nodeIds(ctx, 'wp:')).toEqual(['wp:bookinfo/waypoint']);
    workloadGroups(ctx);
    expect(nodeIds(ctx, 'ver:')).toEqual([
      'ver:bookinfo/curl',
      'ver:bookinfo/details/v1',
      'ver:bookinfo/productpage/v1',
      'ver:bookinfo/ratings/v1',
      'ver:bookinfo/reviews/v1',
      'ver:bookinfo/reviews/v2',
      'ver:bookinfo/reviews/v3',
    ]);
    expect(nodeIds(ctx, 'ver:').some((id) => id.includes('waypoint') || id.includes('gateway'))).toBe(false);
  });

  it('services: one node per Service, none for the proxies; no routes yet', () => {
    const ctx = fresh();
    istioGateways(ctx);
    gatewayApiGateways(ctx);
    waypointNodes(ctx);
    workloadGroups(ctx);
    serviceNodes(ctx);
    externalNodes(ctx);
    expect(nodeIds(ctx, 'svc:')).toContain('svc:bookinfo/reviews');
    expect(nodeIds(ctx, 'svc:')).toContain('svc:bookinfo/reviews-v2');
    expect(nodeIds(ctx, 'svc:').some((id) => id.includes('waypoint') || id.includes('gateway-istio'))).toBe(false);
    expect(ctx.edges.size).toBe(0);
  });

  it('routes: the HTTPRoutes give the ingress edge and reviews 90/10; implicit routes only for what nothing routes', () => {
    const ctx = fresh();
    for (const stage of [istioGateways, gatewayApiGateways, waypointNodes, workloadGroups, serviceNodes, externalNodes, vsGatewayRoutes]) stage(ctx);
    const routed = vsMeshRoutes(ctx);
    const before = edgeList(ctx);
    for (const s of gatewayApiRoutes(ctx)) routed.add(s);
    const byGatewayApi = edgeList(ctx).filter((e) => !before.includes(e));
    expect(byGatewayApi).toEqual(
      expect.arrayContaining([
        'gw:bookinfo/bookinfo-gateway-istio->svc:bookinfo/productpage 100',
        'svc:bookinfo/reviews->svc:bookinfo/reviews-v1 90',
        'svc:bookinfo/reviews->svc:bookinfo/reviews-v2 10',
      ]),
    );
    implicitRoutes(ctx, routed);
    // reviews is routed by its HTTPRoute: no implicit edge from it to a version.
    expect(edgeList(ctx, 'route').filter((e) => e.startsWith('svc:bookinfo/reviews->ver:'))).toEqual([]);
    expect(edgeList(ctx, 'route')).toContain('svc:bookinfo/reviews-v3->ver:bookinfo/reviews/v3');
  });

  it('calls: from AuthorizationPolicy principals and env, never guessed from names', () => {
    const ctx = fresh();
    for (const stage of [istioGateways, gatewayApiGateways, waypointNodes, workloadGroups, serviceNodes, externalNodes]) stage(ctx);
    sourceLabelCalls(ctx);
    expect(edgeList(ctx, 'call')).toEqual([]);
    policyCalls(ctx);
    const fromPolicies = edgeList(ctx, 'call');
    expect(fromPolicies).toContain('ver:bookinfo/curl->svc:bookinfo/productpage');
    envCalls(ctx);
    expect(edgeList(ctx, 'call').length).toBeGreaterThanOrEqual(fromPolicies.length);
    expect(edgeList(ctx, 'call').every((e) => e.startsWith('ver:') || e.startsWith('wl:') || e.startsWith('gw:'))).toBe(true);
  });

  it('what waypoints serve: waypoint edges to the services bound to it', () => {
    const ctx = fresh();
    for (const stage of [istioGateways, gatewayApiGateways, waypointNodes, workloadGroups, serviceNodes, externalNodes]) stage(ctx);
    waypointServes(ctx);
    const served = [...ctx.edges.values()].filter((e) => e.source === 'wp:bookinfo/waypoint').map((e) => e.target);
    expect(served).toContain('svc:bookinfo/reviews');
  });
});
