/**
 * GET /api/overview/traffic[?window=5m][&prometheus=URL]
 * Request rate and error share per destination namespace, from the same Prometheus
 * queries as the graph (cached 15 s). { prometheus: {status: 'off'} } without Prometheus.
 */
import { overviewTrafficQuerySchema, type OverviewTrafficResponse } from '@/lib/contracts/api';
import { trafficByNamespace } from '@/lib/istio/overviewPicture';
import { PrometheusUrlError, startTelemetry } from '@/lib/server/prometheus';
import { HttpError, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const search = new URL(req.url).searchParams;
  const q = overviewTrafficQuerySchema.safeParse({ window: search.get('window') ?? undefined, prometheus: search.get('prometheus') ?? undefined });
  if (!q.success) throw new HttpError(400, 'BadRequest', `${q.error.issues[0]?.path.join('.')}: ${q.error.issues[0]?.message}`);
  try {
    const t = await startTelemetry({ window: q.data.window, namespaces: [] }, q.data.prometheus);
    const body: OverviewTrafficResponse = { prometheus: t.prometheus, window: q.data.window, namespaces: t.observed ? trafficByNamespace(t.observed) : {} };
    return json(body);
  } catch (e) {
    if (e instanceof PrometheusUrlError) throw new HttpError(400, 'BadRequest', e.message);
    throw e;
  }
});
