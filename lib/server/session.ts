/**
 * Stateless sessions for in-cluster sign-in: the session is an AES-256-GCM encrypted
 * and authenticated cookie (node:crypto), so any replica holding the same key serves
 * it and nothing about it lives in memory. The key comes from MESHBOARD_SESSION_KEY or
 * the file MESHBOARD_SESSION_KEY_FILE (a mounted Secret). Server-only.
 */
import 'server-only';
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SESSION_COOKIE = 'meshboard_session';

export type AuthMode = 'local' | 'token' | 'header';

export interface SessionData {
  /** The person's bearer token (never sent to the browser in clear: the cookie is encrypted). */
  token: string;
  username: string;
  groups: string[];
  /** Issued at, last seen (ms since epoch). */
  iat: number;
  seen: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export function authMode(env: Env = process.env): AuthMode {
  const m = (env.MESHBOARD_AUTH ?? '').trim().toLowerCase();
  if (m === 'token' || m === 'header') return m;
  return 'local';
}

/** View-only deployments: MESHBOARD_READ_ONLY=true (or 1/yes). */
export function readOnly(env: Env = process.env): boolean {
  return /^(1|true|yes|on)$/i.test((env.MESHBOARD_READ_ONLY ?? '').trim());
}

export function sessionTimeouts(env: Env = process.env): { idleMs: number; maxMs: number } {
  const num = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
  return { idleMs: num(env.MESHBOARD_SESSION_IDLE_MINUTES, 30) * 60_000, maxMs: num(env.MESHBOARD_SESSION_MAX_HOURS, 8) * 3_600_000 };
}

function secretFrom(env: Env, name: string): string {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  return (env[name] ?? '').trim();
}

export class SessionConfigError extends Error {
  override name = 'SessionConfigError';
}

/** 32 bytes derived from the configured key (any string of at least 32 characters). */
export function sessionKey(env: Env = process.env): Buffer {
  const k = secretFrom(env, 'MESHBOARD_SESSION_KEY');
  if (k.length < 32)
    throw new SessionConfigError('MESHBOARD_SESSION_KEY (or MESHBOARD_SESSION_KEY_FILE) must hold a key of at least 32 characters for in-cluster sign-in.');
  return createHash('sha256').update(k).digest();
}

export function sealSession(data: SessionData, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(JSON.stringify(data), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/** The session in a cookie value, or null when it is forged, damaged, idle or too old. */
export function openSession(value: string | undefined, key: Buffer, now = Date.now(), env: Env = process.env): SessionData | null {
  if (!value) return null;
  try {
    const raw = Buffer.from(value, 'base64url');
    if (raw.length < 29) return null;
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const data = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as SessionData;
    const { idleMs, maxMs } = sessionTimeouts(env);
    if (typeof data.token !== 'string' || typeof data.iat !== 'number' || typeof data.seen !== 'number') return null;
    if (now - data.iat > maxMs || now - data.seen > idleMs) return null;
    return data;
  } catch {
    return null;
  }
}

export function cookieValue(header: string | null, name = SESSION_COOKIE): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session (empty value and Max-Age=0 clears it). */
export function sessionCookie(value: string, secure: boolean, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/** Served over TLS (directly, or behind a proxy that says so), or forced by MESHBOARD_COOKIE_SECURE. */
export function isSecure(req: Request, env: Env = process.env): boolean {
  if (/^(1|true|yes)$/i.test(env.MESHBOARD_COOKIE_SECURE ?? '')) return true;
  return new URL(req.url).protocol === 'https:' || (req.headers.get('x-forwarded-proto') ?? '').split(',')[0]!.trim() === 'https';
}

export interface ProxyConfig {
  secret: string;
  secretHeader: string;
  userHeader: string;
  groupsHeader: string;
}

export function proxyConfig(env: Env = process.env): ProxyConfig {
  const secret = secretFrom(env, 'MESHBOARD_PROXY_SECRET');
  if (secret.length < 16)
    throw new SessionConfigError(
      'Header mode needs MESHBOARD_PROXY_SECRET (or MESHBOARD_PROXY_SECRET_FILE) of at least 16 characters: the secret the authenticating proxy sends in MESHBOARD_PROXY_SECRET_HEADER.',
    );
  return {
    secret,
    secretHeader: (env.MESHBOARD_PROXY_SECRET_HEADER || 'X-Meshboard-Proxy-Secret').toLowerCase(),
    userHeader: (env.MESHBOARD_USER_HEADER || 'X-Forwarded-User').toLowerCase(),
    groupsHeader: (env.MESHBOARD_GROUPS_HEADER || 'X-Forwarded-Groups').toLowerCase(),
  };
}

/** Does the request come from the configured proxy (constant-time secret comparison)? */
export function fromTrustedProxy(headers: Headers, cfg: ProxyConfig): boolean {
  const got = Buffer.from(headers.get(cfg.secretHeader) ?? '');
  const want = Buffer.from(cfg.secret);
  return got.length === want.length && timingSafeEqual(got, want);
}
