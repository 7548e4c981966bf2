/** /api/proposals/{name}/comments: POST adds a comment by the current identity. */
import { commentSchema } from '@/lib/contracts/proposals';
import { comment } from '@/lib/server/proposals';
import { contextOf, json, mutation, readJson } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const POST = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const body = await readJson(req, commentSchema);
  return json({ proposal: await comment(req, contextOf(req), name, body.text) });
});
