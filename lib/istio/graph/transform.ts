/**
 * Pure steps between the model and the layout: filter, find, focus, collapse, hash,
 * and findings. Each takes a MeshGraph and returns a new one (inputs are not changed).
 *
 *   filterGraph(graph, filter) -> MeshGraph        hide kinds / namespaces / names, keep edge kinds or traffic
 *   findNodes(graph, query) -> string[]            ids whose id, label, namespace or host match
 *   neighborhood(graph, ids, depth?) -> MeshGraph   the nodes within `depth` edges of `ids`
 *   collapseVersions(graph) -> MeshGraph            service-level view: versions folded into their service
 *   graphHash(graph) -> string                     structure hash (ids, parents, endpoints) for layout caches
 *   attachFindings(graph, findings) -> MeshGraph    Finding[] on the nodes/edges made from the resource
 */
import { compareFindings, LEVEL_ORDER, type Finding } from '../findings';
import { parsePath } from '../fieldPath';
import type { EdgeKind, EdgeMetrics, GraphEdge, GraphNode, MeshGraph, NodeKind, ResourceRef } from './types';

export interface GraphFilter {
  /** Node kinds to hide. Hiding 'namespace' removes the boxes but keeps their contents. */
  hideKinds?: NodeKind[];
  hideNamespaces?: string[];
  /** Case-insensitive substrings of id or label, or "/regex/". */
  hideNames?: string[];
  /** Keep only these edge kinds. */
  edgeKinds?: EdgeKind[];
  /** declared: edges from configuration; observed: edges with traffic; mismatch: one but not the other. */
  traffic?: 'all' | 'declared' | 'observed' | 'both' | 'declared-only' | 'observed-only' | 'mismatch';
  /** Drop nodes left without any edge (namespace boxes excepted). */
  hideIsolated?: boolean;
}

function matcher(pattern: string): (s: string) => boolean {
  const re = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (re) {
    try {
      const r = new RegExp(re[1] ?? '', (re[2] ?? '').includes('i') ? re[2] : `${re[2] ?? ''}i`);
      return (s) => r.test(s);
    } catch {
      // fall through to a substring match on the raw text
    }
  }
  const p = pattern.toLowerCase();
  return (s) => s.toLowerCase().includes(p);
}

function nodeTexts(n: GraphNode): string[] {
  const out = [n.id, n.label];
  if (n.namespace) out.push(n.namespace);
  if (n.kind === 'service') out.push(n.host);
  if (n.kind === 'external') out.push(...n.hosts, ...n.addresses);
  return out;
}

const TRAFFIC: Record<NonNullable<GraphFilter['traffic']>, (e: GraphEdge) => boolean> = {
  all: () => true,
  declared: (e) => e.declared,
  observed: (e) => e.observed,
  both: (e) => e.declared && e.observed,
  'declared-only': (e) => e.declared && !e.observed,
  'observed-only': (e) => e.observed && !e.declared,
  mismatch: (e) => e.declared !== e.observed,
};

/** Drop namespace boxes without children and edges whose endpoints are gone. */
function tidy(graph: MeshGraph, nodes: GraphNode[], edges: GraphEdge[]): MeshGraph {
  const ids = new Set(nodes.map((n) => n.id));
  const keptEdges = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const parents = new Set<string>();
  for (const n of nodes) if (n.parent && ids.has(n.parent)) parents.add(n.parent);
  const keptNodes = nodes
    .filter((n) => n.kind !== 'namespace' || parents.has(n.id))
    .map((n) => (n.parent && !ids.has(n.parent) ? { ...n, parent: undefined } : n));
  return { ...graph, nodes: keptNodes, edges: keptEdges };
}

export function filterGraph(graph: MeshGraph, filter: GraphFilter): MeshGraph {
  const hideKinds = new Set(filter.hideKinds ?? []);
  const hideNs = new Set(filter.hideNamespaces ?? []);
  const hideName = (filter.hideNames ?? []).filter(Boolean).map(matcher);
  let nodes = graph.nodes.filter((n) => {
    if (hideKinds.has(n.kind)) return false;
    if (n.namespace && hideNs.has(n.namespace)) return false;
    if (n.kind !== 'namespace' && hideName.length && nodeTexts(n).some((t) => hideName.some((m) => m(t)))) return false;
    return true;
  });
  const ids = new Set(nodes.map((n) => n.id));
  const edgeKinds = filter.edgeKinds ? new Set(filter.edgeKinds) : undefined;
  const traffic = TRAFFIC[filter.traffic ?? 'all'];
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && (!edgeKinds || edgeKinds.has(e.kind)) && traffic(e));
  if (filter.hideIsolated) {
    const linked = new Set<string>();
    for (const e of edges) {
      linked.add(e.source);
      linked.add(e.target);
    }
    nodes = nodes.filter((n) => n.kind === 'namespace' || linked.has(n.id));
  }
  return tidy(graph, nodes, edges);
}

/** Ids of nodes (namespace boxes included) matching `query`: substring of id/label/namespace/host, or "/regex/". */
export function findNodes(graph: MeshGraph, query: string): string[] {
  const q = query.trim();
  if (!q) return [];
  const m = matcher(q);
  return graph.nodes.filter((n) => nodeTexts(n).some(m)).map((n) => n.id);
}

/** Nodes within `depth` edges (either direction) of `ids`, with the edges among them and their namespace boxes. */
export function neighborhood(graph: MeshGraph, ids: readonly string[], depth = 1): MeshGraph {
  const keep = new Set(ids);
  let frontier = new Set(ids);
  for (let d = 0; d < depth && frontier.size; d++) {
    const next = new Set<string>();
    for (const e of graph.edges) {
      if (frontier.has(e.source) && !keep.has(e.target)) next.add(e.target);
      if (frontier.has(e.target) && !keep.has(e.source)) next.add(e.source);
    }
    for (const id of next) keep.add(id);
    frontier = next;
  }
  for (const n of graph.nodes) if (keep.has(n.id) && n.parent) keep.add(n.parent);
  const nodes = graph.nodes.filter((n) => keep.has(n.id));
  const edges = graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  return tidy(graph, nodes, edges);
}

/* ---- collapse ---- */

const SEC_ORDER = { mtls: 0, tls: 1, plaintext: 2, conflict: 3 } as const;

function sumMetrics(a: EdgeMetrics | undefined, b: EdgeMetrics | undefined): EdgeMetrics | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: EdgeMetrics = {};
  if (a.rps !== undefined || b.rps !== undefined) {
    const ra = a.rps ?? 0;
    const rb = b.rps ?? 0;
    out.rps = ra + rb;
    out.errorRatio = out.rps > 0 ? ((a.errorRatio ?? 0) * ra + (b.errorRatio ?? 0) * rb) / out.rps : 0;
  }
  if (a.p95Ms !== undefined || b.p95Ms !== undefined) out.p95Ms = Math.max(a.p95Ms ?? 0, b.p95Ms ?? 0);
  if (a.tcpBytesPerSec !== undefined || b.tcpBytesPerSec !== undefined) out.tcpBytesPerSec = (a.tcpBytesPerSec ?? 0) + (b.tcpBytesPerSec ?? 0);
  return out;
}

/**
 * Service-level view: each version/workload node that exactly one service selects is
 * folded into that service; edges are re-pointed, service -> own-version routes vanish,
 * and parallel edges of one kind between the same two nodes merge (metrics summed,
 * worst security kept, differing authorization decisions become 'conditional').
 */
export function collapseVersions(graph: MeshGraph): MeshGraph {
  const into = new Map<string, string>();
  for (const n of graph.nodes) {
    if ((n.kind === 'version' || n.kind === 'workload') && n.services.length === 1) into.set(n.id, n.services[0] as string);
  }
  const map = (id: string) => into.get(id) ?? id;
  const nodes = graph.nodes.filter((n) => !into.has(n.id));
  const merged = new Map<string, GraphEdge>();
  const mergedCount = new Map<string, number>();
  for (const e of graph.edges) {
    const source = map(e.source);
    const target = map(e.target);
    if (source === target) continue;
    const kind = e.kind;
    const id = `${kind}:${source}->${target}`;
    const prev = merged.get(id);
    if (!prev) {
      merged.set(id, { ...e, id, source, target, refs: [...e.refs], evidence: [...e.evidence], badges: [...e.badges] });
      mergedCount.set(id, 1);
      continue;
    }
    mergedCount.set(id, (mergedCount.get(id) ?? 1) + 1);
    prev.declared ||= e.declared;
    prev.observed ||= e.observed;
    prev.metrics = sumMetrics(prev.metrics, e.metrics);
    if (e.security && (!prev.security || SEC_ORDER[e.security.state] > SEC_ORDER[prev.security.state])) prev.security = e.security;
    if (e.authz && prev.authz && e.authz.decision !== prev.authz.decision) {
      prev.authz = {
        decision: 'conditional',
        policy: prev.authz.policy ?? e.authz.policy,
        reason: `differs by version: ${prev.authz.reason}; ${e.authz.reason}`,
      };
    } else if (e.authz && !prev.authz) prev.authz = e.authz;
    for (const r of e.refs) if (!prev.refs.some((x) => x.resource === r.resource && x.path === r.path)) prev.refs.push(r);
    for (const ev of e.evidence) if (!prev.evidence.includes(ev)) prev.evidence.push(ev);
    for (const b of e.badges) if (!prev.badges.some((x) => x.label === b.label)) prev.badges.push(b);
    if (prev.weight !== e.weight) prev.weight = undefined;
    if (prev.match !== e.match) prev.match = undefined;
    if (prev.subset !== e.subset) prev.subset = undefined;
  }
  return { ...graph, nodes, edges: [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/* ---- hash ---- */

/** cyrb53 over a string, as 14 hex digits. */
function cyrb53(str: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/**
 * A hash of what the layout depends on: node ids, kinds and parents, edge ids and
 * endpoints. Independent of input order, metrics, security and findings.
 */
export function graphHash(graph: MeshGraph): string {
  const nodeLines = graph.nodes.map((n) => `${n.id}\u0001${n.kind}\u0001${n.parent ?? ''}`).sort();
  const edgeLines = graph.edges.map((e) => `${e.id}\u0001${e.source}\u0001${e.target}`).sort();
  return cyrb53(`${nodeLines.join('\n')}\u0002${edgeLines.join('\n')}`);
}

/* ---- findings ---- */

/**
 * Does a finding at `findingPath` concern an element made from `refPath` of the same
 * resource? Yes unless the two paths pick different items of the same list
 * (spec/http[0]/... vs spec/http[1]/...); a finding elsewhere in the resource
 * (spec/hosts) concerns every element made from it.
 */
export function pathConcerns(refPath: string | undefined, findingPath: string | undefined): boolean {
  if (!refPath || !findingPath) return true;
  const a = parsePath(refPath);
  const b = parsePath(findingPath);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    return !(typeof a[i] === 'number' && typeof b[i] === 'number');
  }
  return true;
}

function worst(fs: readonly Finding[]): Finding['level'] | undefined {
  let w: Finding['level'] | undefined;
  for (const f of fs) if (!w || LEVEL_ORDER[f.level] < LEVEL_ORDER[w]) w = f.level;
  return w;
}

function refsOfNode(n: GraphNode): ResourceRef[] {
  const refs = [...n.refs];
  if ((n.kind === 'namespace' || n.kind === 'version' || n.kind === 'workload') && n.mtls.resource) refs.push({ resource: n.mtls.resource });
  return refs;
}

function refsOfEdge(e: GraphEdge): ResourceRef[] {
  const refs = [...e.refs];
  if (e.security?.server?.resource) refs.push({ resource: e.security.server.resource });
  if (e.security?.client.resource) refs.push({ resource: e.security.client.resource });
  if (e.authz?.policy) refs.push({ resource: e.authz.policy });
  return refs;
}

/**
 * Attach findings to every node and edge made from (or decided by) the finding's
 * resource; a finding with a path inside one route only goes to that route's edges.
 * Attached findings are sorted with compareFindings (worst first).
 * Replaces findings attached earlier. Findings that match nothing are ignored.
 */
export function attachFindings(graph: MeshGraph, findings: readonly Finding[]): MeshGraph {
  const byResource = new Map<string, Finding[]>();
  for (const f of findings) {
    const l = byResource.get(f.resource);
    if (l) l.push(f);
    else byResource.set(f.resource, [f]);
  }
  const collect = (refs: ResourceRef[]): Finding[] => {
    const out: Finding[] = [];
    for (const r of refs) for (const f of byResource.get(r.resource) ?? []) if (!out.includes(f) && pathConcerns(r.path, f.path)) out.push(f);
    return out.sort(compareFindings);
  };
  const nodes = graph.nodes.map((n) => {
    const fs = collect(refsOfNode(n));
    const { findings: _f, findingLevel: _l, ...rest } = n;
    return (fs.length ? { ...rest, findings: fs, findingLevel: worst(fs) } : rest) as GraphNode;
  });
  const edges = graph.edges.map((e) => {
    const fs = collect(refsOfEdge(e));
    const { findings: _f, findingLevel: _l, ...rest } = e;
    return fs.length ? { ...rest, findings: fs, findingLevel: worst(fs) } : rest;
  });
  return { ...graph, nodes, edges };
}
