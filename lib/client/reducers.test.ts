import { describe, expect, it } from 'vitest';
import type { ConfigListResponse } from '../contracts/api';
import { parseTypeKey } from '../istio/address';
import { applyToConfigList, applyToObject } from './reducers';

const status = { context: 'admin', connected: true, synced: true, since: '', forbidden: [] };
const vs = (name: string, rv: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'default', resourceVersion: rv },
});
const base: ConfigListResponse = { status, kinds: [], items: [] };

describe('live list updates', () => {
  it('adds, updates and removes rows, ignoring stale events', () => {
    let l = applyToConfigList(base, { type: 'change', change: 'ADDED', typeKey: 'networking.istio.io/virtualservices', object: vs('b', '10') });
    l = applyToConfigList(l, { type: 'change', change: 'ADDED', typeKey: 'networking.istio.io/virtualservices', object: vs('a', '11') });
    expect(l.items.map((i) => i.name)).toEqual(['a', 'b']);
    const stale = applyToConfigList(l, { type: 'change', change: 'MODIFIED', typeKey: 'networking.istio.io/virtualservices', object: vs('b', '9') });
    expect(stale).toBe(l);
    l = applyToConfigList(l, { type: 'change', change: 'MODIFIED', typeKey: 'networking.istio.io/virtualservices', object: vs('b', '12') });
    expect(l.items.find((i) => i.name === 'b')?.resourceVersion).toBe('12');
    l = applyToConfigList(l, { type: 'change', change: 'DELETED', typeKey: 'networking.istio.io/virtualservices', object: vs('a', '13') });
    expect(l.items.map((i) => i.name)).toEqual(['b']);
  });
  it('ignores non-Istio kinds', () => {
    const l = applyToConfigList(base, {
      type: 'change',
      change: 'ADDED',
      typeKey: 'core/pods',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
    });
    expect(l.items).toEqual([]);
  });
  it('keeps the version a detail view asked for', () => {
    const cur = { ...vs('a', '1'), apiVersion: 'networking.istio.io/v1alpha3' };
    const next = applyToObject(cur, { type: 'change', change: 'MODIFIED', typeKey: 'networking.istio.io/virtualservices', object: vs('a', '2') });
    expect(next).toMatchObject({ apiVersion: 'networking.istio.io/v1alpha3', metadata: { resourceVersion: '2' } });
    expect(applyToObject(cur, { type: 'change', change: 'MODIFIED', typeKey: 'x/y', object: vs('a', '1') })).toBe('unchanged');
    expect(parseTypeKey('core/pods')).toEqual({ group: '', plural: 'pods' });
  });
});
