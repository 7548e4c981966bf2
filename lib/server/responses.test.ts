import { describe, expect, it, vi } from 'vitest';
import type { K8sObject } from '../istio/types';

vi.mock('server-only', () => ({}));
const { configList } = await import('./responses');
const { scopedCache } = await import('../k8s/scoped');
const { AccessRules } = await import('../k8s/access');

const vsKind = {
  group: 'networking.istio.io',
  kind: 'VirtualService',
  plural: 'virtualservices',
  namespaced: true,
  served: ['v1'],
  preferred: 'v1',
  deprecated: {},
  source: 'crd' as const,
};
const vs = (namespace: string, name: string, rv: string): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { namespace, name, resourceVersion: rv },
  spec: { hosts: [name] },
});

function fakeCache(objects: K8sObject[]) {
  const c = {
    objects,
    revision: 1,
    getKinds: () => [vsKind],
    getStatus: () => ({ connected: true, synced: true }),
    list: (key: string) => (key === 'networking.istio.io/virtualservices' ? c.objects : []),
    get: () => undefined,
    allObjects: () => c.objects,
    meshConfigMap: () => undefined,
    subscribe: () => () => {},
    change(next: K8sObject[]) {
      c.objects = next;
      c.revision++;
    },
  };
  return c;
}

const viewOn = (namespace: string) =>
  [new Map([[namespace, [{ verbs: ['get', 'list'], apiGroups: ['networking.istio.io'], resources: ['virtualservices'] }]]]), [vsKind]] as const;

describe('the config list', () => {
  it('is rebuilt when the cache changes and reused while it does not', () => {
    const cache = fakeCache([vs('shop', 'a', '1')]);
    const first = configList(cache as never);
    expect(first.items.map((i) => i.name)).toEqual(['a']);
    expect(configList(cache as never).items).toBe(first.items);
    cache.change([vs('shop', 'a', '2'), vs('shop', 'b', '3')]);
    const next = configList(cache as never);
    expect(next.items.map((i) => [i.name, i.resourceVersion])).toEqual([
      ['a', '2'],
      ['b', '3'],
    ]);
  });

  it("each person's view keeps its own list: nobody is served another's rows", () => {
    const cache = fakeCache([vs('shop', 'a', '1'), vs('default', 'r', '2')]);
    const alice = scopedCache(cache as never, new AccessRules(...viewOn('shop')));
    const bob = scopedCache(cache as never, new AccessRules(...viewOn('default')));
    expect(configList(alice).items.map((i) => `${i.namespace}/${i.name}`)).toEqual(['shop/a']);
    expect(configList(bob).items.map((i) => `${i.namespace}/${i.name}`)).toEqual(['default/r']);
    expect(configList(cache as never).items).toHaveLength(2);
    cache.change([vs('shop', 'a', '1'), vs('default', 'r', '2'), vs('default', 's', '3')]);
    expect(configList(bob).items.map((i) => i.name)).toEqual(['r', 's']);
    expect(configList(alice).items.map((i) => i.name)).toEqual(['a']);
  });
});
