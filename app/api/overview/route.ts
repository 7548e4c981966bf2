import { getClusterCache } from '@/lib/k8s/caches';
import { overview } from '@/lib/server/responses';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  return json(overview(cache));
});
