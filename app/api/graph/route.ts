/**
 * GET /api/graph?namespaces=a,b&window=5m&versionLabels=app:version,component:release[&prometheus=URL]
 * The mesh graph: declared by the configuration, overlaid with Prometheus telemetry,
 * findings attached. Shape: lib/contracts/graph.ts and lib/istio/graph/README.md.
 * Cross-site browser requests are refused by route() like on every endpoint.
 */
import { parseGraphQuery } from '@/lib/contracts/graph';
import { GraphQueryError } from '@/lib/istio/graph';
import { meshGraph } from '@/lib/server/graph';
import { PrometheusUrlError, startTelemetry } from '@/lib/server/prometheus';
import { getClusterCache } from '@/lib/k8s/caches';
import { contextOf, HttpError, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const search = new URL(req.url).searchParams;
  try {
    const { prometheus, ...params } = parseGraphQuery(search);
    const cache = getClusterCache(contextOf(req));
    // Checks the Prometheus URL (400) before waiting for the cache, and reads telemetry meanwhile.
    const telemetry = startTelemetry(params, prometheus);
    await cache.ready();
    return json(await meshGraph(cache, params, { telemetry }));
  } catch (e) {
    if (e instanceof GraphQueryError || e instanceof PrometheusUrlError) throw new HttpError(400, 'BadRequest', e.message);
    throw e;
  }
});
