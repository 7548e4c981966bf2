import { describe, expect, it } from 'vitest';
import {
  dataPlaneModel,
  ingressUsesWaypoint,
  namespaceDataPlane,
  predictPod,
  proxyRole,
  waypointBinding,
  waypointOf,
  workloadDataPlane,
  type DataPlaneMode,
  type PodMeta,
  type WaypointInfo,
} from './dataplane';
import type { K8sGateway } from './gatewayapi/types';
import type { Namespace, Pod, Service } from './types';

const proxy = [{ name: 'app' }, { name: 'istio-proxy' }];
const app = [{ name: 'app' }];

/** One row per rule: namespace labels, pod (template) metadata, expected mode for a pod created now. */
const PREDICT: Array<[string, Record<string, string> | undefined, PodMeta, DataPlaneMode]> = [
  ['no labels anywhere', {}, { labels: { app: 'a' } }, 'none'],
  ['namespace istio-injection=enabled', { 'istio-injection': 'enabled' }, {}, 'sidecar'],
  ['namespace istio-injection=disabled', { 'istio-injection': 'disabled' }, {}, 'none'],
  ['namespace istio.io/rev=canary', { 'istio.io/rev': 'canary' }, {}, 'sidecar'],
  ['istio-injection=disabled wins over istio.io/rev', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, {}, 'none'],
  ['pod label sidecar.istio.io/inject=true in an unlabelled namespace', {}, { labels: { 'sidecar.istio.io/inject': 'true' } }, 'sidecar'],
  ['pod label istio.io/rev in an unlabelled namespace', {}, { labels: { 'istio.io/rev': 'stable' } }, 'sidecar'],
  ['pod label true in a disabled namespace', { 'istio-injection': 'disabled' }, { labels: { 'sidecar.istio.io/inject': 'true' } }, 'none'],
  ['pod label false in an enabled namespace', { 'istio-injection': 'enabled' }, { labels: { 'sidecar.istio.io/inject': 'false' } }, 'none'],
  ['pod annotation false in an enabled namespace', { 'istio-injection': 'enabled' }, { annotations: { 'sidecar.istio.io/inject': 'false' } }, 'none'],
  [
    'label true and annotation false: the label wins',
    { 'istio-injection': 'enabled' },
    { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } },
    'sidecar',
  ],
  [
    'label false and annotation true: the label wins',
    { 'istio-injection': 'enabled' },
    { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
    'none',
  ],
  ['annotation true alone opts in (Maistra, older Istio)', {}, { annotations: { 'sidecar.istio.io/inject': 'true' } }, 'sidecar'],
  [
    'annotation true with label false: the label wins',
    {},
    { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
    'none',
  ],
  [
    'annotation "yes" counts as true once the injector is called',
    { 'istio-injection': 'enabled' },
    { annotations: { 'sidecar.istio.io/inject': 'yes' } },
    'sidecar',
  ],
  ['host-network pods are never injected', { 'istio-injection': 'enabled' }, { hostNetwork: true }, 'none'],
  ['namespace ambient', { 'istio.io/dataplane-mode': 'ambient' }, {}, 'ambient'],
  ['pod opts out of an ambient namespace', { 'istio.io/dataplane-mode': 'ambient' }, { labels: { 'istio.io/dataplane-mode': 'none' } }, 'none'],
  ['pod enrols itself in ambient', {}, { labels: { 'istio.io/dataplane-mode': 'ambient' } }, 'ambient'],
  ['namespace asks for both: sidecar injection takes precedence', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }, {}, 'sidecar'],
  ['ambient namespace, pod asks for a sidecar', { 'istio.io/dataplane-mode': 'ambient' }, { labels: { 'sidecar.istio.io/inject': 'true' } }, 'sidecar'],
  [
    'ambient namespace, pod refuses a sidecar: still ambient',
    { 'istio.io/dataplane-mode': 'ambient' },
    { labels: { 'sidecar.istio.io/inject': 'false' } },
    'ambient',
  ],
  ['host-network pods are never captured', { 'istio.io/dataplane-mode': 'ambient' }, { hostNetwork: true }, 'none'],
  ['istio.io/dataplane-mode=none on the namespace', { 'istio.io/dataplane-mode': 'none' }, {}, 'none'],
];

describe('a pod created now (the template decides)', () => {
  it.each(PREDICT)('%s', (_name, ns, pod, mode) => {
    expect(predictPod(ns, pod).mode).toBe(mode);
  });

  it('names the revision that injects', () => {
    expect(predictPod({ 'istio.io/rev': 'canary' }, {}).revision).toBe('canary');
    expect(predictPod({}, { labels: { 'istio.io/rev': 'stable' } }).revision).toBe('stable');
  });

  it('says why, in words a user can act on', () => {
    expect(predictPod({ 'istio-injection': 'enabled' }, { labels: { 'sidecar.istio.io/inject': 'false' } }).reason).toBe(
      'pod label sidecar.istio.io/inject=false',
    );
    expect(predictPod({ 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }, {}).reason).toMatch(/sidecar injection takes precedence/);
    expect(predictPod({}, { annotations: { 'sidecar.istio.io/inject': 'true' } }).reason).toMatch(/the annotation form: Maistra/);
  });
});

describe('running pods decide over the template', () => {
  const withSidecar: PodMeta = { containers: proxy };
  const without: PodMeta = { containers: app };
  const captured: PodMeta = { containers: app, annotations: { 'ambient.istio.io/redirection': 'enabled' } };

  it('all pods injected: sidecar, nothing to restart', () => {
    const d = workloadDataPlane({ 'istio-injection': 'enabled' }, { containers: app }, [withSidecar, withSidecar]);
    expect(d).toMatchObject({ mode: 'sidecar', expected: 'sidecar', restartNeeded: false, inMesh: true, pods: { total: 2, sidecar: 2 } });
  });

  it('a partly injected workload counts as the least covered, with counts and a restart', () => {
    const d = workloadDataPlane({ 'istio-injection': 'enabled' }, { containers: app }, [withSidecar, withSidecar, without]);
    expect(d).toMatchObject({ mode: 'none', inMesh: false, restartNeeded: true, pods: { total: 3, sidecar: 2, none: 1 } });
    expect(d.reason).toBe('pods disagree (2 sidecar, 1 outside the mesh of 3): counted as outside the mesh, the least covered');
  });

  it('pods created before the namespace was labelled keep running without a sidecar', () => {
    const d = workloadDataPlane({ 'istio-injection': 'enabled' }, { containers: app }, [without]);
    expect(d).toMatchObject({ mode: 'none', expected: 'sidecar', restartNeeded: true });
    expect(d.reason).toMatch(/restart to apply/);
  });

  it("the injector's status annotation counts as a sidecar (the container may be named otherwise)", () => {
    expect(workloadDataPlane({}, {}, [{ annotations: { 'sidecar.istio.io/status': '{}' } }]).mode).toBe('sidecar');
  });

  it('a captured pod stays ambient after the namespace label is removed, until restarted', () => {
    const d = workloadDataPlane({}, { containers: app }, [captured]);
    expect(d).toMatchObject({ mode: 'ambient', expected: 'none', restartNeeded: true, inMesh: true });
  });

  it('pods of an ambient namespace are ambient (istio-cni annotation or not)', () => {
    expect(workloadDataPlane({ 'istio.io/dataplane-mode': 'ambient' }, {}, [captured, without]).mode).toBe('ambient');
  });

  it('a template without pods is predicted', () => {
    expect(workloadDataPlane({ 'istio.io/dataplane-mode': 'ambient' }, { labels: { app: 'x' } }, [])).toMatchObject({
      mode: 'ambient',
      inMesh: true,
      restartNeeded: false,
    });
    expect(workloadDataPlane({ 'istio.io/dataplane-mode': 'ambient' }, { labels: { app: 'x' } }, []).pods).toBeUndefined();
  });
});

describe("Istio's own proxies", () => {
  it.each([
    [
      'waypoint pods (istiod labels)',
      { 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'gateway.networking.k8s.io/gateway-name': 'waypoint', 'istio.io/dataplane-mode': 'none' },
      'waypoint',
    ],
    [
      'Gateway API gateway pods',
      { 'gateway.istio.io/managed': 'istio.io-gateway-controller', 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway' },
      'gateway',
    ],
    ['istioctl-installed ingress gateway', { istio: 'ingressgateway', app: 'istio-ingressgateway' }, 'gateway'],
    ['Helm gateway chart', { istio: 'ingress' }, 'gateway'],
    ['east-west gateway', { 'gateway.istio.io/managed': 'istio.io-eastwest-controller' }, 'east-west'],
  ] as const)('%s', (_n, labels, role) => {
    expect(proxyRole(labels)).toBe(role);
    const d = workloadDataPlane({ 'istio.io/dataplane-mode': 'ambient' }, { labels }, []);
    expect(d).toMatchObject({ proxy: role, inMesh: true, mode: 'none' });
  });

  it('ztunnel only in the root namespace', () => {
    expect(proxyRole({ app: 'ztunnel' }, undefined, 'istio-system', 'istio-system')).toBe('ztunnel');
    expect(proxyRole({ app: 'ztunnel' }, undefined, 'istio-system', 'shop')).toBeUndefined();
  });

  it('a template whose main container is istio-proxy is a gateway', () => {
    expect(proxyRole({ app: 'my-gw' }, { containers: [{ name: 'istio-proxy' }] })).toBe('gateway');
    expect(proxyRole({ app: 'web' }, { containers: [{ name: 'web' }, { name: 'istio-proxy' }] })).toBeUndefined();
  });
});

describe('namespaces', () => {
  it('reports the mode and a conflict', () => {
    expect(namespaceDataPlane('a', { 'istio.io/dataplane-mode': 'ambient' })).toMatchObject({ mode: 'ambient', injection: 'unset', dataplaneLabel: 'ambient' });
    expect(namespaceDataPlane('b', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' })).toMatchObject({
      mode: 'sidecar',
      conflict: expect.stringMatching(/takes precedence/),
    });
    expect(namespaceDataPlane('c', { 'istio.io/rev': '1-24', 'istio-injection': 'enabled' })).toMatchObject({ mode: 'sidecar', injection: 'enabled' });
    expect(namespaceDataPlane('d', undefined)).toMatchObject({ mode: 'none', injection: 'unset' });
  });
});

/* ---- waypoints ---- */

function waypoint(ns: string, name: string, labels: Record<string, string> = {}, from?: string, cls = 'istio-waypoint'): K8sGateway {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns, labels },
    spec: {
      gatewayClassName: cls,
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...(from ? { allowedRoutes: { namespaces: { from } } } : {}) }],
    },
  };
}

function map(...ws: WaypointInfo[]): Map<string, WaypointInfo> {
  return new Map(ws.map((w) => [`${w.namespace}/${w.name}`, w]));
}

describe('which waypoint serves a Service or a workload', () => {
  const svcWp = waypointOf(waypoint('bookinfo', 'waypoint'));
  const wlWp = waypointOf(waypoint('bookinfo', 'wl', { 'istio.io/waypoint-for': 'workload' }));
  const allWp = waypointOf(waypoint('bookinfo', 'both', { 'istio.io/waypoint-for': 'all' }));
  const shared = waypointOf(waypoint('infra', 'shared', {}, 'All'));
  const private_ = waypointOf(waypoint('infra', 'private'));
  const wps = map(svcWp, wlWp, allWp, shared, private_);
  const svc = (labels: Record<string, string> = {}) => ({ namespace: 'bookinfo', labels });

  it('defaults: service traffic, own namespace only, the Gateway name as service account', () => {
    expect(svcWp).toMatchObject({ traffic: 'service', allowedFrom: 'Same', serviceAccount: 'waypoint', resource: 'Gateway bookinfo/waypoint' });
  });

  it.each([
    ['the Service label', svc({ 'istio.io/use-waypoint': 'waypoint' }), {}, 'bound', 'waypoint'],
    ['the namespace label', svc(), { 'istio.io/use-waypoint': 'waypoint' }, 'bound', 'waypoint'],
    ['the Service label wins over the namespace label', svc({ 'istio.io/use-waypoint': 'both' }), { 'istio.io/use-waypoint': 'waypoint' }, 'bound', 'both'],
    [
      'use-waypoint: none opts out, no fallback to the namespace',
      svc({ 'istio.io/use-waypoint': 'none' }),
      { 'istio.io/use-waypoint': 'waypoint' },
      'opt-out',
      undefined,
    ],
    ['no label anywhere', svc(), {}, 'none', undefined],
    ['a waypoint that does not exist', svc({ 'istio.io/use-waypoint': 'gone' }), {}, 'missing', undefined],
    ['a workload-only waypoint for a Service', svc({ 'istio.io/use-waypoint': 'wl' }), {}, 'wrong-traffic', 'wl'],
    ['waypoint-for: all takes service traffic', svc({ 'istio.io/use-waypoint': 'both' }), {}, 'bound', 'both'],
    ['another namespace, allowedRoutes All', svc({ 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' }), {}, 'bound', 'shared'],
    [
      'another namespace, allowedRoutes Same (default)',
      svc({ 'istio.io/use-waypoint': 'private', 'istio.io/use-waypoint-namespace': 'infra' }),
      {},
      'denied',
      'private',
    ],
  ] as const)('service-addressed: %s', (_n, target, nsLabels, state, name) => {
    const b = waypointBinding('service', target, nsLabels, wps);
    expect(b.state).toBe(state);
    expect(b.waypoint?.name).toBe(name);
  });

  it.each([
    ['a pod label naming a workload waypoint', { 'istio.io/use-waypoint': 'wl' }, {}, 'bound'],
    ['a pod label naming a service-only waypoint', { 'istio.io/use-waypoint': 'waypoint' }, {}, 'wrong-traffic'],
    ["the namespace's service waypoint does not take workload traffic (no error)", {}, { 'istio.io/use-waypoint': 'waypoint' }, 'none'],
    ["the namespace's all-traffic waypoint", {}, { 'istio.io/use-waypoint': 'both' }, 'bound'],
  ] as const)('workload-addressed: %s', (_n, podLabels, nsLabels, state) => {
    expect(waypointBinding('workload', { namespace: 'bookinfo', labels: podLabels }, nsLabels, wps).state).toBe(state);
  });

  it('the GatewayClass label sets the traffic type, the Gateway label overrides it', () => {
    expect(waypointOf(waypoint('a', 'w'), { 'istio.io/waypoint-for': 'workload' }).traffic).toBe('workload');
    expect(waypointOf(waypoint('a', 'w', { 'istio.io/waypoint-for': 'all' }), { 'istio.io/waypoint-for': 'workload' }).traffic).toBe('all');
  });

  it('says why in words', () => {
    expect(waypointBinding('service', svc({ 'istio.io/use-waypoint': 'wl' }), {}, wps).reason).toBe(
      'the Service label istio.io/use-waypoint=wl, but Gateway bookinfo/wl takes workload traffic only (label istio.io/waypoint-for=workload), not service-addressed traffic',
    );
    expect(waypointBinding('service', svc({ 'istio.io/use-waypoint': 'gone' }), {}, wps).reason).toMatch(
      /no waypoint \(Gateway of class istio-waypoint\) bookinfo\/gone/,
    );
  });

  it('ingress bypasses waypoints unless the Service or namespace says istio.io/ingress-use-waypoint=true', () => {
    expect(ingressUsesWaypoint({}, {}).uses).toBe(false);
    expect(ingressUsesWaypoint({ 'istio.io/ingress-use-waypoint': 'true' }, {}).uses).toBe(true);
    expect(ingressUsesWaypoint({}, { 'istio.io/ingress-use-waypoint': 'true' }).uses).toBe(true);
    expect(ingressUsesWaypoint({ 'istio.io/ingress-use-waypoint': 'false' }, { 'istio.io/ingress-use-waypoint': 'true' }).uses).toBe(false);
  });
});

describe('the model of a mesh', () => {
  const ns = (name: string, labels: Record<string, string>): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const pod = (name: string, namespace: string, labels: Record<string, string>, sa = 'default'): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { serviceAccountName: sa, containers: [{ name: 'istio-proxy' }] },
  });
  const service = (name: string, namespace: string, labels: Record<string, string> = {}): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
  });

  it("finds waypoints with their pods' service account, ztunnel pods, and bindings", () => {
    const m = dataPlaneModel({
      namespaces: [ns('bookinfo', { 'istio.io/dataplane-mode': 'ambient' }), ns('istio-system', {})],
      pods: [
        pod('waypoint-1', 'bookinfo', { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }, 'waypoint-sa'),
        pod('ztunnel-a', 'istio-system', { app: 'ztunnel' }),
      ],
      k8sGateways: [waypoint('bookinfo', 'waypoint'), waypoint('bookinfo', 'ingress', {}, undefined, 'istio')],
      gatewayClasses: [],
    });
    expect([...m.waypoints.keys()]).toEqual(['bookinfo/waypoint']);
    expect(m.waypoints.get('bookinfo/waypoint')?.serviceAccount).toBe('waypoint-sa');
    expect(m.ztunnelPods).toBe(1);
    expect(m.namespace('bookinfo').mode).toBe('ambient');
    expect(m.serviceWaypoint(service('reviews', 'bookinfo', { 'istio.io/use-waypoint': 'waypoint' })).state).toBe('bound');
    expect(
      m.serviceWaypoint(service('waypoint', 'bookinfo', { 'gateway.istio.io/managed': 'istio.io-mesh-controller', 'istio.io/use-waypoint': 'waypoint' })).state,
    ).toBe('none');
    expect(m.workload('bookinfo', { labels: { app: 'ratings' } }).mode).toBe('ambient');
  });
});
