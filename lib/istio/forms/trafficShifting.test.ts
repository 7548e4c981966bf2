import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyCanaryStep,
  buildTrafficShifting,
  canarySteps,
  getInitTrafficShifting,
  guessCanaryPair,
  nextCanaryStep,
  trafficShiftingSchema,
  type TrafficShiftingState,
} from './trafficShifting';
import { testkit, BOOKINFO, S1, S4 } from './testkit';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';

const { loadObjects, loadScenario, crdProblems } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

const issues = (s: unknown) => trafficShiftingSchema.safeParse(s).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

describe('traffic shifting on S4 (user-service, subsets stable/canary, labels component/release)', () => {
  const r = loadScenario(S4);
  const vsLive = r.virtualServices[0]!;
  const init = getInitTrafficShifting({ resources: r, namespace: 'shop', service: 'user-service' });

  it('reads subsets, weights and names from what exists', () => {
    expect(init).toEqual({
      namespace: 'shop',
      service: 'user-service',
      versionLabel: 'release',
      subsets: [
        { name: 'stable', labels: { release: 'v2' }, weight: 100 },
        { name: 'canary', labels: { release: 'v3' }, weight: 0 },
      ],
      virtualServiceName: 'user-service-vs',
      destinationRuleName: 'user-service-dr',
    });
    expect(buildTrafficShifting(init, { resources: r })).toEqual({ writes: [], warnings: [], errors: [] });
  });

  it('90/10 edits user-service-vs in place and keeps its other fields; the DestinationRule is untouched', () => {
    const vs = {
      ...vsLive,
      metadata: { ...vsLive.metadata, labels: { 'app.kubernetes.io/managed-by': 'kustomize' }, resourceVersion: '12' },
      spec: { ...vsLive.spec, exportTo: ['.'] },
    };
    const r2 = { ...r, virtualServices: [vs] };
    const pair = guessCanaryPair(init)!;
    expect(pair).toEqual({ from: 'stable', to: 'canary' });
    const s = applyCanaryStep(init, canarySteps[0]!, pair.from, pair.to);
    const res = buildTrafficShifting(s, { resources: r2 });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: vs,
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'user-service-vs', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'kustomize' }, resourceVersion: '12' },
          spec: {
            hosts: ['user-service'],
            exportTo: ['.'],
            http: [
              {
                route: [
                  { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
                  { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
                ],
              },
            ],
          },
        },
      },
    ]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('walks the canary steps 90/10 -> 50/50 -> 0/100, each a valid VirtualService', () => {
    let state: TrafficShiftingState = init;
    let live: K8sObject[] = loadObjects(S4);
    const seen: Array<Array<number | undefined>> = [];
    for (;;) {
      const step = nextCanaryStep(state, 'stable', 'canary');
      if (!step) break;
      state = applyCanaryStep(state, step, 'stable', 'canary');
      const res = buildTrafficShifting(state, { resources: indexResources(live) });
      expect(res.errors).toEqual([]);
      expect(res.writes).toHaveLength(1);
      const obj = res.writes[0]!.object;
      expect(crdProblems(obj)).toEqual([]);
      const route = (obj.spec as { http: Array<{ route: Array<{ destination: { subset: string }; weight?: number }> }> }).http[0]!.route;
      seen.push(route.map((d) => d.weight));
      live = live.map((o) => (o.kind === 'VirtualService' ? obj : o));
      state = getInitTrafficShifting({ resources: indexResources(live), namespace: 'shop', service: 'user-service' });
    }
    expect(seen).toEqual([[90, 10], [50, 50], [undefined]]);
    expect(state.subsets.map((s) => [s.name, s.weight])).toEqual([
      ['stable', 0],
      ['canary', 100],
    ]);
    expect(nextCanaryStep(state, 'stable', 'canary')).toBeUndefined();
  });

  it('timeout, retries and fault injection go on the route', () => {
    const s: TrafficShiftingState = {
      ...applyCanaryStep(init, [50, 50], 'stable', 'canary'),
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
      fault: { delay: { fixedDelay: '250ms', percentage: 10 }, abort: { httpStatus: 503, percentage: 1.5 } },
    };
    const res = buildTrafficShifting(s, { resources: r });
    expect((res.writes[0]!.object.spec as { http: unknown[] }).http).toEqual([
      {
        route: [
          { destination: { host: 'user-service', subset: 'stable' }, weight: 50 },
          { destination: { host: 'user-service', subset: 'canary' }, weight: 50 },
        ],
        timeout: '5s',
        retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
        fault: { delay: { fixedDelay: '250ms', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 1.5 } } },
      },
    ]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
    // Reading it back gives the same options; removing them removes the fields.
    const back = getInitTrafficShifting({
      resources: indexResources(loadObjects(S4).map((o) => (o.kind === 'VirtualService' ? res.writes[0]!.object : o))),
      namespace: 'shop',
      service: 'user-service',
    });
    expect(back).toMatchObject({ timeout: '5s', retries: s.retries, fault: s.fault });
    const cleared = buildTrafficShifting(
      { ...back, timeout: undefined, retries: undefined, fault: undefined },
      { resources: indexResources(loadObjects(S4).map((o) => (o.kind === 'VirtualService' ? res.writes[0]!.object : o))) },
    );
    expect((cleared.writes[0]!.object.spec as { http: Array<Record<string, unknown>> }).http[0]).toEqual({
      route: [
        { destination: { host: 'user-service', subset: 'stable' }, weight: 50 },
        { destination: { host: 'user-service', subset: 'canary' }, weight: 50 },
      ],
    });
  });

  it('retries with attempts 0 (retries off) and a delay without percentage', () => {
    const res = buildTrafficShifting({ ...init, retries: { attempts: 0 }, fault: { delay: { fixedDelay: '1s' } } }, { resources: r });
    expect((res.writes[0]!.object.spec as { http: Array<Record<string, unknown>> }).http[0]).toMatchObject({
      retries: { attempts: 0 },
      fault: { delay: { fixedDelay: '1s' } },
    });
  });

  it('keeps other routes (with matches) and changes only the catch-all route to the service', () => {
    const vs = {
      ...vsLive,
      spec: {
        hosts: ['user-service'],
        http: [
          { name: 'testers', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'user-service', subset: 'canary' } }] },
          { name: 'default', route: [{ destination: { host: 'user-service', subset: 'stable' } }], corsPolicy: { allowOrigins: [{ exact: 'https://a' }] } },
        ],
      },
    };
    const r2 = { ...r, virtualServices: [vs] };
    const s = applyCanaryStep(getInitTrafficShifting({ resources: r2, namespace: 'shop', service: 'user-service' }), [90, 10], 'stable', 'canary');
    const res = buildTrafficShifting(s, { resources: r2 });
    expect((res.writes[0]!.object.spec as { http: unknown[] }).http).toEqual([
      vs.spec.http[0],
      {
        name: 'default',
        route: [
          { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
          { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
        ],
        corsPolicy: { allowOrigins: [{ exact: 'https://a' }] },
      },
    ]);
    expect(res.warnings.map((w) => w.code)).toEqual(['TS_OTHER_ROUTES']);
  });

  it('a version without a subset extends the DestinationRule (keeping the others) when traffic goes to it', () => {
    const v4 = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'user-service-v4', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { component: 'user-service', release: 'v4' } },
        template: { metadata: { labels: { component: 'user-service', release: 'v4' } }, spec: { containers: [{ name: 'app' }] } },
      },
    };
    const r2 = indexResources([...loadObjects(S4), v4]);
    const s0 = getInitTrafficShifting({ resources: r2, namespace: 'shop', service: 'user-service' });
    expect(s0.subsets).toEqual([
      { name: 'stable', labels: { release: 'v2' }, weight: 100 },
      { name: 'canary', labels: { release: 'v3' }, weight: 0 },
      { name: 'v4', labels: { release: 'v4' }, weight: 0 },
    ]);
    expect(buildTrafficShifting(s0, { resources: r2 }).writes).toEqual([]);
    const res = buildTrafficShifting(applyCanaryStep(s0, [90, 10], 'stable', 'v4'), { resources: r2 });
    const drLive = r2.destinationRules[0]!;
    expect(res.writes[0]).toEqual({
      action: 'replace',
      base: drLive,
      object: {
        ...drLive,
        spec: {
          host: 'user-service',
          subsets: [
            { name: 'stable', labels: { release: 'v2' } },
            { name: 'canary', labels: { release: 'v3' } },
            { name: 'v4', labels: { release: 'v4' } },
          ],
        },
      },
    });
    expect(res.writes[1]!.object.spec).toMatchObject({
      http: [
        {
          route: [
            { destination: { subset: 'stable' }, weight: 90 },
            { destination: { host: 'user-service', subset: 'v4' }, weight: 10 },
          ],
        },
      ],
    });
  });

  it('warns about a subset whose labels match no workload', () => {
    const s = { ...init, subsets: [...init.subsets.map((x) => (x.name === 'canary' ? { ...x, labels: { release: 'v9' } } : x))] };
    const res = buildTrafficShifting(applyCanaryStep(s, [90, 10], 'stable', 'canary'), { resources: r });
    expect(res.warnings).toEqual([
      {
        code: 'TS_SUBSET_NO_WORKLOAD',
        message: 'Subset canary (release=v9) matches no workload of user-service; the 10% sent to it will fail with "no healthy upstream".',
      },
    ]);
  });
});

describe('traffic shifting creates what is absent', () => {
  it('S1 service-a without VirtualService or DestinationRule: creates both, minimal', () => {
    const v2 = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'service-a-v2', namespace: 'sample' },
      spec: {
        selector: { matchLabels: { app: 'service-a', version: 'v2' } },
        template: { metadata: { labels: { app: 'service-a', version: 'v2' } }, spec: { containers: [{ name: 'app' }] } },
      },
    };
    const r = loadScenario(S1, { extra: [v2] });
    const s = getInitTrafficShifting({ resources: r, namespace: 'sample', service: 'service-a' });
    expect(s).toEqual({
      namespace: 'sample',
      service: 'service-a',
      versionLabel: 'version',
      subsets: [
        { name: 'v1', labels: { version: 'v1' }, weight: 0 },
        { name: 'v2', labels: { version: 'v2' }, weight: 0 },
      ],
      virtualServiceName: 'service-a',
      destinationRuleName: 'service-a',
    });
    const res = buildTrafficShifting(applyCanaryStep(s, [90, 10], 'v1', 'v2'), { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          metadata: { name: 'service-a', namespace: 'sample' },
          spec: {
            host: 'service-a',
            subsets: [
              { name: 'v1', labels: { version: 'v1' } },
              { name: 'v2', labels: { version: 'v2' } },
            ],
          },
        },
      },
      {
        action: 'create',
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'service-a', namespace: 'sample' },
          spec: {
            hosts: ['service-a'],
            http: [
              {
                route: [
                  { destination: { host: 'service-a', subset: 'v1' }, weight: 90 },
                  { destination: { host: 'service-a', subset: 'v2' }, weight: 10 },
                ],
              },
            ],
          },
        },
      },
    ]);
    for (const w of res.writes) expect(crdProblems(w.object)).toEqual([]);
  });

  it('Bookinfo reviews: subsets v1/v2/v3 from the version labels', () => {
    const r = indexResources(loadObjects(BOOKINFO, 'default'));
    const s = getInitTrafficShifting({ resources: r, namespace: 'default', service: 'reviews' });
    expect(s.subsets.map((x) => x.name)).toEqual(['v1', 'v2', 'v3']);
  });
});

describe('traffic shifting schema', () => {
  const base: TrafficShiftingState = {
    namespace: 'shop',
    service: 'user-service',
    versionLabel: 'release',
    subsets: [
      { name: 'stable', labels: { release: 'v2' }, weight: 80 },
      { name: 'canary', labels: { release: 'v3' }, weight: 10 },
    ],
    virtualServiceName: 'user-service-vs',
    destinationRuleName: 'user-service-dr',
  };
  it('weights summing to 90 are refused with the field path and nothing is written', () => {
    expect(issues(base)).toEqual([{ path: 'subsets', message: 'The weights must add up to 100; they add up to 90 now' }]);
    const res = buildTrafficShifting(base, { resources: loadScenario(S4) });
    expect(res.writes).toEqual([]);
    expect(res.errors).toEqual([{ path: 'subsets', message: 'The weights must add up to 100; they add up to 90 now' }]);
  });
  it('negative or fractional weights, bad names, duplicate names, empty labels', () => {
    expect(
      issues({
        ...base,
        subsets: [
          { name: 'a', labels: { v: '1' }, weight: 100.5 },
          { name: 'b', labels: { v: '2' }, weight: -0.5 },
        ],
      }),
    ).toEqual([{ path: 'subsets', message: 'Each weight must be a whole number from 0 to 100' }]);
    expect(
      issues({
        ...base,
        subsets: [
          { name: 'Stable', labels: {}, weight: 100 },
          { name: 'Stable', labels: { v: '2' }, weight: 0 },
        ],
      }),
    ).toEqual([
      {
        path: 'subsets.0.name',
        message: 'The subset name "Stable" may only contain lowercase letters, digits and "-", and must start and end with a letter or digit',
      },
      { path: 'subsets.0.labels', message: 'Give subset Stable the labels that pick its pods, such as version: v2' },
      {
        path: 'subsets.1.name',
        message: 'The subset name "Stable" may only contain lowercase letters, digits and "-", and must start and end with a letter or digit',
      },
      { path: 'subsets.1', message: 'There are two subsets named Stable' },
    ]);
    expect(issues({ ...base, subsets: [] })).toEqual([
      { path: 'subsets', message: 'Add at least one subset (a version of the service) to send traffic to' },
      { path: 'subsets', message: 'The weights must add up to 100; they add up to 0 now' },
    ]);
  });
  it('durations, retries and fault values', () => {
    const ok = { ...base, subsets: [{ ...base.subsets[0]!, weight: 90 }, base.subsets[1]!] };
    expect(issues({ ...ok, timeout: '5 seconds' })).toEqual([
      { path: 'timeout', message: 'The timeout "5 seconds" is not a duration: write a number with a unit, such as 5s, 250ms or 1m' },
    ]);
    expect(issues({ ...ok, timeout: '0s' })).toEqual([{ path: 'timeout', message: 'The timeout must be at least 1ms' }]);
    expect(issues({ ...ok, retries: { attempts: -1, perTryTimeout: '2x', retryOn: '5xx,teapot' } })).toEqual([
      { path: 'retries.attempts', message: 'Retries must be a whole number from 0 (no retries) to 100' },
      { path: 'retries.perTryTimeout', message: 'The time per try "2x" is not a duration: write a number with a unit, such as 5s, 250ms or 1m' },
      {
        path: 'retries.retryOn',
        message: 'Unknown retry condition "teapot": use a comma-separated list such as 5xx,connect-failure,reset or HTTP status codes such as 503',
      },
    ]);
    expect(issues({ ...ok, fault: { delay: { fixedDelay: '1s', percentage: 120 }, abort: { httpStatus: 99 } } })).toEqual([
      { path: 'fault.delay.percentage', message: 'The share of requests to delay must be between 0 and 100' },
      { path: 'fault.abort.httpStatus', message: 'The HTTP status must be a whole number from 200 to 599, such as 503' },
    ]);
  });
});

describe('version order', () => {
  it('lists versions in version order, whatever order the cluster returned the workloads in', async () => {
    const { indexResources } = await import('../resources');
    const { versionsOf } = await import('./trafficShifting');
    const d = (name: string, v: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'api', version: v } },
        template: { metadata: { labels: { app: 'api', version: v } }, spec: { containers: [{ name: 'api' }] } },
      },
    });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' } } };
    const r = indexResources([d('api-v10', 'v10'), d('api-v3', 'v3'), d('api-v2', 'v2'), svc]);
    expect(versionsOf(r, r.services[0]!, 'version')).toEqual(['v2', 'v3', 'v10']);
  });
});
