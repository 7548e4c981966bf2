/**
 * Stage 4 of buildGraph: VirtualService routes.
 * - gateway-route: gateway -> service (or external) for each destination of a
 *   VirtualService bound to an Istio Gateway (spec.gateways) whose server hosts overlap
 *   the VirtualService hosts (honouring "ns/host" server hosts). A VirtualService may
 *   also bind a Gateway API Gateway ("ns/name" naming one): istiod then applies it on that
 *   gateway's listeners.
 * - route: service -> version for each destination of the VirtualService that routes
 *   mesh traffic for the service's host (subset labels from the DestinationRule; a
 *   destination without subset reaches every version and its weight is marked
 *   shared). A destination that is another host gives service -> service/external.
 *   In ambient the VirtualService is alpha and only a waypoint applies it; `appliedBy`
 *   says who does (waypoint, client sidecars, nobody).
 * Returns the services whose mesh traffic a VirtualService routes. Pure.
 */
import { fqdn, hostMatches, hostsOverlap, resolveGatewayRef, splitGatewayHost } from '../../hosts';
import { matchesLabels } from '../../labels';
import { nsOf, oldestFirst, refOf } from '../../security/common';
import { findDestinationRule } from '../../security/mtls';
import type { Gateway, HTTPMatchRequest, HTTPRoute, L4MatchAttributes, RouteDestination, VirtualService } from '../../types';
import type { BuildContext, Group, SvcInfo, Target } from '../context';
import { routeBadges, summarizeMatch } from '../describe';
import type { Protocol, ResourceRef, RouteEnforcement } from '../types';

interface RouteRow {
  section: 'http' | 'tcp' | 'tls';
  index: number;
  route: HTTPRoute | { match?: L4MatchAttributes[]; route?: RouteDestination[] };
}

export function routeRows(vs: VirtualService): RouteRow[] {
  const rows: RouteRow[] = [];
  (vs.spec?.http ?? []).forEach((route, index) => rows.push({ section: 'http', index, route }));
  (vs.spec?.tcp ?? []).forEach((route, index) => rows.push({ section: 'tcp', index, route }));
  (vs.spec?.tls ?? []).forEach((route, index) => rows.push({ section: 'tls', index, route }));
  return rows;
}

export function destPort(d: RouteDestination, target: Target): number | undefined {
  if (d.destination?.port?.number !== undefined) return d.destination.port.number;
  if (target.kind === 'service') return target.info.node.ports.length === 1 ? target.info.node.ports[0]?.port : undefined;
  return target.node.ports.length === 1 ? target.node.ports[0]?.number : undefined;
}

export function protocolFor(section: 'http' | 'tcp' | 'tls', target: Target, port: number | undefined): Protocol {
  if (section === 'tcp') return 'tcp';
  if (section === 'tls') return 'tls';
  if (target.kind === 'service') {
    const p = target.info.node.ports.find((x) => x.port === port) ?? target.info.node.ports[0];
    if (p && (p.protocol === 'grpc' || p.protocol === 'http2')) return p.protocol;
  }
  return 'http';
}

export function subsetGroups(ctx: BuildContext, info: SvcInfo, subset: string | undefined, fromNs: string): { groups: Group[]; dr?: string; problem?: string } {
  if (!subset) return { groups: info.groups };
  const dr = findDestinationRule(ctx.resources, { fromNamespace: fromNs, host: info.node.host });
  if (!dr) return { groups: [], problem: `subset "${subset}" but no DestinationRule defines subsets for ${info.node.host}` };
  const s = dr.entry.dr.spec?.subsets?.find((x) => x.name === subset);
  if (!s) return { groups: [], dr: dr.resource, problem: `subset "${subset}" is not defined in ${dr.resource}` };
  const groupsHit = info.groups.filter((g) => g.workloads.some((w) => matchesLabels(s.labels, w.labels)));
  if (!groupsHit.length) return { groups: [], dr: dr.resource, problem: `subset "${subset}" of ${dr.resource} selects no workload of ${info.node.host}` };
  return { groups: groupsHit, dr: dr.resource };
}

/**
 * Who applies mesh L7 routing for a Service: its waypoint when one takes its traffic,
 * otherwise the clients' sidecars when its namespace is a sidecar namespace, otherwise
 * (ambient without a waypoint) nobody: ztunnel only forwards L4.
 */
export function meshRouteEnforcement(ctx: BuildContext, info: SvcInfo, what: string): RouteEnforcement {
  const w = info.node.waypoint;
  if (w?.state === 'bound')
    return { by: 'waypoint', enforcer: w.resource, reason: `applied by waypoint ${w.resource?.replace(/^Gateway /, '')} (${w.reason})` };
  const nsMode = ctx.dataPlane.namespace(info.node.namespace).mode;
  const serverAmbient = info.groups.length ? info.groups.every((g) => g.node.dataPlane.mode === 'ambient') : nsMode === 'ambient';
  if (!serverAmbient) return { by: 'sidecar', reason: 'applied by the client sidecars' };
  const why = w ? w.reason : 'no istio.io/use-waypoint label on the Service or its namespace';
  return {
    by: 'none',
    reason: `not applied: ${info.node.name} is in ambient mode without a waypoint (${why}); ztunnel only forwards L4, so the ${what} has no effect for ambient clients (sidecar clients would still apply it)`,
  };
}

export function vsGatewayRoutes(ctx: BuildContext): void {
  const gatewayByKey = new Map<string, Gateway>();
  for (const g of [...ctx.resources.gateways].sort(oldestFirst)) gatewayByKey.set(`${nsOf(g)}/${g.metadata.name}`, g);
  for (const vs of [...ctx.resources.virtualServices].sort(oldestFirst)) {
    const vsNs = nsOf(vs);
    const vsRef = refOf(vs);
    const vsHosts = (vs.spec?.hosts ?? []).map((h) => fqdn(h, vsNs));
    for (const ref of vs.spec?.gateways ?? []) {
      const gr = resolveGatewayRef(ref, vsNs);
      if (gr === 'mesh') continue;
      const key = `${gr.namespace}/${gr.name}`;
      const g = gatewayByKey.get(key);
      let gwIds = ctx.gatewayNodesOf.get(key) ?? [];
      let hosts: string[];
      let gwRef: ResourceRef;
      if (g) {
        const gNs = nsOf(g);
        const bound = new Set<string>();
        for (const server of g.spec?.servers ?? []) {
          for (const sh of server.hosts ?? []) {
            const { namespace, host } = splitGatewayHost(sh);
            if (namespace && namespace !== '.' && namespace !== vsNs) continue;
            if (namespace === '.' && gNs !== vsNs) continue;
            const serverHost = fqdn(host, gNs);
            for (const vh of vsHosts) if (hostsOverlap(serverHost, vh)) bound.add(vh);
          }
        }
        if (!bound.size) continue;
        hosts = [...bound].sort();
        gwRef = { resource: refOf(g) };
      } else {
        // A Gateway API Gateway: its listener hostnames decide (none: any host).
        const k8s = ctx.gatewayApi.gatewayByKey.get(key);
        if (!k8s) continue; // dangling gateway reference: reported by the analyzer
        gwIds = ctx.gatewayNodesOf.get(`gatewayapi:${key}`) ?? [];
        const listenerHosts = k8s.listeners.map((l) => l.hostname).filter((h): h is string => !!h);
        hosts = listenerHosts.length ? vsHosts.filter((vh) => listenerHosts.some((lh) => hostMatches(lh, vh) || hostMatches(vh, lh))) : vsHosts;
        if (!hosts.length) continue;
        gwRef = { resource: k8s.resource, group: 'gateway.networking.k8s.io' };
      }
      for (const row of routeRows(vs)) {
        const matches = row.route.match as Array<HTTPMatchRequest | L4MatchAttributes> | undefined;
        if (
          matches?.length &&
          matches.every((m) => m.gateways?.length) &&
          !matches.some((m) =>
            m.gateways?.some((x) => {
              const r = resolveGatewayRef(x, vsNs);
              return r !== 'mesh' && r.namespace === gr.namespace && r.name === gr.name;
            }),
          )
        )
          continue;
        const dests = row.route.route ?? [];
        dests.forEach((d, j) => {
          const host = d.destination?.host;
          if (!host) return;
          const target = ctx.resolveHost(host, vsNs);
          const path = `spec/${row.section}[${row.index}]/route[${j}]`;
          if (!target) {
            for (const id of gwIds) {
              const n = ctx.nodes.get(id);
              if (n) ctx.warn(n, `${vsRef} ${path}: destination host ${host} is not a known Service or ServiceEntry`);
            }
            return;
          }
          const targetId = ctx.targetId(target);
          const port = destPort(d, target);
          for (const gwId of gwIds) {
            ctx.addEdge({
              id: `gateway-route:${gwId}->${targetId}#vs:${vsNs}/${vs.metadata.name}/${row.section}[${row.index}]/route[${j}]`,
              kind: 'gateway-route',
              source: gwId,
              target: targetId,
              protocol: protocolFor(row.section, target, port),
              port,
              weight: d.weight ?? (dests.length === 1 ? 100 : 0),
              match: summarizeMatch(matches),
              subset: d.destination?.subset,
              via: { gateway: gwRef.resource, virtualService: vsRef, hosts, route: (row.route as HTTPRoute).name },
              appliedBy: { by: 'gateway', enforcer: gwRef.resource, reason: `applied by the gateway (${vsRef} bound to ${gwRef.resource})` },
              badges: row.section === 'http' ? routeBadges(row.route as HTTPRoute) : [],
              declared: true,
              observed: false,
              evidence: [`${vsRef} ${path}`],
              refs: [{ resource: vsRef, path }, gwRef],
            });
          }
        });
      }
    }
  }
}

/** Mesh routes of VirtualServices: service -> version (or another host). Returns the services they route. */
export function vsMeshRoutes(ctx: BuildContext): Set<SvcInfo> {
  const routed = new Set<SvcInfo>();
  const meshVsExact = new Map<string, VirtualService[]>();
  const meshVsWildcard: Array<{ host: string; vs: VirtualService }> = [];
  for (const vs of [...ctx.resources.virtualServices].sort(oldestFirst)) {
    const gws = vs.spec?.gateways;
    if (gws && gws.length && !gws.includes('mesh')) continue;
    for (const h of vs.spec?.hosts ?? []) {
      const host = fqdn(h, nsOf(vs));
      if (host.startsWith('*')) meshVsWildcard.push({ host, vs });
      else meshVsExact.set(host, [...(meshVsExact.get(host) ?? []), vs]);
    }
  }
  const meshVsFor = (info: SvcInfo): VirtualService | undefined => {
    const ns = info.node.namespace;
    const exact = meshVsExact.get(info.node.host) ?? [];
    return exact.find((v) => nsOf(v) === ns) ?? exact[0] ?? meshVsWildcard.find((w) => hostMatches(w.host, info.node.host))?.vs;
  };

  for (const info of ctx.services) {
    const svcNode = info.node;
    const vs = meshVsFor(info);
    if (!vs) continue;
    const vsNs = nsOf(vs);
    const vsRef = refOf(vs);
    svcNode.virtualService = vsRef;
    svcNode.refs.push({ resource: vsRef });
    const appliedBy = meshRouteEnforcement(ctx, info, `${vsRef}`);
    if (appliedBy.by === 'none') ctx.warn(svcNode, `${vsRef}: ${appliedBy.reason}`);
    else if (appliedBy.by === 'waypoint')
      ctx.warn(
        svcNode,
        `${vsRef} routes mesh traffic in ambient mode, where the VirtualService is alpha; the stable API is an HTTPRoute with this Service as parentRef`,
      );
    if (appliedBy.by !== 'none') routed.add(info);
    for (const row of routeRows(vs)) {
      const dests = row.route.route ?? [];
      const matches = row.route.match as Array<HTTPMatchRequest | L4MatchAttributes> | undefined;
      if (matches?.length && matches.every((m) => m.gateways?.length && !m.gateways.includes('mesh'))) continue;
      dests.forEach((d, j) => {
        const host = d.destination?.host;
        if (!host) return;
        const path = `spec/${row.section}[${row.index}]/route[${j}]`;
        const target = ctx.resolveHost(host, vsNs);
        if (!target) {
          ctx.warn(svcNode, `${vsRef} ${path}: destination host ${host} is not a known Service or ServiceEntry`);
          return;
        }
        const port = destPort(d, target);
        const weight = d.weight ?? (dests.length === 1 ? 100 : 0);
        const base = {
          kind: 'route' as const,
          source: svcNode.id,
          protocol: protocolFor(row.section, target, port),
          port,
          match: summarizeMatch(matches),
          subset: d.destination?.subset,
          via: { virtualService: vsRef, route: (row.route as HTTPRoute).name },
          appliedBy,
          badges: row.section === 'http' ? routeBadges(row.route as HTTPRoute) : [],
          declared: true,
          observed: false,
          evidence: [`${vsRef} ${path}`],
        };
        const suffix = `#vs:${vsNs}/${vs.metadata.name}/${row.section}[${row.index}]/route[${j}]`;
        if (target.kind === 'service' && target.info === info) {
          const { groups: hit, dr, problem } = subsetGroups(ctx, info, d.destination?.subset, vsNs);
          if (problem) ctx.warn(svcNode, `${vsRef} ${path}: ${problem}`);
          const refs: ResourceRef[] = [{ resource: vsRef, path }];
          if (dr) refs.push({ resource: dr });
          for (const g of hit)
            ctx.addEdge({
              ...base,
              id: `route:${svcNode.id}->${g.id}${suffix}`,
              target: g.id,
              weight,
              weightShared: hit.length > 1 || undefined,
              refs: [...refs],
            });
          return;
        }
        const targetId = ctx.targetId(target);
        ctx.addEdge({ ...base, id: `route:${svcNode.id}->${targetId}${suffix}`, target: targetId, weight, refs: [{ resource: vsRef, path }] });
      });
    }
  }
  return routed;
}

/** Services no applied L7 route covers: one implicit edge per version the selector picks. */
export function implicitRoutes(ctx: BuildContext, routed: ReadonlySet<SvcInfo>): void {
  for (const info of ctx.services) {
    if (routed.has(info)) continue;
    const svcNode = info.node;
    const protocol = svcNode.ports[0]?.protocol;
    for (const g of info.groups) {
      ctx.addEdge({
        id: `route:${svcNode.id}->${g.id}`,
        kind: 'route',
        source: svcNode.id,
        target: g.id,
        protocol,
        port: svcNode.ports.length === 1 ? svcNode.ports[0]?.port : undefined,
        implicit: true,
        badges: [],
        declared: true,
        observed: false,
        evidence: [`${refOf(info.svc)} selector`],
        refs: [{ resource: refOf(info.svc), path: 'spec/selector' }],
      });
    }
  }
}
