import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildInjection, getInitInjection, injectionSchema, podsNeedingRestart, unknownNamespaceMessage } from './injection';
import { testkit, S3, S4 } from './testkit';
import { dataPlaneModel, templateMeta } from '../dataplane';
import { indexResources } from '../resources';
import { listWorkloads } from './mesh';
import type { K8sObject } from '../types';

const { loadObjects, loadScenario } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

function pod(name: string, labels: Record<string, string>, sidecar: boolean, ns = 'shop'): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: sidecar ? { ...labels, 'istio.io/rev': 'default' } : labels },
    spec: { containers: [{ name: 'app-container' }, ...(sidecar ? [{ name: 'istio-proxy' }] : [])] },
  };
}

const v2Pods = [
  pod('user-service-v2-abc', { component: 'user-service', release: 'v2' }, true),
  pod('user-service-v2-def', { component: 'user-service', release: 'v2' }, true),
];
const v3Pod = pod('user-service-v3-xyz', { component: 'user-service', release: 'v3' }, true);

describe('sidecar injection on S4 (namespace shop, istio-injection=enabled)', () => {
  const objects = [...loadObjects(S4), ...v2Pods, v3Pod];
  const r = indexResources(objects);
  const nsLive = r.namespaces[0]!;
  const init = getInitInjection({ resources: r, namespace: 'shop' });

  it('reads the namespace label and the overrides', () => {
    expect(init).toEqual({
      namespace: 'shop',
      namespaceInjection: 'enabled',
      revision: '',
      workloads: [
        { name: 'user-service-v2', inject: 'default' },
        { name: 'user-service-v3', inject: 'default' },
      ],
    });
    expect(buildInjection(init, { resources: r })).toEqual({ writes: [], warnings: [], errors: [] });
    expect(podsNeedingRestart(init, r)).toEqual([]);
  });

  it('switching to a revision writes istio.io/rev and removes istio-injection; running pods need a restart', () => {
    const s = { ...init, namespaceInjection: 'revision' as const, revision: 'canary' };
    const res = buildInjection(s, { resources: r });
    expect(res.writes).toEqual([
      { action: 'replace', base: nsLive, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio.io/rev': 'canary' } } } },
    ]);
    expect(podsNeedingRestart(s, r).map((p) => [p.name, p.restart, p.reason])).toEqual([
      ['user-service-v2-abc', 'manual', 'runs the sidecar of revision default, not canary'],
      ['user-service-v2-def', 'manual', 'runs the sidecar of revision default, not canary'],
      ['user-service-v3-xyz', 'manual', 'runs the sidecar of revision default, not canary'],
    ]);
    expect(res.warnings.map((w) => w.code)).toEqual(['INJECTION_RESTART_NEEDED']);
  });

  it('disabled: pods with a sidecar should lose it on restart', () => {
    const s = { ...init, namespaceInjection: 'disabled' as const };
    const res = buildInjection(s, { resources: r });
    expect(res.writes[0]!.object.metadata.labels).toEqual({ 'istio-injection': 'disabled' });
    expect(podsNeedingRestart(s, r)).toEqual([
      {
        name: 'user-service-v2-abc',
        namespace: 'shop',
        owner: 'user-service-v2',
        hasSidecar: true,
        wantsSidecar: false,
        restart: 'manual',
        reason: 'runs a sidecar it should no longer have',
      },
      {
        name: 'user-service-v2-def',
        namespace: 'shop',
        owner: 'user-service-v2',
        hasSidecar: true,
        wantsSidecar: false,
        restart: 'manual',
        reason: 'runs a sidecar it should no longer have',
      },
      {
        name: 'user-service-v3-xyz',
        namespace: 'shop',
        owner: 'user-service-v3',
        hasSidecar: true,
        wantsSidecar: false,
        restart: 'manual',
        reason: 'runs a sidecar it should no longer have',
      },
    ]);
    expect(res.warnings[0]).toEqual({
      code: 'INJECTION_RESTART_NEEDED',
      message:
        '3 pods keep their current state until restarted: user-service-v2-abc, user-service-v2-def and user-service-v3-xyz. Restart them (kubectl rollout restart) to apply the change.',
    });
  });

  it('no label: the injection labels are removed (and an empty labels map with them)', () => {
    const res = buildInjection({ ...init, namespaceInjection: 'unset' }, { resources: r });
    expect(res.writes[0]!.object.metadata).toEqual({ name: 'shop' });
  });

  it('per-workload override: pod template label on the Deployment; its pods are replaced by the rollout', () => {
    const s = {
      ...init,
      workloads: [
        { name: 'user-service-v2', inject: 'default' as const },
        { name: 'user-service-v3', inject: 'false' as const },
      ],
    };
    const res = buildInjection(s, { resources: r });
    const live = r.deployments.find((d) => d.metadata.name === 'user-service-v3')!;
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: live,
        object: {
          ...live,
          spec: {
            ...live.spec,
            template: { ...live.spec!.template, metadata: { labels: { component: 'user-service', release: 'v3', 'sidecar.istio.io/inject': 'false' } } },
          },
        },
      },
    ]);
    expect(res.warnings).toEqual([
      {
        code: 'INJECTION_ROLLOUT',
        message: 'Changing the pod template of Deployment shop/user-service-v3 starts a rollout: its pods are replaced right away.',
      },
    ]);
    expect(podsNeedingRestart(s, r)).toEqual([
      {
        name: 'user-service-v3-xyz',
        namespace: 'shop',
        owner: 'user-service-v3',
        hasSidecar: true,
        wantsSidecar: false,
        restart: 'rollout',
        reason: 'runs a sidecar it should no longer have',
      },
    ]);
  });

  it('"default" removes a workload override again', () => {
    const v3 = r.deployments.find((d) => d.metadata.name === 'user-service-v3')!;
    const withOverride = {
      ...v3,
      spec: {
        ...v3.spec,
        template: { ...v3.spec!.template, metadata: { labels: { ...v3.spec!.template!.metadata!.labels, 'sidecar.istio.io/inject': 'false' } } },
      },
    };
    const r2 = { ...r, deployments: r.deployments.map((d) => (d === v3 ? withOverride : d)) };
    const s = getInitInjection({ resources: r2, namespace: 'shop' });
    expect(s.workloads[1]).toEqual({ name: 'user-service-v3', inject: 'false' });
    const res = buildInjection({ ...s, workloads: [s.workloads[0]!, { name: 'user-service-v3', inject: 'default' }] }, { resources: r2 });
    expect(res.writes).toEqual([{ action: 'replace', base: withOverride, object: v3 }]);
  });

  it('warns about an unknown revision and an override the namespace label overrules', () => {
    const istiod = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod-1-24', namespace: 'istio-system' },
      spec: { template: { metadata: { labels: { app: 'istiod', 'istio.io/rev': '1-24' } } } },
    };
    const r2 = indexResources([...objects, istiod]);
    expect(buildInjection({ ...init, namespaceInjection: 'revision', revision: 'canary' }, { resources: r2 }).warnings.map((w) => w.code)).toEqual([
      'INJECTION_UNKNOWN_REVISION',
      'INJECTION_RESTART_NEEDED',
    ]);
    expect(buildInjection({ ...init, namespaceInjection: 'revision', revision: '1-24' }, { resources: r2 }).warnings.map((w) => w.code)).toEqual([
      'INJECTION_RESTART_NEEDED',
    ]);
    const ignored = buildInjection({ ...init, namespaceInjection: 'disabled', workloads: [{ name: 'user-service-v2', inject: 'true' }] }, { resources: r });
    expect(ignored.warnings.map((w) => w.code)).toEqual(['INJECTION_OVERRIDE_IGNORED', 'INJECTION_ROLLOUT', 'INJECTION_RESTART_NEEDED']);
  });

  it('refuses a namespace that does not exist instead of creating it', () => {
    for (const namespaceInjection of ['enabled', 'unset'] as const) {
      const res = buildInjection({ namespace: 'new-ns', namespaceInjection, revision: '', workloads: [] }, { resources: r });
      expect(res).toEqual({ writes: [], warnings: [], errors: [{ path: 'namespace', message: unknownNamespaceMessage('new-ns') }] });
    }
    expect(unknownNamespaceMessage('new-ns')).toBe(
      'There is no namespace new-ns in the cluster (or you may not read it). This form labels an existing namespace; it never creates one.',
    );
  });
});

describe('sidecar injection on S3 (no namespace label; pods opted in by annotation)', () => {
  const r = loadScenario(S3, { extra: [pod('el-caller-1', { eventlistener: 'caller', 'maistra.io/expose-route': 'true' }, false, 'microsvc-sample')] });

  it('reads the annotation as the override', () => {
    expect(getInitInjection({ resources: r, namespace: 'microsvc-sample' })).toEqual({
      namespace: 'microsvc-sample',
      namespaceInjection: 'unset',
      revision: '',
      workloads: [
        { name: 'sample', inject: 'true' },
        { name: 'caller', inject: 'true' },
        { name: 'el-caller', inject: 'false' },
      ],
    });
  });

  it('turning a workload on writes the label and drops the old annotation', () => {
    const init = getInitInjection({ resources: r, namespace: 'microsvc-sample' });
    const s = { ...init, workloads: init.workloads.map((w) => (w.name === 'el-caller' ? { ...w, inject: 'true' as const } : w)) };
    const res = buildInjection(s, { resources: r });
    const live = r.deployments.find((d) => d.metadata.name === 'el-caller')!;
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: live,
        object: {
          ...live,
          spec: {
            ...live.spec,
            template: {
              ...live.spec!.template,
              metadata: { labels: { eventlistener: 'caller', 'maistra.io/expose-route': 'true', 'sidecar.istio.io/inject': 'true' } },
            },
          },
        },
      },
    ]);
    expect(podsNeedingRestart(s, r)).toEqual([
      {
        name: 'el-caller-1',
        namespace: 'microsvc-sample',
        owner: 'el-caller',
        hasSidecar: false,
        wantsSidecar: true,
        restart: 'rollout',
        reason: 'runs without a sidecar but should get one',
      },
    ]);
  });
});

describe('sidecar injection schema', () => {
  const issues = (s: unknown) => injectionSchema.safeParse(s).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  it('a revision is required for istio.io/rev and must be a label value', () => {
    expect(issues({ namespace: 'a', namespaceInjection: 'revision', revision: '', workloads: [] })).toEqual([
      { path: 'revision', message: 'Enter the control-plane revision, such as canary or 1-24-0' },
    ]);
    expect(issues({ namespace: 'a', namespaceInjection: 'revision', revision: 'rev 1', workloads: [] })?.[0]?.path).toBe('revision');
    expect(buildInjection({ namespace: 'a', namespaceInjection: 'revision', revision: '', workloads: [] }, { resources: indexResources([]) }).writes).toEqual(
      [],
    );
  });
  it('workload overrides', () => {
    expect(
      issues({
        namespace: 'a',
        namespaceInjection: 'enabled',
        revision: '',
        workloads: [
          { name: 'x', inject: 'maybe' },
          { name: 'x', inject: 'true' },
        ],
      }),
    ).toEqual([{ path: 'workloads.0.inject', message: 'Choose default, always or never' }]);
    expect(
      issues({
        namespace: 'a',
        namespaceInjection: 'enabled',
        revision: '',
        workloads: [
          { name: 'x', inject: 'true' },
          { name: 'x', inject: 'true' },
        ],
      }),
    ).toEqual([{ path: 'workloads.1', message: 'x is listed twice' }]);
  });
});

describe('the forms read the data plane as the graph does (lib/istio/dataplane.ts)', () => {
  const deployment = (name: string, labels: Record<string, string>, annotations?: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'plain' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...labels }, ...(annotations ? { annotations } : {}) },
        spec: { containers: [{ name: 'app', image: 'x' }] },
      },
    },
  });
  it('label sidecar.istio.io/inject=true with the annotation "false": the label wins in both', () => {
    const r = indexResources([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } },
      deployment('both', { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }),
      deployment('annotated', {}, { 'sidecar.istio.io/inject': 'true' }),
      deployment('none', {}),
    ] as K8sObject[]);
    const forms = Object.fromEntries(listWorkloads(r, 'plain').map((w) => [w.name, w.hasSidecar]));
    const model = dataPlaneModel(r);
    const graph = Object.fromEntries(r.deployments.map((d) => [d.metadata.name, model.workload('plain', templateMeta(d.spec?.template)).mode === 'sidecar']));
    expect(forms).toEqual(graph);
    expect(forms).toEqual({ both: true, annotated: true, none: false });
  });
});
