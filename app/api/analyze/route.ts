/**
 * GET  /api/analyze            findings for the whole context (Validations page, list counts, graph badges)
 * POST /api/analyze {object}   findings for one edited resource in the context of everything else
 */
import { z } from 'zod';
import { k8sObjectSchema } from '@/lib/contracts/api';
import type { K8sObject } from '@/lib/istio/types';
import { clusterFindings, findingsForEdit } from '@/lib/server/analysis';
import { getClusterCache } from '@/lib/k8s/caches';
import { contextOf, json, mutation, readJson, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => {
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  const { findings, ms, revision } = await clusterFindings(cache);
  return json({ status: cache.getStatus(), findings, ms, revision });
});

// POST only because the object travels in the body; it changes nothing, but takes the same origin checks.
export const POST = mutation(async (req) => {
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  const { object } = await readJson(req, z.object({ object: k8sObjectSchema }));
  return json({ findings: await findingsForEdit(cache, object as K8sObject) });
});
