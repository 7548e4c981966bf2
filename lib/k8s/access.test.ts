import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../istio/types';
import { AccessRules } from './access';

const kinds = [{ group: 'networking.istio.io', kind: 'VirtualService', plural: 'virtualservices' }];
const vs = (namespace: string, name: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { namespace, name } }) as K8sObject;

describe('AccessRules', () => {
  it('filters by namespace, kind and resourceNames', () => {
    const rules = new AccessRules(
      new Map([
        ['shop', [{ verbs: ['get', 'update'], apiGroups: ['networking.istio.io'], resources: ['virtualservices'], resourceNames: ['user-service-vs'] }]],
        ['default', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['services', 'namespaces'] }]],
      ]),
      kinds,
    );
    expect(rules.canSee(vs('shop', 'user-service-vs'))).toBe(true);
    expect(rules.canSee(vs('shop', 'other'))).toBe(false);
    expect(rules.canSee(vs('default', 'reviews'))).toBe(false);
    expect(rules.canSee({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'x' } } as K8sObject)).toBe(true);
    expect(rules.canSee({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } as K8sObject)).toBe(true);
    expect(rules.canSee({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as K8sObject)).toBe(false);
    expect(rules.canSeeKind('VirtualService', 'shop', 'user-service-vs')).toBe(true);
  });

  it('a write-only rule does not grant reading', () => {
    const rules = new AccessRules(new Map([['shop', [{ verbs: ['create'], apiGroups: ['*'], resources: ['*'] }]]]), kinds);
    expect(rules.canSee(vs('shop', 'a'))).toBe(false);
  });
});
