/** /api/proposals: GET the context's change proposals, POST creates one (title, description, changes). */
import { createProposalSchema, type ChangeInput } from '@/lib/contracts/proposals';
import { createProposal, listProposals } from '@/lib/server/proposals';
import { contextOf, json, mutation, readJson, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(async (req) => json(await listProposals(req, contextOf(req))));

export const POST = mutation(async (req) => {
  const body = await readJson(req, createProposalSchema);
  return json({ proposal: await createProposal(req, contextOf(req), { ...body, changes: body.changes as ChangeInput[] }) }, { status: 201 });
});
