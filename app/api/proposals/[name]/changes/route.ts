/** /api/proposals/{name}/changes: POST adds changes (a change to a resource already in the proposal replaces it, keeping its base); DELETE ?id= removes one. */
import { z } from 'zod';
import { addChangesSchema, type ChangeInput } from '@/lib/contracts/proposals';
import { addChanges, removeChange } from '@/lib/server/proposals';
import { contextOf, json, mutation, readJson } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const POST = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const body = await readJson(req, addChangesSchema);
  return json({ proposal: await addChanges(req, contextOf(req), name, body.changes as ChangeInput[]) });
});

export const DELETE = mutation<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const id = z
    .string({ error: 'id is required' })
    .min(1, 'id is required')
    .parse(new URL(req.url).searchParams.get('id') ?? undefined);
  return json({ proposal: await removeChange(req, contextOf(req), name, id) });
});
