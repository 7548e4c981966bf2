/** /api/proposals/{name}/apply: POST applies an approved proposal, in order, each write with its base resourceVersion; results per write. */
import { applyProposal } from '@/lib/server/proposals';
import { contextOf, json, mutation } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const POST = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  return json(await applyProposal(req, contextOf(req), name));
});
