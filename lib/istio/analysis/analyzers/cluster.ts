/**
 * Cluster-level analyzers, as istioctl defines them: unknown service registries in
 * MeshNetworks (IST0126), policies selecting Kubernetes Gateway pods instead of
 * targeting the Gateway (IST0166), Gateway API CRDs older than Istio supports (IST0176),
 * and negative status conditions written by Istio (IST0171).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asLabels, asRecord, containsLabels, nsOf, specOf, str } from '../context';
import type { Analyzer } from '../types';

export const MESH_NETWORKS_RESOURCE = 'MeshNetworks istio-system/meshnetworks';
const KNOWN_REGISTRIES = ['Mock', 'Kubernetes', 'External'];

export const meshNetworksAnalyzer: Analyzer = {
  name: 'meshnetworks.MeshNetworksAnalyzer',
  aliases: ['multicluster.MeshNetworksAnalyzer'],
  description: 'Check the validity of MeshNetworks in the cluster',
  codes: ['IST0126'],
  // The remote-cluster Secrets name the registries; without them every fromRegistry is unknown.
  requires: ['Secret'],
  run(ctx) {
    const networks = ctx.meshNetworks?.networks;
    // The registries are the keys of the remote Secrets' data: unknown when Secrets hold metadata only.
    if (!networks || ctx.metadataOnly.has('Secret')) return [];
    const registries = new Set(KNOWN_REGISTRIES);
    for (const s of ctx.core('Secret')) {
      if (s.metadata.labels?.['istio/multiCluster'] !== 'true') continue;
      for (const k of Object.keys(asRecord(s.data))) registries.add(k);
    }
    const out: Finding[] = [];
    for (const [name, n] of Object.entries(networks)) {
      asArray(asRecord(n).endpoints).forEach((e, j) => {
        const reg = asRecord(e).fromRegistry;
        if (reg === undefined) return;
        if (!registries.has(str(reg)))
          out.push(ctx.finding('IST0126', MESH_NETWORKS_RESOURCE, [str(reg), name], `networks/${name}/endpoints[${j}]/fromRegistry`));
      });
    }
    return out;
  },
};

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

export const k8sGatewaySelectorAnalyzer: Analyzer = {
  name: 'k8sgateway.SelectorAnalyzer',
  description: 'Check that selectors are effective for Kubernetes gateway',
  codes: ['IST0166'],
  run(ctx) {
    const gwPods = new Map<string, Array<Record<string, string>>>();
    for (const w of ctx.workloads) {
      if (w.labels[GATEWAY_NAME_LABEL] === undefined) continue;
      let l = gwPods.get(w.namespace);
      if (!l) gwPods.set(w.namespace, (l = []));
      l.push(w.labels);
    }
    if (gwPods.size === 0) return [];
    const out: Finding[] = [];
    for (const kind of ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin']) {
      for (const p of ctx.istio(kind)) {
        const spec = specOf(p);
        if (spec.targetRef || asArray(spec.targetRefs).length) continue;
        if (spec.selector === undefined || spec.selector === null) continue;
        const sel = asLabels(asRecord(spec.selector).matchLabels);
        for (const labels of gwPods.get(nsOf(p)) ?? []) {
          if (containsLabels(labels, sel)) out.push(ctx.finding('IST0166', p, [labels[GATEWAY_NAME_LABEL] ?? ''], 'spec/selector'));
        }
      }
    }
    return out;
  },
};

/** Minimum Gateway API bundle versions per CRD for the Istio release the conformance data comes from. */
export const MINIMUM_GATEWAY_API_CRD_VERSIONS: Readonly<Record<string, string>> = {
  'tlsroutes.gateway.networking.k8s.io': '1.5.0',
  'backendtlspolicies.gateway.networking.k8s.io': '1.4.0',
};

function parseSemver(v: string): [number, number, number] | undefined {
  const m = v
    .trim()
    .replace(/^v/, '')
    .match(/^(\d+)\.(\d+)(?:\.(\d+))?/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function lessThan(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

export const crdVersionAnalyzer: Analyzer = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  description: 'Checks Gateway API CRDs are at the minimum version required by this Istio version',
  codes: ['IST0176'],
  run(ctx) {
    const out: Finding[] = [];
    for (const crd of ctx.list('apiextensions.k8s.io', 'CustomResourceDefinition')) {
      const min = MINIMUM_GATEWAY_API_CRD_VERSIONS[crd.metadata.name];
      const bv: unknown = crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'];
      if (!min || typeof bv !== 'string' || !bv) continue;
      const installed = parseSemver(bv);
      const minimum = parseSemver(min);
      if (installed && minimum && lessThan(installed, minimum)) {
        out.push(ctx.finding('IST0176', crd, [crd.metadata.name, bv.replace(/^v/, ''), min], 'metadata/annotations'));
      }
    }
    return out;
  },
};

/** Condition types Istio writes: no domain, or an istio.io one (others, such as Argo CD's, are not ours). */
function istioCondition(type: string): boolean {
  const i = type.indexOf('/');
  return i < 0 || type.slice(0, i).endsWith('istio.io');
}

const CONDITION_KINDS: ReadonlyArray<[string, string]> = [
  ['', 'Service'],
  ['networking.istio.io', 'ServiceEntry'],
  ['security.istio.io', 'AuthorizationPolicy'],
  ['gateway.networking.k8s.io', 'Gateway'],
  ['gateway.networking.k8s.io', 'HTTPRoute'],
  ['gateway.networking.k8s.io', 'GRPCRoute'],
  ['gateway.networking.k8s.io', 'TCPRoute'],
  ['gateway.networking.k8s.io', 'TLSRoute'],
];

export const conditionAnalyzer: Analyzer = {
  name: 'conditions.ConditionAnalyzer',
  description: 'Checks for negative status conditions on resources',
  codes: ['IST0171'],
  run(ctx) {
    const out: Finding[] = [];
    const check = (o: K8sObject, conditions: unknown, base: string) => {
      asArray(conditions).forEach((c, i) => {
        const r = asRecord(c);
        const type = str(r.type);
        if (!istioCondition(type)) return;
        if (str(r.status) === 'False' || str(r.reason) === 'PartiallyInvalid') {
          out.push(ctx.finding('IST0171', o, [type, str(r.reason), str(r.message)], `${base}[${i}]`));
        }
      });
    };
    for (const [g, k] of CONDITION_KINDS) {
      for (const o of ctx.list(g, k)) {
        const status = asRecord(o.status);
        check(o, status.conditions, 'status/conditions');
        asArray(status.parents).forEach((p, i) => check(o, asRecord(p).conditions, `status/parents[${i}]/conditions`));
      }
    }
    return out;
  },
};

export const clusterAnalyzers: Analyzer[] = [meshNetworksAnalyzer, k8sGatewaySelectorAnalyzer, crdVersionAnalyzer, conditionAnalyzer];
