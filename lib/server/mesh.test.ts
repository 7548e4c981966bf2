import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../istio/types';
import type { ClusterCache } from '../k8s/cache';
import { meshQuerySchema, meshScopeQuery, type MeshScope } from '../contracts/forms';
import { meshForForms } from './mesh';

const objects: K8sObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'vs', namespace: 'shop', managedFields: [{ manager: 'kubectl' }] },
    spec: { hosts: ['a'] },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { mtls: { mode: 'STRICT' } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'other' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'other' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'other' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'shop' } },
  { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'db', namespace: 'other' }, spec: { hosts: ['db.example.com'] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system' } },
];

/** The part of ClusterCache meshForForms reads. */
const cache = {
  getStatus: () => ({ context: 'admin', connected: true, synced: true, since: '', forbidden: [] }),
  meshConfigMap: () => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio', namespace: 'istio-system' },
    data: { mesh: 'trustDomain: example.org\n' },
  }),
  allObjects: (namespaces?: readonly string[]) =>
    objects.filter((o) => !namespaces?.length || o.kind === 'Namespace' || namespaces.includes(o.metadata.namespace ?? '')),
} as unknown as ClusterCache;

describe('meshForForms', () => {
  it('groups the cache by kind, drops managedFields and reads the mesh config', () => {
    const { resources, status } = meshForForms(cache);
    expect(status.connected).toBe(true);
    expect(resources.virtualServices).toEqual([
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'shop' }, spec: { hosts: ['a'] } },
    ]);
    expect(resources.services).toHaveLength(2);
    expect(resources.pods).toHaveLength(1);
    expect(resources.meshConfig?.trustDomain).toBe('example.org');
  });

  it('limits to some namespaces, always with the root namespace and every Namespace', () => {
    const { resources } = meshForForms(cache, { scope: 'namespaces', namespaces: ['shop'] });
    expect(resources.namespaces.map((n) => n.metadata.name)).toEqual(['shop', 'other']);
    expect(resources.services.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['shop/svc']);
    expect(resources.peerAuthentications).toHaveLength(1);
    expect(resources.virtualServices).toHaveLength(1);
    expect(resources.serviceEntries).toEqual([]);
    expect(resources.deployments.map((o) => o.metadata.name)).toEqual(['istiod']);
  });

  it('with no namespace listed: only the root namespace and the Namespace objects', () => {
    const { resources } = meshForForms(cache, { scope: 'namespaces', namespaces: [] });
    expect(resources.namespaces).toHaveLength(2);
    expect(resources.services).toEqual([]);
    expect(resources.virtualServices).toEqual([]);
    expect(resources.peerAuthentications).toHaveLength(1);
    expect(resources.deployments.map((o) => o.metadata.name)).toEqual(['istiod']);
  });

  it('workloads scope: Istio configuration of every namespace, Services, Deployments and Pods of the listed ones only', () => {
    const { resources } = meshForForms(cache, { scope: 'workloads', namespaces: ['shop'] });
    expect(resources.namespaces).toHaveLength(2);
    expect(resources.serviceEntries.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['other/db']);
    expect(resources.virtualServices).toHaveLength(1);
    expect(resources.peerAuthentications).toHaveLength(1);
    expect(resources.services.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['shop/svc']);
    expect(resources.deployments.map((o) => o.metadata.name)).toEqual(['istiod']);
    expect(resources.pods).toEqual([]);
  });
});

describe('the scope in the query string', () => {
  const parse = (q: Record<string, string>) => meshQuerySchema.parse(q);
  it('defaults: everything without namespaces, the namespaces scope with them', () => {
    expect(parse({})).toEqual({ scope: 'all', namespaces: [] });
    expect(parse({ namespaces: 'b,a' })).toEqual({ scope: 'namespaces', namespaces: ['a', 'b'] });
    expect(parse({ scope: 'namespaces' })).toEqual({ scope: 'namespaces', namespaces: [] });
    expect(parse({ scope: 'workloads', namespaces: 'shop' })).toEqual({ scope: 'workloads', namespaces: ['shop'] });
  });
  it('refuses unknown scopes and namespaces that are not DNS labels', () => {
    expect(meshQuerySchema.safeParse({ scope: 'some' }).success).toBe(false);
    expect(meshQuerySchema.safeParse({ namespaces: 'a,B_c' }).success).toBe(false);
  });
  it('round-trips through meshScopeQuery', () => {
    const scopes: MeshScope[] = [
      { scope: 'all', namespaces: [] },
      { scope: 'namespaces', namespaces: [] },
      { scope: 'namespaces', namespaces: ['a', 'b'] },
      { scope: 'workloads', namespaces: ['shop'] },
    ];
    for (const s of scopes) {
      const q = Object.fromEntries(Object.entries(meshScopeQuery(s)).filter((e): e is [string, string] => e[1] !== undefined));
      expect(parse(q)).toEqual(s);
    }
  });
});
