/**
 * A keyed cache of promises that refreshes in the background: within `ttlMs` a value is
 * served as it is; for `staleMs` after that it is still served while one reload runs in
 * the background (so a request never waits for a refresh); past that, a request waits
 * for a fresh load. A failed first load is forgotten (the next request tries again); a
 * failed background reload keeps the old value until it is too old. Server-only.
 */
import 'server-only';

interface Entry<V> {
  at: number;
  value: Promise<V>;
  reloading?: Promise<void>;
}

export class RefreshingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    readonly ttlMs: number,
    readonly staleMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const t = this.now();
    this.sweep(t);
    const hit = this.entries.get(key);
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    if (hit && t - hit.at < this.ttlMs + this.staleMs) {
      hit.reloading ??= load().then(
        (v) => {
          if (this.entries.get(key) === hit) this.entries.set(key, { at: this.now(), value: Promise.resolve(v) });
        },
        () => {
          hit.reloading = undefined;
        },
      );
      return hit.value;
    }
    const value = load();
    const entry: Entry<V> = { at: t, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  private sweep(t: number): void {
    for (const [k, e] of this.entries) if (t - e.at >= this.ttlMs + this.staleMs) this.entries.delete(k);
  }
}
