import { getClusterCache } from '@/lib/k8s/caches';
import { configList } from '@/lib/server/responses';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Every Istio resource the context can see, as list rows. */
export const GET = route(async (req) => {
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  return json(configList(cache));
});
