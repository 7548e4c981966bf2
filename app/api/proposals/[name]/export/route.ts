/** /api/proposals/{name}/export?format=files|diff|kustomize: the proposal for a Git repository. */
import { z } from 'zod';
import { exportProposal } from '@/lib/server/proposals';
import { contextOf, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };
const format = z.enum(['files', 'diff', 'kustomize']).default('files');

export const GET = route<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  return json(await exportProposal(contextOf(req), name, format.parse(new URL(req.url).searchParams.get('format') ?? undefined)));
});
