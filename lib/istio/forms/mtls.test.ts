import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMtls, getInitMtls, mtlsSchema, mtlsTargetOf, type MtlsState } from './mtls';
import { containerPortsOf, listWorkloads } from './mesh';
import { effectiveMtls } from '../security';
import { testkit, S1, S3 } from './testkit';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';

const { loadScenario, crdProblems } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

function expectValidObjects(objects: K8sObject[]) {
  for (const o of objects) expect(crdProblems(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
}

describe('mTLS form on S1 (namespace sample, PERMISSIVE, clients ISTIO_MUTUAL)', () => {
  const r = loadScenario(S1);

  it('starts from the namespace policy "default" and the client rule', () => {
    const s = getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' });
    expect(s).toEqual({
      scope: 'namespace',
      namespace: 'sample',
      mode: 'PERMISSIVE',
      portLevel: [],
      policyName: 'default',
      clientTls: { enabled: true, host: '*.sample.svc.cluster.local' },
    });
    expect(effectiveMtls(r, mtlsTargetOf(s, r))).toMatchObject({
      mode: 'PERMISSIVE',
      source: { level: 'namespace', resource: 'PeerAuthentication sample/default' },
    });
  });

  it('STRICT for namespace sample updates PeerAuthentication default in place', () => {
    const live = r.peerAuthentications[0]!;
    const res = buildMtls({ ...getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' }), mode: 'STRICT' }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: live,
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: 'sample' },
          spec: { mtls: { mode: 'STRICT' } },
        },
      },
    ]);
    expectValidObjects(res.writes.map((w) => w.object));
  });

  it('writes nothing when the state is what is live', () => {
    const res = buildMtls(getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' }), { resources: r });
    expect(res.writes).toEqual([]);
  });

  it('UNSET on the namespace policy removes its mode (the namespace inherits the mesh mode)', () => {
    const res = buildMtls({ ...getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' }), mode: 'UNSET' }, { resources: r });
    expect(res.writes).toEqual([{ action: 'replace', base: r.peerAuthentications[0], object: { ...r.peerAuthentications[0], spec: {} } }]);
  });

  it('PERMISSIVE -> PERMISSIVE is not a change, PERMISSIVE -> DISABLE is', () => {
    const init = getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' });
    expect(buildMtls({ ...init, mode: 'PERMISSIVE' }, { resources: r }).writes).toEqual([]);
    expect(buildMtls({ ...init, mode: 'DISABLE', clientTls: { enabled: false, host: '' } }, { resources: r }).writes[0]!.object.spec).toEqual({
      mtls: { mode: 'DISABLE' },
    });
  });

  it('keeps metadata it does not own (labels, annotations, resourceVersion) and drops status', () => {
    const pa = {
      ...r.peerAuthentications[0]!,
      metadata: { ...r.peerAuthentications[0]!.metadata, labels: { team: 'a' }, annotations: { note: 'x' }, resourceVersion: '42', managedFields: [{}] },
      status: { x: 1 },
    };
    const r2 = { ...r, peerAuthentications: [pa] };
    const res = buildMtls({ ...getInitMtls({ resources: r2, scope: 'namespace', namespace: 'sample' }), mode: 'STRICT' }, { resources: r2 });
    expect(res.writes[0]!.object.metadata).toEqual({
      name: 'default',
      namespace: 'sample',
      labels: { team: 'a' },
      annotations: { note: 'x' },
      resourceVersion: '42',
    });
    expect(res.writes[0]!.object.status).toBeUndefined();
    expect(res.writes[0]!.base).toBe(pa);
  });

  it('edits a selector-less namespace policy that has another name instead of adding a second one', () => {
    const renamed = { ...r.peerAuthentications[0]!, metadata: { name: 'namespace-wide', namespace: 'sample' } };
    const r2 = { ...r, peerAuthentications: [renamed] };
    const s = getInitMtls({ resources: r2, scope: 'namespace', namespace: 'sample' });
    expect(s.policyName).toBe('namespace-wide');
    const res = buildMtls({ ...s, mode: 'STRICT' }, { resources: r2 });
    expect(res.writes).toHaveLength(1);
    expect(res.writes[0]).toMatchObject({ action: 'replace', object: { metadata: { name: 'namespace-wide' }, spec: { mtls: { mode: 'STRICT' } } } });
  });

  it('warns about a second selector-less policy in the namespace', () => {
    const extra = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'other', namespace: 'sample' },
      spec: { mtls: { mode: 'DISABLE' } },
    };
    const r2 = { ...r, peerAuthentications: [...r.peerAuthentications, extra] };
    const res = buildMtls({ ...getInitMtls({ resources: r2, scope: 'namespace', namespace: 'sample' }), mode: 'STRICT' }, { resources: r2 });
    expect(res.writes[0]!.object.metadata.name).toBe('default');
    expect(res.warnings.map((w) => w.code)).toContain('MTLS_COMPETING_POLICIES');
  });

  it('DISABLE warns that the namespace DestinationRule still sends Istio mTLS', () => {
    const res = buildMtls(
      { ...getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' }), mode: 'DISABLE', clientTls: { enabled: false, host: '' } },
      { resources: r },
    );
    expect(res.writes[0]!.object.spec).toEqual({ mtls: { mode: 'DISABLE' } });
    expect(res.warnings).toEqual([
      {
        code: 'MTLS_DISABLE_CLIENT_MUTUAL',
        message: expect.stringContaining('DestinationRule sample/default makes clients of service-a.sample.svc.cluster.local'),
      },
    ]);
  });

  it('workload scope creates a policy with the workload selector and port-level modes', () => {
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    expect(s).toMatchObject({
      workload: { name: 'service-b-v1', selector: { app: 'service-b', version: 'v1' } },
      mode: 'UNSET',
      policyName: 'service-b-v1',
      clientTls: { enabled: false, host: 'service-b.sample.svc.cluster.local' },
    });
    const res = buildMtls(
      {
        ...s,
        mode: 'STRICT',
        portLevel: [
          { port: 9090, mode: 'DISABLE' },
          { port: 50051, mode: 'PERMISSIVE' },
        ],
      },
      { resources: r },
    );
    expect(res.errors).toEqual([]);
    expect(res.writes).toEqual([
      {
        action: 'create',
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'service-b-v1', namespace: 'sample' },
          spec: {
            selector: { matchLabels: { app: 'service-b', version: 'v1' } },
            mtls: { mode: 'STRICT' },
            portLevelMtls: { '9090': { mode: 'DISABLE' }, '50051': { mode: 'PERMISSIVE' } },
          },
        },
      },
    ]);
    expectValidObjects(res.writes.map((w) => w.object));
  });

  it('port-level DISABLE warns about Istio-mTLS clients only on a port the service sends traffic to', () => {
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    const served = buildMtls({ ...s, portLevel: [{ port: 50051, mode: 'DISABLE' }] }, { resources: r });
    expect(served.warnings.map((w) => w.code)).toEqual(['MTLS_DISABLE_CLIENT_MUTUAL']);
    const unserved = buildMtls({ ...s, portLevel: [{ port: 9090, mode: 'DISABLE' }] }, { resources: r });
    expect(unserved.warnings).toEqual([]);
  });

  it('port-level only (mode UNSET) writes portLevelMtls without mtls', () => {
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    const res = buildMtls({ ...s, portLevel: [{ port: 50051, mode: 'DISABLE' }] }, { resources: r });
    expect(res.writes[0]!.object.spec).toEqual({
      selector: { matchLabels: { app: 'service-b', version: 'v1' } },
      portLevelMtls: { '50051': { mode: 'DISABLE' } },
    });
  });

  it('UNSET on a workload without a policy writes nothing', () => {
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    expect(buildMtls(s, { resources: r }).writes).toEqual([]);
  });

  it('edits the workload policy with the same selector and its portLevelMtls', () => {
    const wp = {
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      metadata: { name: 'b-policy', namespace: 'sample', labels: { owner: 'x' } },
      spec: { selector: { matchLabels: { app: 'service-b', version: 'v1' } }, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { '9090': { mode: 'DISABLE' } } },
    };
    const r2 = { ...r, peerAuthentications: [...r.peerAuthentications, wp] };
    const s = getInitMtls({ resources: r2, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    expect(s).toMatchObject({ mode: 'PERMISSIVE', portLevel: [{ port: 9090, mode: 'DISABLE' }], policyName: 'b-policy' });
    const res = buildMtls({ ...s, mode: 'STRICT', portLevel: [] }, { resources: r2 });
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: wp,
        object: {
          apiVersion: 'security.istio.io/v1beta1',
          kind: 'PeerAuthentication',
          metadata: { name: 'b-policy', namespace: 'sample', labels: { owner: 'x' } },
          spec: { selector: { matchLabels: { app: 'service-b', version: 'v1' } }, mtls: { mode: 'STRICT' } },
        },
      },
    ]);
    expect(effectiveMtls(r2, { ...mtlsTargetOf(s, r2), port: 9090 })).toMatchObject({
      mode: 'DISABLE',
      source: { level: 'port', resource: 'PeerAuthentication sample/b-policy' },
    });
  });

  it('client side: a host without a rule gets a new ISTIO_MUTUAL DestinationRule', () => {
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    const res = buildMtls({ ...s, mode: 'STRICT', clientTls: { enabled: true, host: 'service-b.sample.svc.cluster.local' } }, { resources: r });
    expect(res.writes[1]).toEqual({
      action: 'create',
      object: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'service-b', namespace: 'sample' },
        spec: { host: 'service-b.sample.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      },
    });
    expectValidObjects(res.writes.map((w) => w.object));
  });

  it('client side: an existing rule for the host is edited, keeping its other fields', () => {
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'b', namespace: 'sample' },
      spec: {
        host: 'service-b',
        trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, tls: { mode: 'DISABLE' } },
        subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      },
    };
    const r2 = indexResources([
      ...Object.values(r)
        .flat()
        .filter((o): o is K8sObject => !!o && typeof o === 'object' && 'kind' in o),
      dr,
    ]);
    const s = getInitMtls({ resources: r2, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    expect(s.clientTls).toEqual({ enabled: false, host: 'service-b.sample.svc.cluster.local' });
    const res = buildMtls({ ...s, mode: 'STRICT', clientTls: { enabled: true, host: s.clientTls.host } }, { resources: r2 });
    const w = res.writes.find((x) => x.object.kind === 'DestinationRule')!;
    expect(w).toEqual({
      action: 'replace',
      base: dr,
      object: { ...dr, spec: { ...dr.spec, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, tls: { mode: 'ISTIO_MUTUAL' } } } },
    });
    expect(res.warnings.map((x) => x.code)).toContain('MTLS_CLIENT_TLS_REPLACED');
  });

  it('warns about a DestinationRule whose subset / port tls overrides the one being added', () => {
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'c', namespace: 'sample' },
      spec: { host: 'service-c.sample.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }] },
    };
    const r2 = { ...r, destinationRules: [...r.destinationRules, dr] };
    const res = buildMtls({ ...getInitMtls({ resources: r2, scope: 'namespace', namespace: 'sample' }), mode: 'STRICT' }, { resources: r2 });
    const codes = res.warnings.map((w) => w.code);
    expect(codes).toContain('DR_TLS_OVERRIDE');
    expect(codes).toContain('MTLS_STRICT_CLIENT_DR_DISABLE');
    expect(res.warnings.find((w) => w.code === 'DR_TLS_OVERRIDE')!.message).toMatch(
      /DestinationRule sample\/c for host service-c\.sample\.svc\.cluster\.local sets its own client TLS mode DISABLE \(subset v1\)/,
    );
  });

  it('mesh scope edits the root namespace policy', () => {
    const r3 = loadScenario(S3);
    const s = getInitMtls({ resources: r3, scope: 'mesh' });
    expect(s).toMatchObject({
      scope: 'mesh',
      namespace: 'istio-system',
      mode: 'STRICT',
      policyName: 'default',
      clientTls: { enabled: false, host: '*.local' },
    });
    const res = buildMtls({ ...s, mode: 'PERMISSIVE' }, { resources: r3 });
    expect(res.writes).toEqual([
      { action: 'replace', base: r3.peerAuthentications[0], object: { ...r3.peerAuthentications[0], spec: { mtls: { mode: 'PERMISSIVE' } } } },
    ]);
  });

  it('mesh scope without a policy creates "default" in the root namespace', () => {
    const r1 = loadScenario(S1);
    const s = getInitMtls({ resources: r1, scope: 'mesh' });
    const res = buildMtls({ ...s, mode: 'STRICT' }, { resources: r1 });
    expect(res.writes[0]).toEqual({
      action: 'create',
      object: {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { mtls: { mode: 'STRICT' } },
      },
    });
  });
});

describe('mTLS STRICT traps on S3 (el-caller has no sidecar)', () => {
  const r = loadScenario(S3);

  it('warns about workloads without a sidecar, naming known clients', () => {
    const s = getInitMtls({ resources: r, scope: 'namespace', namespace: 'microsvc-sample' });
    expect(s.mode).toBe('UNSET');
    const res = buildMtls({ ...s, mode: 'STRICT' }, { resources: r, knownClients: [{ namespace: 'microsvc-sample', name: 'el-caller' }] });
    expect(res.writes[0]!.action).toBe('create');
    expect(res.warnings).toEqual([
      {
        code: 'MTLS_STRICT_CLIENT_NO_SIDECAR',
        message:
          'Deployment microsvc-sample/el-caller calls the services this setting covers but has no sidecar, so it sends plaintext, which STRICT refuses. Inject a sidecar into it first, or keep PERMISSIVE until it has one.',
      },
    ]);
    const generic = buildMtls({ ...s, mode: 'STRICT' }, { resources: r });
    expect(generic.warnings.map((w) => w.code)).toEqual(['MTLS_STRICT_PLAINTEXT_WORKLOADS']);
  });

  it('finds a client without sidecar from its env (URL of the service)', () => {
    const elCaller = r.deployments.find((d) => d.metadata.name === 'el-caller')!;
    const withEnv = {
      ...elCaller,
      spec: {
        ...elCaller.spec,
        template: {
          ...elCaller.spec!.template,
          spec: { containers: [{ name: 'listener', env: [{ name: 'URL', value: 'http://sample.microsvc-sample.svc.cluster.local:8080/hook' }] }] },
        },
      },
    };
    const r2 = { ...r, deployments: r.deployments.map((d) => (d === elCaller ? withEnv : d)) };
    const s = getInitMtls({ resources: r2, scope: 'workload', namespace: 'microsvc-sample', workload: { name: 'sample' } });
    const res = buildMtls({ ...s, mode: 'STRICT' }, { resources: r2 });
    expect(res.warnings[0]).toEqual({
      code: 'MTLS_STRICT_CLIENT_NO_SIDECAR',
      message:
        'Deployment microsvc-sample/el-caller calls sample.microsvc-sample.svc.cluster.local but has no sidecar, so it sends plaintext, which STRICT refuses. Inject a sidecar into it first, or keep PERMISSIVE until it has one.',
    });
  });

  it('effective mode comes from the mesh policy (lib/istio/security)', () => {
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'microsvc-sample', workload: { name: 'sample' } });
    expect(mtlsTargetOf(s, r)).toEqual({ namespace: 'microsvc-sample', labels: { app: 'sample', version: 'v1' } });
    expect(effectiveMtls(r, mtlsTargetOf(s, r))).toMatchObject({
      mode: 'STRICT',
      source: { level: 'mesh', resource: 'PeerAuthentication istio-system/default' },
      reason: 'STRICT, from PeerAuthentication istio-system/default (mesh-wide)',
    });
    expect(effectiveMtls(r, mtlsTargetOf(getInitMtls({ resources: r, scope: 'mesh' }), r))).toMatchObject({ mode: 'STRICT', source: { level: 'mesh' } });
    expect(effectiveMtls(indexResources([]), { namespace: 'x' })).toMatchObject({ mode: 'PERMISSIVE', source: { level: 'default' } });
  });
});

describe('mTLS schema', () => {
  const base: MtlsState = {
    scope: 'namespace',
    namespace: 'sample',
    mode: 'STRICT',
    portLevel: [],
    policyName: 'default',
    clientTls: { enabled: false, host: '' },
  };
  const issues = (s: unknown) => mtlsSchema.safeParse(s).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

  it('accepts a valid state', () => expect(mtlsSchema.safeParse(base).success).toBe(true));
  it('refuses an unknown mode', () =>
    expect(issues({ ...base, mode: 'ON' })).toEqual([{ path: 'mode', message: 'Choose STRICT, PERMISSIVE, DISABLE or UNSET (inherit)' }]));
  it('refuses port settings without a workload', () =>
    expect(issues({ ...base, portLevel: [{ port: 80, mode: 'DISABLE' }] })).toEqual([
      { path: 'portLevel', message: 'Port settings apply to a workload only: Istio ignores port-level mTLS in a policy without a workload selector' },
    ]));
  it('refuses a port out of range', () =>
    expect(issues({ ...base, scope: 'workload', workload: { name: 'a', selector: { app: 'a' } }, portLevel: [{ port: 70000, mode: 'DISABLE' }] })).toEqual([
      { path: 'portLevel.0.port', message: 'The workload port must be a whole number from 1 to 65535' },
    ]));
  it('refuses a workload scope without selector', () =>
    expect(issues({ ...base, scope: 'workload', workload: { name: 'a', selector: {} } })).toEqual([
      { path: 'workload.selector', message: 'Choose the workload: a workload policy needs at least one pod label to select it' },
    ]));
  it('refuses client mTLS towards a DISABLE server and an empty host', () => {
    expect(issues({ ...base, mode: 'DISABLE', clientTls: { enabled: true, host: '' } })).toEqual([
      {
        path: 'clientTls.enabled',
        message: 'Clients cannot use Istio mTLS towards a server whose mTLS is disabled; choose STRICT or PERMISSIVE, or turn the client setting off',
      },
      { path: 'clientTls.host', message: 'Enter a host name' },
    ]);
  });
  it('build refuses invalid input and writes nothing', () => {
    const res = buildMtls({ ...base, namespace: 'Bad_NS' }, { resources: indexResources([]) });
    expect(res.writes).toEqual([]);
    expect(res.errors[0]!.path).toBe('namespace');
  });
});

describe('container ports of a workload (per-port settings)', () => {
  const container = (ports: number[]) => ({ name: `c${ports.join('-')}`, ports: ports.map((containerPort) => ({ containerPort })) });
  const deployment: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container([8080, 9090]), container([8080]), { name: 'istio-proxy' }] } },
    },
  };
  const barePod: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'ns', labels: { app: 'debug' } },
    spec: { containers: [container([5000])] },
  };
  const r = indexResources([deployment, barePod]);
  const workload = (name: string) => listWorkloads(r, 'ns').find((w) => w.name === name);

  it('reads a Deployment from its pod template and a bare Pod from its own spec, each port once', () => {
    expect(workload('web')?.kind).toBe('Deployment');
    expect(containerPortsOf(workload('web'))).toEqual([8080, 9090]);
    expect(workload('debug')?.kind).toBe('Pod');
    expect(containerPortsOf(workload('debug'))).toEqual([5000]);
  });

  it('is empty for a workload without ports, or none', () => {
    expect(containerPortsOf(listWorkloads(loadScenario(S3), 'microsvc-sample').find((w) => w.name === 'el-caller'))).toEqual([]);
    expect(containerPortsOf(undefined)).toEqual([]);
  });

  it("reads the scenarios' ports", () => {
    expect(containerPortsOf(listWorkloads(loadScenario(S1), 'sample').find((w) => w.name === 'service-b-v1'))).toEqual([50051]);
  });
});
