import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertLegacyObjects, convertLegacyPolicy, isLegacyAuthenticationPolicy } from './convert';
import { LEGACY, testkit } from './forms/testkit';
import type { K8sObject, Service } from './types';

const { loadObjects, crdProblems } = testkit((p) => readFileSync(new URL(p, import.meta.url), 'utf8'));

const policy = (spec: Record<string, unknown>, meta: Partial<K8sObject['metadata']> = {}): K8sObject => ({
  apiVersion: 'authentication.istio.io/v1alpha1',
  kind: 'Policy',
  metadata: { name: 'p', namespace: 'foo', ...meta },
  spec,
});

const httpbin: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'httpbin', namespace: 'foo' },
  spec: { ports: [{ name: 'http', port: 8000, targetPort: 80 }], selector: { app: 'httpbin' } },
};

describe('convertLegacyPolicy', () => {
  it('legacy/policy-v1alpha1.yaml: PeerAuthentication default in sample with mode PERMISSIVE', () => {
    const legacy = loadObjects(LEGACY).find(isLegacyAuthenticationPolicy)!;
    const res = convertLegacyPolicy(legacy);
    expect(res).toEqual({
      objects: [
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: 'sample' },
          spec: { mtls: { mode: 'PERMISSIVE' } },
        },
      ],
      notes: [],
    });
    expect(crdProblems(res.objects[0]!)).toEqual([]);
    expect(convertLegacyObjects(loadObjects(LEGACY))).toMatchObject({ converted: [legacy], objects: res.objects });
  });

  it('MeshPolicy with "mtls: {}" is STRICT in the root namespace', () => {
    const mesh: K8sObject = {
      apiVersion: 'authentication.istio.io/v1alpha1',
      kind: 'MeshPolicy',
      metadata: { name: 'default', labels: { release: 'istio' } },
      spec: { peers: [{ mtls: {} }] },
    };
    expect(convertLegacyPolicy(mesh)).toEqual({
      objects: [
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: 'istio-system', labels: { release: 'istio' } },
          spec: { mtls: { mode: 'STRICT' } },
        },
      ],
      notes: ['mtls has no mode; v1alpha1 defaulted it to STRICT, so the result is STRICT.'],
    });
    expect(convertLegacyPolicy(mesh, { rootNamespace: 'mesh-root' }).objects[0]!.metadata.namespace).toBe('mesh-root');
    expect(convertLegacyPolicy({ ...mesh, spec: { peers: [{ mtls: null }] } }).objects[0]!.spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  it('explicit STRICT, allowTls, and no peers', () => {
    expect(convertLegacyPolicy(policy({ peers: [{ mtls: { mode: 'STRICT' } }] })).objects[0]!.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(convertLegacyPolicy(policy({ peers: [{ mtls: { allowTls: true } }] })).objects[0]!.spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    const none = convertLegacyPolicy(policy({}));
    expect(none.objects).toEqual([
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p', namespace: 'foo' }, spec: { mtls: { mode: 'PERMISSIVE' } } },
    ]);
    expect(none.notes[0]).toMatch(/^The policy has no peers, which in v1alpha1 meant "peer authentication is not required"/);
  });

  it('a target without a known Service: selector app: <name>, explained', () => {
    const res = convertLegacyPolicy(policy({ targets: [{ name: 'reviews' }], peers: [{ mtls: {} }] }, { name: 'reviews-mtls' }));
    expect(res.objects).toEqual([
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'reviews-mtls', namespace: 'foo' },
        spec: { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } },
      },
    ]);
    expect(res.notes).toContain(
      "Target reviews: v1alpha1 selected workloads by service name, v1 by pod labels. The Service is not known here, so the selector assumes its pods carry app: reviews; check it against the Service's selector.",
    );
  });

  it('several targets: one policy each; target ports become portLevelMtls', () => {
    const res = convertLegacyPolicy(policy({ targets: [{ name: 'a', ports: [{ number: 9080 }] }, { name: 'b' }], peers: [{ mtls: { mode: 'PERMISSIVE' } }] }));
    expect(res.objects.map((o) => [o.metadata.name, o.spec])).toEqual([
      ['p-a', { selector: { matchLabels: { app: 'a' } }, portLevelMtls: { '9080': { mode: 'PERMISSIVE' } } }],
      ['p-b', { selector: { matchLabels: { app: 'b' } }, mtls: { mode: 'PERMISSIVE' } }],
    ]);
    for (const o of res.objects) expect(crdProblems(o)).toEqual([]);
  });

  it("Istio's migration example: httpbin on service port 8000 with JWT and trigger rules", () => {
    const alpha = policy(
      {
        targets: [{ name: 'httpbin', ports: [{ number: 8000 }] }],
        peers: [{ mtls: { mode: 'PERMISSIVE' } }],
        origins: [
          {
            jwt: {
              issuer: 'testing@example.com',
              jwksUri: 'https://www.example.com/jwks.json',
              triggerRules: [{ includedPaths: [{ prefix: '/admin/' }], excludedPaths: [{ exact: '/admin/status' }] }],
            },
          },
        ],
        principalBinding: 'USE_ORIGIN',
      },
      { name: 'httpbin', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', owner: 'team-a' } },
    );
    const res = convertLegacyPolicy(alpha, { services: [httpbin] });
    const meta = (name: string) => ({ name, namespace: 'foo', annotations: { owner: 'team-a' } });
    expect(res.objects).toEqual([
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: meta('httpbin'),
        spec: { selector: { matchLabels: { app: 'httpbin' } }, portLevelMtls: { '80': { mode: 'PERMISSIVE' } } },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'RequestAuthentication',
        metadata: meta('httpbin'),
        spec: { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [{ issuer: 'testing@example.com', jwksUri: 'https://www.example.com/jwks.json' }] },
      },
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: meta('httpbin-require-jwt'),
        spec: {
          selector: { matchLabels: { app: 'httpbin' } },
          action: 'DENY',
          rules: [
            { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/admin/*'], notPaths: ['/admin/status'], ports: ['80'] } }] },
          ],
        },
      },
    ]);
    for (const o of res.objects) expect(crdProblems(o)).toEqual([]);
    expect(res.notes).toEqual([
      'Target httpbin is the Service foo/httpbin; its selector (app=httpbin) selects the workloads.',
      'Service port 8000 of httpbin is workload port 80; PeerAuthentication uses workload ports.',
      'origins (JWT) become RequestAuthentication foo/httpbin: it validates tokens that are present but does not require one.',
      'AuthorizationPolicy foo/httpbin-require-jwt denies requests without a valid token, as the v1alpha1 origin did; they now get 403 "RBAC: access denied" instead of 401.',
      'principalBinding USE_ORIGIN has no equivalent: AuthorizationPolicy reads the token identity as requestPrincipals and the peer identity as principals.',
    ]);
  });

  it('optional origin: RequestAuthentication only; namespace-wide origin has no selector', () => {
    const res = convertLegacyPolicy(
      policy(
        {
          peers: [{ mtls: {} }],
          origins: [{ jwt: { issuer: 'i', jwksUri: 'https://i/jwks', audiences: ['a'], jwtHeaders: ['x-token'], jwtParams: ['token'] } }],
          originIsOptional: true,
        },
        { name: 'default' },
      ),
    );
    expect(res.objects.map((o) => [o.kind, o.spec])).toEqual([
      ['PeerAuthentication', { mtls: { mode: 'STRICT' } }],
      [
        'RequestAuthentication',
        { jwtRules: [{ issuer: 'i', audiences: ['a'], jwksUri: 'https://i/jwks', fromHeaders: [{ name: 'x-token' }], fromParams: ['token'] }] },
      ],
    ]);
    for (const o of res.objects) expect(crdProblems(o)).toEqual([]);
  });

  it('a JWT without issuer gives a note only; other kinds are not converted', () => {
    const res = convertLegacyPolicy(policy({ peers: [{ mtls: {} }], origins: [{ jwt: { jwksUri: 'https://x' } }] }));
    expect(res.objects.map((o) => o.kind)).toEqual(['PeerAuthentication']);
    expect(res.notes).toContain('An origin JWT without issuer cannot be converted; it is left out.');
    expect(convertLegacyPolicy({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'x' } })).toEqual({
      objects: [],
      notes: ['security.istio.io/v1 PeerAuthentication is not a v1alpha1 authentication Policy or MeshPolicy; nothing to convert.'],
    });
  });
});
