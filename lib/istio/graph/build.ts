/**
 * buildGraph(resources, options) -> MeshGraph: what the configuration declares, with
 * security on every edge, optionally overlaid with observed traffic. Pure.
 *
 * The stages (lib/istio/graph/stages/, each with its own header) run in order over a
 * shared context (context.ts):
 *   gateways (Istio Gateways, Gateway API gateways, waypoints) -> workloads (versions)
 *   -> services and externals -> routes (VirtualService, Gateway API, implicit)
 *   -> calls (sourceLabels, AuthorizationPolicy principals, env) -> what waypoints serve
 *   -> namespaces -> security and authorization on every edge (annotate.ts)
 *   -> observed traffic (observed.ts) -> scope to the namespaces asked for -> finalize.
 *
 * Nodes
 * - Gateways: every workload a Gateway's selector matches (in any namespace, Istio's
 *   default) or that carries istio=ingressgateway/egressgateway; a Gateway whose
 *   selector matches nothing still gets a node, "gw:selector/<k=v>", resolved: false.
 *   Gateway API Gateways of an Istio class: the workload istiod runs for them.
 * - Waypoints: "wp:ns/name", with "waypoint" edges to what they serve.
 * - Services: Kubernetes Services (except those that only select Istio proxies).
 * - Versions: other workloads grouped by the first label pair of `versionLabels` whose
 *   app key they carry ("ver:ns/app/version"); workloads without any app key stay
 *   single ("wl:ns/name").
 * - External: one node per ServiceEntry ("ext:se/ns/name"), HTTP hosts and TCP addresses.
 * - Namespace boxes ("ns:name") for every namespace that holds a node.
 *
 * Declared edges
 * - gateway-route: gateway -> service (or external) for each destination of a
 *   VirtualService bound to a Gateway (spec.gateways) whose server hosts overlap the
 *   VirtualService hosts (honouring "ns/host" server hosts).
 * - route: service -> version for each destination of the VirtualService that routes
 *   mesh traffic for the service's host (subset labels from the DestinationRule; a
 *   destination without subset reaches every version and its weight is marked
 *   shared); without a VirtualService, one implicit edge per version the selector picks.
 *   A destination that is another host gives service -> service/external.
 * - call: version/workload -> service/external, inferred (never guessed from names):
 *   (1) VirtualService match.sourceLabels: the matching workloads call the host;
 *   (2) heuristic: env values of the pod template that contain a URL ("scheme://host"),
 *   or, for env names that look like an address (HOST, URL, URI, ADDR, ENDPOINT, SERVER,
 *   SERVICE, BASE_PATH, API), a "host[:port]" value, when that host resolves to a
 *   Service or ServiceEntry host/address (short names only in the workload's namespace).
 *
 * - Gateway API routes: see stages/gwroutes.ts.
 *
 * Options.namespaces keeps nodes of those namespaces, gateways whose Gateway resource
 * lives there, and the direct neighbours of those nodes.
 */
import type { MeshResources } from '../resources';
import { createAnnotator } from './annotate';
import { createContext } from './context';
import { finalizeGraph, namespaceNode } from './finalize';
import { mergeObserved, type ObservedTraffic } from './observed';
import { scopeToNamespaces } from './scope';
import { envCalls, policyCalls, sourceLabelCalls } from './stages/calls';
import { gatewayApiGateways, istioGateways, waypointNodes } from './stages/gateways';
import { gatewayApiRoutes } from './stages/gwroutes';
import { externalNodes, serviceNodes } from './stages/services';
import { implicitRoutes, vsGatewayRoutes, vsMeshRoutes } from './stages/vsroutes';
import { waypointServes } from './stages/waypoints';
import { workloadGroups } from './stages/workloads';
import type { MeshGraph } from './types';
import { DEFAULT_VERSION_LABELS } from './workloads';

export { envTargets, portProtocol, routeBadges, summarizeMatch } from './describe';

export interface BuildOptions {
  /** Namespaces to show (and their direct neighbours). Empty or absent: all. */
  namespaces?: string[];
  /** App/version label pairs tried in order. Default: app/version, then app.kubernetes.io/name + version. */
  versionLabels?: ReadonlyArray<readonly [string, string]>;
  /** Telemetry to overlay (see observed.ts). */
  observed?: ObservedTraffic;
  /** Infer calls from pod env vars (default true). */
  envHeuristic?: boolean;
}

export function buildGraph(resources: MeshResources, options: BuildOptions = {}): MeshGraph {
  const versionLabels = (options.versionLabels ?? DEFAULT_VERSION_LABELS).map(([a, v]) => [a, v] as [string, string]);
  const ctx = createContext(resources, versionLabels);

  istioGateways(ctx);
  gatewayApiGateways(ctx);
  waypointNodes(ctx);
  workloadGroups(ctx);
  serviceNodes(ctx);
  externalNodes(ctx);

  vsGatewayRoutes(ctx);
  const routed = vsMeshRoutes(ctx);
  for (const s of gatewayApiRoutes(ctx)) routed.add(s);
  implicitRoutes(ctx, routed);

  sourceLabelCalls(ctx);
  policyCalls(ctx);
  if (options.envHeuristic !== false) envCalls(ctx);
  waypointServes(ctx);

  for (const n of resources.namespaces) ctx.nodes.set(`ns:${n.metadata.name}`, namespaceNode(resources, n.metadata.name));
  for (const n of [...ctx.nodes.values()]) {
    if (n.kind !== 'namespace' && n.namespace && !ctx.nodes.has(`ns:${n.namespace}`)) ctx.nodes.set(`ns:${n.namespace}`, namespaceNode(resources, n.namespace));
  }

  const annotator = createAnnotator(resources, ctx.nodes);
  for (const e of ctx.edges.values()) annotator.annotate(e);

  let graph: MeshGraph = {
    nodes: [...ctx.nodes.values()],
    edges: [...ctx.edges.values()],
    meta: { rootNamespace: ctx.root, namespaces: [...(options.namespaces ?? [])], versionLabels, observed: false },
  };
  if (options.observed) graph = mergeObserved(graph, options.observed, resources);
  graph = scopeToNamespaces(graph, options.namespaces, ctx.gatewayNamespaces);
  return finalizeGraph(graph, resources);
}
