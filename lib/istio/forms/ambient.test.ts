import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { podsFor } from '../../../e2e/cluster/demo-data';
import { dataPlaneModel, podMeta, templateMeta } from '../dataplane';
import { s5Objects } from '../graph/test/fixtures';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { ambientWorkloadChanges, buildAmbient, getInitAmbient, namespaceWaypoints, waypointGateway, type AmbientState } from './ambient';
import { withWrites } from './writes';
import { testkit, BOOKINFO } from './testkit';

const { loadObjects } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

/** Bookinfo in namespace `ns` with sidecar injection on, and the pods the injector made (each with an istio-proxy). */
function sidecarBookinfo(ns = 'shop', extraTemplateLabels: Record<string, Record<string, string>> = {}): K8sObject[] {
  const nsObj: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled', team: 'web' } } };
  const app = loadObjects(BOOKINFO, ns).map((o) => {
    const extra = extraTemplateLabels[o.metadata.name];
    if (o.kind === 'Deployment' && extra) {
      const tpl = (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      tpl.metadata.labels = { ...tpl.metadata.labels, ...extra };
    }
    return o;
  });
  const pods = app.filter((o) => o.kind === 'Deployment').flatMap((d) => podsFor(d as never, nsObj as never)) as K8sObject[];
  return [nsObj, ...app, ...pods];
}

const modeOf = (r: ReturnType<typeof indexResources>, ns: string, name: string) => {
  const d = r.deployments.find((x) => x.metadata.namespace === ns && x.metadata.name === name)!;
  const pods = r.pods.filter((p) => p.metadata.name.startsWith(`${name}-`)).map(podMeta);
  return dataPlaneModel(r).workload(ns, templateMeta(d.spec?.template), pods);
};

describe('Ambient form: a sidecar namespace moved to ambient, with a new waypoint', () => {
  const r = indexResources(sidecarBookinfo());
  const init = getInitAmbient({ resources: r, namespace: 'shop' });

  it('starts from what the namespace is: not enrolled, no waypoint', () => {
    expect(init).toEqual({ namespace: 'shop', scope: 'namespace', service: '', enroll: false, waypoint: { mode: 'none', name: 'waypoint', for: 'service' } });
    expect(buildAmbient(init, { resources: r }).errors).toEqual([
      { path: 'enroll', message: 'Enroll in ambient, choose a waypoint, or both: as it is, the form changes nothing' },
    ]);
  });

  it('writes the waypoint istioctl would, then the namespace labels (injection removed, other labels kept)', () => {
    const s: AmbientState = { ...init, enroll: true, waypoint: { mode: 'new', name: 'waypoint', for: 'service' } };
    const res = buildAmbient(s, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes.map((w) => [w.action, w.object.kind, w.object.metadata.name])).toEqual([
      ['create', 'Gateway', 'waypoint'],
      ['replace', 'Namespace', 'shop'],
    ]);
    expect(res.writes[0]!.object).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(res.writes[1]!.object.metadata.labels).toEqual({ team: 'web', 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });

    // The data-plane model after the writes: new pods are ambient, running ones keep their sidecar until restarted, Services use the waypoint.
    const after = withWrites(r, res.writes);
    expect(modeOf(after, 'shop', 'reviews-v1')).toMatchObject({ mode: 'sidecar', expected: 'ambient', restartNeeded: true });
    const svc = after.services.find((x) => x.metadata.name === 'reviews')!;
    expect(dataPlaneModel(after).serviceWaypoint(svc)).toMatchObject({ state: 'bound', via: 'namespace' });
    expect(namespaceWaypoints(after, 'shop').map((w) => [w.name, w.traffic])).toEqual([['waypoint', 'service']]);

    const changes = ambientWorkloadChanges(s, r);
    expect(changes.map((c) => [c.name, c.before, c.after, c.sidecarPods, c.restart])).toEqual([
      ['details-v1', 'sidecar', 'ambient', 1, 'manual'],
      ['ratings-v1', 'sidecar', 'ambient', 1, 'manual'],
      ['reviews-v1', 'sidecar', 'ambient', 1, 'manual'],
      ['reviews-v2', 'sidecar', 'ambient', 1, 'manual'],
      ['reviews-v3', 'sidecar', 'ambient', 1, 'manual'],
      ['productpage-v1', 'sidecar', 'ambient', 1, 'manual'],
    ]);
    expect(changes[0]!.summary).toBe('1 pod runs a sidecar to remove: restart them; new pods are captured by ztunnel');
    expect(res.warnings.map((w) => w.code)).toEqual(['AMBIENT_RESTART_NEEDED', 'AMBIENT_NO_ZTUNNEL']);
  });

  it('a pod template that opts in with sidecar.istio.io/inject=true loses that label (it would keep injecting), and is rolled out', () => {
    const r2 = indexResources(sidecarBookinfo('shop', { 'ratings-v1': { 'sidecar.istio.io/inject': 'true' } }));
    const s: AmbientState = { ...getInitAmbient({ resources: r2, namespace: 'shop' }), enroll: true };
    const res = buildAmbient(s, { resources: r2 });
    const d = res.writes.find((w) => w.object.kind === 'Deployment')!;
    expect(d.object.metadata.name).toBe('ratings-v1');
    expect((d.object.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).toEqual({
      app: 'ratings',
      version: 'v1',
    });
    expect(ambientWorkloadChanges(s, r2).find((c) => c.name === 'ratings-v1')!.restart).toBe('rollout');
    expect(res.warnings.map((w) => w.code)).toContain('AMBIENT_ROLLOUT');
  });

  it('one service of a sidecar namespace: its pod templates get dataplane-mode=ambient and opt out of injection; the Service names the waypoint', () => {
    const withWp = indexResources([...sidecarBookinfo(), waypointGateway('shop', 'waypoint', 'service') as K8sObject]);
    const s: AmbientState = {
      ...getInitAmbient({ resources: withWp, namespace: 'shop', service: 'ratings' }),
      enroll: true,
      waypoint: { mode: 'existing', name: 'waypoint', for: 'service' },
    };
    const res = buildAmbient(s, { resources: withWp });
    expect(res.errors).toEqual([]);
    expect(res.writes.map((w) => [w.object.kind, w.object.metadata.name])).toEqual([
      ['Service', 'ratings'],
      ['Deployment', 'ratings-v1'],
    ]);
    expect(res.writes[0]!.object.metadata.labels).toEqual({ app: 'ratings', service: 'ratings', 'istio.io/use-waypoint': 'waypoint' });
    expect((res.writes[1]!.object.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels).toEqual({
      app: 'ratings',
      version: 'v1',
      'istio.io/dataplane-mode': 'ambient',
      'sidecar.istio.io/inject': 'false',
    });
    const after = withWrites(withWp, res.writes);
    expect(modeOf(after, 'shop', 'ratings-v1').expected).toBe('ambient');
    expect(modeOf(after, 'shop', 'details-v1').expected).toBe('sidecar');
    expect(res.warnings.map((w) => w.code)).toEqual(['AMBIENT_ROLLOUT', 'AMBIENT_NAMESPACE_INJECTS', 'AMBIENT_NO_ZTUNNEL']);
  });
});

describe('Ambient form on S5 (bookinfo: ambient, waypoint used by reviews and productpage)', () => {
  const r = indexResources(s5Objects({ live: true }));

  it('the namespace is ambient already and its waypoint is offered; changing nothing writes nothing', () => {
    const init = getInitAmbient({ resources: r, namespace: 'bookinfo' });
    expect(init).toEqual({
      namespace: 'bookinfo',
      scope: 'namespace',
      service: '',
      enroll: true,
      waypoint: { mode: 'none', name: 'waypoint', for: 'service' },
    });
    expect(buildAmbient(init, { resources: r })).toEqual({ writes: [], warnings: [], errors: [] });
    expect(ambientWorkloadChanges(init, r).every((c) => c.summary === 'already captured by ztunnel' && c.restart === 'none')).toBe(true);
  });

  it('details uses the existing waypoint: only its Service label is written, in place', () => {
    const init = getInitAmbient({ resources: r, namespace: 'bookinfo', service: 'details' });
    expect(init.waypoint.mode).toBe('none');
    const res = buildAmbient({ ...init, waypoint: { ...init.waypoint, mode: 'existing' } }, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.writes).toHaveLength(1);
    const [w] = res.writes;
    expect(w!.action).toBe('replace');
    expect(w!.object.metadata.labels).toEqual({ ...w!.base!.metadata.labels, 'istio.io/use-waypoint': 'waypoint' });
    expect(w!.object.metadata.resourceVersion).toBe(w!.base!.metadata.resourceVersion);
    const after = withWrites(r, res.writes);
    expect(dataPlaneModel(after).serviceWaypoint(after.services.find((x) => x.metadata.name === 'details')!)).toMatchObject({ state: 'bound', via: 'own' });
    // reviews already names it: the form reads that back.
    expect(getInitAmbient({ resources: r, namespace: 'bookinfo', service: 'reviews' }).waypoint).toEqual({
      mode: 'existing',
      name: 'waypoint',
      for: 'service',
    });
  });

  it('refuses what cannot work: a waypoint that does not exist, a name already taken, workload-only for a Service, an unknown namespace', () => {
    const base = getInitAmbient({ resources: r, namespace: 'bookinfo', service: 'details' });
    expect(buildAmbient({ ...base, waypoint: { mode: 'existing', name: 'nope', for: 'service' } }, { resources: r }).errors).toEqual([
      { path: 'waypoint.name', message: 'There is no waypoint nope (Gateway of class istio-waypoint) in bookinfo; choose one of the list or create it' },
    ]);
    expect(buildAmbient({ ...base, waypoint: { mode: 'new', name: 'bookinfo-gateway', for: 'service' } }, { resources: r }).errors[0]!.path).toBe(
      'waypoint.name',
    );
    expect(buildAmbient({ ...base, waypoint: { mode: 'new', name: 'wp2', for: 'workload' } }, { resources: r }).errors.map((e) => e.path)).toEqual([
      'waypoint.for',
    ]);
    expect(buildAmbient({ ...base, waypoint: { mode: 'new', name: 'Bad_Name', for: 'service' } }, { resources: r }).errors.map((e) => e.path)).toEqual([
      'waypoint.name',
    ]);
    const res = buildAmbient({ ...base, namespace: 'nowhere', scope: 'namespace' }, { resources: r });
    expect(res.writes).toEqual([]);
    expect(res.errors[0]!.path).toBe('namespace');
  });
});
