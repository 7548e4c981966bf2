/**
 * The two domain models the ambient and Gateway API checks read, built once per analysis
 * run from the context's objects: the data-plane model (lib/istio/dataplane.ts: sidecar,
 * ambient or none per workload, Istio's own proxies, waypoint bindings) and the Gateway
 * API model (lib/istio/gatewayapi: route attachment, backends, listeners). The analyzers
 * never decide those things themselves. Pure.
 */
import { dataPlaneModel, podMeta, type DataPlaneModel, type PodMeta, type WorkloadDataPlane } from '../dataplane';
import { gatewayApiModel, type GatewayApiModel } from '../gatewayapi';
import { indexResources, type MeshResources } from '../resources';
import type { Container, Pod, Service } from '../types';
import { asArray, asLabels, containsLabels, nsOf, specOf, type AnalysisContext, type Workload } from './context';
import type { K8sObject } from '../types';

export function meshResourcesOf(ctx: AnalysisContext): MeshResources {
  return ctx.cached('models.meshResources', () => indexResources(ctx.objects, ctx.meshConfig));
}

export function dataPlaneOf(ctx: AnalysisContext): DataPlaneModel {
  return ctx.cached('models.dataPlane', () => dataPlaneModel(meshResourcesOf(ctx)));
}

export function gatewayApiOf(ctx: AnalysisContext): GatewayApiModel {
  return ctx.cached('models.gatewayApi', () => gatewayApiModel(meshResourcesOf(ctx)));
}

function metaOf(w: Workload): PodMeta {
  if (w.isPod) return podMeta(w.obj as Pod);
  return {
    labels: w.labels,
    annotations: w.annotations,
    containers: asArray(w.spec.containers) as Container[],
    initContainers: asArray(w.spec.initContainers) as Container[],
    hostNetwork: w.spec.hostNetwork === true,
  };
}

/** The data plane of one workload of the context: a running Pod as observed, a controller template as predicted. */
export function workloadDataPlaneOf(ctx: AnalysisContext, w: Workload): WorkloadDataPlane {
  const memo = ctx.cached('models.workloadDataPlane', () => new Map<Workload, WorkloadDataPlane>());
  let d = memo.get(w);
  if (!d) {
    const meta = metaOf(w);
    memo.set(w, (d = dataPlaneOf(ctx).workload(w.namespace, meta, w.isPod ? [meta] : [])));
  }
  return d;
}

/** Ambient-captured (ztunnel) and not one of Istio's own proxies. */
export function isAmbientWorkload(ctx: AnalysisContext, w: Workload): boolean {
  const d = workloadDataPlaneOf(ctx, w);
  return !d.proxy && d.mode === 'ambient';
}

/** The workloads (pods, or templates standing for them) a Service selects. */
export function serviceWorkloads(ctx: AnalysisContext, svc: K8sObject | Service): Workload[] {
  const sel = asLabels(specOf(svc as K8sObject).selector);
  if (!Object.keys(sel).length) return [];
  return (ctx.workloadsByNamespace.get(nsOf(svc as K8sObject)) ?? []).filter((w) => containsLabels(w.labels, sel));
}

export type ServicePlane = 'ambient' | 'sidecar' | 'none' | 'unknown';

/**
 * How the workloads behind a Service are served: ambient when any of them is captured by
 * ztunnel, else sidecar when any runs one, else none. A Service whose workloads are not in
 * the input (a folder of Services and routes) takes its namespace's mode when the
 * Namespace is known, else "unknown".
 */
export function servicePlane(ctx: AnalysisContext, svc: K8sObject | Service): { plane: ServicePlane; workloads: Workload[] } {
  const all = serviceWorkloads(ctx, svc).filter((w) => !workloadDataPlaneOf(ctx, w).proxy);
  if (all.length) {
    const modes = new Set(all.map((w) => workloadDataPlaneOf(ctx, w).mode));
    return { plane: modes.has('ambient') ? 'ambient' : modes.has('sidecar') ? 'sidecar' : 'none', workloads: all };
  }
  const ns = nsOf(svc as K8sObject);
  if (!ctx.namespaces.has(ns)) return { plane: 'unknown', workloads: [] };
  return { plane: dataPlaneOf(ctx).namespace(ns).mode, workloads: [] };
}
