/**
 * /api/resources/{group}/{version}/{plural}[/{namespace}[/{name}]]
 * group "core" for the core group; namespace "-" for cluster-scoped kinds.
 * GET lists or reads (from the watch cache; ?fresh=1 reads the API server),
 * POST creates, PUT replaces (409 carries the current object), DELETE deletes.
 * ?dryRun=true makes any write a server-side dry run. ?context= picks the context.
 */
import { z } from 'zod';
import { booleanParam, k8sObjectSchema } from '@/lib/contracts/api';
import type { K8sObject } from '@/lib/istio/types';
import { getClusterCache } from '@/lib/k8s/caches';
import { createResource, deleteResource, getResource, listFromCache, replaceResource, resolveType } from '@/lib/k8s/resources';
import { contextOf, HttpError, json, mutation, readJson, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ path: string[] }> };

const segment = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$|^-$/, 'must be a DNS name');

async function target(req: Request, ctx: Ctx) {
  const { path } = await ctx.params;
  if (path.length < 3 || path.length > 5) throw new HttpError(404, 'NotFound', 'Expected /api/resources/{group}/{version}/{plural}[/{namespace}[/{name}]]');
  // Next has decoded the segments already.
  const [group, version, plural, ns, name] = path;
  for (const [label, v] of [
    ['group', group],
    ['version', version],
    ['plural', plural],
    ['namespace', ns],
    ['name', name],
  ] as const) {
    if (v !== undefined && !segment.safeParse(v).success)
      throw new HttpError(400, 'BadRequest', `Invalid ${label} ${JSON.stringify(v)} in the URL: must be a lowercase DNS name`);
  }
  const cache = getClusterCache(contextOf(req));
  await cache.ready();
  const type = resolveType(cache, group!, version!, plural!);
  const namespace = ns === '-' || !type.namespaced ? undefined : ns;
  if (!type.namespaced && ns !== undefined && ns !== '-') throw new HttpError(400, 'BadRequest', `${type.kind} is cluster-scoped: use "-" as the namespace`);
  if (type.namespaced && ns === '-' && name !== undefined)
    throw new HttpError(400, 'BadRequest', `${type.kind} is namespaced: the URL needs its namespace, not "-"`);
  const q = new URL(req.url).searchParams;
  return { cache, type, namespace, name, dryRun: booleanParam.parse(q.get('dryRun') ?? undefined), q };
}

export const GET = route<Ctx>(async (req, ctx) => {
  const { cache, type, namespace, name, q } = await target(req, ctx);
  if (name === undefined) return json({ status: cache.getStatus(), items: listFromCache(cache, type, namespace) });
  return json({ object: await getResource(cache, type, namespace, name, { fresh: booleanParam.parse(q.get('fresh') ?? undefined) }) });
});

export const POST = mutation<Ctx>(
  async (req, ctx) => {
    const { cache, type, namespace, name, dryRun } = await target(req, ctx);
    if (name !== undefined) throw new HttpError(405, 'MethodNotAllowed', 'POST creates in a collection: leave the name out of the URL');
    if (type.namespaced && !namespace) throw new HttpError(400, 'BadRequest', `${type.kind} is namespaced: the URL needs a namespace`);
    const body = (await readJson(req, k8sObjectSchema)) as K8sObject;
    const object = await createResource(cache, type, namespace, body, { dryRun });
    return json({ object, dryRun }, { status: dryRun ? 200 : 201 });
  },
  { writes: true },
);

export const PUT = mutation<Ctx>(
  async (req, ctx) => {
    const { cache, type, namespace, name, dryRun } = await target(req, ctx);
    if (name === undefined) throw new HttpError(405, 'MethodNotAllowed', 'PUT replaces one resource: the URL needs its name');
    const body = (await readJson(req, k8sObjectSchema)) as K8sObject;
    const object = await replaceResource(cache, type, namespace, name, body, { dryRun });
    return json({ object, dryRun });
  },
  { writes: true },
);

export const DELETE = mutation<Ctx>(
  async (req, ctx) => {
    const { cache, type, namespace, name, dryRun, q } = await target(req, ctx);
    if (name === undefined) throw new HttpError(405, 'MethodNotAllowed', 'DELETE removes one resource: the URL needs its name');
    await deleteResource(cache, type, namespace, name, { dryRun, resourceVersion: q.get('resourceVersion') ?? undefined });
    return json({ deleted: { kind: type.kind, namespace, name }, dryRun });
  },
  { writes: true },
);
