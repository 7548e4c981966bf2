import { describe, expect, it } from 'vitest';
import {
  addressOfPage,
  groupOfSegment,
  groupSegment,
  objectKeyOf,
  parseTypeKey,
  resourceApiPath,
  resourceNameHref,
  resourcePageHref,
  typeKey,
} from './address';

describe('resource addresses', () => {
  it('spells the core group "core" in keys and URL segments, and back', () => {
    expect(typeKey({ group: '', plural: 'services' })).toBe('core/services');
    expect(parseTypeKey('core/services')).toEqual({ group: '', plural: 'services' });
    expect(parseTypeKey('networking.istio.io/virtualservices')).toEqual({ group: 'networking.istio.io', plural: 'virtualservices' });
    expect(groupSegment('')).toBe('core');
    expect(groupOfSegment('core')).toBe('');
    expect(groupOfSegment('apps')).toBe('apps');
  });

  it('page URLs round-trip through the page route, cluster-scoped objects under "-"', () => {
    const vs = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices', namespace: 'shop', name: 'reviews' };
    expect(resourcePageHref(vs)).toBe('/config/networking.istio.io/v1/virtualservices/shop/reviews');
    expect(resourcePageHref(vs, { path: 'spec/http[0]' })).toBe('/config/networking.istio.io/v1/virtualservices/shop/reviews?path=spec%2Fhttp%5B0%5D');
    const ns = { group: '', version: 'v1', plural: 'namespaces', name: 'shop' };
    expect(resourcePageHref(ns)).toBe('/config/core/v1/namespaces/-/shop');
    expect(addressOfPage({ group: 'core', version: 'v1', plural: 'namespaces', namespace: '-', name: 'shop' })).toEqual({ ...ns, namespace: undefined });
    expect(objectKeyOf(ns)).toBe('core/namespaces/-/shop');
  });

  it('API paths encode each segment', () => {
    expect(resourceApiPath({ group: '', version: 'v1', plural: 'services' }, 'a b', 'x/y')).toBe('/api/resources/core/v1/services/a%20b/x%2Fy');
    expect(resourceApiPath({ group: 'apps', version: 'v1', plural: 'deployments' })).toBe('/api/resources/apps/v1/deployments');
  });

  it('"Kind ns/name" opens in the version the cluster serves, and tells the two Gateways apart', () => {
    const kinds = [
      { group: 'networking.istio.io', kind: 'VirtualService', plural: 'virtualservices', namespaced: true, preferred: 'v1beta1' },
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', plural: 'gateways', namespaced: true, preferred: 'v1' },
      { group: 'networking.istio.io', kind: 'Gateway', plural: 'gateways', namespaced: true, preferred: 'v1' },
    ];
    expect(resourceNameHref('VirtualService shop/reviews', { kinds })).toBe('/config/networking.istio.io/v1beta1/virtualservices/shop/reviews');
    expect(resourceNameHref('VirtualService shop/reviews')).toBe('/config/networking.istio.io/v1/virtualservices/shop/reviews');
    expect(resourceNameHref('Gateway shop/web', { kinds, group: 'gateway.networking.k8s.io' })).toBe('/config/gateway.networking.k8s.io/v1/gateways/shop/web');
    expect(resourceNameHref('Gateway shop/web', { kinds })).toBe('/config/networking.istio.io/v1/gateways/shop/web');
    expect(resourceNameHref('Namespace shop', { kinds })).toBe('/config/core/v1/namespaces/-/shop');
    expect(resourceNameHref('Frobnicator a/b', { kinds })).toBeUndefined();
  });
});
