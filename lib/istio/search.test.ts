import { describe, expect, it } from 'vitest';
import { searchEntries, type SearchEntry } from './search';

const e = (kind: SearchEntry['kind'], title: string, detail = ''): SearchEntry => ({ kind, title, detail, href: `/${title}` });
const entries = [
  e('resource', 'user-service-vs', 'VirtualService · shop'),
  e('service', 'user-service', 'shop'),
  e('namespace', 'shop', '2 services'),
  e('finding', 'IST0101: Referenced host not found', 'VirtualService shop/user-service-vs'),
  e('form', 'mTLS', 'STRICT, PERMISSIVE or DISABLE'),
  e('workload', 'reviews-v1', 'default'),
];

describe('global search', () => {
  it('puts title prefixes first, shorter titles before longer', () => {
    expect(searchEntries(entries, 'user').map((x) => x.title)).toEqual(['user-service', 'user-service-vs', 'IST0101: Referenced host not found']);
  });
  it('needs every term, in the title or the detail', () => {
    expect(searchEntries(entries, 'shop vs').map((x) => x.title)).toEqual(['user-service-vs', 'IST0101: Referenced host not found']);
    expect(searchEntries(entries, 'shop nothing-like-this')).toEqual([]);
  });
  it('is case-insensitive and matches after a dash', () => {
    expect(searchEntries(entries, 'MTLS').map((x) => x.kind)).toEqual(['form']);
    expect(searchEntries(entries, 'v1')[0]?.title).toBe('reviews-v1');
  });
  it('an empty query lists entries in their order, up to the limit', () => {
    expect(searchEntries(entries, '  ', 2).map((x) => x.title)).toEqual(['user-service-vs', 'user-service']);
  });
});
