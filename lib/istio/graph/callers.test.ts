import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { buildGraph } from './build';
import { previewCallers } from './callers';
import { ingressGatewayObjects, loadFixture } from './test/fixtures';

describe('previewCallers (caller-restriction form)', () => {
  const objects = [...loadFixture('scenarios/s3-microsvc-mtls-authz.yaml'), ...ingressGatewayObjects()];
  const graph = buildGraph(indexResources(objects));
  const target = {
    namespace: 'microsvc-sample',
    labels: { app: 'sample' },
    host: 'sample.microsvc-sample.svc.cluster.local',
    port: 8080,
    request: { port: 8080 },
  };
  const decisions = (objs: K8sObject[]) => previewCallers(indexResources(objs), graph, target).map((p) => [p.caller, p.connection, p.decision.decision]);

  it('previews the current policy for every known caller', () => {
    expect(decisions(objects)).toEqual([
      ['gw:istio-system/istio-ingressgateway', 'mtls', 'deny'],
      ['unknown', 'conflict', 'deny'],
      ['ver:microsvc-sample/caller/v1', 'mtls', 'allow'],
      ['wl:microsvc-sample/el-caller', 'conflict', 'deny'],
    ]);
  });

  it('previews a draft that also admits the ingress gateway', () => {
    const draft = objects.map((o) =>
      o.kind === 'AuthorizationPolicy'
        ? { ...o, spec: { selector: { matchLabels: { app: 'sample' } }, rules: [{ from: [{ source: { namespaces: ['microsvc-sample', 'istio-system'] } }] }] } }
        : o,
    );
    const preview = previewCallers(indexResources(draft), graph, target);
    expect(preview.find((p) => p.caller === 'gw:istio-system/istio-ingressgateway')?.decision).toMatchObject({
      decision: 'allow',
      policy: 'AuthorizationPolicy microsvc-sample/to-sample',
    });
    expect(preview.find((p) => p.caller === 'ver:microsvc-sample/caller/v1')?.decision.decision).toBe('allow');
  });
});
