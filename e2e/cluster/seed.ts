/**
 * Demo data for the local control plane. No controllers run there, so besides
 * applying manifests the seeder does what controllers would: it creates one Pod per
 * Deployment replica (with an istio-proxy container where injection applies, as the
 * sidecar injector would), ServiceAccounts, and Running/ready statuses. None of
 * these pods run anything; they exist so the console has workloads to show.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { execFileSync } from 'node:child_process';
import { kubectlOk, type LocalCluster } from './cluster';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; uid?: string }; spec?: any; [k: string]: unknown };

const REPO = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO, 'e2e', 'fixtures');
export const CRD_FILE = path.join(REPO, 'lib', 'istio', 'data', 'crds', 'crd-all.gen.yaml');

export async function installIstioCrds(cluster: LocalCluster): Promise<void> {
  await kubectlOk(cluster, ['apply', '--server-side', '--force-conflicts', '-f', CRD_FILE]);
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

function wantsSidecar(ns: Obj | undefined, template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } }): boolean {
  const lbl = template.metadata?.labels?.['sidecar.istio.io/inject'];
  const ann = template.metadata?.annotations?.['sidecar.istio.io/inject'];
  const podSays = lbl ?? ann;
  if (podSays === 'false') return false;
  if (podSays === 'true') return true;
  const nsLabels = ns?.metadata.labels ?? {};
  if (nsLabels['istio-injection'] === 'disabled') return false;
  return nsLabels['istio-injection'] === 'enabled' || !!nsLabels['istio.io/rev'];
}

let ipCounter = 10;

/** The Pods a ReplicaSet plus the sidecar injector would have created for `deploy`. */
export function podsFor(deploy: Obj, ns: Obj | undefined): Obj[] {
  const tpl = deploy.spec?.template ?? {};
  const replicas = deploy.spec?.replicas ?? 1;
  const hash = createHash('sha1').update(JSON.stringify(tpl)).digest('hex').slice(0, 10);
  const isGateway = (tpl.spec?.containers ?? []).some((c: { name: string }) => c.name === 'istio-proxy');
  const inject = !isGateway && wantsSidecar(ns, tpl);
  const labels: Record<string, string> = { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': hash };
  const annotations: Record<string, string> = { ...(tpl.metadata?.annotations ?? {}) };
  const containers = structuredClone(tpl.spec?.containers ?? []);
  if (inject) {
    labels['security.istio.io/tlsMode'] = 'istio';
    labels['service.istio.io/canonical-name'] = labels['app'] ?? labels['app.kubernetes.io/name'] ?? deploy.metadata.name;
    labels['service.istio.io/canonical-revision'] = labels['version'] ?? labels['app.kubernetes.io/version'] ?? 'latest';
    annotations['sidecar.istio.io/status'] = JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: ['istio-envoy'], revision: 'default' });
    containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.32.0', args: ['proxy', 'sidecar'], ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }] });
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
        ...(deploy.metadata.uid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name, uid: deploy.metadata.uid, controller: true }] } : {}),
      } as Obj['metadata'],
      spec: { ...(tpl.spec ?? {}), containers },
    });
  }
  return pods;
}

/** Mark pods Running and ready, and deployments available, as kubelets and controllers would. */
async function markRunning(cluster: LocalCluster, pods: Obj[], deployments: Obj[]): Promise<void> {
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
        containerStatuses: containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
      },
    };
    await core.patchNamespacedPodStatus({ name: p.metadata.name, namespace: p.metadata.namespace!, body }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  });
  for (const d of deployments) {
    const r = d.spec?.replicas ?? 1;
    const body = { status: { replicas: r, readyReplicas: r, availableReplicas: r, updatedReplicas: r, observedGeneration: 1 } };
    await apps.patchNamespacedDeploymentStatus({ name: d.metadata.name, namespace: d.metadata.namespace!, body }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
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
  const nsObjects = new Map<string, Obj>();
  for (const ns of namespaces) {
    try {
      nsObjects.set(ns, (await core.readNamespace({ name: ns })) as unknown as Obj);
    } catch {
      /* cluster-scoped objects only */
    }
  }
  const pods = deployments.flatMap((d) => podsFor(d, nsObjects.get(d.metadata.namespace!)));
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
  await markRunning(cluster, createdPods, deployments);
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
            containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.32.0', args: ['proxy', 'router'], ports: [{ containerPort: 8080 }, { containerPort: 8443 }, { containerPort: 15021 }] }],
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
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(cert!), 'tls.key': b64(key!) } } as Obj;
}

/** Everything `npm run demo` shows: Istio's ingress gateway, Bookinfo (+S2), S1, S3, S4. */
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
}
