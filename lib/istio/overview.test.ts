import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  age,
  filterConfigItems,
  findingsWeight,
  parseConfigSort,
  sortConfigItemsBy,
  summarizeNamespaces,
  toConfigItem,
  writtenApiVersion,
  type ConfigItem,
} from './overview';
import { parseYamlDocuments } from './yaml';
import type { K8sObject } from './types';

const load = (f: string) =>
  parseYamlDocuments(readFileSync(path.join(__dirname, '..', '..', 'e2e', 'fixtures', 'scenarios', f), 'utf8'))
    .documents.map((d) => d.value as K8sObject)
    .filter(Boolean);

describe('namespace summary', () => {
  it('reports injection state, services, workloads and config counts (S1 + S4)', () => {
    const objs = [...load('s1-sample-grpc-mysql.yaml'), ...load('s4-user-service-canary.yaml')];
    const [sample, shop] = summarizeNamespaces(objs);
    expect(sample).toMatchObject({
      name: 'sample',
      injection: 'enabled',
      services: 4,
      workloads: 4,
      istioConfig: { PeerAuthentication: 1, Gateway: 1, VirtualService: 1, ServiceEntry: 1, DestinationRule: 1 },
    });
    expect(shop).toMatchObject({
      name: 'shop',
      injection: 'enabled',
      services: 1,
      workloads: 2,
      istioConfig: { Gateway: 1, VirtualService: 1, DestinationRule: 1 },
    });
  });
  it('recognises revision-based injection and disabled namespaces', () => {
    const ns = (name: string, labels: Record<string, string>): K8sObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    const s = summarizeNamespaces([ns('a', { 'istio.io/rev': 'canary' }), ns('b', { 'istio-injection': 'disabled' }), ns('c', {})]);
    expect(s.map((x) => [x.name, x.injection, x.revision])).toEqual([
      ['a', 'revision', 'canary'],
      ['b', 'disabled', undefined],
      ['c', 'none', undefined],
    ]);
  });
});

describe('namespace data plane (from the data-plane model)', () => {
  it('summarises an ambient namespace: mode, pods by mode (Istio proxies left out), Gateway API config apart', async () => {
    const { s5Objects } = await import('./graph/test/fixtures');
    const bookinfo = summarizeNamespaces(s5Objects({ live: true })).find((n) => n.name === 'bookinfo')!;
    expect(bookinfo.dataPlane.mode).toBe('ambient');
    expect(bookinfo.podsByMode).toEqual({ sidecar: 0, ambient: 7, none: 0 });
    expect(bookinfo.podsWithSidecar).toBe(0);
    expect(bookinfo.gatewayApiConfig).toEqual({ Gateway: 2, HTTPRoute: 3 });
    expect(bookinfo.istioConfig).toEqual({ AuthorizationPolicy: 3, VirtualService: 1 });
  });
});

describe('config items', () => {
  const vs: K8sObject = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: 'reviews',
      namespace: 'default',
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [
        { manager: 'kubectl', operation: 'Update', apiVersion: 'networking.istio.io/v1alpha3', time: '2026-01-01T00:00:00Z' },
        { manager: 'other', operation: 'Update', apiVersion: 'networking.istio.io/v1beta1', time: '2026-01-02T00:00:00Z', subresource: 'status' },
      ],
    },
  };
  it('knows the version a resource was written in', () => {
    expect(writtenApiVersion(vs)).toBe('networking.istio.io/v1alpha3');
    expect(toConfigItem(vs, 'virtualservices')).toMatchObject({
      id: 'networking.istio.io/virtualservices/default/reviews',
      writtenApiVersion: 'networking.istio.io/v1alpha3',
    });
  });
  it('filters by kind, namespace and text', () => {
    const items = [
      toConfigItem(vs, 'virtualservices'),
      toConfigItem({ ...vs, kind: 'DestinationRule', metadata: { name: 'x', namespace: 'shop' } }, 'destinationrules'),
    ];
    expect(filterConfigItems(items, { kinds: ['DestinationRule'] }).map((i) => i.name)).toEqual(['x']);
    expect(filterConfigItems(items, { namespaces: ['default'] }).map((i) => i.name)).toEqual(['reviews']);
    expect(filterConfigItems(items, { text: 'REV' }).map((i) => i.name)).toEqual(['reviews']);
    const gw = (apiVersion: string, name: string) => toConfigItem({ apiVersion, kind: 'Gateway', metadata: { name, namespace: 'a' } }, 'gateways');
    const both = [gw('networking.istio.io/v1', 'istio-gw'), gw('gateway.networking.k8s.io/v1', 'k8s-gw')];
    expect(filterConfigItems(both, { kinds: ['Gateway'] }).map((i) => i.name)).toEqual(['istio-gw']);
    expect(filterConfigItems(both, { kinds: ['Gateway.gateway.networking.k8s.io'] }).map((i) => i.name)).toEqual(['k8s-gw']);
  });
  it('prints ages like kubectl', () => {
    const now = Date.parse('2026-01-03T00:00:00Z');
    expect(age('2026-01-01T00:00:00Z', now)).toBe('2d');
    expect(age('2026-01-02T01:00:00Z', now)).toBe('23h');
    expect(age('2026-01-02T23:59:00Z', now)).toBe('60s');
    expect(age('2025-12-01T00:00:00Z', now)).toBe('33d');
  });
});

describe('config list sorting', () => {
  const item = (kind: string, namespace: string, name: string, created: string, written = 'networking.istio.io/v1'): ConfigItem => ({
    id: `${kind}/${namespace}/${name}`,
    group: 'networking.istio.io',
    kind,
    plural: kind.toLowerCase() + 's',
    name,
    namespace,
    apiVersion: 'networking.istio.io/v1',
    writtenApiVersion: written,
    created,
  });
  const items = [
    item('VirtualService', 'shop', 'b', '2026-01-03T00:00:00Z'),
    item('DestinationRule', 'shop', 'c', '2026-01-01T00:00:00Z', 'networking.istio.io/v1alpha3'),
    item('VirtualService', 'default', 'a', '2026-01-02T00:00:00Z'),
  ];
  const names = (xs: ConfigItem[]) => xs.map((x) => x.name);
  it('sorts by name, namespace, kind either way, ties by kind/namespace/name', () => {
    expect(names(sortConfigItemsBy(items, 'name', 'asc'))).toEqual(['a', 'b', 'c']);
    expect(names(sortConfigItemsBy(items, 'name', 'desc'))).toEqual(['c', 'b', 'a']);
    expect(names(sortConfigItemsBy(items, 'namespace', 'asc'))).toEqual(['a', 'c', 'b']);
    expect(names(sortConfigItemsBy(items, 'kind', 'asc'))).toEqual(['c', 'a', 'b']);
    expect(names(sortConfigItemsBy(items, 'apiVersion', 'desc'))).toEqual(['c', 'b', 'a']);
  });
  it('age ascending is newest first; findings ascending is worst first', () => {
    expect(names(sortConfigItemsBy(items, 'age', 'asc'))).toEqual(['b', 'a', 'c']);
    const w = new Map([
      ['a', findingsWeight({ Error: 0, Warning: 3, Info: 0 })],
      ['c', findingsWeight({ Error: 1, Warning: 0, Info: 0 })],
    ]);
    expect(names(sortConfigItemsBy(items, 'findings', 'asc', (i) => w.get(i.name) ?? 0))).toEqual(['c', 'a', 'b']);
    expect(names(sortConfigItemsBy(items, 'findings', 'desc', (i) => w.get(i.name) ?? 0))).toEqual(['b', 'a', 'c']);
  });
  it('reads the sort from the URL, defaulting unknown values', () => {
    expect(parseConfigSort('name', 'desc')).toEqual({ key: 'name', dir: 'desc' });
    expect(parseConfigSort('bogus', 'sideways')).toEqual({ key: 'kind', dir: 'asc' });
    expect(parseConfigSort(null, null)).toEqual({ key: 'kind', dir: 'asc' });
  });
  it('does not change its input', () => {
    const copy = [...items];
    sortConfigItemsBy(items, 'name', 'desc');
    expect(items).toEqual(copy);
  });
});
