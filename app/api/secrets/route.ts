/** GET /api/secrets?namespace=NS — names of the namespace's TLS secrets (never data); 403 where RBAC forbids listing. */
import { secretsQuerySchema } from '@/lib/contracts/forms';
import { getClusterCache } from '@/lib/k8s/registry';
import { listTlsSecretNames } from '@/lib/k8s/secrets';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const { namespace } = secretsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  const cache = getClusterCache(contextOf(req));
  return json(await listTlsSecretNames(cache.context, namespace));
});
