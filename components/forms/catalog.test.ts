import { describe, expect, it } from 'vitest';
import type { KindSummary } from '@/lib/contracts/api';
import { formHref, JOBS, meshScopeFor, mtlsScopeOf, typeOfObject, type FormTarget } from './catalog';

describe('mesh task links', () => {
  it('are the URLs the graph side panel and the overview use', () => {
    expect(JOBS.map((j) => j.job)).toEqual(['mtls', 'expose', 'serviceentry', 'traffic', 'injection', 'callers', 'ambient']);
    expect(formHref('ambient', { ns: 'bookinfo', service: 'details' })).toBe('/forms/ambient?ns=bookinfo&service=details');
    expect(formHref('traffic', { ns: 'shop', service: 'user-service' })).toBe('/forms/traffic?ns=shop&service=user-service');
    expect(formHref('callers', { ns: 'a', workload: 'b' })).toBe('/forms/callers?ns=a&workload=b');
    expect(formHref('mtls', { ns: 'a', service: '' })).toBe('/forms/mtls?ns=a');
    expect(formHref('injection')).toBe('/forms/injection');
  });
});

describe('where a write goes', () => {
  const kinds: KindSummary[] = [
    {
      group: 'networking.istio.io',
      kind: 'VirtualService',
      plural: 'virtualservices',
      namespaced: true,
      served: ['v1', 'v1beta1'],
      preferred: 'v1',
      deprecated: {},
    },
  ];
  const obj = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: { name: 'x' } });
  it('resolves Istio kinds from /api/kinds (keeping the object version) and the core types the forms write', () => {
    expect(typeOfObject(obj('networking.istio.io/v1beta1', 'VirtualService'), kinds)).toEqual({
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural: 'virtualservices',
    });
    expect(typeOfObject(obj('v1', 'Namespace'), kinds)).toEqual({ group: '', version: 'v1', plural: 'namespaces' });
    expect(typeOfObject(obj('apps/v1', 'Deployment'), kinds)).toEqual({ group: 'apps', version: 'v1', plural: 'deployments' });
    // The ambient form labels Services (istio.io/use-waypoint).
    expect(typeOfObject(obj('v1', 'Service'), kinds)).toEqual({ group: 'core', version: 'v1', plural: 'services' });
    expect(typeOfObject(obj('security.istio.io/v1', 'PeerAuthentication'), kinds)).toBeUndefined();
  });
});

describe('how much of the mesh a form loads', () => {
  const t = (x: Partial<FormTarget> = {}): FormTarget => ({ ns: '', service: '', workload: '', scope: '', ...x });
  const only = (...namespaces: string[]) => ({ scope: 'namespaces', namespaces });
  const all = { scope: 'all', namespaces: [] };

  it('only the Namespace objects (and the chosen namespace) until the target is chosen', () => {
    for (const job of ['expose', 'serviceentry', 'traffic', 'injection', 'callers'] as const) expect(meshScopeFor(job, t()), job).toEqual(only());
    expect(meshScopeFor('expose', t({ ns: 'shop' }))).toEqual(only('shop'));
    expect(meshScopeFor('callers', t({ ns: 'shop' }))).toEqual(only('shop'));
    expect(meshScopeFor('mtls', t({ scope: 'namespace' }))).toEqual(only());
    expect(meshScopeFor('mtls', t({ ns: 'shop', scope: 'workload' }))).toEqual(only('shop'));
  });

  it('the namespace for injection; its workloads and every Istio resource for ServiceEntry and traffic', () => {
    expect(meshScopeFor('injection', t({ ns: 'shop' }))).toEqual(only('shop'));
    // Ambient: the whole mesh once a namespace is chosen (ztunnel pods in the root namespace), pickers only before.
    expect(meshScopeFor('ambient', t())).toEqual(only());
    expect(meshScopeFor('ambient', t({ ns: 'shop' }))).toEqual({ scope: 'all', namespaces: [] });
    expect(meshScopeFor('serviceentry', t({ ns: 'shop' }))).toEqual({ scope: 'workloads', namespaces: ['shop'] });
    expect(meshScopeFor('traffic', t({ ns: 'shop', service: 'user-service' }))).toEqual({ scope: 'workloads', namespaces: ['shop'] });
  });

  it('everything for mTLS, expose and callers once their target is chosen', () => {
    expect(meshScopeFor('mtls', t())).toEqual(all);
    expect(meshScopeFor('mtls', t({ ns: 'shop' }))).toEqual(all);
    expect(meshScopeFor('mtls', t({ ns: 'shop', workload: 'web' }))).toEqual(all);
    expect(meshScopeFor('expose', t({ ns: 'shop', service: 'web' }))).toEqual(all);
    expect(meshScopeFor('callers', t({ ns: 'shop', workload: 'web' }))).toEqual(all);
  });

  it('the mTLS scope from the URL', () => {
    expect(mtlsScopeOf(t())).toBe('mesh');
    expect(mtlsScopeOf(t({ ns: 'a' }))).toBe('namespace');
    expect(mtlsScopeOf(t({ ns: 'a', workload: 'w' }))).toBe('workload');
    expect(mtlsScopeOf(t({ ns: 'a', workload: 'w', scope: 'mesh' }))).toBe('mesh');
    expect(mtlsScopeOf(t({ ns: 'a', scope: 'bogus' }))).toBe('namespace');
  });
});
