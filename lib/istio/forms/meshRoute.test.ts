import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { podsFor } from '../../../e2e/cluster/demo-data';
import { gatewayApiModel } from '../gatewayapi/model';
import { s5Objects } from '../graph/test/fixtures';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { withWrites } from './writes';
import { findMeshHttpRoutes, trafficApiFor } from './meshRoute';
import { testkit, BOOKINFO, S4 } from './testkit';
import { applyCanaryStep, buildTrafficShifting, getInitTrafficShifting } from './trafficShifting';

const { loadObjects } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

describe('traffic shifting on S5: the HTTPRoute reviews (Service parentRef, 90/10) is edited in place', () => {
  const r = indexResources(s5Objects({ live: true }));
  const init = getInitTrafficShifting({ resources: r, namespace: 'bookinfo', service: 'reviews' });
  const live = r.httpRoutes.find((x) => x.metadata.name === 'reviews')!;

  it('reads the route: backend Services and their weights, the versions with a Service of their own', () => {
    expect(trafficApiFor(r, 'bookinfo', 'reviews')).toEqual({
      api: 'HTTPRoute',
      reason: 'HTTPRoute bookinfo/reviews already routes reviews (Gateway API, Service parentRef)',
    });
    expect(init).toMatchObject({ api: 'HTTPRoute', httpRouteName: 'reviews', versionLabel: 'version' });
    expect(init.subsets).toEqual([
      { name: 'reviews-v1', labels: { version: 'v1' }, weight: 90 },
      { name: 'reviews-v2', labels: { version: 'v2' }, weight: 10 },
      { name: 'reviews-v3', labels: { version: 'v3' }, weight: 0 },
    ]);
    expect(buildTrafficShifting(init, { resources: r })).toEqual({ writes: [], warnings: [], errors: [] });
  });

  it('50/50 changes only the weights of the HTTPRoute; no VirtualService or DestinationRule is written', () => {
    const res = buildTrafficShifting(applyCanaryStep(init, [50, 50], 'reviews-v1', 'reviews-v2'), { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes).toHaveLength(1);
    const w = res.writes[0]!;
    expect([w.action, w.object.kind, w.object.metadata.name]).toEqual(['replace', 'HTTPRoute', 'reviews']);
    expect(w.object.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
    expect(w.object.spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [
        {
          backendRefs: [
            { name: 'reviews-v1', port: 9080, weight: 50 },
            { name: 'reviews-v2', port: 9080, weight: 50 },
          ],
        },
      ],
    });
    const after = withWrites(r, res.writes);
    expect(
      gatewayApiModel(after)
        .meshRoutesByService.get('bookinfo/reviews')![0]!
        .route.backends.map((b) => [b.name, b.weight, b.problem]),
    ).toEqual([
      ['reviews-v1', 50, undefined],
      ['reviews-v2', 50, undefined],
    ]);
  });

  it('all to v3 with a timeout: one backendRef without weight, its port from the Service, timeouts.request', () => {
    const s = { ...init, subsets: init.subsets.map((x) => ({ ...x, weight: x.name === 'reviews-v3' ? 100 : 0 })), timeout: '3s' };
    const res = buildTrafficShifting(s, { resources: r });
    expect((res.writes[0]!.object.spec as { rules: unknown[] }).rules).toEqual([
      { backendRefs: [{ name: 'reviews-v3', port: 9080 }], timeouts: { request: '3s' } },
    ]);
  });

  it('refuses what an HTTPRoute cannot do: fault injection, retries, a backend that is not a Service', () => {
    const fault = buildTrafficShifting({ ...init, fault: { abort: { httpStatus: 503 } } }, { resources: r });
    expect(fault.writes).toEqual([]);
    expect(fault.errors.map((e) => e.path)).toEqual(['fault']);
    expect(buildTrafficShifting({ ...init, retries: { attempts: 2 } }, { resources: r }).errors.map((e) => e.path)).toEqual(['retries']);
    const ghost = buildTrafficShifting(
      { ...init, subsets: [...init.subsets.map((x) => ({ ...x, weight: 0 })), { name: 'reviews-v9', labels: { version: 'v9' }, weight: 100 }] },
      { resources: r },
    );
    expect(ghost.writes).toEqual([]);
    expect(ghost.errors).toEqual([
      {
        path: 'subsets.3.name',
        message: 'There is no Service reviews-v9 in bookinfo: the backends of an HTTPRoute are Services (one per version, selecting its pods)',
      },
    ]);
    expect(buildTrafficShifting({ ...init, subsets: init.subsets.map((x) => ({ ...x, weight: 10 })) }, { resources: r }).errors.map((e) => e.path)).toEqual([
      'subsets',
    ]);
  });

  it('ratings (ambient, no waypoint): the form says no waypoint applies the route it edits', () => {
    const s = getInitTrafficShifting({ resources: r, namespace: 'bookinfo', service: 'ratings' });
    expect(s.api).toBe('HTTPRoute');
    expect(s.httpRouteName).toBe('ratings-timeout');
    const res = buildTrafficShifting({ ...s, timeout: '5s' }, { resources: r });
    expect(res.writes.map((w) => [w.action, w.object.metadata.name])).toEqual([['replace', 'ratings-timeout']]);
    expect(res.warnings.map((w) => w.code)).toContain('TS_NO_WAYPOINT');
  });
});

describe('traffic shifting: which API', () => {
  it('a service of an ambient namespace without any route gets a new HTTPRoute with a Service parentRef', () => {
    const objs = s5Objects({ live: true }).filter((o) => !(o.kind === 'HTTPRoute' && o.metadata.name === 'reviews'));
    const r = indexResources(objs);
    const s = getInitTrafficShifting({ resources: r, namespace: 'bookinfo', service: 'reviews' });
    expect(s.api).toBe('HTTPRoute');
    expect(s.subsets.map((x) => [x.name, x.weight])).toEqual([
      ['reviews-v1', 0],
      ['reviews-v2', 0],
      ['reviews-v3', 0],
    ]);
    const res = buildTrafficShifting(applyCanaryStep(s, [90, 10], 'reviews-v1', 'reviews-v2'), { resources: r });
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'reviews', namespace: 'bookinfo' },
          spec: {
            parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
            rules: [
              {
                backendRefs: [
                  { name: 'reviews-v1', port: 9080, weight: 90 },
                  { name: 'reviews-v2', port: 9080, weight: 10 },
                ],
              },
            ],
          },
        },
      },
    ]);
    expect(findMeshHttpRoutes(withWrites(r, res.writes), 'bookinfo', 'reviews').map((x) => x.metadata.name)).toEqual(['reviews']);
  });

  it('a sidecar namespace (S4, Bookinfo with injection) keeps VirtualService + DestinationRule', () => {
    const r = indexResources(loadObjects(S4));
    expect(getInitTrafficShifting({ resources: r, namespace: 'shop', service: 'user-service' }).api).toBeUndefined();
    const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web', labels: { 'istio-injection': 'enabled' } } };
    const app = loadObjects(BOOKINFO, 'web');
    const r2 = indexResources([ns, ...app, ...(app.filter((o) => o.kind === 'Deployment').flatMap((d) => podsFor(d as never, ns as never)) as K8sObject[])]);
    expect(trafficApiFor(r2, 'web', 'reviews').api).toBe('VirtualService');
    const res = buildTrafficShifting(applyCanaryStep(getInitTrafficShifting({ resources: r2, namespace: 'web', service: 'reviews' }), [90, 10], 'v1', 'v2'), {
      resources: r2,
    });
    expect(res.writes.map((w) => w.object.kind)).toEqual(['DestinationRule', 'VirtualService']);
  });
});
