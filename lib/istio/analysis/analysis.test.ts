/**
 * Unit tests of the engine beyond Istio's conformance cases: Meshboard's MB checks, the
 * GitOps behaviour (controller templates standing for pods), suppression, List
 * documents, certificate validation and the message formatting.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../types';
import { analyze, ANALYZERS, findAnalyzer, normalizeObjects, resolveAnalyzers, UnknownAnalyzerError } from './index';
import { ALL_MESSAGES, formatTemplate } from './messages';
import { unreachableRules } from './analyzers/schema';
import { certificateProblem } from './analyzers/x509';
import { HostRegistry } from './host-registry';
import { runAnalysisBenchmark } from './bench';
import { mutatedVariants } from './test/fuzz';

const o = (apiVersion: string, kind: string, name: string, namespace: string | undefined, spec: unknown, extra: Partial<K8sObject> = {}): K8sObject =>
  ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(extra.metadata ?? {}) }, spec, ...extra }) as K8sObject;

const svc = (name: string, ns: string, selector: Record<string, string>, ports = [{ name: 'http', port: 80 }]) =>
  o('v1', 'Service', name, ns, { selector, ports });
const deploy = (name: string, ns: string, labels: Record<string, string>) =>
  o('apps/v1', 'Deployment', name, ns, {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
  });
const dr = (name: string, ns: string, spec: Record<string, unknown>) => o('networking.istio.io/v1', 'DestinationRule', name, ns, spec);
const vs = (name: string, ns: string, spec: Record<string, unknown>) => o('networking.istio.io/v1', 'VirtualService', name, ns, spec);
const pa = (name: string, ns: string, spec: Record<string, unknown>) => o('security.istio.io/v1', 'PeerAuthentication', name, ns, spec);

const codes = (objs: unknown[], analyzers?: string[], extra = {}) => analyze(objs, { analyzers, ...extra }).map((f) => `${f.code} ${f.resource}`);

describe('registry of analyzers', () => {
  it('has unique names, known codes and descriptions', () => {
    const names = ANALYZERS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const a of ANALYZERS) {
      expect(a.description).not.toBe('');
      for (const c of a.codes) expect(ALL_MESSAGES[c], `${a.name} ${c}`).toBeDefined();
    }
  });
  it('documents every code an analyzer can emit in CODES.md', () => {
    const doc = readFileSync(new URL('./CODES.md', import.meta.url), 'utf8');
    for (const a of ANALYZERS) for (const c of a.codes) expect(doc, c).toContain(`| ${c} |`);
  });
  it('resolves Istio Go type names as aliases and rejects unknown names', () => {
    expect(findAnalyzer('deployment.ServiceAssociationAnalyzer')?.name).toBe('deployment.MultiServiceAnalyzer');
    expect(findAnalyzer('schemaValidation.CollectionValidationAnalyzer')?.name).toBe('schema.ValidationAnalyzer.VirtualService');
    expect(() => resolveAnalyzers(['nope'])).toThrow(UnknownAnalyzerError);
  });
});

describe('MB0001 removed APIs', () => {
  it('names the replacement', () => {
    const f = analyze([o('authentication.istio.io/v1alpha1', 'Policy', 'default', 'shop', { peers: [{ mtls: {} }] })], {
      analyzers: ['meshboard.RemovedApiAnalyzer'],
    });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ code: 'MB0001', level: 'Error', resource: 'Policy shop/default', path: 'apiVersion' });
    expect(f[0]?.message).toContain('PeerAuthentication');
    expect(
      codes(
        [o('rbac.istio.io/v1alpha1', 'ServiceRole', 'r', 'shop', {}), o('config.istio.io/v1alpha2', 'rule', 'x', 'istio-system', {})],
        ['meshboard.RemovedApiAnalyzer'],
      ),
    ).toHaveLength(2);
  });
});

describe('MB0002 route weights', () => {
  const route = (weights: Array<number | undefined>) =>
    vs('reviews', 'shop', {
      hosts: ['reviews'],
      http: [{ route: weights.map((w, i) => ({ destination: { host: 'reviews', subset: `v${i}` }, ...(w === undefined ? {} : { weight: w }) })) }],
    });
  it('flags weights that do not add up to 100', () => {
    const f = analyze([route([50, 30])], { analyzers: ['meshboard.RouteWeightsAnalyzer'] });
    expect(f).toEqual([expect.objectContaining({ code: 'MB0002', path: 'spec/http[0]/route', resource: 'VirtualService shop/reviews' })]);
    expect(f[0]?.message).toContain('add up to 80');
  });
  it('accepts 100, a single destination, or no weights at all', () => {
    expect(codes([route([50, 50])], ['meshboard.RouteWeightsAnalyzer'])).toEqual([]);
    expect(codes([route([30])], ['meshboard.RouteWeightsAnalyzer'])).toEqual([]);
    expect(codes([route([undefined, undefined])], ['meshboard.RouteWeightsAnalyzer'])).toEqual([]);
  });
});

describe('MB0003 conflicting mTLS', () => {
  const base = [svc('reviews', 'shop', { app: 'reviews' }), deploy('reviews-v1', 'shop', { app: 'reviews', version: 'v1' })];
  const plaintext = dr('reviews', 'shop', { host: 'reviews', trafficPolicy: { tls: { mode: 'DISABLE' } } });
  it('STRICT namespace policy and a DestinationRule that disables TLS', () => {
    const f = analyze([...base, plaintext, pa('default', 'shop', { mtls: { mode: 'STRICT' } })], { analyzers: ['meshboard.ConflictingMtlsAnalyzer'] });
    expect(f).toEqual([
      expect.objectContaining({ code: 'MB0003', level: 'Error', resource: 'DestinationRule shop/reviews', path: 'spec/trafficPolicy/tls/mode' }),
    ]);
  });
  it('mesh-wide STRICT in the root namespace applies; a workload PERMISSIVE override wins', () => {
    const mesh = pa('default', 'istio-system', { mtls: { mode: 'STRICT' } });
    expect(codes([...base, plaintext, mesh], ['meshboard.ConflictingMtlsAnalyzer'])).toEqual(['MB0003 DestinationRule shop/reviews']);
    const override = pa('reviews', 'shop', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'PERMISSIVE' } });
    expect(codes([...base, plaintext, mesh, override], ['meshboard.ConflictingMtlsAnalyzer'])).toEqual([]);
  });
  it('ISTIO_MUTUAL towards workloads whose policy disables mTLS', () => {
    const mutual = dr('reviews', 'shop', { host: 'reviews.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(codes([...base, mutual, pa('default', 'shop', { mtls: { mode: 'DISABLE' } })], ['meshboard.ConflictingMtlsAnalyzer'])).toEqual([
      'MB0003 DestinationRule shop/reviews',
    ]);
    expect(codes([...base, mutual, pa('default', 'shop', { mtls: { mode: 'STRICT' } })], ['meshboard.ConflictingMtlsAnalyzer'])).toEqual([]);
  });
});

describe('MB0004 one host bound twice to a gateway', () => {
  it('flags both VirtualServices', () => {
    const a = vs('a', 'shop', { hosts: ['shop.example.com'], gateways: ['istio-system/public'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    const b = vs('b', 'shop', { hosts: ['shop.example.com'], gateways: ['istio-system/public'], http: [{ route: [{ destination: { host: 'b' } }] }] });
    const c = vs('c', 'shop', { hosts: ['shop.example.com'], gateways: ['istio-system/internal'], http: [{ route: [{ destination: { host: 'c' } }] }] });
    expect(codes([a, b, c], ['meshboard.GatewayHostConflictAnalyzer']).sort()).toEqual(['MB0004 VirtualService shop/a', 'MB0004 VirtualService shop/b']);
  });
});

describe('MB0005 policy selectors', () => {
  it('flags a PeerAuthentication selector that matches no workload, once workloads are known', () => {
    const p = pa('p', 'shop', { selector: { matchLabels: { app: 'ratings' } }, mtls: { mode: 'STRICT' } });
    expect(codes([p], ['meshboard.PolicySelectorAnalyzer'])).toEqual([]);
    expect(codes([p, deploy('reviews', 'shop', { app: 'reviews' })], ['meshboard.PolicySelectorAnalyzer'])).toEqual(['MB0005 PeerAuthentication shop/p']);
    expect(codes([p, deploy('ratings', 'shop', { app: 'ratings' })], ['meshboard.PolicySelectorAnalyzer'])).toEqual([]);
  });
});

describe('MB0006 duplicate DestinationRules', () => {
  it('flags two rules for one host in a namespace', () => {
    const objs = [
      dr('a', 'shop', { host: 'reviews' }),
      dr('b', 'shop', { host: 'reviews.shop.svc.cluster.local' }),
      dr('c', 'other', { host: 'reviews.shop.svc.cluster.local' }),
    ];
    expect(codes(objs, ['meshboard.DuplicateDestinationRuleAnalyzer']).sort()).toEqual(['MB0006 DestinationRule shop/a', 'MB0006 DestinationRule shop/b']);
  });
});

describe('GitOps repositories (no pods)', () => {
  const ap = o('security.istio.io/v1', 'AuthorizationPolicy', 'reviews', 'shop', { selector: { matchLabels: { app: 'reviews' } } });
  const ns = o('v1', 'Namespace', 'shop', undefined, {}, { metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } } as Partial<K8sObject>);
  it('lets a Deployment template stand for its pods', () => {
    expect(codes([ns, ap], ['auth.AuthorizationPoliciesAnalyzer'])).toEqual(['IST0127 AuthorizationPolicy shop/reviews']);
    expect(codes([ns, ap, deploy('reviews-v1', 'shop', { app: 'reviews', version: 'v1' })], ['auth.AuthorizationPoliciesAnalyzer'])).toEqual([]);
  });
  it('checks subsets against Deployment labels', () => {
    const objs = [
      svc('reviews', 'shop', { app: 'reviews' }),
      deploy('reviews-v1', 'shop', { app: 'reviews', version: 'v1' }),
      dr('reviews', 'shop', {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      }),
    ];
    const f = analyze(objs, { analyzers: ['destinationrule.SubsetSelectPodAnalyzer'] });
    expect(f).toEqual([expect.objectContaining({ code: 'IST0173', resource: 'DestinationRule shop/reviews', path: 'spec/subsets[1]/labels' })]);
  });
});

describe('engine behaviour', () => {
  it('unwraps List documents and ignores non-objects', () => {
    expect(normalizeObjects([{ apiVersion: 'v1', kind: 'List', items: [svc('a', 'x', {}), 'junk'] }, null, 42])).toHaveLength(1);
  });
  it('honours galley.istio.io/analyze-suppress', () => {
    const bad = vs('r', 'shop', { hosts: ['r'], http: [{ route: [{ destination: { host: 'nowhere' } }] }] });
    expect(codes([bad], ['virtualservice.DestinationHostAnalyzer'])).toEqual(['IST0101 VirtualService shop/r']);
    const quiet = { ...bad, metadata: { ...bad.metadata, annotations: { 'galley.istio.io/analyze-suppress': 'IST0101' } } };
    expect(codes([quiet], ['virtualservice.DestinationHostAnalyzer'])).toEqual([]);
  });
  it('adds the default ingress gateway unless asked not to or the mesh config turns ingress off', () => {
    const gw = o('networking.istio.io/v1', 'Gateway', 'g', 'shop', {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    expect(codes([gw], ['gateway.IngressGatewayPortAnalyzer'])).toEqual([]);
    expect(codes([gw], ['gateway.IngressGatewayPortAnalyzer'], { defaultResources: false })).toEqual(['IST0101 Gateway shop/g']);
    expect(codes([gw], ['gateway.IngressGatewayPortAnalyzer'], { meshConfig: { ingressControllerMode: 'OFF' } })).toEqual(['IST0101 Gateway shop/g']);
  });
  it('reports schema errors as IST0106 with a path', () => {
    const f = analyze([vs('r', 'shop', { hosts: ['r'], http: [{ route: [{ destination: { host: 'r', subnet: 'x' } }] }] })], {
      analyzers: ['schema.ValidationAnalyzer.VirtualService'],
    });
    expect(f).toEqual([expect.objectContaining({ code: 'IST0106', path: 'spec/http[0]/route[0]/destination/subnet' })]);
  });
  it('catches a typo in kind', () => {
    expect(codes([o('networking.istio.io/v1', 'VirtualServce', 'r', 'shop', {})], ['schema.ValidationAnalyzer.Other'])).toEqual([
      'IST0106 VirtualServce shop/r',
    ]);
  });
  it('sorts errors before warnings', () => {
    const f = analyze([vs('r', 'shop', { hosts: ['r'], gateways: ['missing'], http: [{ route: [{ destination: { host: 'r' } }] }] })], {
      analyzers: ['virtualservice.GatewayAnalyzer'],
    });
    expect(f.map((x) => x.level)).toEqual(['Error', 'Warning']);
  });
});

describe('unreachable route rules', () => {
  it('finds duplicate and shadowed matches', () => {
    const p = unreachableRules(
      vs('r', 'shop', {
        hosts: ['r'],
        http: [
          { match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'a' } }] },
          { match: [{ name: 'again', uri: { prefix: '/api' } }], route: [{ destination: { host: 'b' } }] },
          { match: [{ uri: { prefix: '/api/v2' }, method: { exact: 'GET' } }], route: [{ destination: { host: 'c' } }] },
          { route: [{ destination: { host: 'd' } }] },
          { route: [{ destination: { host: 'e' } }] },
        ],
      }),
    );
    expect(p.map((x) => `${x.code} ${x.path}`)).toEqual([
      'IST0131 spec/http[1]/match[0]',
      'IST0130 spec/http[1]',
      'IST0131 spec/http[2]/match[0]',
      'IST0130 spec/http[4]',
    ]);
  });
});

describe('gateway credentials (IST0161)', () => {
  const cert =
    'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpVENDQVMrZ0F3SUJBZ0lVSjZ2d3hhMGhrZHF6TUE0Zi9HY2J2MzZQTTRRd0NnWUlLb1pJemowRUF3SXcKR1RFWE1CVUdBMVVFQ2d3T2JXVnphR0p2WVhKa0xYUmxjM1F3SUJjTk1qWXhNVEl5TURBeE9EQXhXaGdQTWpFeQpOakV3TWprd01ERTRNREZhTUJreEZ6QVZCZ05WQkFvTURtMWxjMmhpYjJGeVpDMTBaWE4wTUZrd0V3WUhLb1pJCnpqMENBUVlJS29aSXpqMERBUWNEUWdBRTFCUDBMZFpucHBBUmtxVlphZFJ0ckJKdUcrWG9GeXk1aWMvOG5nM2UKL0kvKzJiMjRtU1VlSDkxWEs5UTJVWENZZXlPRGZSaXBCa0E3UlJMeHNNclo4YU5UTUZFd0hRWURWUjBPQkJZRQpGRVVCcmpIaEprUXM4YVl0YUYyRzBkYndBRXFHTUI4R0ExVWRJd1FZTUJhQUZFVUJyakhoSmtRczhhWXRhRjJHCjBkYndBRXFHTUE4R0ExVWRFd0VCL3dRRk1BTUJBZjh3Q2dZSUtvWkl6ajBFQXdJRFNBQXdSUUlnVWYyNTN0d04KSEw3WGdlMmFSVjBiVTQ3bGxEQ2lKWXdieEFuTU5lT3FqVHNDSVFDUmJhcHc5WWx0Q2JLdnJCeWlHSkZ0UnFYbwo3R092N3RzbE9TUkR6L0pvSGc9PQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==';
  const key =
    'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdFR0NDcUdTTTQ5QXdFSEJHMHdhd0lCQVFRZ1M2VCtrQUhrQVZGc2ZGdDgKUDVpMzVWOTBUcVNITXduVC8rZ1hmdi9rbUgyaFJBTkNBQVRVRS9RdDFtZW1rQkdTcFZscDFHMnNFbTRiNWVnWApMTG1Kei95ZURkNzhqLzdadmJpWkpSNGYzVmNyMURaUmNKaDdJNE45R0trR1FEdEZFdkd3eXRueAotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==';
  const secret = (name: string, data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'istio-system' },
    type: 'kubernetes.io/tls',
    data,
  });
  const gw = (name: string, cred: string) =>
    o('networking.istio.io/v1', 'Gateway', name, 'istio-system', {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: cred } }],
    });
  const objs = [
    secret('good', { 'tls.crt': cert, 'tls.key': key }),
    secret('nokey', { 'tls.crt': cert }),
    gw('a', 'good'),
    gw('b', 'nokey'),
    gw('c', 'absent'),
  ];
  it('checks presence, keys and expiry', () => {
    const now = Date.UTC(2030, 0, 1);
    expect(codes(objs, ['gateway.SecretAnalyzer'], { now }).sort()).toEqual(['IST0101 Gateway istio-system/c', 'IST0161 Gateway istio-system/b']);
    const later = Date.UTC(2130, 0, 1);
    expect(codes(objs, ['gateway.SecretAnalyzer'], { now: later }).sort()).toEqual([
      'IST0101 Gateway istio-system/c',
      'IST0161 Gateway istio-system/a',
      'IST0161 Gateway istio-system/b',
    ]);
  });
  it('explains what is wrong', () => {
    expect(certificateProblem('not pem', 'not pem', 0)).toContain('PEM');
  });
  it('is skipped, and says so, where the input could hold no Secrets (unreadKinds): no credentialName reads as missing', () => {
    const input = [gw('c', 'absent')];
    expect(codes(input)).toContain('IST0101 Gateway istio-system/c');
    const skipped: string[] = [];
    const without = codes(input, undefined, { unreadKinds: ['Secret'], onSkip: (name: string, kinds: string[]) => skipped.push(`${name}: ${kinds.join()}`) });
    expect(without).not.toContain('IST0101 Gateway istio-system/c');
    expect(skipped).toEqual(['gateway.SecretAnalyzer: Secret', 'meshnetworks.MeshNetworksAnalyzer: Secret']);
    // Other unread kinds leave it be; naming it (--analyzer) does not make it run without Secrets.
    expect(codes(input, undefined, { unreadKinds: ['Node'] })).toContain('IST0101 Gateway istio-system/c');
    expect(codes(objs, ['gateway.SecretAnalyzer'], { unreadKinds: ['Secret'] })).toEqual([]);
  });
});

describe('host registry', () => {
  it('honours exportTo scopes and wildcard service entries', () => {
    const reg = new HostRegistry('svc.cluster.local');
    const entry = { kind: 'Service' as const, obj: svc('a', 'x', {}), hosts: [], ports: [] };
    reg.add('x', 'x', 'a', entry);
    reg.add('*', 'ext', '*.example.com', { ...entry, kind: 'ServiceEntry' });
    expect(reg.lookup('x', undefined, 'a')).toBe(entry);
    expect(reg.lookup('y', undefined, 'a.x.svc.cluster.local')).toBeUndefined();
    expect(reg.lookup('y', undefined, 'api.example.com')?.kind).toBe('ServiceEntry');
  });
});

describe('messages', () => {
  it('formats Go verbs', () => {
    expect(formatTemplate('Referenced %s not found: %q', ['host', 'a"b'])).toBe('Referenced host not found: "a\\"b"');
    expect(formatTemplate('%v and %d%%', [[1, 2], 3])).toBe('[1 2] and 3%');
  });
});

describe('benchmark harness', () => {
  it('reports figures (no timing assertion)', () => {
    const r = runAnalysisBenchmark({ resources: 600, runs: 1 });
    expect(r.resources).toBe(600);
    expect(r.findings).toBeGreaterThan(0);
    expect(r.runs).toHaveLength(1);
  });
});

describe('malformed input', () => {
  it('never throws on objects with wrongly typed fields (deterministic mini-fuzz over the conformance files)', async () => {
    const { readdirSync } = await import('node:fs');
    const { nonEmptyDocuments, parseYamlDocuments } = await import('../yaml');
    const dir = new URL('./conformance/testdata/', import.meta.url);
    const docs: unknown[] = [];
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.yaml')) continue;
      for (const d of nonEmptyDocuments(parseYamlDocuments(readFileSync(new URL(f, dir), 'utf8')))) docs.push(d.value);
    }
    for (const objs of mutatedVariants(docs, { seed: 11, iterations: 40, rate: 0.5 })) {
      expect(() => analyze(objs)).not.toThrow();
    }
  }, 120_000); // hundreds of analyses: seconds on a busy machine, not a timing test
});
