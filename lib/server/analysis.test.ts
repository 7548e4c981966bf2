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
    allObjects: () => c.objects.filter((o) => o.kind !== 'Secret'),
    secretNames: () => c.objects.filter((o) => o.kind === 'Secret').map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata })),
    secretsListed: true,
    secretsReadable: () => c.secretsListed,
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

  it("checks a gateway's credentialName against the Secrets' names (metadata only), and skips it while they cannot be listed", async () => {
    const ingress: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ingress-1', namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
      spec: { containers: [{ name: 'istio-proxy', image: 'proxyv2' }] },
    };
    const gateway: K8sObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'shop' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
        ],
      },
    };
    // As the watch cache keeps it: no data, no type.
    const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-cert', namespace: 'istio-system', resourceVersion: '7' } };
    const cache = fakeCache([ingress, gateway]);
    const asCache = cache as unknown as ClusterCache;
    const about = async () =>
      (await clusterFindings(asCache)).findings
        .filter((f) => f.resource === 'Gateway shop/public' && (f.code === 'IST0101' || f.code === 'IST0161'))
        .map((f) => `${f.code} ${f.message}`);
    expect(await about()).toEqual(['IST0101 Referenced credentialName not found: "shop-cert"']);
    // Someone creates the Secret: its name is enough; its keys are not known, so no IST0161 either.
    cache.change([ingress, gateway, secret]);
    expect(await about()).toEqual([]);
    expect((await findingsForEdit(asCache, gateway)).map((f) => f.code).filter((c) => c === 'IST0101' || c === 'IST0161')).toEqual([]);
    // A console that may not list Secrets (or has not yet) does not call every credential missing.
    cache.secretsListed = false;
    cache.change([ingress, gateway]);
    expect(await about()).toEqual([]);
    cache.secretsListed = true;
    cache.change([ingress, gateway]);
    expect(await about()).toEqual(['IST0101 Referenced credentialName not found: "shop-cert"']);
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
