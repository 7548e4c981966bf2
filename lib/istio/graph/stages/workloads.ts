/**
 * Stage 2 of buildGraph: version and workload nodes. Workloads that are not Istio
 * proxies are grouped by the first label pair of `versionLabels` whose app key they
 * carry ("ver:ns/app/version"); workloads without any app key stay single
 * ("wl:ns/name"). Each node carries its data plane (from the data-plane model), its
 * effective mTLS and, for workload-addressed traffic, its waypoint. Pure.
 */
import { effectiveMtls } from '../../security/mtls';
import { registerGroup, type BuildContext, type Group } from '../context';
import { commonLabels, mtlsSummary } from '../describe';
import type { DataPlaneInfo, SidecarInfo, VersionNode, WorkloadNode } from '../types';
import { dataPlaneInfo, versionKey, type Workload } from '../workloads';
import { workloadRef } from './gateways';

const COVERAGE = { none: 0, ambient: 1, sidecar: 2 } as const;

/** A node's data plane: the least covered of its workloads (pod counts added up). */
function groupDataPlane(ws: readonly Workload[]): DataPlaneInfo {
  let least = ws[0]!.dataPlane;
  for (const w of ws) if (COVERAGE[w.dataPlane.mode] < COVERAGE[least.mode]) least = w.dataPlane;
  const info = dataPlaneInfo(least);
  if (ws.length > 1) {
    const modes = new Set(ws.map((w) => w.dataPlane.mode));
    if (modes.size > 1) info.reason = `workloads differ (${ws.map((w) => `${w.name}: ${w.dataPlane.mode}`).join(', ')}): counted as the least covered`;
    const counted = ws.filter((w) => w.dataPlane.pods);
    if (counted.length) {
      info.pods = { total: 0, sidecar: 0, ambient: 0, none: 0 };
      for (const w of counted) for (const k of ['total', 'sidecar', 'ambient', 'none'] as const) info.pods[k] += w.dataPlane.pods![k];
    }
    info.restartNeeded = ws.some((w) => w.dataPlane.restartNeeded);
  }
  return info;
}

function sidecarOf(ws: readonly Workload[]): SidecarInfo {
  const injected = ws.filter((w) => w.sidecar.injected);
  if (injected.length === ws.length) return { injected: true, reason: ws[0]?.sidecar.reason ?? '' };
  if (injected.length === 0) return { injected: false, reason: ws[0]?.sidecar.reason ?? '' };
  return { injected: false, reason: `only ${injected.length} of ${ws.length} workloads have a sidecar (${injected.map((w) => w.name).join(', ')})` };
}

export function workloadGroups(ctx: BuildContext): void {
  for (const w of ctx.workloads) {
    if (ctx.proxyWorkloads.has(w) || w.dataPlane.proxy === 'ztunnel') continue;
    const vk = versionKey(w.labels, ctx.versionLabels);
    const id = vk ? `ver:${w.namespace}/${vk.app}${vk.version ? `/${vk.version}` : ''}` : `wl:${w.namespace}/${w.name}`;
    let g = ctx.groups.get(id);
    if (!g) {
      const base = {
        label: '',
        namespace: w.namespace,
        workloads: [],
        labels: {},
        serviceAccounts: [],
        inMesh: false,
        sidecar: { injected: false, reason: '' },
        dataPlane: dataPlaneInfo(w.dataPlane),
        mtls: { mode: 'PERMISSIVE' as const, level: 'default' as const, reason: '' },
        services: [],
        refs: [],
      };
      const node: VersionNode | WorkloadNode = vk
        ? { id, kind: 'version', ...base, label: vk.version ? `${vk.app} ${vk.version}` : vk.app, app: vk.app, version: vk.version, labelKeys: vk.keys }
        : { id, kind: 'workload', ...base, label: w.name, name: w.name };
      g = { id, namespace: w.namespace, workloads: [], node };
      registerGroup(ctx, g);
    }
    g.workloads.push(w);
    ctx.groupOfWorkload.set(w, g);
  }
  for (const g of ctx.groups.values()) finishGroup(ctx, g);
}

function finishGroup(ctx: BuildContext, g: Group): void {
  const n = g.node;
  n.workloads = g.workloads.map(workloadRef);
  n.labels = commonLabels(g.workloads);
  n.serviceAccounts = [...new Set(g.workloads.map((w) => w.serviceAccount))].sort();
  n.dataPlane = groupDataPlane(g.workloads);
  n.sidecar = sidecarOf(g.workloads);
  n.inMesh = n.dataPlane.mode !== 'none';
  n.mtls = mtlsSummary(effectiveMtls(ctx.resources, { namespace: g.namespace, labels: g.workloads[0]?.labels }));
  n.refs = g.workloads.map((w) => ({ resource: `${w.kind} ${w.namespace}/${w.name}` }));
  if (n.dataPlane.mode === 'ambient') {
    const b = ctx.dataPlane.workloadWaypoint(g.namespace, g.workloads[0]?.labels);
    if (b.state !== 'none')
      n.waypoint = { state: b.state, reason: b.reason, ...(b.named ? { resource: `Gateway ${b.named}`, node: b.waypoint ? `wp:${b.named}` : undefined } : {}) };
  }
  const nsd = ctx.dataPlane.namespace(g.namespace);
  if (nsd.mode === 'ambient' && n.dataPlane.mode === 'sidecar')
    ctx.warn(n, `runs a sidecar in the ambient namespace ${g.namespace}: sidecar injection takes precedence, ztunnel does not capture these pods`);
}
