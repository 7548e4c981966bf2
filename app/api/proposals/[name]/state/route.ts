/** /api/proposals/{name}/state: POST {state: closed|open} closes or reopens (author only). */
import { stateSchema } from '@/lib/contracts/proposals';
import { setState } from '@/lib/server/proposals';
import { contextOf, json, mutation, readJson } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const POST = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const body = await readJson(req, stateSchema);
  return json({ proposal: await setState(req, contextOf(req), name, body.state) });
});
