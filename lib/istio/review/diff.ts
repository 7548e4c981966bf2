/**
 * The review of a mesh change: what differs between two states of a mesh (a base and
 * a head), in resources, in the graph (nodes and edges added or removed, weights, mTLS
 * and authorization decisions) and in findings over the whole mesh. Pure: the console,
 * the proposals service and `meshboard review` all call reviewChange().
 */
import { analyze } from '../analysis';
import { editText, forEditing } from '../editor/display';
import { compareFindings, type Finding } from '../findings';
import { buildGraph, type BuildOptions } from '../graph';
import type { EdgeAuthzInfo, EdgeSecurityInfo, GraphEdge, GraphNode, MeshGraph } from '../graph/types';
import { friendlyName, indexResources, resourceId } from '../resources';
import type { K8sObject, MeshConfig } from '../types';
import { deepEqual } from '../util';

export type ChangeAction = 'create' | 'update' | 'delete';

export interface ResourceChange {
  /** resourceId(): "group/Kind/namespace/name". */
  id: string;
  /** "Kind namespace/name". */
  resource: string;
  kind: string;
  namespace?: string;
  name: string;
  action: ChangeAction;
  /** YAML as a person edits it (no server-owned metadata, no status); absent for a create. */
  before?: string;
  /** Absent for a delete. */
  after?: string;
  /** Findings of the new version (on this resource), for a create or update. */
  findings: Finding[];
}

export interface NodeChange {
  id: string;
  label: string;
  kind: GraphNode['kind'];
}

export type EdgeChangeKind = 'weight' | 'mtls' | 'authz';

export interface EdgeFieldChange {
  field: EdgeChangeKind;
  before: string;
  after: string;
}

export interface EdgeChange {
  id: string;
  kind: GraphEdge['kind'];
  source: string;
  target: string;
  /** "source label -> target label". */
  label: string;
  sourceLabel: string;
  targetLabel: string;
  status: 'added' | 'removed' | 'changed';
  changes: EdgeFieldChange[];
  weight?: number;
}

export interface GraphDiff {
  nodesAdded: NodeChange[];
  nodesRemoved: NodeChange[];
  edges: EdgeChange[];
}

export interface FindingsDiff {
  introduced: Finding[];
  resolved: Finding[];
  left: Finding[];
}

export interface MeshReview {
  resources: ResourceChange[];
  /** Namespaces the change touches (those of changed resources; cluster-scoped ones add none). */
  namespaces: string[];
  graph: GraphDiff;
  findings: FindingsDiff;
  /** "gateway -> sample: denied by to-sample -> allowed" for every caller whose decision changes. */
  decisions: string[];
  /** "service -> v2: weight 100 -> 90", "service -> v3: added (weight 10)". */
  routes: string[];
  /** The two graphs, scoped to `namespaces` (for drawing). */
  before: MeshGraph;
  after: MeshGraph;
}

export interface ReviewOptions {
  meshConfig?: MeshConfig;
  versionLabels?: BuildOptions['versionLabels'];
  /**
   * Kinds neither side could hold (AnalyzeOptions.unreadKinds). Default: "Secret" when
   * neither side has one (files from Git, the console's cache), so that a new Gateway's
   * credentialName is not reported as introducing a missing Secret.
   */
  unreadKinds?: readonly string[];
}

/* ---------------- resources ---------------- */

/** Strip server-owned metadata and status: what a change is about. */
export function comparable(o: K8sObject): K8sObject {
  return forEditing(o);
}

/** Changed resources between two object lists, in a stable order (namespace, kind, name). */
export function diffResources(base: readonly K8sObject[], head: readonly K8sObject[]): Omit<ResourceChange, 'findings'>[] {
  const b = new Map(base.map((o) => [resourceId(o), o]));
  const h = new Map(head.map((o) => [resourceId(o), o]));
  const out: Omit<ResourceChange, 'findings'>[] = [];
  const ref = (o: K8sObject) => ({ resource: friendlyName(o), kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
  for (const [id, after] of h) {
    const before = b.get(id);
    if (!before) out.push({ id, ...ref(after), action: 'create', after: editText(after) });
    else if (!deepEqual(comparable(before), comparable(after)))
      out.push({ id, ...ref(after), action: 'update', before: editText(before), after: editText(after) });
  }
  for (const [id, before] of b) if (!h.has(id)) out.push({ id, ...ref(before), action: 'delete', before: editText(before) });
  return out.sort((x, y) => cmp(x.namespace ?? '', y.namespace ?? '') || cmp(x.kind, y.kind) || cmp(x.name, y.name));
}

/* ---------------- findings ---------------- */

const findingKey = (f: Finding) => `${f.level}|${f.code}|${f.resource}|${f.path ?? ''}|${f.message}`;

export function diffFindings(before: readonly Finding[], after: readonly Finding[]): FindingsDiff {
  const b = new Set(before.map(findingKey));
  const a = new Set(after.map(findingKey));
  const uniq = (l: readonly Finding[]) => {
    const seen = new Set<string>();
    return l.filter((f) => !seen.has(findingKey(f)) && !!seen.add(findingKey(f))).sort(compareFindings);
  };
  return {
    introduced: uniq(after.filter((f) => !b.has(findingKey(f)))),
    resolved: uniq(before.filter((f) => !a.has(findingKey(f)))),
    left: uniq(after.filter((f) => b.has(findingKey(f)))),
  };
}

/* ---------------- graph ---------------- */

const shortPolicy = (p?: string) => (p ? (p.split('/').pop() ?? p) : undefined);

/** "allowed", "allowed by to-sample", "denied by to-sample". */
export function describeAuthz(a: EdgeAuthzInfo | undefined): string {
  if (!a) return 'no decision';
  const word = a.decision === 'allow' ? 'allowed' : a.decision === 'deny' ? 'denied' : String(a.decision);
  const p = shortPolicy(a.policy);
  return p ? `${word} by ${p}` : word;
}

export function describeSecurity(s: EdgeSecurityInfo | undefined): string {
  if (!s) return 'unknown';
  return s.state;
}

function edgeGroupKey(e: GraphEdge): string {
  return `${e.kind}|${e.source}|${e.target}|${e.subset ?? ''}`;
}

/** Pair edges of two graphs: same id first, then same kind/source/target/subset when that is unique on both sides. */
function pairEdges(
  before: readonly GraphEdge[],
  after: readonly GraphEdge[],
): { pairs: Array<[GraphEdge, GraphEdge]>; removed: GraphEdge[]; added: GraphEdge[] } {
  const afterById = new Map(after.map((e) => [e.id, e]));
  const pairs: Array<[GraphEdge, GraphEdge]> = [];
  const restB: GraphEdge[] = [];
  const usedA = new Set<string>();
  for (const e of before) {
    const a = afterById.get(e.id);
    if (a) {
      pairs.push([e, a]);
      usedA.add(a.id);
    } else restB.push(e);
  }
  const restA = after.filter((e) => !usedA.has(e.id));
  const group = (l: GraphEdge[]) => {
    const m = new Map<string, GraphEdge[]>();
    for (const e of l) m.set(edgeGroupKey(e), [...(m.get(edgeGroupKey(e)) ?? []), e]);
    return m;
  };
  const gb = group(restB);
  const ga = group(restA);
  const removed: GraphEdge[] = [];
  const added: GraphEdge[] = [];
  for (const [k, l] of gb) {
    const m = ga.get(k);
    if (l.length === 1 && m?.length === 1) {
      pairs.push([l[0]!, m[0]!]);
      ga.delete(k);
    } else removed.push(...l);
  }
  for (const l of ga.values()) added.push(...l);
  return { pairs, removed, added };
}

export function diffGraphs(before: MeshGraph, after: MeshGraph): GraphDiff {
  const labelOf = new Map<string, string>();
  for (const n of [...before.nodes, ...after.nodes]) labelOf.set(n.id, n.label);
  const bIds = new Set(before.nodes.map((n) => n.id));
  const aIds = new Set(after.nodes.map((n) => n.id));
  const nodeRef = (n: GraphNode): NodeChange => ({ id: n.id, label: n.label, kind: n.kind });
  const edgeLabel = (e: GraphEdge) => `${labelOf.get(e.source) ?? e.source} -> ${labelOf.get(e.target) ?? e.target}`;
  const base = (e: GraphEdge) => ({
    id: e.id,
    kind: e.kind,
    source: e.source,
    target: e.target,
    label: edgeLabel(e),
    sourceLabel: labelOf.get(e.source) ?? e.source,
    targetLabel: labelOf.get(e.target) ?? e.target,
    weight: e.weight,
  });
  const { pairs, removed, added } = pairEdges(before.edges, after.edges);
  const edges: EdgeChange[] = [];
  for (const [b, a] of pairs) {
    const changes: EdgeFieldChange[] = [];
    if ((b.weight ?? undefined) !== (a.weight ?? undefined))
      changes.push({ field: 'weight', before: String(b.weight ?? 'none'), after: String(a.weight ?? 'none') });
    if (describeSecurity(b.security) !== describeSecurity(a.security))
      changes.push({ field: 'mtls', before: describeSecurity(b.security), after: describeSecurity(a.security) });
    if (describeAuthz(b.authz) !== describeAuthz(a.authz)) changes.push({ field: 'authz', before: describeAuthz(b.authz), after: describeAuthz(a.authz) });
    if (changes.length) edges.push({ ...base(a), status: 'changed', changes });
  }
  for (const e of removed) edges.push({ ...base(e), status: 'removed', changes: [] });
  for (const e of added) edges.push({ ...base(e), status: 'added', changes: [] });
  edges.sort((x, y) => cmp(x.label, y.label) || cmp(x.id, y.id));
  return {
    nodesAdded: after.nodes.filter((n) => !bIds.has(n.id)).map(nodeRef),
    nodesRemoved: before.nodes.filter((n) => !aIds.has(n.id)).map(nodeRef),
    edges,
  };
}

/** Decision lines for callers (edges with a single caller: everything but 'route' edges). */
export function decisionLines(g: GraphDiff): string[] {
  const out: string[] = [];
  for (const e of g.edges) {
    if (e.status !== 'changed') continue;
    for (const c of e.changes) {
      if (c.field === 'authz') out.push(`${e.label}: ${c.before} -> ${c.after}`);
      if (c.field === 'mtls') out.push(`${e.label}: mTLS ${c.before} -> ${c.after}`);
    }
  }
  return out;
}

export function routeLines(g: GraphDiff): string[] {
  const out: string[] = [];
  for (const e of g.edges) {
    if (e.kind !== 'route' && e.kind !== 'gateway-route') continue;
    const w = e.weight !== undefined ? ` (weight ${e.weight})` : '';
    if (e.status === 'added') out.push(`${e.label}: added${w}`);
    else if (e.status === 'removed') out.push(`${e.label}: removed`);
    else for (const c of e.changes) if (c.field === 'weight') out.push(`${e.label}: weight ${c.before} -> ${c.after}`);
  }
  return out;
}

/* ---------------- the whole review ---------------- */

/** `base` with the writes applied: each head object replaces the one with the same id, deletes remove. */
export function applyChanges(base: readonly K8sObject[], writes: ReadonlyArray<{ action: ChangeAction; object: K8sObject }>): K8sObject[] {
  const m = new Map(base.map((o) => [resourceId(o), o]));
  for (const w of writes) {
    const id = resourceId(w.object);
    if (w.action === 'delete') m.delete(id);
    else m.set(id, w.object);
  }
  return [...m.values()];
}

export function reviewChange(base: readonly K8sObject[], head: readonly K8sObject[], opts: ReviewOptions = {}): MeshReview {
  const changed = diffResources(base, head);
  const isSecret = (o: K8sObject) => o.kind === 'Secret' && o.apiVersion === 'v1';
  const unreadKinds = opts.unreadKinds ?? (base.some(isSecret) || head.some(isSecret) ? [] : ['Secret']);
  const beforeFindings = analyze([...base], { meshConfig: opts.meshConfig, unreadKinds });
  const afterFindings = analyze([...head], { meshConfig: opts.meshConfig, unreadKinds });
  const resources: ResourceChange[] = changed.map((c) => ({
    ...c,
    findings: c.action === 'delete' ? [] : afterFindings.filter((f) => f.resource === c.resource),
  }));
  const namespaces = [...new Set(changed.map((c) => (c.kind === 'Namespace' ? c.name : c.namespace)).filter((n): n is string => !!n))].sort();
  const gopts: BuildOptions = { versionLabels: opts.versionLabels, namespaces };
  const before = buildGraph(indexResources(base, opts.meshConfig), gopts);
  const after = buildGraph(indexResources(head, opts.meshConfig), gopts);
  const graph = diffGraphs(before, after);
  return {
    resources,
    namespaces,
    graph,
    findings: diffFindings(beforeFindings, afterFindings),
    decisions: decisionLines(graph),
    routes: routeLines(graph),
    before,
    after,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
