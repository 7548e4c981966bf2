/**
 * The shared shape of "per namespace, a resource with a workload selector must select
 * something, two must not select the same pod, and only one may have no selector" that
 * istioctl applies to Sidecar and Telemetry.
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { containsLabels, nsOf, selectorString, type AnalysisContext, type Labels, type Workload } from '../context';

export interface SelectorCheck {
  /** undefined: the resource has no selector field at all; {}: present but empty. */
  selector(obj: K8sObject): Labels | undefined;
  selectorPath: string;
  notFoundCode: string; // IST0101
  conflictCode: string; // IST0110 / IST0159
}

/** IST0101 for selectors matching nothing and conflict findings for pods selected twice. */
export function selectorFindings(ctx: AnalysisContext, objs: readonly K8sObject[], check: SelectorCheck, matched?: Map<K8sObject, Workload[]>): Finding[] {
  const out: Finding[] = [];
  const podTo = new Map<Workload, K8sObject[]>();
  for (const o of objs) {
    const sel = check.selector(o);
    if (!sel || Object.keys(sel).length === 0) continue;
    const ns = nsOf(o);
    const hits = (ctx.workloadsByNamespace.get(ns) ?? []).filter((w) => containsLabels(w.labels, sel));
    matched?.set(o, hits);
    if (hits.length === 0) {
      out.push(ctx.finding(check.notFoundCode, o, ['selector', selectorString(sel)], check.selectorPath));
      continue;
    }
    for (const w of hits) {
      let l = podTo.get(w);
      if (!l) podTo.set(w, (l = []));
      l.push(o);
    }
  }
  for (const [w, list] of podTo) {
    if (list.length < 2) continue;
    const names = list.map((o) => o.metadata.name);
    for (const o of list) out.push(ctx.finding(check.conflictCode, o, [names, w.namespace, w.name], 'metadata/name'));
  }
  return out;
}

/** One finding per resource when a namespace has more than one selector-less resource of the kind. */
export function defaultSelectorFindings(ctx: AnalysisContext, objs: readonly K8sObject[], code: string): Finding[] {
  const byNs = new Map<string, K8sObject[]>();
  for (const o of objs) {
    const ns = nsOf(o);
    let l = byNs.get(ns);
    if (!l) byNs.set(ns, (l = []));
    l.push(o);
  }
  const out: Finding[] = [];
  for (const [ns, list] of byNs) {
    if (list.length < 2) continue;
    const names = list.map((o) => o.metadata.name);
    for (const o of list) out.push(ctx.finding(code, o, [names, ns], 'metadata/name'));
  }
  return out;
}
