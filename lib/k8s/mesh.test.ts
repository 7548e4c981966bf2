import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../istio/types';
import type { ClusterCache } from './cache';
import { meshForForms } from './mesh';

const objects: K8sObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
  { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'shop', managedFields: [{ manager: 'kubectl' }] }, spec: { hosts: ['a'] } },
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'other' } },
];

/** The part of ClusterCache meshForForms reads. */
const cache = {
  getStatus: () => ({ context: 'admin', connected: true, synced: true, since: '', forbidden: [] }),
  meshConfigMap: () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'trustDomain: example.org\n' } }),
  allObjects: (namespaces?: readonly string[]) => objects.filter((o) => !namespaces?.length || o.kind === 'Namespace' || namespaces.includes(o.metadata.namespace ?? '')),
} as unknown as ClusterCache;

describe('meshForForms', () => {
  it('groups the cache by kind, drops managedFields and reads the mesh config', () => {
    const { resources, status } = meshForForms(cache);
    expect(status.connected).toBe(true);
    expect(resources.virtualServices).toEqual([{ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'shop' }, spec: { hosts: ['a'] } }]);
    expect(resources.services).toHaveLength(1);
    expect(resources.meshConfig?.trustDomain).toBe('example.org');
  });

  it('limits to some namespaces, always with the root namespace and every Namespace', () => {
    const { resources } = meshForForms(cache, ['shop']);
    expect(resources.namespaces.map((n) => n.metadata.name)).toEqual(['shop', 'other']);
    expect(resources.services).toEqual([]);
    expect(resources.peerAuthentications).toHaveLength(1);
    expect(resources.virtualServices).toHaveLength(1);
  });
});
