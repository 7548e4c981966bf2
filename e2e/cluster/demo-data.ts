/**
 * Demo data that controllers would create, as plain objects (no cluster I/O): what
 * istiod's Gateway controller makes for a Gateway, the route status it writes, and the
 * S5 scenario assembled as the seeder applies it. Shared by the seeder (seed.ts) and
 * unit tests, so both see the same demo mesh.
 */
import { createHash } from 'node:crypto';
import { AMBIENT_REDIRECTION, predictPod, templateMeta } from '../../lib/istio/dataplane';
import type { GatewayInfo, RouteInfo } from '../../lib/istio/gatewayapi';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; uid?: string };
  spec?: any;
  [k: string]: unknown;
};

const now = () => new Date().toISOString();
export const statusCondition = (type: string, status: 'True' | 'False', reason: string, message: string, generation = 1) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: now(),
  observedGeneration: generation,
});

/**
 * What istiod's Gateway controller creates for a Gateway of an Istio class (demo data):
 * a ServiceAccount, Deployment and Service named `<gateway>-<class>` ("bookinfo-gateway-istio"),
 * or the Gateway's own name for waypoints, labelled gateway.networking.k8s.io/gateway-name.
 */
export function gatewayWorkloadObjects(gw: GatewayInfo): Obj[] {
  const waypoint = gw.istio === 'waypoint';
  const name = gw.deploymentName;
  const managed = waypoint ? 'istio.io-mesh-controller' : 'istio.io-gateway-controller';
  const labels = {
    'gateway.istio.io/managed': managed,
    'gateway.networking.k8s.io/gateway-class-name': gw.className,
    'gateway.networking.k8s.io/gateway-name': gw.name,
  };
  const owner = { ownerReferences: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: gw.name, uid: gw.obj.metadata.uid ?? '' }] };
  const listenerPorts = gw.listeners.filter((l) => l.port !== undefined);
  const ports = waypoint
    ? [
        { name: 'status-port', port: 15021, appProtocol: 'tcp', targetPort: 15021 },
        { name: 'mesh', port: 15008, appProtocol: 'all', targetPort: 15008 },
      ]
    : [
        { name: 'status-port', port: 15021, appProtocol: 'tcp', targetPort: 15021 },
        ...listenerPorts.map((l) => ({
          name: `${l.protocol.toLowerCase()}-${l.port}`,
          port: l.port!,
          appProtocol: l.protocol === 'HTTP' ? 'http' : 'tcp',
          targetPort: l.port!,
        })),
      ];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: gw.namespace, labels, ...owner } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: gw.namespace, labels, ...owner },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': gw.name } },
        template: {
          metadata: {
            labels: {
              ...labels,
              'istio.io/dataplane-mode': 'none',
              'service.istio.io/canonical-name': name,
              'service.istio.io/canonical-revision': 'latest',
              'sidecar.istio.io/inject': 'false',
            },
            annotations: {
              'istio.io/rev': 'default',
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
            },
          },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name: 'istio-proxy',
                image: 'docker.io/istio/proxyv2:1.32.0',
                args: ['proxy', waypoint ? 'waypoint' : 'router'],
                ports: [
                  { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
                  { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
                  { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
                  ...(waypoint
                    ? [{ containerPort: 15008, name: 'mesh', protocol: 'TCP' }]
                    : listenerPorts.map((l) => ({ containerPort: l.port!, protocol: 'TCP' }))),
                ],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: gw.namespace, labels, ...owner },
      spec: { type: waypoint ? 'ClusterIP' : 'LoadBalancer', selector: { 'gateway.networking.k8s.io/gateway-name': gw.name }, ports },
    },
  ];
}

const RESOLVED_REFS_REASON: Record<string, string> = {
  missing: 'BackendNotFound',
  'no-port': 'UnsupportedValue',
  port: 'BackendNotFound',
  'not-permitted': 'RefNotPermitted',
  kind: 'InvalidKind',
};

/** Route status as istiod writes it: per parent, Accepted, ResolvedRefs and (in ambient) ResolvedWaypoints. */
export function routeStatus(route: RouteInfo, hasWaypointLabel: (svcNs: string, svc: string) => boolean): unknown {
  const gen = route.obj.metadata.generation ?? 1;
  const bad = route.backends.find((b) => b.problem);
  return {
    parents: route.parents.map((p) => {
      const conditions = [
        p.accepted
          ? statusCondition('Accepted', 'True', 'Accepted', 'Route was valid', gen)
          : statusCondition('Accepted', 'False', p.refusal ?? 'NotAllowedByListeners', p.reason, gen),
        bad
          ? statusCondition('ResolvedRefs', 'False', RESOLVED_REFS_REASON[bad.problem!] ?? 'BackendNotFound', bad.reason ?? '', gen)
          : statusCondition('ResolvedRefs', 'True', 'ResolvedRefs', 'All references resolved', gen),
      ];
      if (p.kind === 'Service') {
        const message = !p.service
          ? 'parent not found'
          : hasWaypointLabel(p.namespace, p.name)
            ? 'All waypoints resolved'
            : 'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected';
        conditions.push(statusCondition('ResolvedWaypoints', 'True', 'ResolvedWaypoints', message, gen));
      }
      const parentRef: Record<string, unknown> = { ...p.ref };
      if (p.kind === 'Gateway') parentRef.group ??= 'gateway.networking.k8s.io';
      if (p.kind === 'Gateway') parentRef.kind ??= 'Gateway';
      return { parentRef, controllerName: 'istio.io/gateway-controller', conditions };
    }),
  };
}

/** Services of S5 that use the namespace's waypoint (the scenario asks the seeder to label them). */
export const S5_WAYPOINT_SERVICES: ReadonlySet<string> = new Set(['reviews', 'productpage']);

/**
 * Scenario S5 as the demo applies it: the scenario file, Bookinfo with one Service per
 * version and the curl client, all in `namespace`, reviews and productpage labelled
 * istio.io/use-waypoint=waypoint. `read` loads a file relative to e2e/fixtures.
 */
export function s5Manifests<T extends Obj>(read: (rel: string) => T[], namespace = 'bookinfo'): T[] {
  const scenario = read('scenarios/s5-bookinfo-ambient-gateway-api.yaml');
  const app = [...read('istio/bookinfo.yaml'), ...read('istio/bookinfo-versions.yaml'), ...read('istio/curl.yaml')].map((o) => {
    const c = structuredClone(o);
    c.metadata.namespace = namespace;
    if (c.kind === 'Service' && S5_WAYPOINT_SERVICES.has(c.metadata.name))
      c.metadata.labels = { ...(c.metadata.labels ?? {}), 'istio.io/use-waypoint': 'waypoint' };
    return c;
  });
  return [...scenario, ...app];
}

/**
 * The Pods a ReplicaSet plus the sidecar injector (or istio-cni, for ambient) would have
 * created for `deploy`, decided by the console's own data-plane model.
 */
export function podsFor(deploy: Obj, ns: Obj | undefined, owner: { apiVersion: string; kind: string } = { apiVersion: 'apps/v1', kind: 'Deployment' }): Obj[] {
  const tpl = deploy.spec?.template ?? {};
  const replicas = owner.kind === 'DaemonSet' ? 1 : (deploy.spec?.replicas ?? 1);
  const hash = createHash('sha1').update(JSON.stringify(tpl)).digest('hex').slice(0, 10);
  const isGateway = (tpl.spec?.containers ?? []).some((c: { name: string }) => c.name === 'istio-proxy');
  const mode = isGateway ? 'none' : predictPod(ns?.metadata.labels, templateMeta(tpl)).mode;
  const inject = mode === 'sidecar';
  const labels: Record<string, string> = { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': hash };
  const annotations: Record<string, string> = { ...(tpl.metadata?.annotations ?? {}) };
  const containers = structuredClone(tpl.spec?.containers ?? []);
  // istio-cni marks the pods it hands to ztunnel.
  if (mode === 'ambient') annotations[AMBIENT_REDIRECTION] = 'enabled';
  if (inject) {
    labels['security.istio.io/tlsMode'] = 'istio';
    labels['service.istio.io/canonical-name'] = labels['app'] ?? labels['app.kubernetes.io/name'] ?? deploy.metadata.name;
    labels['service.istio.io/canonical-revision'] = labels['version'] ?? labels['app.kubernetes.io/version'] ?? 'latest';
    annotations['sidecar.istio.io/status'] = JSON.stringify({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      volumes: ['istio-envoy'],
      revision: 'default',
    });
    containers.push({
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.32.0',
      args: ['proxy', 'sidecar'],
      ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    });
  }
  const pods: Obj[] = [];
  for (let i = 0; i < replicas; i++) {
    const suffix = createHash('sha1').update(`${deploy.metadata.namespace}/${deploy.metadata.name}/${i}`).digest('hex').slice(0, 5);
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${deploy.metadata.name}-${hash.slice(0, 8)}-${suffix}`,
        namespace: deploy.metadata.namespace,
        labels,
        annotations: Object.keys(annotations).length ? annotations : undefined,
        ...(deploy.metadata.uid ? { ownerReferences: [{ ...owner, name: deploy.metadata.name, uid: deploy.metadata.uid, controller: true }] } : {}),
      } as Obj['metadata'],
      spec: { ...(tpl.spec ?? {}), containers },
    });
  }
  return pods;
}
