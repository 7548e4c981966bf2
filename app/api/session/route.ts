/**
 * GET    /api/session            who you are: {username, groups, mode, context, readOnly} (401 SignInRequired without a session)
 * POST   /api/session {token}    token sign-in: checked with SelfSubjectReview, sealed into an HttpOnly cookie; the token is never returned
 * DELETE /api/session            sign-out: clears the cookie
 */
import { z } from 'zod';
import { kubeConfigFor } from '@/lib/k8s/kubeconfig';
import { currentIdentity, signIn, signOutCookie } from '@/lib/server/identity';
import { contextOf, HttpError, json, mutation, readJson, route } from '@/lib/server/http';
import { authMode, readOnly } from '@/lib/server/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = route(
  async (req) => {
    const identity = await currentIdentity(req);
    return json({ ...identity, context: kubeConfigFor(contextOf(req)).context, readOnly: readOnly() });
  },
  { public: true },
);

export const POST = mutation(
  async (req) => {
    if (authMode() !== 'token') throw new HttpError(400, 'BadRequest', 'Token sign-in is off: this Meshboard is not in token mode (MESHBOARD_AUTH=token).');
    const { token } = await readJson(req, z.object({ token: z.string().trim().min(1, 'paste a bearer token').max(16384) }));
    const { identity, cookie } = await signIn(req, token);
    return json({ ...identity, readOnly: readOnly() }, { headers: { 'Set-Cookie': cookie } });
  },
  { public: true },
);

export const DELETE = mutation(async (req) => json({ signedOut: true }, { headers: { 'Set-Cookie': signOutCookie(req) } }), { public: true });
