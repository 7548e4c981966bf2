/** /api/proposals/{name}/reviews: POST approves or requests changes. */
import { reviewSchema } from '@/lib/contracts/proposals';
import { review } from '@/lib/server/proposals';
import { contextOf, json, mutation, readJson } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const POST = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const body = await readJson(req, reviewSchema);
  return json({ proposal: await review(req, contextOf(req), name, body.verdict, body.text) });
});
