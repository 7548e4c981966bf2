/**
 * The forms' mesh snapshot and the live event stream (lib/client/live): after a reconnect
 * or an API server outage everything of the context is refetched, except the snapshot a
 * form is built on, which is only marked stale (the form offers a reload).
 */
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { formsKeys, keys } from '@/lib/client/keys';
import { refreshAfterGap } from '@/lib/client/live';

const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
afterEach(() => qc.clear());

function observe(queryKey: readonly unknown[], staleTime: number) {
  let calls = 0;
  const observer = new QueryObserver(qc, { queryKey, queryFn: async () => ++calls, staleTime });
  const unsubscribe = observer.subscribe(() => {});
  return { observer, unsubscribe, calls: () => calls };
}

describe('refreshAfterGap', () => {
  it('refetches the context, marks the forms snapshot stale without refetching it', async () => {
    const overview = observe(keys.overview('admin'), Infinity);
    const snapshot = observe(formsKeys.mesh('admin', { scope: 'workloads', namespaces: ['shop'] }), Infinity);
    const otherContext = observe(formsKeys.mesh('viewer', { scope: 'all', namespaces: [] }), Infinity);
    await expect.poll(() => [overview.calls(), snapshot.calls(), otherContext.calls()]).toEqual([1, 1, 1]);
    expect(snapshot.observer.getCurrentResult().isStale).toBe(false);

    refreshAfterGap(qc, 'admin');
    await expect.poll(() => overview.calls()).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(snapshot.calls()).toBe(1);
    expect(snapshot.observer.getCurrentResult().isStale).toBe(true);
    expect(snapshot.observer.getCurrentResult().data).toBe(1);
    // Another context is not concerned.
    expect(otherContext.observer.getCurrentResult().isStale).toBe(false);
    for (const o of [overview, snapshot, otherContext]) o.unsubscribe();
  });

  it("keeps the snapshot out of the context's key space, secret names in it", () => {
    const cluster = keys.cluster('admin');
    const inCluster = (k: readonly unknown[]) => cluster.every((x, i) => k[i] === x);
    expect(inCluster(formsKeys.mesh('admin', { scope: 'all', namespaces: [] }))).toBe(false);
    expect(inCluster(formsKeys.secrets('admin', 'istio-system'))).toBe(true);
    expect(formsKeys.mesh('admin', { scope: 'namespaces', namespaces: ['b', 'a'] })).toEqual(
      formsKeys.mesh('admin', { scope: 'namespaces', namespaces: ['a', 'b'] }),
    );
  });
});
