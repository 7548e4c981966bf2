/**
 * Stage 5 of buildGraph: Gateway API routes (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute).
 * - Attached to a Gateway (ingress): gateway -> backend Service for each backendRef of
 *   each rule, with the rule's matches, its weight as a share of the rule's weights, the
 *   hostnames the route serves on the accepted listeners, and filters/timeouts/retries
 *   as badges. Applied by the gateway. When the backend Service has a waypoint, ingress
 *   still goes straight to the workloads unless the Service asks for
 *   istio.io/ingress-use-waypoint=true (https://istio.io/latest/docs/ambient/usage/waypoint/).
 * - Attached to a Service (mesh route, "GAMMA"): service -> backend (another Service,
 *   e.g. reviews -> reviews-v1 90%), or service -> its own versions when the backend is
 *   the Service itself. Applied by the Service's waypoint in ambient, by client sidecars
 *   in sidecar mode; in ambient without a waypoint nothing applies it, and the edge says
 *   why (appliedBy.by 'none').
 * Refused parents and unresolved backends are left to the analyzer (a warning on the
 * node says so). Returns the services whose mesh traffic an applied route covers. Pure.
 */
import { GATEWAY_API_GROUP } from '../../kinds';
import type { BackendInfo, ParentAttachment, RouteInfo } from '../../gatewayapi';
import type { GRPCRouteRule, HTTPRouteRule } from '../../gatewayapi/types';
import type { BuildContext, SvcInfo, Target } from '../context';
import { gatewayApiBadges, summarizeRouteMatches } from '../describe';
import type { EdgeBadge, GraphNode, Protocol, RouteEnforcement } from '../types';
import { meshRouteEnforcement } from './vsroutes';

type AnyRule = HTTPRouteRule & GRPCRouteRule;

function protocolOf(kind: RouteInfo['kind'], target: Target, port: number | undefined): Protocol {
  if (kind === 'TCPRoute') return 'tcp';
  if (kind === 'TLSRoute') return 'tls';
  if (kind === 'GRPCRoute') return 'grpc';
  if (target.kind === 'service') {
    const p = target.info.node.ports.find((x) => x.port === port);
    if (p && (p.protocol === 'grpc' || p.protocol === 'http2')) return p.protocol;
  }
  return 'http';
}

function targetOf(ctx: BuildContext, b: BackendInfo): Target | undefined {
  if (b.problem) return undefined;
  if (b.kind === 'Service') {
    const info = ctx.svcByKey.get(`${b.namespace}/${b.name}`);
    return info ? { kind: 'service', info } : undefined;
  }
  if (b.kind === 'ServiceEntry') {
    const node = ctx.seByKey.get(`${b.namespace}/${b.name}`);
    return node ? { kind: 'external', node } : undefined;
  }
  return ctx.resolveHost(b.name, b.namespace);
}

/** Each backend's share of its rule, in percent (weights are relative; 0 sends nothing). */
function shares(backends: readonly BackendInfo[]): Map<BackendInfo, number> {
  const out = new Map<BackendInfo, number>();
  const byRule = new Map<number, BackendInfo[]>();
  for (const b of backends) byRule.set(b.rule, [...(byRule.get(b.rule) ?? []), b]);
  for (const list of byRule.values()) {
    const total = list.reduce((s, b) => s + Math.max(0, b.weight), 0);
    for (const b of list) out.set(b, total > 0 ? Math.round((Math.max(0, b.weight) / total) * 1000) / 10 : 0);
  }
  return out;
}

export function gatewayApiRoutes(ctx: BuildContext): Set<SvcInfo> {
  const routed = new Set<SvcInfo>();
  for (const route of ctx.gatewayApi.routes) {
    const routeRef = { resource: route.resource, group: GATEWAY_API_GROUP };
    const share = shares(route.backends);
    const rules = (route.obj.spec?.rules ?? []) as AnyRule[];
    const describe = (b: BackendInfo) => {
      const rule = rules[b.rule] ?? {};
      return {
        match: summarizeRouteMatches(rule.matches),
        badges:
          route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute'
            ? gatewayApiBadges({ ...rule, filters: [...(rule.filters ?? []), ...(b.ref.filters ?? [])] })
            : ([] as EdgeBadge[]),
        name: rule.name,
      };
    };
    for (const parent of route.parents) {
      if (!parent.accepted) continue;
      if (parent.kind === 'Gateway') gatewayRoute(ctx, route, parent, share, describe, routeRef);
      else if (parent.kind === 'Service') {
        const info = ctx.svcByKey.get(`${parent.namespace}/${parent.name}`);
        if (!info) continue;
        if (meshRoute(ctx, route, parent, info, share, describe, routeRef)) routed.add(info);
      }
    }
  }
  return routed;
}

type Describe = (b: BackendInfo) => { match?: string; badges: EdgeBadge[]; name?: string };

function warnBackend(ctx: BuildContext, n: GraphNode | undefined, route: RouteInfo, b: BackendInfo): void {
  if (n && b.problem) ctx.warn(n, `${route.resource} ${b.path}: ${b.reason}`);
}

function gatewayRoute(
  ctx: BuildContext,
  route: RouteInfo,
  parent: ParentAttachment,
  share: Map<BackendInfo, number>,
  describe: Describe,
  routeRef: { resource: string; group: string },
): void {
  const gw = parent.gateway;
  if (!gw || gw.istio === 'waypoint') return;
  const gwIds = ctx.gatewayNodesOf.get(`gatewayapi:${gw.namespace}/${gw.name}`) ?? [];
  for (const b of route.backends) {
    const target = targetOf(ctx, b);
    if (!target) {
      for (const id of gwIds) warnBackend(ctx, ctx.nodes.get(id), route, b);
      continue;
    }
    const targetId = ctx.targetId(target);
    const d = describe(b);
    let appliedBy: RouteEnforcement = { by: 'gateway', enforcer: gw.resource, reason: `applied by the gateway (${route.resource} attached to ${gw.resource})` };
    if (target.kind === 'service' && target.info.node.waypoint?.state === 'bound') {
      appliedBy = target.info.node.ingressUsesWaypoint
        ? { ...appliedBy, reason: `${appliedBy.reason}; then through the Service's waypoint (istio.io/ingress-use-waypoint=true)` }
        : {
            ...appliedBy,
            reason: `${appliedBy.reason}; ingress bypasses ${target.info.node.name}'s waypoint and goes straight to its workloads (no istio.io/ingress-use-waypoint=true on the Service)`,
          };
    }
    for (const gwId of gwIds) {
      ctx.addEdge({
        id: `gateway-route:${gwId}->${targetId}#route:${route.kind}/${route.namespace}/${route.name}/rules[${b.rule}]/backendRefs[${b.index}]`,
        kind: 'gateway-route',
        source: gwId,
        target: targetId,
        protocol: protocolOf(route.kind, target, b.port),
        port: b.port,
        weight: share.get(b),
        match: d.match,
        via: {
          gateway: gw.resource,
          httpRoute: route.resource,
          hosts: parent.hostnames,
          listener: parent.listeners.join(', '),
          route: d.name,
          ...(target.kind === 'service' && target.info.node.ingressUsesWaypoint && target.info.node.waypoint?.resource
            ? { waypoint: target.info.node.waypoint.resource }
            : {}),
        },
        appliedBy,
        badges: d.badges,
        declared: true,
        observed: false,
        evidence: [`${route.resource} ${b.path}`],
        refs: [
          { ...routeRef, path: b.path },
          { resource: gw.resource, group: GATEWAY_API_GROUP },
        ],
      });
    }
  }
}

function meshRoute(
  ctx: BuildContext,
  route: RouteInfo,
  parent: ParentAttachment,
  info: SvcInfo,
  share: Map<BackendInfo, number>,
  describe: Describe,
  routeRef: { resource: string; group: string },
): boolean {
  const svcNode = info.node;
  svcNode.routes ??= [];
  if (!svcNode.routes.includes(route.resource)) svcNode.routes.push(route.resource);
  if (!svcNode.refs.some((r) => r.resource === route.resource)) svcNode.refs.push(routeRef);
  const appliedBy = meshRouteEnforcement(ctx, info, `${route.kind} ${route.namespace}/${route.name}`);
  if (appliedBy.by === 'none') ctx.warn(svcNode, `${route.resource}: ${appliedBy.reason}`);
  for (const b of route.backends) {
    const target = targetOf(ctx, b);
    if (!target) {
      warnBackend(ctx, svcNode, route, b);
      continue;
    }
    const d = describe(b);
    const base = {
      kind: 'route' as const,
      source: svcNode.id,
      protocol: protocolOf(route.kind, target, b.port),
      port: b.port,
      match: d.match,
      via: { httpRoute: route.resource, route: d.name, ...(appliedBy.by === 'waypoint' ? { waypoint: appliedBy.enforcer } : {}) },
      appliedBy,
      badges: d.badges,
      declared: true,
      observed: false,
      evidence: [`${route.resource} ${b.path}`],
      refs: [{ ...routeRef, path: b.path }],
    };
    const suffix = `#route:${route.kind}/${route.namespace}/${route.name}/rules[${b.rule}]/backendRefs[${b.index}]`;
    if (target.kind === 'service' && target.info === info) {
      for (const g of info.groups)
        ctx.addEdge({
          ...base,
          id: `route:${svcNode.id}->${g.id}${suffix}`,
          target: g.id,
          weight: share.get(b),
          weightShared: info.groups.length > 1 || undefined,
        });
      continue;
    }
    const targetId = ctx.targetId(target);
    ctx.addEdge({ ...base, id: `route:${svcNode.id}->${targetId}${suffix}`, target: targetId, weight: share.get(b) });
  }
  return appliedBy.by !== 'none';
}
