/**
 * The one synthetic mesh for tests, benchmarks and load tests. Pure and deterministic:
 * same options, same output.
 *
 *   generateMesh(10_000)                                  exactly 10,000 objects: 50 namespaces of 38 services
 *   generateMesh({ services: 1000, namespaces: 20, seed }) 1,000 services spread over 20 namespaces
 *
 * What it makes:
 * - istio-system with an ingress gateway Deployment and Service.
 * - Namespaces team-0, team-1, ... (istio-injection=enabled), each with a PeerAuthentication
 *   (STRICT in every seventh, else PERMISSIVE), a Sidecar, a Gateway `public` (HTTP
 *   redirecting to HTTPS, HTTPS with a credentialName whose TLS Secret is in istio-system),
 *   a ServiceEntry for a partner API, and its services svc-0, svc-1, ...
 * - Each service: a Service, one or two versions (Deployments labelled app/version, the
 *   second often a 90/10 canary), a DestinationRule with a subset per version, a
 *   VirtualService (a header-matched route and the main route; svc-0 is bound to the
 *   Gateway), an AuthorizationPolicy for every fourth. Each service depends on one other
 *   service (a fifth of them in another namespace), written as a URL in the env of its
 *   pods, so the graph infers the calls; svc-0 also calls the partner API.
 * - Planted mistakes, so the analyzers do real work (counted in `planted`): a subset or
 *   host that does not exist, a DestinationRule for an unknown host, weights that do not
 *   sum to 100, mTLS disabled under STRICT, a Gateway selecting no workload, two
 *   VirtualServices for one gateway host.
 * - ObservedTraffic: every version of every service calls its dependency (one sample per
 *   caller version, reaching one version of the callee), v1 of every tenth service also
 *   calls a service the configuration does not declare, plus ingress and partner traffic.
 */
import { indexResources, type MeshResources } from './resources';
import type { K8sObject } from './types';
import type { ObservedSample, ObservedTraffic } from './graph/observed';
import { seededRandom } from './util';

const NET = 'networking.istio.io/v1';
const SEC = 'security.istio.io/v1';
/** Services per namespace in the resource-sized mesh. */
const SERVICES_PER_NAMESPACE = 38;

export interface GenerateOptions {
  /** Exactly this many objects (unless very small): about 200 per namespace, 38 services each. */
  resources?: number;
  /** Otherwise this many services, spread evenly over `namespaces` namespaces. */
  services?: number;
  namespaces?: number;
  /** Versions per service on average: 3 gives 2, 3 or 4 in turn (graph benchmarks); default one or two. */
  versions?: number;
  seed?: number;
}

export interface GeneratedMesh {
  objects: K8sObject[];
  resources: MeshResources;
  observed: ObservedTraffic;
  /** What was planted, for the reader of the figures. */
  planted: Record<string, number>;
  stats: { namespaces: number; services: number; versions: number; observedSamples: number };
}

/** A split over three or more versions, most to v1. */
function splitWeights(count: number): number[] {
  if (count === 3) return [80, 15, 5];
  const rest = Array.from({ length: count - 1 }, (_, k) => (k < 30 % (count - 1) ? Math.ceil(30 / (count - 1)) : Math.floor(30 / (count - 1))));
  return [70, ...rest];
}

interface Svc {
  name: string;
  ns: string;
  /** Index in its namespace. */
  k: number;
  versions: string[];
  dep?: Svc;
}

export function generateMesh(options: GenerateOptions | number = {}): GeneratedMesh {
  const opts: GenerateOptions = typeof options === 'number' ? { resources: options } : options;
  const target = opts.resources ?? Infinity;
  const random = seededRandom(opts.seed ?? (opts.resources !== undefined ? 42 : 1));
  const nsCount =
    opts.resources !== undefined ? Math.max(1, Math.round(opts.resources / 200)) : Math.max(1, Math.min(opts.namespaces ?? 20, opts.services ?? 1000));
  const serviceCount = opts.resources !== undefined ? nsCount * SERVICES_PER_NAMESPACE : Math.max(1, opts.services ?? 1000);
  const objects: K8sObject[] = [];
  const planted: Record<string, number> = {
    missingSubset: 0,
    missingHost: 0,
    unknownDrHost: 0,
    weights: 0,
    mtlsConflict: 0,
    gatewayNoWorkload: 0,
    duplicateGatewayHost: 0,
  };
  const push = (o: K8sObject) => {
    if (objects.length < target) objects.push(o);
  };
  const nsName = (n: number) => `team-${n}`;

  // Services first, so dependencies can point anywhere.
  const byNs: Svc[][] = Array.from({ length: nsCount }, () => []);
  const services: Svc[] = [];
  for (let i = 0; i < serviceCount; i++) {
    const n = i % nsCount;
    const s: Svc = { name: `svc-${byNs[n]!.length}`, ns: nsName(n), k: byNs[n]!.length, versions: [] };
    const versions = opts.versions ? Math.max(1, opts.versions - 1 + (i % 3)) : 1 + Math.floor(random() * 2);
    s.versions = Array.from({ length: versions }, (_, v) => `v${v + 1}`);
    byNs[n]!.push(s);
    services.push(s);
  }
  services.forEach((s, i) => {
    const same = byNs[Number(s.ns.slice(5))]!;
    const pool = random() < 0.2 || same.length < 2 ? services : same;
    let dep = pool[Math.floor(random() * pool.length)];
    if (!dep || dep === s) dep = services[(i + 1) % services.length];
    if (dep && dep !== s) s.dep = dep;
  });

  const gwLabels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels: gwLabels },
    spec: {
      selector: { matchLabels: gwLabels },
      template: {
        metadata: { labels: gwLabels },
        spec: { serviceAccountName: 'istio-ingressgateway-service-account', containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
      },
    },
  });
  push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: {
      selector: gwLabels,
      ports: [
        { name: 'http2', port: 80, targetPort: 8080 },
        { name: 'https', port: 443, targetPort: 8443 },
      ],
    },
  });

  const weightsOf = new Map<Svc, number[]>();
  for (let n = 0; n < nsCount && objects.length < target; n++) {
    const ns = nsName(n);
    const strict = n % 7 === 0;
    push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
    push({
      apiVersion: SEC,
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ns },
      spec: { mtls: { mode: strict ? 'STRICT' : 'PERMISSIVE' } },
    });
    push({ apiVersion: NET, kind: 'Sidecar', metadata: { name: 'default', namespace: ns }, spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } });
    const typo = n % 25 === 3;
    if (typo) planted.gatewayNoWorkload = (planted.gatewayNoWorkload ?? 0) + 1;
    push({
      apiVersion: NET,
      kind: 'Gateway',
      metadata: { name: 'public', namespace: ns },
      spec: {
        selector: typo ? { istio: 'ingressgateway-typo' } : { istio: 'ingressgateway' },
        servers: [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${ns}.example.com`], tls: { httpsRedirect: true } },
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [`${ns}.example.com`], tls: { mode: 'SIMPLE', credentialName: `${ns}-cert` } },
        ],
      },
    });
    push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${ns}-cert`, namespace: 'istio-system' }, type: 'kubernetes.io/tls', data: {} });
    push({
      apiVersion: NET,
      kind: 'ServiceEntry',
      metadata: { name: 'external-api', namespace: ns },
      spec: {
        hosts: [`api-${n}.partner.example.com`],
        ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
        resolution: 'DNS',
        location: 'MESH_EXTERNAL',
      },
    });
    const own = byNs[n]!;
    for (const s of own) {
      if (objects.length >= target) break;
      const app = s.name;
      push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: ns, labels: { app } },
        spec: { selector: { app }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
      });
      for (const v of s.versions) {
        const labels = { app, version: v };
        const env = s.dep ? [{ name: 'DEPENDENCY_URL', value: `http://${s.dep.name}.${s.dep.ns}.svc.cluster.local:8080/api` }] : [];
        if (s.k === 0) env.push({ name: 'PARTNER_API', value: `https://api-${n}.partner.example.com/` });
        push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `${app}-${v}`, namespace: ns, labels },
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: app,
                containers: [{ name: app, image: `registry.example.com/${app}:${v.slice(1)}.0`, env, ports: [{ containerPort: 8080, name: 'http' }] }],
              },
            },
          },
        });
      }
      const versions = s.versions.length;
      const drHostTypo = random() < 0.003;
      if (drHostTypo) planted.unknownDrHost = (planted.unknownDrHost ?? 0) + 1;
      const disable = strict && s.k === 5;
      if (disable) planted.mtlsConflict = (planted.mtlsConflict ?? 0) + 1;
      push({
        apiVersion: NET,
        kind: 'DestinationRule',
        metadata: { name: app, namespace: ns },
        spec: {
          host: drHostTypo ? `${app}-typo` : app,
          trafficPolicy: { tls: { mode: disable ? 'DISABLE' : 'ISTIO_MUTUAL' }, connectionPool: { http: { http1MaxPendingRequests: 100 } } },
          subsets: s.versions.map((v) => ({ name: v, labels: { version: v } })),
        },
      });
      const r = random();
      let subset = `v${versions}`;
      let host = app;
      if (r < 0.004) {
        subset = 'v9';
        planted.missingSubset = (planted.missingSubset ?? 0) + 1;
      } else if (r < 0.008) {
        host = `${app}-gone`;
        planted.missingHost = (planted.missingHost ?? 0) + 1;
      }
      const canary = versions === 2 && random() < 0.5;
      const badWeights = canary && random() < 0.02;
      if (badWeights) planted.weights = (planted.weights ?? 0) + 1;
      const split = versions > 2 ? splitWeights(versions) : undefined;
      weightsOf.set(s, split ?? (canary ? [90, 10] : s.versions.map((v) => (v === subset ? 100 : 0))));
      const route = split
        ? s.versions.map((v, k) => ({ destination: { host, subset: v }, weight: split[k] }))
        : canary
          ? [
              { destination: { host, subset: 'v1' }, weight: 90 },
              { destination: { host, subset: 'v2' }, weight: badWeights ? 20 : 10 },
            ]
          : [{ destination: { host, subset } }];
      const exposed = s.k === 0;
      push({
        apiVersion: NET,
        kind: 'VirtualService',
        metadata: { name: app, namespace: ns },
        spec: {
          hosts: exposed ? [`${ns}.example.com`] : [app],
          gateways: exposed ? ['public'] : undefined,
          http: [
            {
              match: [{ uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'true' } } }],
              route: [{ destination: { host, subset: `v${versions}` } }],
              timeout: '5s',
              retries: { attempts: 3, perTryTimeout: '2s' },
            },
            { route },
          ],
        },
      });
      if (exposed && n % 10 === 1) {
        planted.duplicateGatewayHost = (planted.duplicateGatewayHost ?? 0) + 1;
        push({
          apiVersion: NET,
          kind: 'VirtualService',
          metadata: { name: `${app}-extra`, namespace: ns },
          spec: { hosts: [`${ns}.example.com`], gateways: ['public'], http: [{ route: [{ destination: { host: app } }] }] },
        });
      }
      if (s.k % 4 === 0) {
        push({
          apiVersion: SEC,
          kind: 'AuthorizationPolicy',
          metadata: { name: `${app}-allow`, namespace: ns },
          spec: {
            selector: { matchLabels: { app } },
            action: 'ALLOW',
            rules: [
              {
                from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/svc-${(s.k + 1) % own.length}`], namespaces: [ns] } }],
                to: [{ operation: { methods: ['GET', 'POST'], paths: ['/api/*'] } }],
              },
            ],
          },
        });
      }
    }
  }
  // Fill to the exact size with more services in a spill-over namespace.
  for (let k = 0; Number.isFinite(target) && objects.length < target; k++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `extra-${k}`, namespace: 'spill' },
      spec: { selector: { app: `extra-${k}` }, ports: [{ name: 'http', port: 80 }] },
    });
  }

  const observed = observedTraffic(
    services.filter((s) => weightsOf.has(s)),
    weightsOf,
    random,
  );
  return {
    objects,
    resources: indexResources(objects),
    observed,
    planted,
    stats: {
      namespaces: nsCount,
      services: weightsOf.size,
      versions: [...weightsOf.keys()].reduce((a, s) => a + s.versions.length, 0),
      observedSamples: observed.samples.length,
    },
  };
}

/** Telemetry: every caller version reaches one version of its dependency, chosen by the route's weights. */
function observedTraffic(services: Svc[], weightsOf: Map<Svc, number[]>, random: () => number): ObservedTraffic {
  const samples: ObservedSample[] = [];
  const known = new Set(services);
  const pick = (s: Svc): string => {
    const w = weightsOf.get(s) ?? [];
    let r = random() * 100;
    for (let k = 0; k < s.versions.length; k++) {
      r -= w[k] ?? 0;
      if (r < 0) return s.versions[k]!;
    }
    return s.versions[0]!;
  };
  const call = (s: Svc, v: string, to: Svc, rps: number, errorRps: number, p95Ms: number) => {
    const dv = pick(to);
    samples.push({
      source: { workload: `${s.name}-${v}`, namespace: s.ns },
      destination: { service: `${to.name}.${to.ns}.svc.cluster.local`, serviceNamespace: to.ns, workload: `${to.name}-${dv}`, namespace: to.ns, version: dv },
      protocol: 'http',
      rps,
      errorRps,
      p95Ms,
    });
  };
  for (const s of services) {
    if (!s.dep || !known.has(s.dep)) continue;
    for (const v of s.versions) {
      const rps = Math.round(random() * 5000) / 100;
      call(s, v, s.dep, rps, Math.round(rps * random() * 5) / 100, Math.round(5 + random() * 300));
    }
  }
  // Calls the configuration does not declare (config and reality disagree): v1 of every tenth service.
  services.forEach((s, i) => {
    if (i % 10 !== 5 || services.length < 3) return;
    let k = (i * 7 + 3) % services.length;
    while (services[k] === s || services[k] === s.dep) k = (k + 1) % services.length;
    call(s, 'v1', services[k]!, 1, 0, 20);
  });
  for (const s of services) {
    if (s.k !== 0) continue;
    const dv = pick(s);
    samples.push({
      source: { workload: 'istio-ingressgateway', namespace: 'istio-system' },
      destination: { service: `${s.name}.${s.ns}.svc.cluster.local`, serviceNamespace: s.ns, workload: `${s.name}-${dv}`, namespace: s.ns, version: dv },
      protocol: 'http',
      rps: 100,
      errorRps: 1,
      p95Ms: 50,
    });
    samples.push({
      source: { workload: `${s.name}-v1`, namespace: s.ns },
      destination: { service: `api-${s.ns.slice(5)}.partner.example.com` },
      protocol: 'tcp',
      tcpBytesPerSec: 20000,
    });
  }
  return { window: '5m', samples };
}
