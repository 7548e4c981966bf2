/**
 * Who is acting: the identity proposals record as author, reviewer, commenter and
 * applier. In local mode that is the user of the context's credentials, as the API
 * server sees it (SelfSubjectReview, memoized per context); in the in-cluster modes the
 * signed-in person of the request (lib/server/identity.ts), never memoized across people.
 * Server-only.
 */
import 'server-only';
import { kubeConfigFor } from '../k8s/kubeconfig';
import { currentIdentity, reviewSelf } from './identity';
import { authMode } from './session';

export interface Identity {
  username: string;
  groups: string[];
}

const memo = new Map<string, { at: number; identity: Promise<Identity> }>();
const TTL_MS = 60_000;

async function selfSubjectReview(context: string | undefined): Promise<Identity> {
  const u = await reviewSelf(kubeConfigFor(context).kc);
  return { username: u.username || 'unknown', groups: u.groups.filter((g) => g !== 'system:authenticated') };
}

/** The identity acting on `context` (the request is passed for the session-based version). */
export async function whoami(req: Request | undefined, context: string | undefined): Promise<Identity> {
  if (authMode() !== 'local') {
    if (!req) throw new Error('whoami: in-cluster modes need the request of the signed-in person');
    const p = await currentIdentity(req);
    return { username: p.username, groups: p.groups };
  }
  const key = context ?? '';
  const m = memo.get(key);
  if (m && Date.now() - m.at < TTL_MS) return m.identity;
  const identity = selfSubjectReview(context);
  memo.set(key, { at: Date.now(), identity });
  identity.catch(() => memo.delete(key));
  return identity;
}
