/**
 * DestinationRule analyzers, as istioctl defines them: TLS origination without CA
 * certificates (IST0128, IST0129), a host that matches no service (IST0174) and subsets
 * that select no pods (IST0173).
 */
import type { Finding } from '../../findings';
import { asArray, asLabels, asRecord, containsLabels, nsOf, specOf, str, type Labels } from '../context';
import { hostRegistry, stringList } from '../host-registry';
import type { Analyzer } from '../types';
import { fullNameString } from './virtualservice';

function needsCa(tls: Record<string, unknown>, hasWorkloadSelector: boolean): string | undefined {
  const mode = str(tls.mode);
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
  if (str(tls.caCertificates)) return undefined;
  if (tls.insecureSkipVerify === true) return undefined;
  // With a workload selector (egress gateway), the CA comes from the credentialName secret.
  if (str(tls.credentialName) && hasWorkloadSelector) return undefined;
  return mode;
}

export const caCertificateAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  codes: ['IST0128', 'IST0129'],
  run(ctx) {
    const out: Finding[] = [];
    for (const dr of ctx.istio('DestinationRule')) {
      const spec = specOf(dr);
      const tp = asRecord(spec.trafficPolicy);
      const hasSel = Object.keys(asRecord(spec.workloadSelector)).length > 0;
      const name = fullNameString({ namespace: nsOf(dr), name: dr.metadata.name });
      const host = str(spec.host);
      const mode = needsCa(asRecord(tp.tls), hasSel);
      if (mode) out.push(ctx.finding('IST0128', dr, [name, nsOf(dr), mode, host], 'spec/trafficPolicy/tls/mode'));
      asArray(tp.portLevelSettings).forEach((p, i) => {
        const pr = asRecord(p);
        const m = needsCa(asRecord(pr.tls), hasSel);
        if (!m) return;
        const num = asRecord(pr.port).number;
        out.push(
          ctx.finding(
            'IST0129',
            dr,
            [name, nsOf(dr), m, host, num === undefined ? '' : `number:${num}`],
            `spec/trafficPolicy/portLevelSettings[${i}]/tls/mode`,
          ),
        );
      });
    }
    return out;
  },
};

const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

export const subsetSelectPodAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  aliases: ['destinationrule.PodNotSelectedAnalyzer'],
  description: 'Checks if pods are selected by subsets in destination rules.',
  codes: ['IST0173', 'IST0174'],
  run(ctx) {
    const reg = hostRegistry(ctx);
    const nodeLabels = new Map<string, Labels>();
    for (const n of ctx.core('Node')) nodeLabels.set(n.metadata.name, asLabels(n.metadata.labels));
    // Workload labels, augmented with the topology labels of their node (as the registry does for endpoints).
    const labelSets = ctx.cached('dr.workloadLabels', () =>
      ctx.workloads.map((w) => {
        const nodeName = str(w.spec.nodeName);
        const nl = nodeName ? nodeLabels.get(nodeName) : undefined;
        if (!nl) return w.labels;
        const l: Labels = { ...w.labels };
        for (const k of TOPOLOGY_LABELS) if (nl[k]) l[k] = nl[k] as string; // an empty node label does not locate the pod
        l['kubernetes.io/hostname'] = nodeName;
        return l;
      }),
    );
    // Whether some workload has these labels, once per selector (most subsets repeat a few, such as version=v1).
    const selects = new Map<string, boolean>();
    const out: Finding[] = [];
    for (const dr of ctx.istio('DestinationRule')) {
      const spec = specOf(dr);
      const host = str(spec.host);
      const entry = reg.lookup(nsOf(dr), stringList(spec.exportTo), host);
      if (!entry && host.startsWith('*')) {
        // A wildcard host that covers registered services is not unknown.
        if (reg.matchingAny(host).length > 0) continue;
      }
      if (!entry) {
        out.push(ctx.finding('IST0174', dr, [host], 'spec/host'));
        continue;
      }
      const base = entry.workloadSelector ?? {};
      asArray(spec.subsets).forEach((ss, i) => {
        const s = asRecord(ss);
        const sel = { ...base, ...asLabels(s.labels) };
        const key = JSON.stringify(sel);
        let any = selects.get(key);
        if (any === undefined) selects.set(key, (any = labelSets.some((l) => containsLabels(l, sel))));
        if (!any) {
          out.push(ctx.finding('IST0173', dr, [str(s.name)], `spec/subsets[${i}]/labels`));
        }
      });
    }
    return out;
  },
};

export const destinationRuleAnalyzers: Analyzer[] = [caCertificateAnalyzer, subsetSelectPodAnalyzer];
