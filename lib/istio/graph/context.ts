/**
 * What the stages of buildGraph share: the inputs and the two models (data plane,
 * Gateway API), the node and edge maps being built, and the indexes each stage leaves
 * for the next (gateway workloads, version groups, services, hosts). Pure.
 */
import { dataPlaneModel, type DataPlaneModel } from '../dataplane';
import { gatewayApiModel, type GatewayApiModel } from '../gatewayapi';
import { fqdn, hostMatches } from '../hosts';
import type { MeshResources } from '../resources';
import { ipInBlock } from '../security/authz';
import { rootNamespaceOf } from '../security/common';
import type { Service } from '../types';
import type { ExternalNode, GraphEdge, GraphNode, ServiceNode, VersionNode, WorkloadNode } from './types';
import { collectWorkloads, type Workload } from './workloads';

/** Workloads drawn as one node: a version (app+version labels) or a single workload. */
export interface Group {
  id: string;
  namespace: string;
  workloads: Workload[];
  node: VersionNode | WorkloadNode;
}

export interface SvcInfo {
  svc: Service;
  node: ServiceNode;
  groups: Group[];
}

export type Target = { kind: 'service'; info: SvcInfo } | { kind: 'external'; node: ExternalNode };

export interface BuildContext {
  resources: MeshResources;
  root: string;
  versionLabels: Array<[string, string]>;
  dataPlane: DataPlaneModel;
  gatewayApi: GatewayApiModel;
  workloads: Workload[];
  nodes: Map<string, GraphNode>;
  edges: Map<string, GraphEdge>;
  /** Workloads drawn as gateway or waypoint nodes (not as versions). */
  proxyWorkloads: Set<Workload>;
  /** "ns/name" of an Istio Gateway resource -> gateway node ids. */
  gatewayNodesOf: Map<string, string[]>;
  /** Gateway node id -> namespaces of the Gateway resources configuring it (for scoping). */
  gatewayNamespaces: Map<string, Set<string>>;
  groups: Map<string, Group>;
  groupsByNs: Map<string, Group[]>;
  groupOfWorkload: Map<Workload, Group>;
  services: SvcInfo[];
  svcByHost: Map<string, SvcInfo>;
  /** "ns/name" -> service. */
  svcByKey: Map<string, SvcInfo>;
  seByHost: Map<string, ExternalNode>;
  seByKey: Map<string, ExternalNode>;
  seWildcards: Array<{ host: string; node: ExternalNode }>;
  seAddresses: Array<{ block: string; node: ExternalNode }>;
  warn(n: GraphNode, w: string): void;
  addEdge(e: GraphEdge): GraphEdge;
  resolveHost(host: string, fromNs: string): Target | undefined;
  targetId(t: Target): string;
}

function isIp(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h);
}

export function createContext(resources: MeshResources, versionLabels: Array<[string, string]>): BuildContext {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const ctx: BuildContext = {
    resources,
    root: rootNamespaceOf(resources),
    versionLabels,
    dataPlane: dataPlaneModel(resources),
    gatewayApi: gatewayApiModel(resources),
    workloads: collectWorkloads(resources),
    nodes,
    edges,
    proxyWorkloads: new Set(),
    gatewayNodesOf: new Map(),
    gatewayNamespaces: new Map(),
    groups: new Map(),
    groupsByNs: new Map(),
    groupOfWorkload: new Map(),
    services: [],
    svcByHost: new Map(),
    svcByKey: new Map(),
    seByHost: new Map(),
    seByKey: new Map(),
    seWildcards: [],
    seAddresses: [],
    warn(n, w) {
      if (!(n.warnings ??= []).includes(w)) n.warnings.push(w);
    },
    addEdge(e) {
      const existing = edges.get(e.id);
      if (existing) {
        if (e.weight !== undefined) existing.weight = (existing.weight ?? 0) + e.weight;
        for (const ev of e.evidence) if (!existing.evidence.includes(ev)) existing.evidence.push(ev);
        for (const b of e.basis ?? []) if (!existing.basis?.includes(b)) (existing.basis ??= []).push(b);
        for (const r of e.refs) if (!existing.refs.some((x) => x.resource === r.resource && x.path === r.path)) existing.refs.push(r);
        return existing;
      }
      edges.set(e.id, e);
      return e;
    },
    resolveHost(host, fromNs) {
      const h = fqdn(host, fromNs);
      const svc = ctx.svcByHost.get(h);
      if (svc) return { kind: 'service', info: svc };
      const se = ctx.seByHost.get(h);
      if (se) return { kind: 'external', node: se };
      if (isIp(h)) {
        const hit = ctx.seAddresses.find((a) => ipInBlock(a.block, h));
        return hit ? { kind: 'external', node: hit.node } : undefined;
      }
      const wc = ctx.seWildcards.find((w) => hostMatches(w.host, h));
      return wc ? { kind: 'external', node: wc.node } : undefined;
    },
    targetId(t) {
      return t.kind === 'service' ? t.info.node.id : t.node.id;
    },
  };
  return ctx;
}

/** Add a group to the namespace index. */
export function registerGroup(ctx: BuildContext, g: Group): void {
  ctx.groups.set(g.id, g);
  ctx.nodes.set(g.id, g.node);
  const l = ctx.groupsByNs.get(g.namespace) ?? [];
  l.push(g);
  ctx.groupsByNs.set(g.namespace, l);
}
