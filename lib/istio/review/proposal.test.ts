/** The proposal model: adding changes, review state, staleness, rebase and the GitOps exports. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { K8sObject } from '../types';
import { exportFiles, exportKustomize, exportUnifiedDiff, makeChange, rebaseChange, staleChanges, stateAfterReviews, upsertChange } from './proposal';

const vs = (rv: string, weight: number, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'user-service-vs', namespace: 'shop', resourceVersion: rv, managedFields: [{ manager: 'kubectl' }] },
  spec: { hosts: ['user-service'], http: [{ route: [{ destination: { host: 'user-service', subset: 'stable' }, weight }] }], ...extra },
  status: { x: 1 },
});

describe('changes', () => {
  it('an update remembers its base and resourceVersion, without managedFields or status', () => {
    const c = makeChange('update', vs('10', 90), vs('10', 100));
    expect(c).toMatchObject({ action: 'update', kind: 'VirtualService', namespace: 'shop', name: 'user-service-vs', baseResourceVersion: '10' });
    expect(c.base?.metadata.managedFields).toBeUndefined();
    expect(c.object?.status).toBeUndefined();
    expect(() => makeChange('update', vs('10', 90), undefined)).toThrow('does not exist');
  });

  it('a second change to the same resource replaces the first but keeps the first base', () => {
    const first = makeChange('update', vs('10', 90), vs('10', 100));
    const second = makeChange('update', vs('12', 80), vs('12', 95));
    const l = upsertChange([first], second);
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ baseResourceVersion: '10', object: { spec: { http: [{ route: [{ weight: 80 }] }] } } });
    const created = makeChange('create', vs('', 50), undefined);
    expect(upsertChange([created], makeChange('delete', vs('', 50), vs('3', 50)))).toEqual([]);
  });

  it('the latest verdict per reviewer counts and a request for changes wins', () => {
    expect(stateAfterReviews([])).toBe('open');
    expect(stateAfterReviews([{ author: 'bob', at: '', verdict: 'approve' }])).toBe('approved');
    expect(
      stateAfterReviews([
        { author: 'bob', at: '', verdict: 'approve' },
        { author: 'carol', at: '', verdict: 'request-changes' },
      ]),
    ).toBe('changes-requested');
    expect(
      stateAfterReviews([
        { author: 'bob', at: '', verdict: 'request-changes' },
        { author: 'bob', at: '', verdict: 'approve' },
      ]),
    ).toBe('approved');
  });
});

describe('stale and rebase', () => {
  const change = makeChange('update', vs('10', 90), vs('10', 100));

  it('is stale when the live resourceVersion moved or the object went', () => {
    expect(staleChanges([change], () => vs('10', 100))).toEqual([]);
    expect(staleChanges([change], () => vs('15', 100))[0]).toMatchObject({
      resource: 'VirtualService shop/user-service-vs',
      reason: 'changed since (resourceVersion 10 -> 15)',
    });
    expect(staleChanges([change], () => undefined)[0]?.reason).toBe('deleted since');
  });

  it('carries the change onto a teammate edit of another field and takes the new base', () => {
    const current = vs('15', 100, { gateways: ['mesh'] });
    const { change: r, conflicts } = rebaseChange(change, current);
    expect(conflicts).toEqual([]);
    expect(r.baseResourceVersion).toBe('15');
    expect(r.object?.spec).toMatchObject({ gateways: ['mesh'], http: [{ route: [{ weight: 90 }] }] });
    expect(r.object?.metadata.resourceVersion).toBe('15');
  });

  it('reports a conflict when the teammate changed the same field', () => {
    const { conflicts } = rebaseChange(change, vs('15', 70));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ current: expect.anything() });
  });
});

describe('exports', () => {
  const changes = [
    makeChange('update', vs('10', 90), vs('10', 100)),
    makeChange(
      'create',
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-all', namespace: 'shop' }, spec: {} },
      undefined,
    ),
  ];

  it('writes one file per resource without server-owned fields', () => {
    const files = exportFiles(changes);
    expect(files.map((f) => f.path)).toEqual(['shop/virtualservice-user-service-vs.yaml', 'shop/authorizationpolicy-deny-all.yaml']);
    const o = parse(files[0]!.text) as K8sObject;
    expect(o.metadata).toEqual({ name: 'user-service-vs', namespace: 'shop' });
    expect(o.status).toBeUndefined();
  });

  it('writes a unified diff with the weight line changed and the new file from /dev/null', () => {
    const d = exportUnifiedDiff(changes);
    expect(d).toContain('--- a/shop/virtualservice-user-service-vs.yaml');
    expect(d).toContain('-          weight: 100');
    expect(d).toContain('+          weight: 90');
    expect(d).toContain('--- /dev/null');
    expect(d).toContain('+++ b/shop/authorizationpolicy-deny-all.yaml');
  });

  it('writes a Kustomize overlay: creates as resources, updates as patches with targets', () => {
    const files = exportKustomize(changes);
    const k = parse(files[0]!.text) as { resources: string[]; patches: Array<{ path: string; target: Record<string, string> }> };
    expect(k.resources).toEqual(['../base', 'shop-authorizationpolicy-deny-all.yaml']);
    expect(k.patches).toEqual([
      {
        path: 'patches/shop-virtualservice-user-service-vs.yaml',
        target: { kind: 'VirtualService', name: 'user-service-vs', namespace: 'shop', group: 'networking.istio.io', version: 'v1' },
      },
    ]);
    expect(files.map((f) => f.path)).toContain('patches/shop-virtualservice-user-service-vs.yaml');
  });
});

describe('rebase of S4 90/10 over a teammate timeout on the same route', () => {
  it('keeps the timeout on http[0] and the proposed weights', () => {
    const base = vs('10', 100);
    delete (base.spec as { http: Array<{ route: Array<{ weight?: number }> }> }).http[0]!.route[0]!.weight;
    const mine = structuredClone(base);
    (mine.spec as { http: Array<{ route: unknown[] }> }).http[0]!.route = [
      { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
      { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
    ];
    const current = structuredClone(base);
    current.metadata.resourceVersion = '15';
    (current.spec as { http: Array<Record<string, unknown>> }).http[0]!.timeout = '7s';
    const { change, conflicts } = rebaseChange(makeChange('update', mine, base), current);
    expect(conflicts).toEqual([]);
    expect((change.object!.spec as { http: unknown[] }).http[0]).toEqual({
      route: [
        { destination: { host: 'user-service', subset: 'stable' }, weight: 90 },
        { destination: { host: 'user-service', subset: 'canary' }, weight: 10 },
      ],
      timeout: '7s',
    });
  });
});
