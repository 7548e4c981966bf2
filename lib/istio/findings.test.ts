import { describe, expect, it } from 'vitest';
import { countByResource, groupByNamespace, parseResourceName, type Finding } from './findings';

const f = (code: string, level: Finding['level'], resource: string): Finding => ({ code, level, resource, message: code });

describe('findings helpers', () => {
  it('parses resource names', () => {
    expect(parseResourceName('VirtualService shop/user-service-vs')).toEqual({ kind: 'VirtualService', namespace: 'shop', name: 'user-service-vs' });
    expect(parseResourceName('Namespace shop')).toEqual({ kind: 'Namespace', namespace: undefined, name: 'shop' });
  });
  it('counts per resource and groups by namespace and level', () => {
    const fs = [
      f('IST0101', 'Error', 'VirtualService shop/a'),
      f('IST0102', 'Info', 'Namespace shop'),
      f('MB0002', 'Warning', 'VirtualService shop/a'),
      f('IST0101', 'Error', 'DestinationRule default/b'),
    ];
    expect(countByResource(fs).get('VirtualService shop/a')).toEqual({ Error: 1, Warning: 1, Info: 0 });
    const g = groupByNamespace(fs);
    expect(g.map((x) => x.namespace)).toEqual(['default', 'shop']);
    expect(g[1]!.byLevel.Error.map((x) => x.code)).toEqual(['IST0101']);
    expect(g[1]!.byLevel.Info.map((x) => x.resource)).toEqual(['Namespace shop']);
  });
});
