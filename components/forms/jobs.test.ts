import { describe, expect, it } from 'vitest';
import type { KindSummary } from '@/lib/contracts/api';
import { formHref, JOBS, typeOfObject } from './jobs';

describe('mesh task links', () => {
  it('are the URLs the graph side panel and the overview use', () => {
    expect(JOBS.map((j) => j.job)).toEqual(['mtls', 'expose', 'serviceentry', 'traffic', 'injection', 'callers']);
    expect(formHref('traffic', { ns: 'shop', service: 'user-service' })).toBe('/forms/traffic?ns=shop&service=user-service');
    expect(formHref('callers', { ns: 'a', workload: 'b' })).toBe('/forms/callers?ns=a&workload=b');
    expect(formHref('mtls', { ns: 'a', service: '' })).toBe('/forms/mtls?ns=a');
    expect(formHref('injection')).toBe('/forms/injection');
  });
});

describe('where a write goes', () => {
  const kinds: KindSummary[] = [{ group: 'networking.istio.io', kind: 'VirtualService', plural: 'virtualservices', namespaced: true, served: ['v1', 'v1beta1'], preferred: 'v1', deprecated: {} }];
  const obj = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: 'x' } });
  it('resolves Istio kinds from /api/kinds (keeping the object version) and the core types the forms write', () => {
    expect(typeOfObject(obj('networking.istio.io/v1beta1', 'VirtualService'), kinds)).toEqual({ group: 'networking.istio.io', version: 'v1beta1', plural: 'virtualservices' });
    expect(typeOfObject(obj('v1', 'Namespace'), kinds)).toEqual({ group: 'core', version: 'v1', plural: 'namespaces' });
    expect(typeOfObject(obj('apps/v1', 'Deployment'), kinds)).toEqual({ group: 'apps', version: 'v1', plural: 'deployments' });
    expect(typeOfObject(obj('security.istio.io/v1', 'PeerAuthentication'), kinds)).toBeUndefined();
  });
});
