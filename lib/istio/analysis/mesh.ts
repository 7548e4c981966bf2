/** Who is in the mesh: sidecar injection and ambient enrolment, as istioctl's util reads them. Pure. */
import type { AnalysisContext, Labels, Workload } from './context';
import { asArray, asRecord, str } from './context';

export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const ISTIO_PROXY = 'istio-proxy';

export function hasIstioProxy(w: Workload): boolean {
  for (const c of [...asArray(w.spec.containers), ...asArray(w.spec.initContainers)]) {
    const r = asRecord(c);
    if (r.name === ISTIO_PROXY && str(r.image)) return true;
  }
  return false;
}

export function namespaceInAmbient(labels: Labels | undefined): boolean {
  if (!labels) return false;
  if (labels[INJECTION_LABEL] === 'enabled') return false;
  if (labels[REVISION_LABEL]) return false;
  return labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

export function workloadInAmbient(ctx: AnalysisContext, w: Workload): boolean {
  if (w.annotations[AMBIENT_REDIRECTION] === 'enabled') return true;
  // A controller template in an ambient namespace will be enrolled (its pods get the annotation).
  if (!w.isPod && !hasIstioProxy(w) && w.labels[DATAPLANE_MODE_LABEL] !== 'none') return namespaceInAmbient(ctx.namespaceLabels(w.namespace));
  return false;
}

/** util.PodInMesh: has a proxy, asks for one, or lives in an injected (or ambient) namespace. */
export function workloadInMesh(ctx: AnalysisContext, w: Workload): boolean {
  if (hasIstioProxy(w)) return true;
  if (workloadInAmbient(ctx, w)) return true;
  const l = w.labels[SIDECAR_INJECT];
  if (l !== undefined) return l === 'true';
  const a = w.annotations[SIDECAR_INJECT];
  if (a !== undefined) return a === 'true';
  const ns = ctx.namespaceLabels(w.namespace);
  if (ns) return ns[INJECTION_LABEL] === 'enabled' || !!ns[REVISION_LABEL];
  return false;
}
