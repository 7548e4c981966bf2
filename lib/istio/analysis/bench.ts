/**
 * Benchmark of the analysis engine on a generated mesh: namespaces of services, each with
 * its Deployments, VirtualService and DestinationRule, plus gateways, ServiceEntries,
 * PeerAuthentications, AuthorizationPolicies, Sidecars and a handful of planted mistakes
 * (so that the analyzers do real work). Pure: timing uses performance.now(), memory is
 * sampled through an optional callback (e2e/bench/analysis.ts passes process.memoryUsage).
 */
import type { K8sObject } from '../types';
import { analyze } from './index';
import { seededRandom } from '../util';

const rng = seededRandom;

const NET = 'networking.istio.io/v1';
const SEC = 'security.istio.io/v1';

export interface GeneratedMesh {
  objects: K8sObject[];
  /** What was planted, for the reader of the figures. */
  planted: Record<string, number>;
}

/** A mesh of (about) `target` resources; exactly `target` unless it is very small. */
export function generateMesh(target = 10_000, seed = 42): GeneratedMesh {
  const rand = rng(seed);
  const objects: K8sObject[] = [];
  const planted: Record<string, number> = { missingSubset: 0, missingHost: 0, unknownDrHost: 0, weights: 0, mtlsConflict: 0, gatewayNoWorkload: 0, duplicateGatewayHost: 0 };
  const push = (o: K8sObject) => {
    if (objects.length < target) objects.push(o);
  };
  const namespaces = Math.max(1, Math.round(target / 200));
  objects.push(...[]);
  for (let n = 0; n < namespaces && objects.length < target; n++) {
    const ns = `team-${n}`;
    push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
    push({ apiVersion: SEC, kind: 'PeerAuthentication', metadata: { name: 'default', namespace: ns }, spec: { mtls: { mode: n % 7 === 0 ? 'STRICT' : 'PERMISSIVE' } } });
    push({ apiVersion: NET, kind: 'Sidecar', metadata: { name: 'default', namespace: ns }, spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] } });
    push({
      apiVersion: NET,
      kind: 'Gateway',
      metadata: { name: 'public', namespace: ns },
      spec: {
        selector: n % 25 === 3 ? { istio: 'ingressgateway-typo' } : { istio: 'ingressgateway' },
        servers: [
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${ns}.example.com`], tls: { httpsRedirect: true } },
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [`${ns}.example.com`], tls: { mode: 'SIMPLE', credentialName: `${ns}-cert` } },
        ],
      },
    });
    if (n % 25 === 3) planted.gatewayNoWorkload = (planted.gatewayNoWorkload ?? 0) + 1;
    push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${ns}-cert`, namespace: 'istio-system' }, type: 'kubernetes.io/tls', data: {} });
    push({
      apiVersion: NET,
      kind: 'ServiceEntry',
      metadata: { name: 'external-api', namespace: ns },
      spec: { hosts: [`api-${n}.partner.example.com`], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' },
    });
    const services = 38;
    for (let s = 0; s < services && objects.length < target; s++) {
      const app = `svc-${s}`;
      const versions = 1 + Math.floor(rand() * 2);
      push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, labels: { app } }, spec: { selector: { app }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] } });
      for (let v = 1; v <= versions; v++) {
        push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: `${app}-v${v}`, namespace: ns, labels: { app, version: `v${v}` } },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app, version: `v${v}` } },
            template: {
              metadata: { labels: { app, version: `v${v}` } },
              spec: { serviceAccountName: app, containers: [{ name: app, image: `registry.example.com/${app}:${v}.0`, ports: [{ containerPort: 8080, name: 'http' }] }] },
            },
          },
        });
      }
      const subsets = Array.from({ length: versions }, (_, i) => ({ name: `v${i + 1}`, labels: { version: `v${i + 1}` } }));
      const drHostTypo = rand() < 0.003;
      if (drHostTypo) planted.unknownDrHost = (planted.unknownDrHost ?? 0) + 1;
      const disable = n % 7 === 0 && s === 5;
      if (disable) planted.mtlsConflict = (planted.mtlsConflict ?? 0) + 1;
      push({
        apiVersion: NET,
        kind: 'DestinationRule',
        metadata: { name: app, namespace: ns },
        spec: {
          host: drHostTypo ? `${app}-typo` : app,
          trafficPolicy: { tls: { mode: disable ? 'DISABLE' : 'ISTIO_MUTUAL' }, connectionPool: { http: { http1MaxPendingRequests: 100 } } },
          subsets,
        },
      });
      const r = rand();
      let subset = `v${versions}`;
      let host = app;
      if (r < 0.004) {
        subset = 'v9';
        planted.missingSubset = (planted.missingSubset ?? 0) + 1;
      } else if (r < 0.008) {
        host = `${app}-gone`;
        planted.missingHost = (planted.missingHost ?? 0) + 1;
      }
      const canary = versions === 2 && rand() < 0.5;
      const badWeights = canary && rand() < 0.02;
      if (badWeights) planted.weights = (planted.weights ?? 0) + 1;
      const route = canary
        ? [{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v2' }, weight: badWeights ? 20 : 10 }]
        : [{ destination: { host, subset } }];
      const exposed = s === 0;
      push({
        apiVersion: NET,
        kind: 'VirtualService',
        metadata: { name: app, namespace: ns },
        spec: {
          hosts: exposed ? [`${ns}.example.com`] : [app],
          gateways: exposed ? ['public'] : undefined,
          http: [
            { match: [{ uri: { prefix: '/api' }, headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host, subset: `v${versions}` } }], timeout: '5s', retries: { attempts: 3, perTryTimeout: '2s' } },
            { route },
          ],
        },
      });
      if (exposed && n % 10 === 1) {
        planted.duplicateGatewayHost = (planted.duplicateGatewayHost ?? 0) + 1;
        push({ apiVersion: NET, kind: 'VirtualService', metadata: { name: `${app}-extra`, namespace: ns }, spec: { hosts: [`${ns}.example.com`], gateways: ['public'], http: [{ route: [{ destination: { host: app } }] }] } });
      }
      if (s % 4 === 0) {
        push({
          apiVersion: SEC,
          kind: 'AuthorizationPolicy',
          metadata: { name: `${app}-allow`, namespace: ns },
          spec: { selector: { matchLabels: { app } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/svc-${(s + 1) % services}`], namespaces: [ns] } }], to: [{ operation: { methods: ['GET', 'POST'], paths: ['/api/*'] } }] }] },
        });
      }
    }
  }
  // Fill to the exact size with more services in a spill-over namespace.
  let k = 0;
  while (objects.length < target) {
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `extra-${k++}`, namespace: 'spill' }, spec: { selector: { app: `extra-${k}` }, ports: [{ name: 'http', port: 80 }] } });
  }
  return { objects, planted };
}

export interface BenchmarkResult {
  resources: number;
  /** Median wall time of one analyze() call, ms. */
  ms: number;
  /** Every run's time, ms. */
  runs: number[];
  /** Highest heap in use seen during the runs (MB), or NaN when no sampler is available. */
  peakHeapMB: number;
  findings: number;
  findingsByCode: Record<string, number>;
  planted: Record<string, number>;
}

export interface BenchmarkOptions {
  resources?: number;
  runs?: number;
  /** Heap in use, in bytes (e.g. () => process.memoryUsage().heapUsed). */
  heapUsed?: () => number;
}

function defaultHeapSampler(): (() => number) | undefined {
  const p = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  return p?.memoryUsage ? () => (p.memoryUsage as () => { heapUsed: number })().heapUsed : undefined;
}

export function runAnalysisBenchmark(options: BenchmarkOptions = {}): BenchmarkResult {
  const { objects, planted } = generateMesh(options.resources ?? 10_000);
  const sample = options.heapUsed ?? defaultHeapSampler();
  const runs: number[] = [];
  let peak = 0;
  let findings = analyze(objects); // warm-up (JIT), not timed
  const count = Math.max(1, options.runs ?? 5);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    findings = analyze(objects, { onProgress: sample ? () => { peak = Math.max(peak, sample()); } : undefined });
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const byCode: Record<string, number> = {};
  for (const f of findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  return {
    resources: objects.length,
    ms: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    runs,
    peakHeapMB: sample ? peak / (1024 * 1024) : NaN,
    findings: findings.length,
    findingsByCode: byCode,
    planted,
  };
}
