/**
 * GET /api/graph?namespaces=a,b&window=5m&versionLabels=app:version,component:release[&prometheus=URL]
 * The mesh graph: declared by the configuration, overlaid with Prometheus telemetry,
 * findings attached. Shape: lib/contracts/graph.ts and lib/istio/graph/README.md.
 */
import { graphExtraParamsSchema } from '@/lib/contracts/graph';
import { GraphQueryError, parseGraphParams } from '@/lib/istio/graph';
import { meshGraph, PrometheusUrlError } from '@/lib/k8s/graph';
import { getClusterCache } from '@/lib/k8s/registry';
import { contextOf, HttpError, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const search = new URL(req.url).searchParams;
  try {
    const params = parseGraphParams(search);
    const { prometheus } = graphExtraParamsSchema.parse({ prometheus: search.get('prometheus') ?? undefined });
    // A typed Prometheus URL makes the server send a request: only for Meshboard's own pages (and non-browser clients).
    const site = req.headers.get('sec-fetch-site');
    if (prometheus && site && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'Forbidden', 'A Prometheus URL is accepted only from Meshboard pages.');
    const cache = getClusterCache(contextOf(req));
    await cache.ready();
    return json(await meshGraph(cache, params, { prometheus }));
  } catch (e) {
    if (e instanceof GraphQueryError || e instanceof PrometheusUrlError) throw new HttpError(400, 'BadRequest', e.message);
    throw e;
  }
});
