/**
 * Sidecar analyzers, as istioctl defines them: selectors that match no pod (IST0101), pods
 * selected by two Sidecars (IST0110), more than one selector-less Sidecar in a namespace
 * (IST0111), and Sidecars that cannot apply because the workloads are in ambient mode (IST0167).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asLabels, asRecord, nsOf, specOf, type Workload } from '../context';
import { namespaceInAmbient, workloadInAmbient } from '../mesh';
import type { Analyzer } from '../types';
import { defaultSelectorFindings, selectorFindings } from './selectors';

function workloadSelector(o: K8sObject): Record<string, string> | undefined {
  const ws = specOf(o).workloadSelector;
  if (ws === undefined || ws === null) return undefined;
  return asLabels(asRecord(ws).labels);
}

export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.SelectorAnalyzer',
  aliases: ['sidecar.DefaultSelectorAnalyzer'],
  description:
    'Validates that sidecars that define a workload selector match at least one pod, that there are no multiple sidecar resources that select overlapping pods or none, and that they apply to sidecar workloads',
  codes: ['IST0101', 'IST0110', 'IST0111', 'IST0167'],
  run(ctx) {
    const sidecars = ctx.istio('Sidecar');
    const matched = new Map<K8sObject, Workload[]>();
    const out: Finding[] = selectorFindings(
      ctx,
      sidecars,
      {
        selector: workloadSelector,
        selectorPath: 'spec/workloadSelector/labels',
        notFoundCode: 'IST0101',
        conflictCode: 'IST0110',
      },
      matched,
    );
    out.push(
      ...defaultSelectorFindings(
        ctx,
        sidecars.filter((s) => workloadSelector(s) === undefined),
        'IST0111',
      ),
    );
    for (const s of sidecars) {
      const sel = workloadSelector(s);
      if (sel === undefined || Object.keys(sel).length === 0) {
        if (namespaceInAmbient(ctx.namespaceLabels(nsOf(s)))) {
          out.push(ctx.finding('IST0167', s, ['namespace is in ambient mode, the policy has no impact']));
        }
        continue;
      }
      const hits = matched.get(s) ?? [];
      if (hits.length > 0 && hits.every((w) => workloadInAmbient(ctx, w))) {
        out.push(ctx.finding('IST0167', s, ['selected workload is in ambient mode, the policy has no impact'], 'spec/workloadSelector'));
      }
    }
    return out;
  },
};

export const sidecarAnalyzers: Analyzer[] = [sidecarSelectorAnalyzer];
