/** GET /api/schemas?group=&kind= : the CRD schemas the cluster serves (bundled Istio CRDs as fallback). */
import { bundledCrds } from '@/lib/server/bundled-crds';
import { getClusterCache } from '@/lib/k8s/caches';
import { crdsForEditor } from '@/lib/server/responses';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  const q = new URL(req.url).searchParams;
  return json(crdsForEditor(cache, bundledCrds, { group: q.get('group') ?? undefined, kind: q.get('kind') ?? undefined }));
});
