import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { age, filterConfigItems, summarizeNamespaces, toConfigItem, writtenApiVersion } from './overview';
import { parseYamlDocuments } from './yaml';
import type { K8sObject } from './types';

const load = (f: string) =>
  parseYamlDocuments(readFileSync(path.join(__dirname, '..', '..', 'e2e', 'fixtures', 'scenarios', f), 'utf8')).documents.map((d) => d.value as K8sObject).filter(Boolean);

describe('namespace summary', () => {
  it('reports injection state, services, workloads and config counts (S1 + S4)', () => {
    const objs = [...load('s1-sample-grpc-mysql.yaml'), ...load('s4-user-service-canary.yaml')];
    const [sample, shop] = summarizeNamespaces(objs);
    expect(sample).toMatchObject({ name: 'sample', injection: 'enabled', services: 4, workloads: 4, istioConfig: { PeerAuthentication: 1, Gateway: 1, VirtualService: 1, ServiceEntry: 1, DestinationRule: 1 } });
    expect(shop).toMatchObject({ name: 'shop', injection: 'enabled', services: 1, workloads: 2, istioConfig: { Gateway: 1, VirtualService: 1, DestinationRule: 1 } });
  });
  it('recognises revision-based injection and disabled namespaces', () => {
    const ns = (name: string, labels: Record<string, string>): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    const s = summarizeNamespaces([ns('a', { 'istio.io/rev': 'canary' }), ns('b', { 'istio-injection': 'disabled' }), ns('c', {})]);
    expect(s.map((x) => [x.name, x.injection, x.revision])).toEqual([['a', 'revision', 'canary'], ['b', 'disabled', undefined], ['c', 'none', undefined]]);
  });
});

describe('config items', () => {
  const vs: K8sObject = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: 'reviews', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [
        { manager: 'kubectl', operation: 'Update', apiVersion: 'networking.istio.io/v1alpha3', time: '2026-01-01T00:00:00Z' },
        { manager: 'other', operation: 'Update', apiVersion: 'networking.istio.io/v1beta1', time: '2026-01-02T00:00:00Z', subresource: 'status' },
      ],
    },
  };
  it('knows the version a resource was written in', () => {
    expect(writtenApiVersion(vs)).toBe('networking.istio.io/v1alpha3');
    expect(toConfigItem(vs, 'virtualservices')).toMatchObject({ id: 'networking.istio.io/virtualservices/default/reviews', writtenApiVersion: 'networking.istio.io/v1alpha3' });
  });
  it('filters by kind, namespace and text', () => {
    const items = [toConfigItem(vs, 'virtualservices'), toConfigItem({ ...vs, kind: 'DestinationRule', metadata: { name: 'x', namespace: 'shop' } }, 'destinationrules')];
    expect(filterConfigItems(items, { kinds: ['DestinationRule'] }).map((i) => i.name)).toEqual(['x']);
    expect(filterConfigItems(items, { namespaces: ['default'] }).map((i) => i.name)).toEqual(['reviews']);
    expect(filterConfigItems(items, { text: 'REV' }).map((i) => i.name)).toEqual(['reviews']);
  });
  it('prints ages like kubectl', () => {
    const now = Date.parse('2026-01-03T00:00:00Z');
    expect(age('2026-01-01T00:00:00Z', now)).toBe('2d');
    expect(age('2026-01-02T01:00:00Z', now)).toBe('23h');
    expect(age('2026-01-02T23:59:00Z', now)).toBe('60s');
    expect(age('2025-12-01T00:00:00Z', now)).toBe('33d');
  });
});
