/**
 * Who a request is for, and running its handler as them. Local mode: the kubeconfig's
 * user, unchanged. In-cluster modes (MESHBOARD_AUTH): `token` (a pasted bearer token in
 * an encrypted session cookie) and `header` (an authenticating proxy, trusted only when
 * it presents the shared secret, forwards Authorization or user/groups headers that
 * become Kubernetes impersonation). Server-only.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { fetchAccessRules, type AccessRules } from '../k8s/access';
import { kubeConfigFor, kubeConfigForPerson, runAs } from '../k8s/kubeconfig';
import { sharedCache } from '../k8s/caches';
import { kubeRequest } from '../k8s/request';
import {
  authMode,
  cookieValue,
  fromTrustedProxy,
  isSecure,
  openSession,
  proxyConfig,
  sealSession,
  sessionCookie,
  sessionKey,
  sessionTimeouts,
  type AuthMode,
} from './session';
import { RefreshingCache } from './refreshing';

export interface Identity {
  username: string;
  groups: string[];
  mode: AuthMode;
}

/** 401 with reason SignInRequired: the browser goes to the sign-in page. */
export class SignInRequiredError extends Error {
  override name = 'SignInRequiredError';
}

/** 403: a request that claims to come from the proxy but does not. */
export class UntrustedProxyError extends Error {
  override name = 'UntrustedProxyError';
}

interface Person extends Identity {
  kc: KubeConfig;
  /** Cache key of this person's credentials (never the credentials themselves). */
  key: string;
  /** A fresher cookie to send back (sliding idle timeout). */
  refresh?: string;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** SelfSubjectReview: who the API server says these credentials are. */
export async function reviewSelf(kc: KubeConfig): Promise<{ username: string; groups: string[] }> {
  const out = await kubeRequest<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>(kc, {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  return { username: out.status?.userInfo?.username ?? '', groups: out.status?.userInfo?.groups ?? [] };
}

const tokenReviews = new Map<string, { at: number; who: Promise<{ username: string; groups: string[] }> }>();

function reviewToken(token: string): Promise<{ username: string; groups: string[] }> {
  const k = sha(token);
  const hit = tokenReviews.get(k);
  if (hit && Date.now() - hit.at < 60_000) return hit.who;
  const who = reviewSelf(kubeConfigForPerson({ token }));
  tokenReviews.set(k, { at: Date.now(), who });
  who.catch(() => tokenReviews.delete(k));
  if (tokenReviews.size > 1000) tokenReviews.delete(tokenReviews.keys().next().value!);
  return who;
}

async function personOf(req: Request): Promise<Person> {
  const mode = authMode();
  if (mode === 'header') {
    const cfg = proxyConfig();
    if (!fromTrustedProxy(req.headers, cfg))
      throw new UntrustedProxyError('Refused: this request did not come through the configured authenticating proxy (missing or wrong proxy secret header).');
    const auth = req.headers.get('authorization') ?? '';
    if (/^bearer\s+\S+/i.test(auth)) {
      const token = auth.replace(/^bearer\s+/i, '').trim();
      const who = await reviewToken(token);
      return { ...who, mode, kc: kubeConfigForPerson({ token }), key: `t:${sha(token)}` };
    }
    const user = (req.headers.get(cfg.userHeader) ?? '').trim();
    if (!user) throw new SignInRequiredError(`The authenticating proxy sent no user (${cfg.userHeader} header).`);
    const groups = (req.headers.get(cfg.groupsHeader) ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    return { username: user, groups, mode, kc: kubeConfigForPerson({ impersonate: { user, groups } }), key: `i:${sha(JSON.stringify([user, groups]))}` };
  }
  const key = sessionKey();
  const s = openSession(cookieValue(req.headers.get('cookie')), key);
  if (!s) throw new SignInRequiredError('Sign in to use Meshboard: no session, or it has ended.');
  const now = Date.now();
  const refresh = now - s.seen > 60_000 ? sealSession({ ...s, seen: now }, key) : undefined;
  return { username: s.username, groups: s.groups, mode, kc: kubeConfigForPerson({ token: s.token }), key: `t:${sha(s.token)}`, refresh };
}

/**
 * Access rules per credentials: fresh for 30 s, then served for up to 30 s more while
 * they are fetched again in the background, so a request never waits for the refresh
 * (20 people each asking ~50 rules reviews would otherwise stall requests every 30 s);
 * rules older than a minute are never used.
 */
const accessCache = new RefreshingCache<AccessRules>(30_000, 30_000);

/** The person's read rules over the shared cache's namespaces. */
async function accessOf(p: Person): Promise<AccessRules> {
  const base = sharedCache();
  await base.ready();
  const namespaces = base.list('core/namespaces').map((n) => n.metadata.name);
  return accessCache.get(`${p.key}|${namespaces.join(',')}`, () => fetchAccessRules(p.kc, namespaces, base.getKinds()));
}

/**
 * Run a handler for the request's person: in-cluster modes resolve the session (or the
 * proxy's headers), refuse without one, and make every Kubernetes request of the
 * handler with the person's credentials and every cache read filtered by their RBAC.
 */
export async function asPerson(req: Request, fn: () => Promise<Response>, opts: { public?: boolean } = {}): Promise<Response> {
  if (authMode() === 'local' || opts.public) return fn();
  const p = await personOf(req);
  const scope = await accessOf(p);
  const res = await runAs({ kc: p.kc, scope }, fn);
  if (p.refresh) res.headers.append('Set-Cookie', sessionCookie(p.refresh, isSecure(req), Math.round(sessionTimeouts().maxMs / 1000)));
  return res;
}

/**
 * Who this request is for: {username, groups, mode}. Local mode asks the API server
 * (SelfSubjectReview) about the selected context's user. For other server code, such
 * as proposals, that records who did what.
 */
export async function currentIdentity(req: Request): Promise<Identity> {
  const mode = authMode();
  if (mode !== 'local') {
    const p = await personOf(req);
    return { username: p.username, groups: p.groups, mode };
  }
  const { kc } = kubeConfigFor(new URL(req.url).searchParams.get('context') || undefined);
  return { ...(await reviewSelf(kc)), mode };
}

/** Token sign-in: check the token with SelfSubjectReview and seal it into a cookie. */
export async function signIn(req: Request, token: string): Promise<{ identity: Identity; cookie: string }> {
  const key = sessionKey();
  const who = await reviewSelf(kubeConfigForPerson({ token }));
  if (!who.username) throw new SignInRequiredError('The API server did not recognise this token.');
  const now = Date.now();
  const value = sealSession({ token, username: who.username, groups: who.groups, iat: now, seen: now }, key);
  return { identity: { ...who, mode: 'token' }, cookie: sessionCookie(value, isSecure(req), Math.round(sessionTimeouts().maxMs / 1000)) };
}

export function signOutCookie(req: Request): string {
  return sessionCookie('', isSecure(req), 0);
}

/** For page requests (proxy.ts): may this request see pages, or must it sign in? */
export function pageGate(req: Request): 'ok' | 'signin' | 'untrusted' {
  const mode = authMode();
  if (mode === 'local') return 'ok';
  if (mode === 'header') return fromTrustedProxy(req.headers, proxyConfig()) ? 'ok' : 'untrusted';
  return openSession(cookieValue(req.headers.get('cookie')), sessionKey()) ? 'ok' : 'signin';
}
