import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject, MeshConfig } from '../types';
import { authorize, ipInBlock, targetRefsOf, type AuthzCaller } from './authz';
import { analyze } from '../analysis/index';

function ap(ns: string, name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): K8sObject {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns, annotations }, spec };
}
const res = (objs: K8sObject[], mc?: MeshConfig) => indexResources(objs, mc);

const target = { namespace: 'app', labels: { app: 'api' } };
const same: AuthzCaller = { namespace: 'app', serviceAccount: 'web', inMesh: true };
const other: AuthzCaller = { namespace: 'other', serviceAccount: 'batch', inMesh: true };
const gateway: AuthzCaller = { namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account', inMesh: true };
const noSidecar: AuthzCaller = { namespace: 'app', serviceAccount: 'default', inMesh: false };

const onlyOwnNs = ap('app', 'own-ns', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { namespaces: ['app'] } }] }] });

describe('authorize: which policies apply', () => {
  it('allows everything without policies', () => {
    const d = authorize(res([]), { caller: other, target });
    expect(d).toMatchObject({ decision: 'allow', applicable: [] });
    expect(d.policy).toBeUndefined();
  });

  it('matches selectors and ignores other namespaces except the root namespace', () => {
    const elsewhere = ap('other', 'deny-all', { action: 'DENY', rules: [{}] });
    expect(authorize(res([elsewhere]), { caller: same, target }).decision).toBe('allow');
    const otherSelector = ap('app', 'x', { selector: { matchLabels: { app: 'x' } }, action: 'DENY', rules: [{}] });
    expect(authorize(res([otherSelector]), { caller: same, target }).decision).toBe('allow');
    const rootDeny = ap('istio-system', 'mesh-deny', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['other'] } }] }] });
    expect(authorize(res([rootDeny]), { caller: other, target })).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy istio-system/mesh-deny' });
    expect(authorize(res([rootDeny], { rootNamespace: 'mesh' }), { caller: other, target }).decision).toBe('allow');
  });

  it('enforces nothing on a target without sidecar, and skips dry-run and targetRef policies', () => {
    expect(authorize(res([onlyOwnNs]), { caller: other, target: { ...target, inMesh: false } })).toMatchObject({ decision: 'allow' });
    const dry = ap('app', 'dry', { action: 'DENY', rules: [{}] }, { 'istio.io/dry-run': 'true' });
    const waypoint = ap('app', 'wp', { targetRefs: [{ kind: 'Gateway', name: 'waypoint' }], action: 'DENY', rules: [{}] });
    expect(authorize(res([dry, waypoint]), { caller: other, target }).decision).toBe('allow');
  });
});

describe('authorize: CUSTOM, DENY, ALLOW ordering', () => {
  it('denies when an ALLOW policy exists and nothing matches; names the policy (S3 shape)', () => {
    const d = authorize(res([onlyOwnNs]), { caller: gateway, target });
    expect(d).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy app/own-ns' });
    expect(d.reason).toContain('istio-system/sa/istio-ingressgateway-service-account');
    expect(authorize(res([onlyOwnNs]), { caller: same, target })).toMatchObject({ decision: 'allow', policy: 'AuthorizationPolicy app/own-ns', rule: 0 });
  });

  it('DENY wins over ALLOW', () => {
    const denyWeb = ap('app', 'deny-web', { action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/app/sa/web'] } }] }] });
    expect(authorize(res([onlyOwnNs, denyWeb]), { caller: same, target })).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy app/deny-web' });
    expect(authorize(res([onlyOwnNs, denyWeb]), { caller: { ...same, serviceAccount: 'api' }, target })).toMatchObject({
      decision: 'allow',
      policy: 'AuthorizationPolicy app/own-ns',
    });
  });

  it('CUSTOM makes the result depend on the external authorizer, but a matching DENY still denies', () => {
    const custom = ap('app', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] });
    const c = authorize(res([custom]), { caller: same, target });
    expect(c).toMatchObject({ decision: 'conditional', policy: 'AuthorizationPolicy app/ext' });
    expect(c.reason).toContain('opa');
    expect(authorize(res([custom]), { caller: same, target, request: { path: '/public' } }).decision).toBe('allow');
    const denyAll = ap('app', 'deny-other', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['app'] } }] }] });
    expect(authorize(res([custom, denyAll]), { caller: other, target })).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy app/deny-other' });
    expect(authorize(res([custom, denyAll]), { caller: same, target }).decision).toBe('conditional');
    expect(authorize(res([custom, denyAll]), { caller: other, target }).applicable).toEqual([
      'AuthorizationPolicy app/ext',
      'AuthorizationPolicy app/deny-other',
    ]);
  });

  it('an ALLOW policy without rules denies everything; an empty rule allows everything', () => {
    const denyAll = ap('app', 'allow-nothing', {});
    expect(authorize(res([denyAll]), { caller: same, target })).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy app/allow-nothing' });
    const allowAll = ap('app', 'allow-all', { rules: [{}] });
    expect(authorize(res([denyAll, allowAll]), { caller: other, target })).toMatchObject({ decision: 'allow', policy: 'AuthorizationPolicy app/allow-all' });
    // A DENY policy without rules matches nothing.
    expect(authorize(res([ap('app', 'deny-none', { action: 'DENY' })]), { caller: other, target }).decision).toBe('allow');
  });

  it('AUDIT changes nothing', () => {
    expect(authorize(res([ap('app', 'audit', { action: 'AUDIT', rules: [{}] })]), { caller: other, target }).decision).toBe('allow');
  });
});

describe('authorize: identity', () => {
  it('a caller without sidecar (or over plaintext) has no identity', () => {
    expect(authorize(res([onlyOwnNs]), { caller: noSidecar, target })).toMatchObject({ decision: 'deny', policy: 'AuthorizationPolicy app/own-ns' });
    expect(authorize(res([onlyOwnNs]), { caller: { ...same, mtls: false }, target }).decision).toBe('deny');
    expect(authorize(res([onlyOwnNs]), { caller: { external: true }, target }).decision).toBe('deny');
    // notNamespaces matches a caller without identity (Envoy negates a failed match).
    const denyNotApp = ap('app', 'deny-not-app', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['app'] } }] }] });
    expect(authorize(res([denyNotApp]), { caller: noSidecar, target }).decision).toBe('deny');
    expect(authorize(res([denyNotApp]), { caller: same, target }).decision).toBe('allow');
    // principals: ["*"] means "any authenticated caller".
    const anyAuth = ap('app', 'any-auth', { rules: [{ from: [{ source: { principals: ['*'] } }] }] });
    expect(authorize(res([anyAuth]), { caller: other, target }).decision).toBe('allow');
    expect(authorize(res([anyAuth]), { caller: noSidecar, target }).decision).toBe('deny');
  });

  it('matches principals with wildcards and the configured trust domain', () => {
    const p = ap('app', 'sa', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/other/*'] } }] }] });
    expect(authorize(res([p]), { caller: other, target }).decision).toBe('allow');
    expect(authorize(res([p]), { caller: same, target }).decision).toBe('deny');
    expect(authorize(res([p], { trustDomain: 'corp.example' }), { caller: other, target }).decision).toBe('deny');
  });

  it('is conditional when the service account is unknown and a principal in the right namespace could match', () => {
    const p = ap('app', 'sa', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/other/sa/batch'] } }] }] });
    expect(authorize(res([p]), { caller: { namespace: 'other', inMesh: true }, target }).decision).toBe('conditional');
    expect(authorize(res([p]), { caller: { namespace: 'third', inMesh: true }, target }).decision).toBe('deny');
  });
});

describe('authorize: request attributes', () => {
  const getOnly = ap('app', 'get-only', {
    rules: [{ from: [{ source: { namespaces: ['app'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
  });

  it('is conditional on operations unless the request is given', () => {
    const d = authorize(res([getOnly]), { caller: same, target });
    expect(d).toMatchObject({ decision: 'conditional', policy: 'AuthorizationPolicy app/get-only', rule: 0 });
    expect(authorize(res([getOnly]), { caller: same, target, request: { method: 'GET', path: '/api/x' } }).decision).toBe('allow');
    expect(authorize(res([getOnly]), { caller: same, target, request: { method: 'POST', path: '/api/x' } }).decision).toBe('deny');
    // Identity decides before the request can: another namespace is denied outright.
    expect(authorize(res([getOnly]), { caller: other, target }).decision).toBe('deny');
  });

  it('a DENY that depends on the request makes an otherwise allowed call conditional', () => {
    const denyAdmin = ap('app', 'no-admin', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin', '/admin/*'] } }] }] });
    expect(authorize(res([denyAdmin]), { caller: same, target })).toMatchObject({ decision: 'conditional', policy: 'AuthorizationPolicy app/no-admin' });
    expect(authorize(res([denyAdmin]), { caller: same, target, request: { path: '/admin/users' } }).decision).toBe('deny');
    expect(authorize(res([denyAdmin]), { caller: same, target, request: { path: '/home' } }).decision).toBe('allow');
  });

  it('evaluates ports, hosts, headers, JWT principals, IP blocks and when-conditions', () => {
    const p = ap('app', 'mixed', {
      rules: [
        {
          to: [{ operation: { ports: ['8080'], hosts: ['*.example.com'] } }],
          when: [
            { key: 'request.headers[x-team]', values: ['blue'] },
            { key: 'source.namespace', values: ['app', 'other'] },
          ],
        },
      ],
    });
    const r = res([p]);
    expect(authorize(r, { caller: same, target, request: { port: 8080, host: 'API.example.com', headers: { 'X-Team': 'blue' } } }).decision).toBe('allow');
    expect(authorize(r, { caller: same, target, request: { port: 9090, host: 'api.example.com', headers: { 'x-team': 'blue' } } }).decision).toBe('deny');
    expect(authorize(r, { caller: same, target, request: { port: 8080, host: 'api.example.com', headers: {} } }).decision).toBe('deny');
    expect(authorize(r, { caller: same, target, request: { port: 8080 } }).decision).toBe('conditional');
    expect(authorize(r, { caller: gateway, target, request: { port: 8080, host: 'a.example.com', headers: { 'x-team': 'blue' } } }).decision).toBe('deny');

    const jwt = ap('app', 'jwt', { rules: [{ from: [{ source: { requestPrincipals: ['https://issuer/*'] } }] }] });
    expect(authorize(res([jwt]), { caller: same, target }).decision).toBe('conditional');
    expect(authorize(res([jwt]), { caller: same, target, request: { requestPrincipal: null } }).decision).toBe('deny');
    expect(authorize(res([jwt]), { caller: same, target, request: { requestPrincipal: 'https://issuer/alice' } }).decision).toBe('allow');

    const ips = ap('app', 'ips', { action: 'DENY', rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8'] } }] }] });
    expect(authorize(res([ips]), { caller: same, target, request: { sourceIp: '10.1.2.3' } }).decision).toBe('deny');
    expect(authorize(res([ips]), { caller: same, target, request: { sourceIp: '192.168.1.1' } }).decision).toBe('allow');
  });

  it('matches path templates', () => {
    const p = ap('app', 'tpl', { rules: [{ to: [{ operation: { paths: ['/users/{*}/profile', '/files/{**}'] } }] }] });
    expect(authorize(res([p]), { caller: same, target, request: { path: '/users/42/profile' } }).decision).toBe('allow');
    expect(authorize(res([p]), { caller: same, target, request: { path: '/users/42/x/profile' } }).decision).toBe('deny');
    expect(authorize(res([p]), { caller: same, target, request: { path: '/files/a/b/c' } }).decision).toBe('allow');
  });
});

describe('ipInBlock', () => {
  it('handles CIDRs and single addresses', () => {
    expect(ipInBlock('192.0.2.10/32', '192.0.2.10')).toBe(true);
    expect(ipInBlock('192.0.2.0/24', '192.0.3.1')).toBe(false);
    expect(ipInBlock('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(ipInBlock('10.0.0.1', '10.0.0.1')).toBe(true);
  });
});

describe('targetRefsOf (policies as written, schema or not)', () => {
  it('reads targetRef and targetRefs, and takes a targetRefs that is no list as none', () => {
    expect(targetRefsOf({ spec: { targetRef: { kind: 'Gateway', name: 'gw' }, targetRefs: [{ group: '', kind: 'Service', name: 'api' }] } })).toEqual([
      { group: '', kind: 'Gateway', name: 'gw' },
      { group: '', kind: 'Service', name: 'api' },
    ]);
    expect(targetRefsOf({ spec: { targetRefs: 1 } })).toEqual([]);
    expect(targetRefsOf({ spec: { targetRefs: 'api' } })).toEqual([]);
    expect(targetRefsOf({ spec: { targetRefs: [null, 'x', [], { kind: 7, name: 'api' }] } })).toEqual([{ group: '', kind: '', name: 'api' }]);
  });

  it('an AuthorizationPolicy with targetRefs: 1 gets a schema finding, not a crash', () => {
    const findings = analyze([ap('app', 'p', { targetRefs: 1 })]);
    expect(findings).toContainEqual(expect.objectContaining({ code: 'IST0106', resource: 'AuthorizationPolicy app/p', path: 'spec/targetRefs' }));
  });
});
