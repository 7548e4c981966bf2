/**
 * The mesh graph of a context (GET /api/graph): what the cached configuration
 * declares, overlaid with what Prometheus observed (lib/server/prometheus.ts), with the
 * validation engine's findings attached. Server-only (reads the watch cache).
 */
import 'server-only';
import type { GraphResponse } from '../contracts/graph';
import { attachFindings, buildGraph, type GraphParams } from '../istio/graph';
import { parseResourceName } from '../istio/findings';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { indexResources, type MeshResources } from '../istio/resources';
import type { ClusterCache } from '../k8s/cache';
import { clusterFindings } from './analysis';
import { startTelemetry, type Telemetry } from './prometheus';

const resourceMemo = new WeakMap<ClusterCache, { revision: number; resources: MeshResources }>();

/** The cache's objects grouped by kind, recomputed only when something changed. */
export function meshResourcesOf(cache: ClusterCache): MeshResources {
  const m = resourceMemo.get(cache);
  if (m && m.revision === cache.revision) return m.resources;
  const revision = cache.revision;
  const resources = indexResources(cache.allObjects(), meshConfigFromConfigMap(cache.meshConfigMap()));
  resourceMemo.set(cache, { revision, resources });
  return resources;
}

/**
 * The graph for GET /api/graph. `telemetry`: a read already started with
 * startTelemetry (the route starts it before the cache is ready); otherwise it is
 * started here for `prometheus` (throws PrometheusUrlError for a URL that is not allowed).
 */
export async function meshGraph(cache: ClusterCache, params: GraphParams, opts: { prometheus?: string; telemetry?: Promise<Telemetry> } = {}): Promise<GraphResponse> {
  const { prometheus, observed } = await (opts.telemetry ?? startTelemetry(params, opts.prometheus));
  const t0 = performance.now();
  const resources = meshResourcesOf(cache);
  const built = buildGraph(resources, { namespaces: params.namespaces, versionLabels: params.versionLabels, observed });
  const buildMs = Math.round(performance.now() - t0);
  const f = await clusterFindings(cache);
  // A view of some namespaces shows the findings about resources in the namespaces it
  // draws: a shared ingress gateway does not collect every other team's Gateway problems.
  const drawn = new Set(built.nodes.map((n) => n.namespace).filter(Boolean));
  const visible = params.namespaces?.length
    ? f.findings.filter((x) => {
        const r = parseResourceName(x.resource);
        return !r?.namespace || drawn.has(r.namespace);
      })
    : f.findings;
  const graph = attachFindings(built, visible);
  const attached = graph.nodes.reduce((a, n) => a + (n.findings?.length ?? 0), 0) + graph.edges.reduce((a, e) => a + (e.findings?.length ?? 0), 0);
  return { ...graph, meta: { ...graph.meta, prometheus, findings: { count: visible.length, total: f.findings.length, attached, ms: f.ms }, buildMs } };
}
