/** GET /api/access?verb=update&group=networking.istio.io&resource=virtualservices&namespace=x&name=y */
import { z } from 'zod';
import { getClusterCache } from '@/lib/k8s/caches';
import { checkAccess } from '@/lib/k8s/resources';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const query = z.object({
  verb: z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
  group: z.string().max(253),
  resource: z.string().min(1).max(253),
  namespace: z.string().max(63).optional(),
  name: z.string().max(253).optional(),
});

export const GET = route(async (req) => {
  const q = query.parse(Object.fromEntries(new URL(req.url).searchParams));
  const cache = getClusterCache(contextOf(req));
  return json(await checkAccess(cache.context, q));
});
