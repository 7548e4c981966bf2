import { describe, expect, it, vi } from 'vitest';

vi.mock('server-only', () => ({}));
const { RefreshingCache } = await import('./refreshing');

describe('RefreshingCache (the access rules of signed-in people)', () => {
  const setup = () => {
    let t = 0;
    const cache = new RefreshingCache<string>(30_000, 30_000, () => t);
    let n = 0;
    const pending: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
    const load = vi.fn(() => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })).then((v) => `${v}#${++n}`));
    return { cache, load, pending, at: (ms: number) => (t = ms) };
  };

  it('within the TTL the value is served without loading again', async () => {
    const { cache, load, pending, at } = setup();
    const first = cache.get('alice', load);
    pending[0]!.resolve('rules');
    expect(await first).toBe('rules#1');
    at(29_000);
    expect(await cache.get('alice', load)).toBe('rules#1');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('after the TTL the old value is served at once while one reload runs; then the new one', async () => {
    const { cache, load, pending, at } = setup();
    const first = cache.get('alice', load);
    pending[0]!.resolve('old');
    await first;
    at(31_000);
    expect(await cache.get('alice', load)).toBe('old#1');
    expect(await cache.get('alice', load)).toBe('old#1');
    expect(load).toHaveBeenCalledTimes(2); // one reload, not one per request
    pending[1]!.resolve('new');
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('alice', load)).toBe('new#2');
  });

  it('past TTL + stale, a request waits for fresh rules (revoked access is never served for long)', async () => {
    const { cache, load, pending, at } = setup();
    const first = cache.get('bob', load);
    pending[0]!.resolve('old');
    await first;
    at(60_000);
    const fresh = cache.get('bob', load);
    let settled = false;
    void fresh.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false);
    pending[1]!.resolve('fresh');
    expect(await fresh).toBe('fresh#2');
  });

  it('a failed first load is forgotten; a failed reload keeps the old value until it is too old', async () => {
    const { cache, load, pending, at } = setup();
    const first = cache.get('carol', load);
    pending[0]!.reject(new Error('API server unreachable'));
    await expect(first).rejects.toThrow('unreachable');
    expect(cache.size).toBe(0);
    const second = cache.get('carol', load);
    pending[1]!.resolve('ok');
    expect(await second).toBe('ok#1');
    at(40_000);
    expect(await cache.get('carol', load)).toBe('ok#1');
    pending[2]!.reject(new Error('timeout'));
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get('carol', load)).toBe('ok#1'); // a new reload is started
    expect(load).toHaveBeenCalledTimes(4);
    at(70_000);
    const late = cache.get('carol', load);
    expect(load).toHaveBeenCalledTimes(5);
    pending[4]!.resolve('late');
    expect(await late).toBe('late#2');
  });
});
