import { listContexts } from '@/lib/k8s/kubeconfig';
import { json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Context names only: credentials never leave the server. */
export const GET = route(async () => json(listContexts()));
