/** /api/proposals/{name}: GET the proposal with its review, staleness, dry run and whether you may apply it. */
import { parseVersionLabels } from '@/lib/istio/graph';
import { getProposalView } from '@/lib/server/proposals';
import { contextOf, HttpError, json, route } from '@/lib/server/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Ctx = { params: Promise<{ name: string }> };

export const GET = route<Ctx>(async (req, ctx) => {
  const { name } = await ctx.params;
  const raw = new URL(req.url).searchParams.get('versionLabels');
  let versionLabels: Array<[string, string]> | undefined;
  if (raw) {
    try {
      versionLabels = parseVersionLabels(raw).map(([a, v]) => [a, v] as [string, string]);
    } catch (e) {
      throw new HttpError(400, 'BadRequest', `versionLabels: ${(e as Error).message}`);
    }
  }
  return json(await getProposalView(req, contextOf(req), name, { versionLabels }));
});
