/** GET /api/healthz — liveness/readiness for the kubelet; says nothing about the cluster. */
import { json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async () => json({ ok: true }), { public: true });
