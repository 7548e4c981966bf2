/**
 * Meshboard's own cross-resource checks (MB codes; Kiali has most of them, istioctl does
 * not): route weights that do not add up to 100 (MB0002), one host bound twice to a
 * gateway (MB0004), PeerAuthentication/RequestAuthentication selectors that match no
 * workload (MB0005), several DestinationRules for one host (MB0006), subsets no route uses (MB0007).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asLabels, asRecord, containsLabels, nsOf, selectorString, specOf, str } from '../context';
import { stringList, toFqdn } from '../host-registry';
import type { Analyzer } from '../types';
import { fullNameString, MESH_GATEWAY, mirrorDestinations, resourceNameFromHost, routeDestinations, shortOrFullName } from './virtualservice';

export const routeWeightsAnalyzer: Analyzer = {
  name: 'meshboard.RouteWeightsAnalyzer',
  description: 'Checks that the weights of a route with several destinations add up to 100',
  codes: ['MB0002'],
  run(ctx) {
    const out: Finding[] = [];
    for (const vs of ctx.istio('VirtualService')) {
      const spec = specOf(vs);
      for (const kind of ['http', 'tcp', 'tls'] as const) {
        asArray(spec[kind]).forEach((r, i) => {
          const route = asArray(asRecord(r).route).map(asRecord);
          if (route.length < 2) return;
          const weights = route.map((d) => d.weight);
          if (weights.every((w) => w === undefined || w === null)) return;
          const sum = weights.reduce<number>((a, w) => a + (typeof w === 'number' ? w : 0), 0);
          if (sum !== 100) out.push(ctx.finding('MB0002', vs, [`${kind}[${i}] (${route.length} destinations)`, sum], `spec/${kind}[${i}]/route`));
        });
      }
    }
    return out;
  },
};

export const gatewayHostConflictAnalyzer: Analyzer = {
  name: 'meshboard.GatewayHostConflictAnalyzer',
  description: 'Checks that no two VirtualServices bind the same host to the same gateway',
  codes: ['MB0004'],
  run(ctx) {
    const byKey = new Map<string, { gw: string; host: string; vss: K8sObject[] }>();
    for (const vs of ctx.istio('VirtualService')) {
      const spec = specOf(vs);
      const ns = nsOf(vs);
      const hosts = [...new Set(stringList(spec.hosts).map((h) => toFqdn(ns, h, ctx.domainSuffix)))];
      for (const g of new Set(stringList(spec.gateways))) {
        if (g === MESH_GATEWAY) continue;
        const gw = fullNameString(shortOrFullName(ns, g));
        for (const h of hosts) {
          const key = `${gw}\u0000${h}`;
          let e = byKey.get(key);
          if (!e) byKey.set(key, (e = { gw, host: h, vss: [] }));
          e.vss.push(vs);
        }
      }
    }
    const out: Finding[] = [];
    for (const e of byKey.values()) {
      if (e.vss.length < 2) continue;
      const names = e.vss.map((v) => fullNameString({ namespace: nsOf(v), name: v.metadata.name })).join(', ');
      for (const vs of e.vss) out.push(ctx.finding('MB0004', vs, [names, e.host, e.gw], 'spec/hosts'));
    }
    return out;
  },
};

export const policySelectorAnalyzer: Analyzer = {
  name: 'meshboard.PolicySelectorAnalyzer',
  description: 'Checks that PeerAuthentication and RequestAuthentication selectors match a workload',
  codes: ['MB0005'],
  run(ctx) {
    // Without any workload in the input there is nothing to judge selectors against.
    if (!ctx.workloads.some((w) => !ctx.isDefault(w.obj))) return [];
    const out: Finding[] = [];
    for (const kind of ['PeerAuthentication', 'RequestAuthentication']) {
      for (const p of ctx.istio(kind)) {
        const spec = specOf(p);
        if (spec.targetRef || asArray(spec.targetRefs).length) continue;
        const sel = asLabels(asRecord(spec.selector).matchLabels);
        if (!Object.keys(sel).length) continue;
        const ns = nsOf(p);
        const pool = ns === ctx.rootNamespace ? ctx.workloads : (ctx.workloadsByNamespace.get(ns) ?? []);
        if (!pool.some((w) => containsLabels(w.labels, sel))) out.push(ctx.finding('MB0005', p, [selectorString(sel), kind, ns], 'spec/selector/matchLabels'));
      }
    }
    return out;
  },
};

export const duplicateDestinationRuleAnalyzer: Analyzer = {
  name: 'meshboard.DuplicateDestinationRuleAnalyzer',
  description: 'Checks that one host has one DestinationRule per namespace',
  codes: ['MB0006'],
  run(ctx) {
    const byHost = new Map<string, K8sObject[]>();
    for (const dr of ctx.istio('DestinationRule')) {
      const spec = specOf(dr);
      if (spec.workloadSelector) continue;
      const key = `${nsOf(dr)}\u0000${toFqdn(nsOf(dr), str(spec.host), ctx.domainSuffix)}`;
      let l = byHost.get(key);
      if (!l) byHost.set(key, (l = []));
      l.push(dr);
    }
    const out: Finding[] = [];
    for (const [key, list] of byHost) {
      if (list.length < 2) continue;
      const names = list.map((d) => fullNameString({ namespace: nsOf(d), name: d.metadata.name })).join(', ');
      const host = key.split('\u0000')[1] ?? '';
      for (const dr of list) out.push(ctx.finding('MB0006', dr, [names, host], 'spec/host'));
    }
    return out;
  },
};

export const unusedSubsetAnalyzer: Analyzer = {
  name: 'meshboard.UnusedSubsetAnalyzer',
  description: 'Lists DestinationRule subsets that no VirtualService routes to',
  codes: ['MB0007'],
  optIn: true,
  run(ctx) {
    const used = new Set<string>();
    for (const vs of ctx.istio('VirtualService')) {
      for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
        if (!d.subset) continue;
        const n = resourceNameFromHost(nsOf(vs), d.host, ctx.domainSuffix);
        used.add(`${n.namespace}/${n.name}#${d.subset}`);
      }
    }
    const out: Finding[] = [];
    for (const dr of ctx.istio('DestinationRule')) {
      const spec = specOf(dr);
      const ns = nsOf(dr);
      const n = resourceNameFromHost(ns, toFqdn(ns, str(spec.host), ctx.domainSuffix), ctx.domainSuffix);
      asArray(spec.subsets).forEach((s, i) => {
        const name = str(asRecord(s).name);
        if (!used.has(`${n.namespace}/${n.name}#${name}`)) out.push(ctx.finding('MB0007', dr, [name, str(spec.host)], `spec/subsets[${i}]/name`));
      });
    }
    return out;
  },
};

export const meshboardAnalyzers: Analyzer[] = [
  routeWeightsAnalyzer,
  gatewayHostConflictAnalyzer,
  policySelectorAnalyzer,
  duplicateDestinationRuleAnalyzer,
  unusedSubsetAnalyzer,
];
