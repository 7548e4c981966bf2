import { describe, expect, it } from 'vitest';
import { friendlyName, indexResources, resourceId } from './resources';
import { fqdn, hostMatches, parseServiceFqdn, resolveGatewayRef } from './hosts';
import { matchesSelector } from './labels';
import { parsePath, formatPath, parseYamlDocuments, rangeOfPath } from './yaml';

describe('resource identity', () => {
  const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default' } };
  it('builds ids and istioctl-style names', () => {
    expect(resourceId(vs)).toBe('networking.istio.io/VirtualService/default/reviews');
    expect(friendlyName(vs)).toBe('VirtualService default/reviews');
    expect(friendlyName({ kind: 'Namespace', metadata: { name: 'x' } })).toBe('Namespace x');
  });
  it('groups by kind regardless of version and leaves other kinds aside', () => {
    const r = indexResources([vs, { ...vs, apiVersion: 'networking.istio.io/v1alpha3' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]);
    expect(r.virtualServices).toHaveLength(2);
    expect(r.others.map((o) => o.kind)).toEqual(['ConfigMap']);
  });
});

describe('hosts', () => {
  it('completes short names with the namespace', () => {
    expect(fqdn('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(fqdn('reviews.prod', 'bookinfo')).toBe('reviews.prod.svc.cluster.local');
    expect(fqdn('api.example.com', 'x')).toBe('api.example.com');
    expect(fqdn('*.example.com', 'x')).toBe('*.example.com');
  });
  it('matches wildcards by suffix', () => {
    expect(hostMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('*', 'anything')).toBe(true);
    expect(parseServiceFqdn('a.b.svc.cluster.local')).toEqual({ name: 'a', namespace: 'b' });
    expect(resolveGatewayRef('istio-system/gw', 'x')).toEqual({ name: 'gw', namespace: 'istio-system' });
    expect(resolveGatewayRef('gw', 'x')).toEqual({ name: 'gw', namespace: 'x' });
  });
});

describe('selectors', () => {
  it('evaluates matchLabels and expressions', () => {
    expect(matchesSelector({ matchLabels: { app: 'a' } }, { app: 'a', version: 'v1' })).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'a' } }, { app: 'b' })).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'version', operator: 'In', values: ['v1', 'v2'] }] }, { version: 'v2' })).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'version', operator: 'DoesNotExist' }] }, { version: 'v2' })).toBe(false);
  });
});

describe('yaml positions', () => {
  const text =
    'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUALL\n';
  it('maps a field path to its line and column', () => {
    const res = parseYamlDocuments(text);
    expect(res.errors).toEqual([]);
    const d = res.documents[0]!;
    const r = rangeOfPath(d.doc, res.lineCounter, 'spec/trafficPolicy/tls/mode');
    expect(r).toMatchObject({ startLine: 9, startColumn: 7, endLine: 9, exact: true });
    const missing = rangeOfPath(d.doc, res.lineCounter, 'spec/subsets[0]/name');
    expect(missing.exact).toBe(false);
    expect(missing.startLine).toBe(5);
  });
  it('reports syntax errors with line and column', () => {
    const res = parseYamlDocuments('a: 1\nb: [1, 2\nc: 3\n');
    expect(res.errors.length).toBeGreaterThan(0);
    expect(res.errors[0]!.line).toBeGreaterThanOrEqual(2);
  });
  it('round-trips path strings', () => {
    expect(parsePath('spec/http[0]/route[1]/weight')).toEqual(['spec', 'http', 0, 'route', 1, 'weight']);
    expect(parsePath('spec.http[0].route')).toEqual(['spec', 'http', 0, 'route']);
    expect(formatPath(['spec', 'http', 0, 'route', 1, 'weight'])).toBe('spec/http[0]/route[1]/weight');
  });
});

import { compareKubeVersions, preferredVersion, findRemovedApi } from './kinds';
describe('kube versions', () => {
  it('prefers GA over beta over alpha, higher numbers first', () => {
    expect(['v1alpha3', 'v1beta1', 'v1', 'v2beta1'].sort(compareKubeVersions)).toEqual(['v1', 'v2beta1', 'v1beta1', 'v1alpha3']);
    expect(preferredVersion(['v1alpha1', 'v1'])).toBe('v1');
    expect(preferredVersion(['v1alpha3'])).toBe('v1alpha3');
  });
  it('knows removed APIs', () => {
    expect(findRemovedApi('authentication.istio.io/v1alpha1', 'Policy')?.replacement).toMatch(/PeerAuthentication/);
    expect(findRemovedApi('networking.istio.io/v1', 'VirtualService')).toBeUndefined();
  });
});

import { isNewerVersion } from './resources';
describe('resourceVersion order', () => {
  it('compares etcd revisions numerically and opaque ones by difference', () => {
    expect(isNewerVersion('12', '9')).toBe(true);
    expect(isNewerVersion('9', '12')).toBe(false);
    expect(isNewerVersion('12', '12')).toBe(false);
    expect(isNewerVersion('abc', 'abd')).toBe(true);
    expect(isNewerVersion('5', undefined)).toBe(true);
  });
});
