/**
 * A deterministic synthetic mesh for benchmarks and load tests. Pure; same options,
 * same output.
 *
 *   generateMesh({ services = 1000, namespaces = 20, seed = 1 }) -> GeneratedMesh
 *
 * What it makes:
 * - istio-system with an ingress gateway Deployment/Service and a mesh-wide STRICT
 *   PeerAuthentication; every fifth namespace PERMISSIVE.
 * - `namespaces` namespaces (mesh-00, ...) with istio-injection=enabled, the services
 *   spread evenly; each service has 2, 3 or 4 versions (3 on average), a Service, a
 *   DestinationRule with one subset per version (every third one with ISTIO_MUTUAL),
 *   and a VirtualService splitting traffic across the versions (with a timeout; every
 *   fourth with retries).
 * - Each service depends on one other service (a fifth of them in another namespace),
 *   written as a URL in the env of its pod template, so the graph infers the calls.
 * - Per namespace: a Gateway (host <ns>.example.com) bound by a VirtualService to the
 *   namespace's first service, an external database ServiceEntry that the first service
 *   calls, and an AuthorizationPolicy admitting the own namespace, istio-system and the
 *   previous namespace.
 * - ObservedTraffic: every version of every service calls its dependency (one sample
 *   per caller version, reaching one version of the callee), v1 of every tenth service
 *   also calls a service the configuration does not declare, plus gateway and database
 *   traffic: about 3 x services observed caller edges.
 */
import { indexResources, type MeshResources } from '../resources';
import type { K8sObject } from '../types';
import type { ObservedSample, ObservedTraffic } from './observed';
import { seededRandom } from '../util';

export interface GenerateOptions {
  services?: number;
  namespaces?: number;
  seed?: number;
}

export interface GeneratedMesh {
  objects: K8sObject[];
  resources: MeshResources;
  observed: ObservedTraffic;
  stats: { namespaces: number; services: number; versions: number; observedSamples: number };
}

const rng = seededRandom;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function weightsFor(count: number): number[] {
  if (count === 2) return [80, 20];
  if (count === 3) return [80, 15, 5];
  return [70, 15, 10, 5];
}

export function generateMesh(opts: GenerateOptions = {}): GeneratedMesh {
  const serviceCount = Math.max(1, opts.services ?? 1000);
  const nsCount = Math.max(1, Math.min(opts.namespaces ?? 20, serviceCount));
  const random = rng(opts.seed ?? 1);
  const objects: K8sObject[] = [];
  const nsName = (i: number) => `mesh-${pad(i, 2)}`;
  const gwLabels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };

  objects.push(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels: gwLabels },
      spec: { selector: { matchLabels: gwLabels }, template: { metadata: { labels: gwLabels }, spec: { serviceAccountName: 'istio-ingressgateway-service-account', containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, spec: { selector: gwLabels, ports: [{ name: 'http2', port: 80, targetPort: 8080 }] } },
  );

  interface Svc { name: string; ns: string; versions: string[]; weights: number[]; dep?: Svc }
  const services: Svc[] = [];
  for (let i = 0; i < serviceCount; i++) {
    const count = 2 + (i % 3); // 2, 3, 4 -> average 3
    services.push({ name: `svc-${pad(i, 4)}`, ns: nsName(i % nsCount), versions: Array.from({ length: count }, (_, k) => `v${k + 1}`), weights: weightsFor(count) });
  }
  const byNs = new Map<string, Svc[]>();
  for (const s of services) {
    const l = byNs.get(s.ns) ?? [];
    l.push(s);
    byNs.set(s.ns, l);
  }
  services.forEach((s, i) => {
    const crossNs = random() < 0.2;
    const sameNs = byNs.get(s.ns) ?? [];
    const pool = crossNs || sameNs.length < 2 ? services : sameNs;
    let dep = pool[Math.floor(random() * pool.length)];
    if (!dep || dep === s) dep = services[(i + 1) % services.length];
    if (dep && dep !== s) s.dep = dep;
  });

  for (let n = 0; n < nsCount; n++) {
    const ns = nsName(n);
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
    if (n % 5 === 4) objects.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: ns }, spec: { mtls: { mode: 'PERMISSIVE' } } });
    const first = byNs.get(ns)?.[0];
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: ns },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${ns}.example.com`] }] },
    });
    if (first) {
      objects.push({
        apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'public', namespace: ns },
        spec: { hosts: [`${ns}.example.com`], gateways: ['public'], http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: first.name, port: { number: 8080 } } }] }] },
      });
    }
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'db', namespace: ns },
      spec: { hosts: [`db-${ns}.example.net`], addresses: [`10.${n}.0.0/24`], ports: [{ number: 5432, name: 'tcp-pg', protocol: 'TCP' }], location: 'MESH_EXTERNAL', resolution: 'STATIC' },
    });
    const prev = nsName((n + nsCount - 1) % nsCount);
    objects.push({
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'from-neighbours', namespace: ns },
      spec: { rules: [{ from: [{ source: { namespaces: [ns, 'istio-system', prev] } }] }] },
    });
  }

  services.forEach((s, i) => {
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: s.name, namespace: s.ns, labels: { app: s.name } }, spec: { selector: { app: s.name }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] } });
    const isFirst = byNs.get(s.ns)?.[0] === s;
    for (const v of s.versions) {
      const labels = { app: s.name, version: v };
      const env = s.dep ? [{ name: 'DEPENDENCY_URL', value: `http://${s.dep.name}.${s.dep.ns}.svc.cluster.local:8080/api` }] : [];
      if (isFirst) env.push({ name: 'DB_HOST', value: `db-${s.ns}.example.net` });
      objects.push({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${s.name}-${v}`, namespace: s.ns, labels },
        spec: {
          replicas: 1 + (i % 3), selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { serviceAccountName: s.name, containers: [{ name: 'app', image: `example/${s.name}:${v}`, env, ports: [{ containerPort: 8080 }] }] } },
        },
      });
    }
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: s.name, namespace: s.ns },
      spec: {
        host: s.name, ...(i % 3 === 0 ? { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } : {}),
        subsets: s.versions.map((v) => ({ name: v, labels: { version: v } })),
      },
    });
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: s.name, namespace: s.ns },
      spec: {
        hosts: [s.name],
        http: [{
          route: s.versions.map((v, k) => ({ destination: { host: s.name, subset: v }, weight: s.weights[k] })),
          timeout: '5s', ...(i % 4 === 0 ? { retries: { attempts: 3, perTryTimeout: '2s' } } : {}),
        }],
      },
    });
  });

  // Telemetry: every caller version reaches one version of its dependency, chosen by the weights.
  const samples: ObservedSample[] = [];
  const pick = (s: Svc): string => {
    let r = random() * 100;
    for (let k = 0; k < s.versions.length; k++) {
      r -= s.weights[k] ?? 0;
      if (r < 0) return s.versions[k] as string;
    }
    return s.versions[0] as string;
  };
  for (const s of services) {
    if (!s.dep) continue;
    for (const v of s.versions) {
      const dv = pick(s.dep);
      const rps = Math.round(random() * 5000) / 100;
      samples.push({
        source: { workload: `${s.name}-${v}`, namespace: s.ns },
        destination: { service: `${s.dep.name}.${s.dep.ns}.svc.cluster.local`, serviceNamespace: s.dep.ns, workload: `${s.dep.name}-${dv}`, namespace: s.dep.ns, version: dv },
        protocol: 'http', rps, errorRps: Math.round(rps * random() * 5) / 100, p95Ms: Math.round(5 + random() * 300),
      });
    }
  }
  // Calls the configuration does not declare (config and reality disagree): v1 of every tenth service.
  services.forEach((s, i) => {
    if (i % 10 !== 5 || services.length < 3) return;
    let k = (i * 7 + 3) % services.length;
    while (services[k] === s || services[k] === s.dep) k = (k + 1) % services.length;
    const other = services[k] as Svc;
    const dv = pick(other);
    samples.push({
      source: { workload: `${s.name}-v1`, namespace: s.ns },
      destination: { service: `${other.name}.${other.ns}.svc.cluster.local`, serviceNamespace: other.ns, workload: `${other.name}-${dv}`, namespace: other.ns, version: dv },
      protocol: 'http', rps: 1, errorRps: 0, p95Ms: 20,
    });
  });
  for (let n = 0; n < nsCount; n++) {
    const first = byNs.get(nsName(n))?.[0];
    if (!first) continue;
    samples.push({
      source: { workload: 'istio-ingressgateway', namespace: 'istio-system' },
      destination: { service: `${first.name}.${first.ns}.svc.cluster.local`, serviceNamespace: first.ns, workload: `${first.name}-v1`, namespace: first.ns, version: 'v1' },
      protocol: 'http', rps: 100, errorRps: 1, p95Ms: 50,
    });
    samples.push({
      source: { workload: `${first.name}-v1`, namespace: first.ns },
      destination: { service: `db-${first.ns}.example.net` }, protocol: 'tcp', tcpBytesPerSec: 20000,
    });
  }

  return {
    objects,
    resources: indexResources(objects),
    observed: { window: '5m', samples },
    stats: { namespaces: nsCount, services: serviceCount, versions: services.reduce((a, s) => a + s.versions.length, 0), observedSamples: samples.length },
  };
}
