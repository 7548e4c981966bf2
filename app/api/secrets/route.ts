/** GET /api/secrets?namespace=NS — names of the namespace's TLS secrets (never data); 403 where RBAC forbids listing. */
import { secretsQuerySchema } from '@/lib/contracts/forms';
import { kubeConfigFor } from '@/lib/k8s/kubeconfig';
import { listTlsSecretNames } from '@/lib/server/secrets';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const { namespace } = secretsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
  // Only the context's credentials are needed: no watch cache is started for a one-off list.
  const { context } = kubeConfigFor(contextOf(req));
  return json(await listTlsSecretNames(context, namespace));
});
