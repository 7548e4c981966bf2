/** GET /api/mesh[?scope=all|namespaces|workloads&namespaces=a,b] — the mesh as the forms' builders read it (from the watch cache). */
import { meshQuerySchema } from '@/lib/contracts/forms';
import { meshForForms } from '@/lib/server/mesh';
import { getClusterCache } from '@/lib/k8s/caches';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const scope = meshQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  return json(meshForForms(cache, scope));
});
