/**
 * Annotation analyzers, as istioctl defines them: unknown (IST0108), misplaced (IST0107),
 * invalid (IST0125) and deprecated (IST0135) Istio annotations on Namespaces, Services,
 * Pods and Deployments; and, opt-in like istioctl's maturity.AlphaAnalyzer, alpha ones (IST0136).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asRecord, specOf } from '../context';
import type { AnalysisContext } from '../context';
import { ANNOTATION_VALIDATION, DEPRECATION_EXTRA, isIstioAnnotation, lookupAnnotation } from '../annotation-defs';
import type { Analyzer } from '../types';

const KINDS: ReadonlyArray<[string, string]> = [
  ['', 'Namespace'],
  ['', 'Service'],
  ['', 'Pod'],
  ['apps', 'Deployment'],
];

function annotated(ctx: AnalysisContext): K8sObject[] {
  const out: K8sObject[] = [];
  for (const [g, k] of KINDS) for (const o of ctx.list(g, k)) if (o.metadata.annotations && Object.keys(o.metadata.annotations).length) out.push(o);
  return out;
}

/** JSON-pointer-like path segment for an annotation key. */
function annPath(_key: string): string {
  return 'metadata/annotations';
}

export const k8sAnnotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  codes: ['IST0107', 'IST0108', 'IST0125', 'IST0135'],
  run(ctx) {
    const out: Finding[] = [];
    for (const o of annotated(ctx)) {
      for (const [ann, value] of Object.entries(o.metadata.annotations ?? {})) {
        if (!isIstioAnnotation(ann)) continue;
        const def = lookupAnnotation(ann);
        if (!def) {
          out.push(ctx.finding('IST0108', o, [ann], annPath(ann)));
          continue;
        }
        if (def.deprecated) {
          const hasLabel = ann === 'sidecar.istio.io/inject' && o.metadata.labels?.['sidecar.istio.io/inject'] !== undefined;
          if (!hasLabel) out.push(ctx.finding('IST0135', o, [ann, DEPRECATION_EXTRA[ann] ?? ''], annPath(ann)));
        }
        if (def.resources.includes('Any')) continue;
        if (!def.resources.includes(o.kind)) {
          out.push(ctx.finding('IST0107', o, [ann, def.resources.join(', ')], annPath(ann)));
          continue;
        }
        const validate = ANNOTATION_VALIDATION[ann];
        const problem = validate?.(String(value ?? ''));
        if (problem) out.push(ctx.finding('IST0125', o, [ann, problem], annPath(ann)));
      }
    }
    return out;
  },
};

/** Set by Istio itself, not by users: no point warning about their maturity. */
const SET_BY_ISTIO = new Set(['sidecar.istio.io/status', 'istio.io/rev', 'ambient.istio.io/redirection']);
/** Set by istio-cni on every pod; ignored when the pod was not injected with istio-init. */
const SET_BY_CNI = new Set([
  'sidecar.istio.io/interceptionMode',
  'traffic.sidecar.istio.io/includeInboundPorts',
  'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

export const alphaAnnotationsAnalyzer: Analyzer = {
  name: 'annotations.AlphaAnalyzer',
  aliases: ['maturity.AlphaAnalyzer'],
  description: 'Checks for alpha Istio annotations in Kubernetes resources',
  codes: ['IST0136'],
  optIn: true,
  run(ctx) {
    const out: Finding[] = [];
    for (const o of annotated(ctx)) {
      let cni = false;
      if (o.kind === 'Pod') cni = !asArray(specOf(o).initContainers).some((c) => asRecord(c).name === 'istio-init');
      for (const ann of Object.keys(o.metadata.annotations ?? {})) {
        if (!isIstioAnnotation(ann)) continue;
        const def = lookupAnnotation(ann);
        if (!def || def.status !== 'Alpha' || def.hidden) continue;
        if (SET_BY_ISTIO.has(ann)) continue;
        if (cni && SET_BY_CNI.has(ann)) continue;
        out.push(ctx.finding('IST0136', o, [ann], annPath(ann)));
      }
    }
    return out;
  },
};

export const annotationAnalyzers: Analyzer[] = [k8sAnnotationsAnalyzer, alphaAnnotationsAnalyzer];
