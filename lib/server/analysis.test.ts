/**
 * The console's analysis in its worker thread: findings follow changes (sent as
 * differences), an edited object is analyzed in the context of the rest, and the
 * server's event loop keeps running while a 10,000-resource mesh is analyzed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateMesh } from '../istio/generate';
import type { K8sObject } from '../istio/types';
import { ensureBuilt } from '../cli/build-check.mjs';
import { clusterFindings, findingsForEdit } from './analysis';
import type { CacheEvent, ClusterCache } from '../k8s/cache';

/** The part of ClusterCache the analysis reads. */
function fakeCache(objects: K8sObject[]) {
  const listeners = new Set<(e: CacheEvent) => void>();
  const c = {
    objects,
    revision: 1,
    allObjects: () => c.objects,
    meshConfigMap: () => undefined,
    istioCrds: () => [],
    istioCrdsVersion: () => '',
    forbidden: [] as string[],
    getStatus: () => ({ forbidden: c.forbidden }),
    subscribe: (l: (e: CacheEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    change(next: K8sObject[]) {
      c.objects = next;
      c.revision++;
    },
  };
  return c;
}

const svc: K8sObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] },
};
const vs = (host: string): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host } }] }] },
});

beforeAll(async () => {
  await ensureBuilt();
}, 120_000);

describe('console analysis in a worker thread', { timeout: 120_000 }, () => {
  it('follows changes and deletions, and analyzes an edit against the rest', async () => {
    const cache = fakeCache([svc, vs('reviews')]);
    const asCache = cache as unknown as ClusterCache;
    const hostNotFound = (fs: Array<{ code: string; message: string }>) => fs.filter((f) => f.code === 'IST0101' && f.message.includes('"ratings"'));
    expect(hostNotFound((await clusterFindings(asCache)).findings)).toEqual([]);
    cache.change([svc, vs('ratings')]);
    const after = await clusterFindings(asCache);
    expect(after.revision).toBe(cache.revision);
    expect(hostNotFound(after.findings)).toHaveLength(1);
    cache.change([svc]);
    expect((await clusterFindings(asCache)).findings.filter((f) => f.resource === 'VirtualService shop/reviews')).toEqual([]);
    const edit = await findingsForEdit(asCache, vs('ratings'));
    expect(hostNotFound(edit)).toHaveLength(1);
  });

  it('skips the checks that need kinds the console may not list (RBAC), in the whole mesh and in an edit', async () => {
    const labelled: K8sObject = { ...svc, metadata: { ...svc.metadata, labels: { 'istio.io/use-waypoint': 'waypoint' } } };
    const cache = fakeCache([labelled]);
    const asCache = cache as unknown as ClusterCache;
    const codes = async () => (await clusterFindings(asCache)).findings.map((f) => `${f.code} ${f.resource}`);
    // Waypoints are Gateway API Gateways: with them readable, the missing one is reported.
    expect(await codes()).toContain('MB0020 Service shop/reviews');
    cache.forbidden = ['gateway.networking.k8s.io/gateways'];
    cache.change([labelled]);
    expect(await codes()).not.toContain('MB0020 Service shop/reviews');
    expect((await findingsForEdit(asCache, labelled)).map((f) => f.code)).not.toContain('MB0020');
  });

  it('keeps the event loop free while a 10,000-resource mesh is analyzed', async () => {
    const cache = fakeCache(generateMesh(10_000).objects);
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
    const r = await clusterFindings(cache as unknown as ClusterCache);
    running = false;
    expect(r.findings.length).toBeGreaterThan(0);
    // In-process, the analysis would hold the thread for its whole run: no timer could fire.
    expect(ticks).toBeGreaterThan(3);
  });
});
