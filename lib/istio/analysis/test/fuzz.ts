/** Test-only: a deterministic mutator for "never throws on malformed input" tests. */
const WEIRD: unknown[] = [null, 0, -1, '', 'x', true, [], {}, [null], { a: null }, 1.5];

/**
 * `iterations` variants of `docs`, each document mutated (twice, one random field deep
 * down replaced by a value of the wrong type) with probability `rate`.
 */
export function* mutatedVariants(docs: readonly unknown[], opts: { seed: number; iterations: number; rate: number }): Generator<unknown[]> {
  let seed = opts.seed;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const mutate = (v: unknown, depth = 0): unknown => {
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (!keys.length) return v;
      const k = keys[Math.floor(rnd() * keys.length)] as string;
      const copy = (Array.isArray(v) ? [...v] : { ...v }) as Record<string, unknown>;
      copy[k] = rnd() < 0.3 || depth > 6 ? WEIRD[Math.floor(rnd() * WEIRD.length)] : mutate((v as Record<string, unknown>)[k], depth + 1);
      return copy;
    }
    return WEIRD[Math.floor(rnd() * WEIRD.length)];
  };
  for (let i = 0; i < opts.iterations; i++) yield docs.map((d) => (rnd() < opts.rate ? mutate(mutate(d)) : d));
}
