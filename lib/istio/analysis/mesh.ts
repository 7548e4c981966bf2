/**
 * Who is in the mesh as istioctl's analyzers read it (pkg/config/analysis/analyzers/util/in_mesh.go).
 * These deliberately mirror istioctl's simplified reading, so IST findings match
 * istioctl's; the console's own decisions (graph, forms, Overview, MB checks) come from
 * the data-plane model in lib/istio/dataplane.ts, whose label names these share. The one
 * exception is a controller template standing for pods that are not in the input (files):
 * the model predicts whether istio-cni would capture them. Pure.
 */
import type { AnalysisContext, Labels, Workload } from './context';
import { asArray, asRecord, str } from './context';
import { AMBIENT_REDIRECTION, DATAPLANE_MODE_LABEL, INJECTION_LABEL, ISTIO_PROXY, REVISION_LABEL, SIDECAR_INJECT } from '../dataplane';
import { mayBeAmbient, workloadDataPlaneOf } from './models';

export { AMBIENT_REDIRECTION, DATAPLANE_MODE_LABEL, INJECTION_LABEL, ISTIO_PROXY, REVISION_LABEL, SIDECAR_INJECT };

function runsIstioProxy(containers: unknown): boolean {
  for (const c of asArray(containers)) {
    const r = asRecord(c);
    if (r.name === ISTIO_PROXY && str(r.image)) return true;
  }
  return false;
}

export function hasIstioProxy(w: Workload): boolean {
  return runsIstioProxy(w.spec.containers) || runsIstioProxy(w.spec.initContainers);
}

/** util.NamespaceInAmbientMode. */
export function namespaceInAmbient(labels: Labels | undefined): boolean {
  if (!labels) return false;
  if (labels[INJECTION_LABEL] === 'enabled') return false;
  if (labels[REVISION_LABEL]) return false;
  return labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * util.PodInAmbientMode for a Pod (istio-cni's annotation ambient.istio.io/redirection=enabled);
 * for a controller template, whether the data-plane model predicts its pods are captured.
 */
export function workloadInAmbient(ctx: AnalysisContext, w: Workload): boolean {
  if (w.annotations[AMBIENT_REDIRECTION] === 'enabled') return true;
  if (w.isPod || !mayBeAmbient(ctx, w)) return false;
  const d = workloadDataPlaneOf(ctx, w);
  return !d.proxy && d.mode === 'ambient';
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
