/**
 * Conflicting mTLS (MB0003, after Kiali's KIA0201-0206 family): a DestinationRule that sends
 * plaintext (tls.mode DISABLE) to workloads whose effective PeerAuthentication is STRICT,
 * or mutual TLS (ISTIO_MUTUAL) to workloads whose PeerAuthentication is DISABLE.
 *
 * The effective mode of a workload is the most specific PeerAuthentication: one whose
 * selector matches it in its namespace, else the namespace-wide one, else the mesh-wide
 * one in the root namespace, else PERMISSIVE; UNSET inherits from the next level.
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asLabels, asRecord, containsLabels, nsOf, specOf, str, type AnalysisContext, type Labels } from '../context';
import { hostRegistry, stringList } from '../host-registry';
import type { Analyzer } from '../types';
import { fullNameString } from './virtualservice';

interface EffectiveMode {
  mode: string;
  pa?: K8sObject;
}

function paMode(pa: K8sObject): string {
  return str(asRecord(specOf(pa).mtls).mode) || 'UNSET';
}

function paSelector(pa: K8sObject): Labels | undefined {
  const s = specOf(pa).selector;
  if (s === undefined || s === null) return undefined;
  const l = asLabels(asRecord(s).matchLabels);
  return Object.keys(l).length ? l : undefined;
}

class PeerAuthIndex {
  private readonly nsWide = new Map<string, K8sObject>();
  /** Selector PeerAuthentications by namespace, each with its selector and mode read once. */
  private readonly selected = new Map<string, Array<{ selector: Labels; mode: string; pa: K8sObject }>>();
  private readonly nsModes = new Map<string, EffectiveMode>();
  private readonly workloadModes = new Map<string, Map<Labels, EffectiveMode>>();

  constructor(private readonly ctx: AnalysisContext) {
    for (const pa of ctx.istio('PeerAuthentication')) {
      const ns = nsOf(pa);
      const selector = paSelector(pa);
      if (selector) {
        let l = this.selected.get(ns);
        if (!l) this.selected.set(ns, (l = []));
        l.push({ selector, mode: paMode(pa), pa });
      } else if (!this.nsWide.has(ns)) {
        this.nsWide.set(ns, pa);
      }
    }
  }

  /** Mode for the namespace level (no workload known). */
  namespaceMode(ns: string): EffectiveMode {
    let m = this.nsModes.get(ns);
    if (!m) this.nsModes.set(ns, (m = this.readNamespaceMode(ns)));
    return m;
  }

  private readNamespaceMode(ns: string): EffectiveMode {
    const chain = [this.nsWide.get(ns), ns !== this.ctx.rootNamespace ? this.nsWide.get(this.ctx.rootNamespace) : undefined];
    for (const pa of chain) if (pa && paMode(pa) !== 'UNSET') return { mode: paMode(pa), pa };
    return { mode: 'PERMISSIVE' };
  }

  /** The mode of a workload of `ns` with these labels (a workload's labels object: the answer is kept per object). */
  workloadMode(ns: string, labels: Labels): EffectiveMode {
    let byLabels = this.workloadModes.get(ns);
    if (!byLabels) this.workloadModes.set(ns, (byLabels = new Map()));
    let m = byLabels.get(labels);
    if (!m) byLabels.set(labels, (m = this.readWorkloadMode(ns, labels)));
    return m;
  }

  private readWorkloadMode(ns: string, labels: Labels): EffectiveMode {
    for (const s of this.selected.get(ns) ?? []) {
      if (containsLabels(labels, s.selector) && s.mode !== 'UNSET') return { mode: s.mode, pa: s.pa };
    }
    return this.namespaceMode(ns);
  }
}

function conflicts(clientMode: string, serverMode: string): boolean {
  if (clientMode === 'DISABLE') return serverMode === 'STRICT';
  if (clientMode === 'ISTIO_MUTUAL') return serverMode === 'DISABLE';
  return false;
}

export const conflictingMtlsAnalyzer: Analyzer = {
  name: 'meshboard.ConflictingMtlsAnalyzer',
  description: 'Finds DestinationRules whose TLS mode contradicts the PeerAuthentication of the workloads they send to',
  codes: ['MB0003'],
  run(ctx) {
    if (ctx.istio('PeerAuthentication').length === 0) return [];
    const pas = new PeerAuthIndex(ctx);
    const reg = hostRegistry(ctx);
    const out: Finding[] = [];
    for (const dr of ctx.istio('DestinationRule')) {
      const spec = specOf(dr);
      const host = str(spec.host);
      const tp = asRecord(spec.trafficPolicy);
      const settings: Array<{ mode: string; path: string }> = [];
      const top = str(asRecord(tp.tls).mode);
      if (top) settings.push({ mode: top, path: 'spec/trafficPolicy/tls/mode' });
      asArray(tp.portLevelSettings).forEach((p, i) => {
        const m = str(asRecord(asRecord(p).tls).mode);
        if (m) settings.push({ mode: m, path: `spec/trafficPolicy/portLevelSettings[${i}]/tls/mode` });
      });
      if (!settings.some((s) => s.mode === 'DISABLE' || s.mode === 'ISTIO_MUTUAL')) continue;
      const entry = reg.lookup(nsOf(dr), stringList(spec.exportTo), host);
      if (!entry || entry.kind !== 'Service') continue;
      const svcNs = nsOf(entry.obj);
      const sel = entry.serviceSelector ?? {};
      const workloads = Object.keys(sel).length ? ctx.workloadsSelected(svcNs, sel) : [];
      const modes: EffectiveMode[] = workloads.length ? workloads.map((w) => pas.workloadMode(svcNs, w.labels)) : [pas.namespaceMode(svcNs)];
      for (const s of settings) {
        const bad = modes.find((m) => conflicts(s.mode, m.mode));
        if (!bad) continue;
        const paName = bad.pa ? fullNameString({ namespace: nsOf(bad.pa), name: bad.pa.metadata.name }) : '(default)';
        out.push(ctx.finding('MB0003', dr, [fullNameString({ namespace: nsOf(dr), name: dr.metadata.name }), s.mode, host, paName, bad.mode], s.path));
      }
    }
    return out;
  },
};

export const mtlsAnalyzers: Analyzer[] = [conflictingMtlsAnalyzer];
