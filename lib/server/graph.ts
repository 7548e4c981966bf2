/**
 * The mesh graph of a context (GET /api/graph): what the cached configuration
 * declares, overlaid with what Prometheus observed (lib/server/prometheus.ts), with the
 * validation engine's findings attached. Server-only (reads the watch cache).
 */
import 'server-only';
import type { GraphResponse } from '../contracts/graph';
import { buildGraph, type GraphParams } from '../istio/graph';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { indexResources, type MeshResources } from '../istio/resources';
import type { ClusterCache } from '../k8s/cache';
import { clusterFindings } from './analysis';
import { graphResponse } from './graph-response';
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

type Built = { built: ReturnType<typeof buildGraph>; buildMs: number };
const builtMemo = new WeakMap<ClusterCache, { revision: number; byParams: Map<string, Built> }>();

/**
 * A graph without telemetry depends only on the cache and the query: built once per
 * cache object (a person's view is one object per rule set), revision and query, for the
 * last few queries. With telemetry every answer is built afresh.
 */
function declaredOnly(cache: ClusterCache, params: GraphParams, memoize: boolean, build: () => Built): Built {
  if (!memoize) return build();
  let m = builtMemo.get(cache);
  if (!m || m.revision !== cache.revision) builtMemo.set(cache, (m = { revision: cache.revision, byParams: new Map() }));
  const key = JSON.stringify([params.namespaces ?? null, params.versionLabels ?? null]);
  const hit = m.byParams.get(key);
  if (hit) return hit;
  const b = build();
  if (m.byParams.size >= 8) m.byParams.delete(m.byParams.keys().next().value!);
  m.byParams.set(key, b);
  return b;
}

/**
 * The graph for GET /api/graph. `telemetry`: a read already started with
 * startTelemetry (the route starts it before the cache is ready); otherwise it is
 * started here for `prometheus` (throws PrometheusUrlError for a URL that is not allowed).
 */
export async function meshGraph(
  cache: ClusterCache,
  params: GraphParams,
  opts: { prometheus?: string; telemetry?: Promise<Telemetry> } = {},
): Promise<GraphResponse> {
  const { prometheus, observed } = await (opts.telemetry ?? startTelemetry(params, opts.prometheus));
  const { built, buildMs } = declaredOnly(cache, params, observed === undefined, () => {
    const t0 = performance.now();
    const g = buildGraph(meshResourcesOf(cache), { namespaces: params.namespaces, versionLabels: params.versionLabels, observed });
    return { built: g, buildMs: Math.round(performance.now() - t0) };
  });
  const findings = await clusterFindings(cache);
  return graphResponse({ graph: built, buildMs, findings, namespaces: params.namespaces, prometheus });
}
