import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildCallers,
  callerEnforcement,
  callersSchema,
  getInitCallers,
  previewCallers,
  sortCallerPreviews,
  type CallerPreview,
  type CallersState,
} from './callers';
import { withWrites } from './writes';
import { s5Objects } from '../graph/test/fixtures';
import { testkit, S1, S3 } from './testkit';
import { indexResources } from '../resources';
import type { AuthorizationPolicy } from '../types';

const { loadScenario, crdProblems } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

const summary = (ps: ReturnType<typeof previewCallers>) => ps.map((p) => [p.label, p.allowed, p.reason]);

describe('caller restrictions on S3 (to-sample allows only namespace microsvc-sample; mesh STRICT)', () => {
  const r = loadScenario(S3);
  const live = r.authorizationPolicies[0]!;
  const init = getInitCallers({ resources: r, namespace: 'microsvc-sample', workload: { name: 'sample' } });

  it('edits the existing policy: reads its sources', () => {
    expect(init).toEqual({
      namespace: 'microsvc-sample',
      workload: { name: 'sample', selector: { app: 'sample' } },
      policyName: 'to-sample',
      namespaces: ['microsvc-sample'],
      serviceAccounts: [],
    });
  });

  it('previews the known callers: caller allowed, el-caller (no sidecar) and the ingress gateway denied', () => {
    expect(summary(previewCallers(init, r))).toEqual([
      [
        'workload microsvc-sample/caller',
        true,
        'allowed: caller (cluster.local/ns/microsvc-sample/sa/default) matches rule 0 of ALLOW AuthorizationPolicy microsvc-sample/to-sample',
      ],
      [
        'workload microsvc-sample/el-caller',
        false,
        'the connection fails: the client has no sidecar and sends plaintext, but the server requires mTLS (STRICT, from PeerAuthentication istio-system/default (mesh-wide))',
      ],
      [
        'ingress gateway istio-system/istio-ingressgateway',
        false,
        'denied: istio-ingressgateway (cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account) matches no rule of ALLOW AuthorizationPolicy microsvc-sample/to-sample',
      ],
    ]);
  });

  it('unchanged: no write, and a warning that requests through the gateway are refused', () => {
    const res = buildCallers(init, { resources: r });
    expect(res.writes).toEqual([]);
    expect(res.warnings).toEqual([
      {
        code: 'AUTHZ_INGRESS_DENIED',
        message:
          'VirtualService microsvc-sample/sample routes requests from outside to sample, but the ingress gateway istio-system/istio-ingressgateway (namespace istio-system) is not allowed to call it: those requests will get "RBAC: access denied". Allow namespace istio-system or the gateway\'s service account if they should get through.',
      },
    ]);
  });

  it('allowing the ingress gateway service account edits to-sample in place (namespaces OR principals)', () => {
    const s: CallersState = { ...init, serviceAccounts: [{ namespace: 'istio-system', name: 'istio-ingressgateway-service-account' }] };
    const res = buildCallers(s, { resources: r });
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: live,
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { name: 'to-sample', namespace: 'microsvc-sample' },
          spec: {
            selector: { matchLabels: { app: 'sample' } },
            rules: [
              {
                from: [
                  { source: { namespaces: ['microsvc-sample'] } },
                  { source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } },
                ],
              },
            ],
          },
        },
      },
    ]);
    expect(res.warnings).toEqual([]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
    expect(previewCallers(s, r).find((p) => p.caller.kind === 'gateway')).toMatchObject({
      allowed: true,
      connection: 'mtls',
      decision: 'allow',
      policy: 'AuthorizationPolicy microsvc-sample/to-sample',
    });
  });

  it('only service accounts: the namespace source goes away', () => {
    const s: CallersState = { ...init, namespaces: [], serviceAccounts: [{ namespace: 'microsvc-sample', name: 'default' }] };
    const res = buildCallers(s, { resources: r });
    expect(res.writes[0]!.object.spec).toEqual({
      selector: { matchLabels: { app: 'sample' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/microsvc-sample/sa/default'] } }] }],
    });
  });

  it('creates a policy for a workload that has none (selector of the workload, no default action written)', () => {
    const s = {
      ...getInitCallers({ resources: r, namespace: 'microsvc-sample', workload: { name: 'caller' } }),
      namespaces: ['microsvc-sample', 'istio-system'],
    };
    expect(s.policyName).toBe('caller-callers');
    const res = buildCallers(s, { resources: r });
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { name: 'caller-callers', namespace: 'microsvc-sample' },
          spec: { selector: { matchLabels: { app: 'caller' } }, rules: [{ from: [{ source: { namespaces: ['microsvc-sample', 'istio-system'] } }] }] },
        },
      },
    ]);
    expect(res.warnings).toEqual([]);
    expect(summary(previewCallers(s, r))).toEqual([
      [
        'workload microsvc-sample/sample',
        true,
        'allowed: sample (cluster.local/ns/microsvc-sample/sa/default) matches rule 0 of ALLOW AuthorizationPolicy microsvc-sample/caller-callers',
      ],
      [
        'workload microsvc-sample/el-caller',
        false,
        'the connection fails: the client has no sidecar and sends plaintext, but the server requires mTLS (STRICT, from PeerAuthentication istio-system/default (mesh-wide))',
      ],
      [
        'ingress gateway istio-system/istio-ingressgateway',
        true,
        'allowed: istio-ingressgateway (cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account) matches rule 0 of ALLOW AuthorizationPolicy microsvc-sample/caller-callers',
      ],
    ]);
  });

  it('does not take over a policy with other conditions; warns that ALLOW policies add up', () => {
    const broad: AuthorizationPolicy = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'health', namespace: 'microsvc-sample' },
      spec: { selector: { matchLabels: { app: 'caller' } }, rules: [{ to: [{ operation: { paths: ['/health'] } }] }] },
    };
    const r2 = { ...r, authorizationPolicies: [...r.authorizationPolicies, broad] };
    const s = { ...getInitCallers({ resources: r2, namespace: 'microsvc-sample', workload: { name: 'caller' } }), namespaces: ['microsvc-sample'] };
    const res = buildCallers(s, { resources: r2 });
    expect(res.writes[0]!.action).toBe('create');
    expect(res.warnings).toEqual([
      {
        code: 'AUTHZ_OTHER_ALLOW',
        message: 'AuthorizationPolicy microsvc-sample/health also applies to this workload; ALLOW policies add up, so callers it allows still get through.',
      },
    ]);
    expect(previewCallers(s, r2).find((p) => p.caller.kind === 'gateway')).toMatchObject({
      allowed: true,
      certain: false,
      decision: 'conditional',
      policy: 'AuthorizationPolicy microsvc-sample/health',
    });
  });
});

describe('caller restrictions on S1 (PERMISSIVE)', () => {
  it('warns that identities need mTLS', () => {
    const r = loadScenario(S1);
    const s = { ...getInitCallers({ resources: r, namespace: 'sample', workload: { name: 'service-b-v1' } }), namespaces: ['sample'] };
    expect(s.workload.selector).toEqual({ app: 'service-b', version: 'v1' });
    const res = buildCallers(s, { resources: r });
    expect(res.warnings.map((w) => w.code)).toEqual(['AUTHZ_NEEDS_MTLS']);
  });
});

describe('caller restrictions schema', () => {
  const issues = (s: unknown) => callersSchema.safeParse(s).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const base: CallersState = {
    namespace: 'ns',
    workload: { name: 'w', selector: { app: 'w' } },
    policyName: 'w-callers',
    namespaces: ['a'],
    serviceAccounts: [],
  };
  it('refuses an empty allow list, bad names and duplicates; nothing is written', () => {
    expect(issues({ ...base, namespaces: [] })).toEqual([
      { path: 'namespaces', message: 'Choose at least one namespace or service account allowed to call w' },
    ]);
    expect(issues({ ...base, namespaces: ['A_b', 'a', 'a'], serviceAccounts: [{ namespace: '', name: 'x' }] })).toEqual([
      {
        path: 'namespaces.0',
        message: 'The namespace "A_b" may only contain lowercase letters, digits and "-", and must start and end with a letter or digit',
      },
      { path: 'namespaces.2', message: 'The namespace a is listed twice' },
      { path: 'serviceAccounts.0.namespace', message: 'Enter a namespace' },
    ]);
    expect(issues({ ...base, workload: { name: 'w', selector: {} } })).toEqual([
      { path: 'workload.selector', message: 'Choose the workload to protect: the policy needs its pod labels' },
    ]);
    expect(buildCallers({ ...base, namespaces: [] }, { resources: indexResources([]) }).writes).toEqual([]);
  });
});

describe('the order of the caller preview', () => {
  const r = loadScenario(S3);
  const preview = (caller: { kind: 'workload' | 'gateway'; namespace: string; name: string }, allowed: boolean) =>
    ({
      caller: { ...caller, serviceAccount: 'default', hasSidecar: true, labels: {} },
      label: `${caller.kind === 'gateway' ? 'ingress gateway' : 'workload'} ${caller.namespace}/${caller.name}`,
      allowed,
      certain: true,
      decision: allowed ? 'allow' : 'deny',
      connection: 'mtls',
      reason: '',
    }) as CallerPreview;

  it("lists gateways first, then the workload's own namespace, then the allowed, then by name", () => {
    const input = [
      preview({ kind: 'workload', namespace: 'other', name: 'b' }, true),
      preview({ kind: 'workload', namespace: 'shop', name: 'z' }, false),
      preview({ kind: 'workload', namespace: 'other', name: 'a' }, false),
      preview({ kind: 'workload', namespace: 'shop', name: 'y' }, true),
      preview({ kind: 'gateway', namespace: 'istio-system', name: 'istio-ingressgateway' }, false),
      preview({ kind: 'workload', namespace: 'other', name: 'a2' }, true),
    ];
    expect(sortCallerPreviews(input, 'shop').map((p) => p.label)).toEqual([
      'ingress gateway istio-system/istio-ingressgateway',
      'workload shop/y',
      'workload shop/z',
      'workload other/a2',
      'workload other/b',
      'workload other/a',
    ]);
    // The input is left as it was.
    expect(input[0]!.label).toBe('workload other/b');
  });

  it('orders the preview of a scenario', () => {
    const init = getInitCallers({ resources: r, namespace: 'microsvc-sample', workload: { name: 'sample' } });
    expect(sortCallerPreviews(previewCallers(init, r), 'microsvc-sample').map((p) => [p.label, p.allowed])).toEqual([
      ['ingress gateway istio-system/istio-ingressgateway', false],
      ['workload microsvc-sample/caller', true],
      ['workload microsvc-sample/el-caller', false],
    ]);
  });
});

describe('caller restrictions in ambient (S5)', () => {
  const r = indexResources(s5Objects({ live: true }));

  it('reviews has a waypoint: the policy targets the Service for the waypoint (targetRefs), not the pods', () => {
    expect(callerEnforcement(r, 'bookinfo', { app: 'reviews', version: 'v1' })).toMatchObject({ kind: 'waypoint', service: 'reviews' });
    const init = getInitCallers({ resources: r, namespace: 'bookinfo', workload: { name: 'reviews-v1' } });
    expect(init).toMatchObject({ attach: 'waypoint', service: 'reviews', policyName: 'reviews-callers', namespaces: [], serviceAccounts: [] });
    const res = buildCallers({ ...init, serviceAccounts: [{ namespace: 'bookinfo', name: 'bookinfo-productpage' }] }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { name: 'reviews-callers', namespace: 'bookinfo' },
          spec: {
            targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }],
            rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }] }],
          },
        },
      },
    ]);
    expect(res.warnings.map((w) => w.code)).toContain('AUTHZ_ON_WAYPOINT');
    expect(res.warnings.map((w) => w.code)).not.toContain('AUTHZ_NEEDS_MTLS');
    // Read back: the written policy is the one the form edits next time, in place.
    const after = withWrites(r, res.writes);
    const again = getInitCallers({ resources: after, namespace: 'bookinfo', workload: { name: 'reviews-v1' } });
    expect(again.serviceAccounts).toEqual([{ namespace: 'bookinfo', name: 'bookinfo-productpage' }]);
    const edit = buildCallers({ ...again, namespaces: ['bookinfo'] }, { resources: after });
    expect(edit.writes.map((w) => [w.action, w.object.metadata.name])).toEqual([['replace', 'reviews-callers']]);
    // The preview sees ambient callers as in the mesh: productpage is allowed at the waypoint, curl is not.
    const preview = previewCallers({ ...init, serviceAccounts: [{ namespace: 'bookinfo', name: 'bookinfo-productpage' }] }, r);
    expect(preview.find((p) => p.caller.name === 'productpage-v1')!.allowed).toBe(true);
    expect(preview.find((p) => p.caller.name === 'curl')!.allowed).toBe(false);
  });

  it('productpage-viewer (targetRefs with methods) is not a caller list: the form writes its own policy and leaves it alone', () => {
    const init = getInitCallers({ resources: r, namespace: 'bookinfo', workload: { name: 'productpage-v1' } });
    expect(init).toMatchObject({ attach: 'waypoint', service: 'productpage', policyName: 'productpage-callers' });
  });

  it('ratings has no waypoint: a selector policy, enforced by ztunnel at L4, and the form says L7 needs a waypoint', () => {
    expect(callerEnforcement(r, 'bookinfo', { app: 'ratings', version: 'v1' }).kind).toBe('ztunnel');
    const init = getInitCallers({ resources: r, namespace: 'bookinfo', workload: { name: 'ratings-v1' } });
    expect(init.attach).toBeUndefined();
    const res = buildCallers({ ...init, namespaces: ['bookinfo'] }, { resources: r });
    expect((res.writes[0]!.object.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'ratings', version: 'v1' } });
    const l4 = res.warnings.find((w) => w.code === 'AUTHZ_L4_ONLY')!;
    expect(l4.message).toContain('Conditions on paths, methods or headers need a waypoint');
  });

  it('a sidecar workload keeps the selector policy (S3 to-sample stays the owner)', () => {
    const r3 = loadScenario(S3);
    const ns = r3.authorizationPolicies[0]?.metadata.namespace ?? '';
    expect(callerEnforcement(r3, ns, r3.authorizationPolicies[0]?.spec?.selector?.matchLabels ?? {}).kind).not.toBe('waypoint');
  });
});
