/** /api/proposals/{name}/rebase: POST carries stale changes onto the current objects (three-way merge); conflicts keep the proposed value and are returned. */
import { rebaseSchema } from '@/lib/contracts/proposals';
import { rebase } from '@/lib/server/proposals';
import { contextOf, json, mutation, readJson } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const POST = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const body = await readJson(req, rebaseSchema);
  return json(await rebase(req, contextOf(req), name, body.resources));
});
