/**
 * Demo data for the local control plane. No controllers run there, so besides
 * applying manifests the seeder does what controllers would: it creates one Pod per
 * Deployment replica (with an istio-proxy container where injection applies, as the
 * sidecar injector would), ServiceAccounts, and Running/ready statuses. None of
 * these pods run anything; they exist so the console has workloads to show.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { execFileSync } from 'node:child_process';
import { kubectlOk, type LocalCluster } from './cluster';
import { buildGatewayApiModel } from '../../lib/istio/gatewayapi';
import { gatewayWorkloadObjects, podsFor, routeStatus, s5Manifests, statusCondition as cond } from './demo-data';
import { indexResources } from '../../lib/istio/resources';
import type { K8sObject } from '../../lib/istio/types';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; uid?: string };
  spec?: any;
  [k: string]: unknown;
};

const REPO = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO, 'e2e', 'fixtures');
export const CRD_FILE = path.join(REPO, 'lib', 'istio', 'data', 'crds', 'crd-all.gen.yaml');
export const GATEWAY_API_CRDS = path.join(REPO, 'lib', 'istio', 'data', 'gateway-api');
/** Meshboard's own CRD (ChangeProposal, meshboard.io). */
export const MESHBOARD_CRDS = path.join(REPO, 'deploy', 'changeproposal-crd.yaml');

/**
 * Istio's CRDs and the Gateway API's (standard channel), as an Istio install on a current
 * cluster has them, and Meshboard's ChangeProposal CRD (deploy/), as its install adds it.
 */
export async function installIstioCrds(cluster: LocalCluster): Promise<void> {
  await kubectlOk(cluster, ['apply', '--server-side', '--force-conflicts', '-f', CRD_FILE]);
  await kubectlOk(cluster, ['apply', '--server-side', '--force-conflicts', '-f', GATEWAY_API_CRDS]);
  await kubectlOk(cluster, ['apply', '--server-side', '--force-conflicts', '-f', MESHBOARD_CRDS]);
  await kubectlOk(cluster, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
}

export function readManifests(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => !!o && typeof o === 'object' && !!o.kind);
}

/**
 * Move objects into other namespaces (for tests that need fresh ones): metadata,
 * Namespace names, and namespace references inside specs (FQDN hosts
 * "svc.ns.svc.cluster.local", "ns/name" references, namespace lists).
 */
export function remapNamespaces(objects: Obj[], map: Record<string, string>): Obj[] {
  const names = Object.keys(map);
  if (!names.length) return objects;
  const rewrite = (s: string): string => {
    if (map[s]) return map[s]!;
    let out = s;
    for (const from of names) {
      const to = map[from]!;
      out = out.replace(new RegExp(`(^|\\.)${escape(from)}(\\.svc(\\.|$))`, 'g'), `$1${to}$2`);
      out = out.replace(new RegExp(`^${escape(from)}/`), `${to}/`);
      out = out.replace(new RegExp(`/ns/${escape(from)}/`), `/ns/${to}/`);
      out = out.replace(new RegExp(`(//[\\w-]+\\.)${escape(from)}(\\.svc)`), `$1${to}$2`);
    }
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return rewrite(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return objects.map((o) => {
    const c = structuredClone(o);
    if (c.kind === 'Namespace' && map[c.metadata.name]) c.metadata.name = map[c.metadata.name]!;
    if (c.metadata.namespace && map[c.metadata.namespace]) c.metadata.namespace = map[c.metadata.namespace]!;
    if (c.spec) c.spec = walk(c.spec);
    return c;
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function clientFor(cluster: LocalCluster, context = 'admin') {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  kc.setCurrentContext(context);
  return { kc, objects: k8s.KubernetesObjectApi.makeApiClient(kc), core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
}

function isStatus(e: unknown, code: number): boolean {
  const c = (e as { code?: number })?.code;
  return c === code;
}

/** Run `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Create each object, or replace it when it exists (idempotent seeding). Kinds that others need go first; within a kind group, 8 requests at a time. */
export async function applyObjects(cluster: LocalCluster, objects: Obj[], defaultNamespace = 'default'): Promise<Obj[]> {
  const { objects: api } = clientFor(cluster);
  const order = (o: Obj) => (o.kind === 'Namespace' ? 0 : o.kind === 'ServiceAccount' ? 1 : o.kind === 'Pod' ? 3 : 2);
  const out: Obj[] = [];
  for (const group of [0, 1, 2, 3]) {
    const batch = objects.filter((o) => order(o) === group);
    out.push(
      ...(await inParallel(batch, 8, async (o) => {
        const obj = structuredClone(o) as k8s.KubernetesObject & Obj;
        if (obj.kind !== 'Namespace' && !obj.metadata.namespace) obj.metadata.namespace = defaultNamespace;
        try {
          return (await api.create(obj)) as Obj;
        } catch (e) {
          if (!isStatus(e, 409)) throw new Error(`create ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}: ${(e as Error).message}`);
          const live = (await api.read(obj as any)) as Obj & { metadata: { resourceVersion?: string } };
          (obj.metadata as any).resourceVersion = live.metadata.resourceVersion;
          return (await api.replace(obj)) as Obj;
        }
      })),
    );
  }
  return out;
}

let ipCounter = 10;

/** Mark pods Running and ready, and deployments available, as kubelets and controllers would. */
async function markRunning(cluster: LocalCluster, pods: Obj[], deployments: Obj[], daemonSets: Obj[] = []): Promise<void> {
  const { core, apps } = clientFor(cluster);
  const now = new Date();
  await inParallel(pods, 8, async (p) => {
    const ip = `10.244.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 2}`;
    const containers = (p.spec?.containers ?? []) as Array<{ name: string; image?: string }>;
    const body = {
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        hostIP: '127.0.0.1',
        startTime: now,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: now } },
        })),
      },
    };
    await core.patchNamespacedPodStatus(
      { name: p.metadata.name, namespace: p.metadata.namespace!, body },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  });
  for (const d of deployments) {
    const r = d.spec?.replicas ?? 1;
    const body = { status: { replicas: r, readyReplicas: r, availableReplicas: r, updatedReplicas: r, observedGeneration: 1 } };
    await apps.patchNamespacedDeploymentStatus(
      { name: d.metadata.name, namespace: d.metadata.namespace!, body },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }
  for (const d of daemonSets) {
    const body = {
      status: {
        currentNumberScheduled: 1,
        desiredNumberScheduled: 1,
        numberAvailable: 1,
        numberMisscheduled: 0,
        numberReady: 1,
        updatedNumberScheduled: 1,
        observedGeneration: 1,
      },
    };
    await apps.patchNamespacedDaemonSetStatus(
      { name: d.metadata.name, namespace: d.metadata.namespace!, body },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }
}

/**
 * Apply manifests and add what controllers would have made: ServiceAccounts,
 * Pods for every Deployment, statuses. Returns the applied objects.
 */
export async function seedObjects(cluster: LocalCluster, objects: Obj[], defaultNamespace = 'default'): Promise<Obj[]> {
  const withNs = objects.map((o) => (o.kind !== 'Namespace' && !o.metadata.namespace ? { ...o, metadata: { ...o.metadata, namespace: defaultNamespace } } : o));
  // Namespaces and ServiceAccounts nobody wrote but pods need.
  const namespaces = new Set(withNs.map((o) => o.metadata.namespace).filter(Boolean) as string[]);
  const extra: Obj[] = [];
  const declaredNs = new Set(withNs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const { core } = clientFor(cluster);
  for (const ns of namespaces) {
    if (!declaredNs.has(ns)) {
      try {
        await core.readNamespace({ name: ns });
      } catch {
        extra.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      }
    }
  }
  const sas = new Set<string>();
  for (const o of withNs) {
    if (o.kind === 'Deployment') sas.add(`${o.metadata.namespace}/${o.spec?.template?.spec?.serviceAccountName ?? 'default'}`);
  }
  for (const ns of namespaces) sas.add(`${ns}/default`);
  const declaredSa = new Set(withNs.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  for (const key of sas) {
    if (declaredSa.has(key)) continue;
    const [ns, name] = key.split('/') as [string, string];
    extra.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
  }
  const applied = await applyObjects(cluster, [...extra, ...withNs], defaultNamespace);
  const deployments = applied.filter((o) => o.kind === 'Deployment');
  const daemonSets = applied.filter((o) => o.kind === 'DaemonSet');
  const nsObjects = new Map<string, Obj>();
  for (const ns of namespaces) {
    try {
      nsObjects.set(ns, (await core.readNamespace({ name: ns })) as unknown as Obj);
    } catch {
      /* cluster-scoped objects only */
    }
  }
  const pods = [
    ...deployments.flatMap((d) => podsFor(d, nsObjects.get(d.metadata.namespace!))),
    ...daemonSets.flatMap((d) => podsFor(d, nsObjects.get(d.metadata.namespace!), { apiVersion: 'apps/v1', kind: 'DaemonSet' })),
  ];
  // Replace pods of an earlier seed of the same deployment.
  const { objects: api } = clientFor(cluster);
  await inParallel(pods, 8, async (p) => {
    try {
      await api.delete(p as k8s.KubernetesObject, undefined, undefined, 0);
    } catch {
      /* not there */
    }
  });
  const createdPods = await applyObjects(cluster, pods, defaultNamespace);
  await markRunning(cluster, createdPods, deployments, daemonSets);
  return [...applied, ...createdPods];
}

export function seedFile(cluster: LocalCluster, file: string, opts: { namespaceMap?: Record<string, string>; defaultNamespace?: string } = {}) {
  const objs = remapNamespaces(readManifests(file), opts.namespaceMap ?? {});
  return seedObjects(cluster, objs, opts.namespaceMap?.[opts.defaultNamespace ?? 'default'] ?? opts.defaultNamespace ?? 'default');
}

/** The ingress gateway workload an Istio install would have made, plus the mesh config. */
export function istioSystemObjects(): Obj[] {
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istio-ingressgateway-service-account', namespace: 'istio-system' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'rootNamespace: istio-system\ntrustDomain: cluster.local\nenableAutoMtls: true\noutboundTrafficPolicy:\n  mode: ALLOW_ANY\n' },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    },
    // ztunnel, the ambient node proxy (one pod: the local control plane has one "node").
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ztunnel', namespace: 'istio-system' } },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ztunnel', namespace: 'istio-system', labels: { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel' } },
      spec: {
        selector: { matchLabels: { app: 'ztunnel' } },
        template: {
          metadata: {
            labels: { app: 'ztunnel', 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' },
            annotations: { 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: 'ztunnel',
            containers: [
              {
                name: 'istio-proxy',
                image: 'docker.io/istio/ztunnel:1.32.0',
                args: ['proxy', 'ztunnel'],
                ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': 'istio-ingressgateway' } },
          spec: {
            serviceAccountName: 'istio-ingressgateway-service-account',
            containers: [
              {
                name: 'istio-proxy',
                image: 'docker.io/istio/proxyv2:1.32.0',
                args: ['proxy', 'router'],
                ports: [{ containerPort: 8080 }, { containerPort: 8443 }, { containerPort: 15021 }],
              },
            ],
          },
        },
      },
    },
  ];
}

/** A kubernetes.io/tls Secret with a self-signed certificate for `host` (demo data). */
export function tlsSecret(cluster: LocalCluster, namespace: string, name: string, host: string): Obj {
  const out = execFileSync(cluster.bins.localcluster, ['certpair', host], { encoding: 'utf8' });
  const [cert, key] = out.split('\n\n');
  const b64 = (s: string) => Buffer.from(s.trim() + '\n').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(cert!), 'tls.key': b64(key!) },
  } as Obj;
}

/* ---- scenario S5: ambient + Gateway API, with what istiod's controllers would create ---- */

async function patchStatus(cluster: LocalCluster, resource: string, namespace: string | undefined, name: string, status: unknown): Promise<void> {
  const args = ['patch', resource, name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })];
  if (namespace) args.push('-n', namespace);
  await kubectlOk(cluster, args);
}

/** Write the status istiod would: GatewayClasses accepted, Gateways programmed with their listeners, routes per parent. */
export async function writeGatewayApiStatus(cluster: LocalCluster, objects: Obj[]): Promise<void> {
  const r = indexResources(objects as unknown as K8sObject[]);
  const model = buildGatewayApiModel(r);
  const { core } = clientFor(cluster);
  for (const c of r.gatewayClasses) {
    if (!c.spec?.controllerName?.startsWith('istio.io/')) continue;
    await patchStatus(cluster, 'gatewayclasses.gateway.networking.k8s.io', undefined, c.metadata.name, {
      conditions: [cond('Accepted', 'True', 'Accepted', 'Handled by Istio controller')],
    });
  }
  for (const g of model.gateways) {
    if (g.istio !== 'ingress' && g.istio !== 'waypoint') continue;
    const svc = await core.readNamespacedService({ name: g.deploymentName, namespace: g.namespace });
    const host = `${g.deploymentName}.${g.namespace}.svc.cluster.local`;
    const addresses = [{ type: 'IPAddress', value: svc.spec?.clusterIP ?? '' }, ...(g.istio === 'waypoint' ? [{ type: 'Hostname', value: host }] : [])];
    const gen = g.obj.metadata.generation ?? 1;
    const programmed = `Resource programmed, assigned to service(s) ${host}:${g.istio === 'waypoint' ? 15008 : g.listeners.map((l) => l.port).join(',')}`;
    await patchStatus(cluster, 'gateways.gateway.networking.k8s.io', g.namespace, g.name, {
      addresses,
      conditions: [cond('Accepted', 'True', 'Accepted', 'Resource accepted', gen), cond('Programmed', 'True', 'Programmed', programmed, gen)],
      listeners: g.listeners.map((l) => ({
        name: l.name,
        attachedRoutes: l.attachedRoutes,
        supportedKinds: l.allowedKinds,
        conditions: [
          cond('Accepted', 'True', 'Accepted', 'No errors found', gen),
          cond('NoConflicts', 'False', 'NoConflicts', 'No errors found', gen),
          cond('Programmed', 'True', 'Programmed', 'No errors found', gen),
          cond('ResolvedRefs', 'True', 'ResolvedRefs', 'No errors found', gen),
        ],
      })),
    });
  }
  const nsLabels = new Map(r.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const svcLabels = new Map(r.services.map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, s.metadata.labels ?? {}]));
  const hasWaypointLabel = (ns: string, name: string) =>
    !!svcLabels.get(`${ns}/${name}`)?.['istio.io/use-waypoint'] || !!nsLabels.get(ns)?.['istio.io/use-waypoint'];
  const plural: Record<string, string> = { HTTPRoute: 'httproutes', GRPCRoute: 'grpcroutes', TCPRoute: 'tcproutes', TLSRoute: 'tlsroutes' };
  for (const route of model.routes) {
    await patchStatus(cluster, `${plural[route.kind]}.gateway.networking.k8s.io`, route.namespace, route.name, routeStatus(route, hasWaypointLabel));
  }
}

/** Scenario S5 in namespace bookinfo: Bookinfo on ambient, Gateway API ingress, a waypoint, and what istiod would add. */
export async function seedAmbientScenario(cluster: LocalCluster, namespace = 'bookinfo'): Promise<Obj[]> {
  const s5 = s5Manifests((rel) => readManifests(path.join(FIXTURES, rel)), namespace);
  const scenario = remapNamespaces(s5, namespace === 'bookinfo' ? {} : { bookinfo: namespace });
  const applied = await seedObjects(cluster, scenario, namespace);
  // The controller's objects are owned by their Gateway, so they come second (they need its uid).
  const model = buildGatewayApiModel(indexResources(applied as unknown as K8sObject[]));
  const controller = model.gateways.filter((g) => g.istio === 'ingress' || g.istio === 'waypoint').flatMap(gatewayWorkloadObjects);
  const all = [...applied, ...(await seedObjects(cluster, controller, namespace))];
  await writeGatewayApiStatus(cluster, all);
  return all;
}

/** Everything `npm run demo` shows: Istio's ingress gateway and ztunnel, Bookinfo (+S2), S1, S3, S4, S5. */
export async function seedDemo(cluster: LocalCluster, log: (l: string) => void = () => {}): Promise<void> {
  log('Seeding istio-system (ingress gateway workload, mesh config, TLS certificate for S1)...');
  await seedObjects(cluster, [...istioSystemObjects(), tlsSecret(cluster, 'istio-system', 'english-cert', 'english.example.com')]);
  log('Seeding Bookinfo with scenario S2 into namespace default...');
  await kubectlOk(cluster, ['label', 'namespace', 'default', 'istio-injection=enabled', '--overwrite']);
  const istio = (f: string) => readManifests(path.join(FIXTURES, 'istio', f));
  const scen = (f: string) => readManifests(path.join(FIXTURES, 'scenarios', f));
  await seedObjects(cluster, [
    ...istio('bookinfo.yaml'),
    ...istio('bookinfo-ratings-v2-mysql.yaml'),
    ...istio('destination-rule-all.yaml'),
    ...istio('bookinfo-gateway.yaml'),
    ...scen('s2-bookinfo-external-mysql.yaml'),
  ]);
  for (const [file, what] of [
    ['s1-sample-grpc-mysql.yaml', 'S1 (namespace sample)'],
    ['s3-microsvc-mtls-authz.yaml', 'S3 (namespace microsvc-sample, mesh-wide STRICT)'],
    ['s4-user-service-canary.yaml', 'S4 (namespace shop)'],
  ] as const) {
    log(`Seeding scenario ${what}...`);
    await seedObjects(cluster, scen(file));
  }
  log('Seeding scenario S5 (namespace bookinfo: ambient, Gateway API ingress, a waypoint)...');
  await seedAmbientScenario(cluster);
}
