import { describe, expect, it } from 'vitest';
import { threeWayMerge } from './merge';

const vs = (rv: string, spec: unknown, labels?: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'r', namespace: 'd', resourceVersion: rv, ...(labels ? { labels } : {}) },
  spec,
});

describe('three-way merge for conflicts', () => {
  it('carries my change onto a version where someone changed something else', () => {
    const base = vs('1', { hosts: ['r'], http: [{ route: [{ destination: { host: 'r', subset: 'v1' } }] }] });
    const current = vs('2', base.spec, { team: 'a' });
    const mine = vs('1', { hosts: ['r'], http: [{ route: [{ destination: { host: 'r', subset: 'v2' } }] }] });
    const { merged, conflicts } = threeWayMerge(base, current, mine);
    expect(conflicts).toEqual([]);
    expect(merged.metadata).toEqual({ name: 'r', namespace: 'd', resourceVersion: '2', labels: { team: 'a' } });
    expect(merged.spec).toEqual(mine.spec);
  });
  it('reports fields both changed differently and keeps mine', () => {
    const base = vs('1', { hosts: ['r'], http: [{ timeout: '1s' }] });
    const current = vs('2', { hosts: ['r'], http: [{ timeout: '5s' }] });
    const mine = vs('1', { hosts: ['r'], http: [{ timeout: '2s' }] });
    const { merged, conflicts } = threeWayMerge(base, current, mine);
    expect(conflicts.map((c) => c.path)).toEqual(['spec/http']);
    expect(conflicts[0]).toMatchObject({ current: [{ timeout: '5s' }], mine: [{ timeout: '2s' }] });
    expect((merged.spec as any).http).toEqual([{ timeout: '2s' }]);
    expect(merged.metadata.resourceVersion).toBe('2');
  });
  it('merges named lists item by item', () => {
    const base = {
      subsets: [
        { name: 'a', labels: { v: '1' } },
        { name: 'b', labels: { v: '2' } },
      ],
    };
    const current = { subsets: [...base.subsets, { name: 'c', labels: { v: '3' } }] };
    const mine = {
      subsets: [
        { name: 'a', labels: { v: '1' } },
        { name: 'b', labels: { v: '22' } },
      ],
    };
    const { merged, conflicts } = threeWayMerge(base, current, mine);
    expect(conflicts).toEqual([]);
    expect(merged.subsets.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(merged.subsets[1]).toEqual({ name: 'b', labels: { v: '22' } });
  });
  it('keeps deletions made on either side', () => {
    const { merged } = threeWayMerge({ a: 1, b: 2 }, { a: 1, b: 2, c: 3 }, { a: 1 } as Record<string, number>);
    expect(merged).toEqual({ a: 1, c: 3 });
  });
});

import { editText } from './display';
describe('edit text', () => {
  it('leaves out server-owned fields, status and the last-applied annotation', () => {
    const t = editText({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: 'r',
        namespace: 'd',
        resourceVersion: '5',
        uid: 'u',
        generation: 2,
        creationTimestamp: 'x',
        managedFields: [{}],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
      },
      spec: { host: 'r' },
      status: { validationMessages: [] },
    });
    expect(t).toBe(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\n  namespace: d\n  annotations:\n    keep: me\nspec:\n  host: r\n',
    );
  });
});

import { withApiVersion } from './validate';
describe('apiVersion rewrite', () => {
  it('replaces only the top-level apiVersion line', () => {
    expect(withApiVersion('# c\napiVersion: networking.istio.io/v1alpha3\nkind: X\nspec:\n  apiVersion: keep\n', 'networking.istio.io/v1')).toBe(
      '# c\napiVersion: networking.istio.io/v1\nkind: X\nspec:\n  apiVersion: keep\n',
    );
    expect(withApiVersion('kind: X\n', 'v1')).toBe('apiVersion: v1\nkind: X\n');
  });
});
