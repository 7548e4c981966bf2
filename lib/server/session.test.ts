import { describe, expect, it } from 'vitest';
import { cookieValue, fromTrustedProxy, openSession, proxyConfig, sealSession, sessionCookie, sessionKey } from './session';

const env = { MESHBOARD_SESSION_KEY: 'k'.repeat(40), MESHBOARD_SESSION_IDLE_MINUTES: '30', MESHBOARD_SESSION_MAX_HOURS: '8' };
const key = sessionKey(env);
const t0 = 1_700_000_000_000;
const data = { token: 'secret-token', username: 'alice', groups: ['team'], iat: t0, seen: t0 };

describe('session cookies', () => {
  it('round-trips, and the cookie does not contain the token', () => {
    const v = sealSession(data, key);
    expect(v).not.toContain('secret-token');
    expect(Buffer.from(v, 'base64url').toString('latin1')).not.toContain('secret-token');
    expect(openSession(v, key, t0 + 1000, env)).toEqual(data);
  });

  it('refuses a tampered cookie, another key, idle and expired sessions', () => {
    const v = sealSession(data, key);
    const raw = Buffer.from(v, 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(openSession(raw.toString('base64url'), key, t0, env)).toBeNull();
    expect(openSession(v, sessionKey({ MESHBOARD_SESSION_KEY: 'x'.repeat(40) }), t0, env)).toBeNull();
    expect(openSession(v, key, t0 + 31 * 60_000, env)).toBeNull();
    const active = sealSession({ ...data, seen: t0 + 8 * 3_600_000 }, key);
    expect(openSession(active, key, t0 + 8 * 3_600_000 + 1000, env)).toBeNull();
    expect(openSession('garbage', key, t0, env)).toBeNull();
  });

  it('refuses a short key with a message that names the setting', () => {
    expect(() => sessionKey({ MESHBOARD_SESSION_KEY: 'short' })).toThrow(/MESHBOARD_SESSION_KEY/);
  });

  it('sets HttpOnly, SameSite=Strict, and Secure over TLS', () => {
    expect(sessionCookie('v', false, 60)).toBe('meshboard_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('v', true, 60)).toContain('; Secure');
    expect(cookieValue('a=1; meshboard_session=xyz; b=2')).toBe('xyz');
  });

  it('trusts only the configured proxy secret', () => {
    const cfg = proxyConfig({ MESHBOARD_PROXY_SECRET: 's'.repeat(20) });
    expect(fromTrustedProxy(new Headers({ 'X-Meshboard-Proxy-Secret': 's'.repeat(20) }), cfg)).toBe(true);
    expect(fromTrustedProxy(new Headers({ 'X-Meshboard-Proxy-Secret': 's'.repeat(19) }), cfg)).toBe(false);
    expect(fromTrustedProxy(new Headers({ 'X-Forwarded-User': 'admin' }), cfg)).toBe(false);
  });
});
