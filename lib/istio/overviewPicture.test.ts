import { describe, expect, it } from 'vitest';
import { findingsByNamespace, namespaceMtls, trafficByNamespace } from './overviewPicture';
import { emptyMeshResources } from './resources';
import type { Finding } from './findings';

const pa = (namespace: string, name: string, mode: string, selector?: Record<string, string>) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { namespace, name },
  spec: { mtls: { mode }, ...(selector ? { selector: { matchLabels: selector } } : {}) },
});

describe('overview picture', () => {
  it('mTLS posture: the namespace policy beats the mesh one; workload policies are counted', () => {
    const r = {
      ...emptyMeshResources(),
      peerAuthentications: [pa('istio-system', 'default', 'STRICT'), pa('shop', 'default', 'PERMISSIVE'), pa('shop', 'legacy', 'DISABLE', { app: 'legacy' })],
    } as never;
    expect(namespaceMtls(r, 'shop')).toMatchObject({ mode: 'PERMISSIVE', resource: 'PeerAuthentication shop/default', workloadPolicies: 1 });
    expect(namespaceMtls(r, 'other')).toMatchObject({ mode: 'STRICT', resource: 'PeerAuthentication istio-system/default', workloadPolicies: 0 });
    expect(namespaceMtls(emptyMeshResources(), 'x')).toMatchObject({ mode: 'PERMISSIVE', workloadPolicies: 0 });
    expect(namespaceMtls(emptyMeshResources(), 'x').resource).toBeUndefined();
  });
  it('findings by namespace and level; a Namespace finding counts for that namespace', () => {
    const f = (level: Finding['level'], resource: string): Finding => ({ code: 'X', level, message: 'm', resource });
    const m = findingsByNamespace([
      f('Error', 'VirtualService shop/a'),
      f('Warning', 'VirtualService shop/b'),
      f('Warning', 'Namespace shop'),
      f('Info', 'MeshConfig mesh'),
    ]);
    expect(m.get('shop')).toEqual({ Error: 1, Warning: 2, Info: 0 });
    expect(m.get('')).toEqual({ Error: 0, Warning: 0, Info: 1 });
  });
  it('traffic per destination namespace with its error share; TCP left out', () => {
    const t = trafficByNamespace({
      window: '5m',
      samples: [
        { source: { workload: 'a', namespace: 'x' }, destination: { service: 's', serviceNamespace: 'shop' }, protocol: 'http', rps: 8, errorRps: 2 },
        { source: { workload: 'b', namespace: 'y' }, destination: { service: 's', serviceNamespace: 'shop' }, protocol: 'grpc', rps: 2 },
        { source: { workload: 'b', namespace: 'y' }, destination: { service: 'db', serviceNamespace: 'data' }, protocol: 'tcp', tcpBytesPerSec: 100 },
      ],
    });
    expect(t).toEqual({ shop: { rps: 10, errorRps: 2, errorShare: 0.2 } });
  });
});
