/**
 * The graph page's view state and the pure steps between the API response and the
 * renderer: URL <-> state, filtering and folding. Labels are format.ts, links to the
 * editor and the forms links.ts. No React here (unit-tested in view.test.ts).
 *
 * URL parameters (all optional, so a link shows a teammate the same view):
 *   namespaces=a,b     (falls back to the shell's ns=)   window=5m
 *   versionLabels=app:version,component:release          prometheus=<url typed in the settings>
 *   node=<id> | edge=<id>   the selection (side panel)
 *   find=<text>        highlight matches                 hide=<text>,<text>   hide names (or /regex/)
 *   hideKinds=version,external      hideNs=a,b           traffic=all|declared|observed|mismatch|...
 *   fold=1             versions folded into their service
 * namespaces, window and versionLabels are checked with GET /api/graph's own
 * validators (lib/istio/graph params): a bad value is left out and reported, so a
 * mistyped link still shows a graph. A prometheus= URL from a link is used only once
 * the user agrees (prometheusChoice).
 */
// Each from its module, not the index: the index brings the graph builder (server-side code).
import { validateNamespace, validateWindow } from '@/lib/istio/graph/observed';
import { parseVersionLabels } from '@/lib/istio/graph/params';
import { collapseVersions, filterGraph, findNodes, type GraphFilter } from '@/lib/istio/graph/transform';
import { DEFAULT_VERSION_LABELS } from '@/lib/istio/graph/workloads';
import type { MeshGraph, NodeKind } from '@/lib/istio/graph/types';
import type { GraphQuery } from '@/lib/contracts/graph';

export type TrafficFilter = NonNullable<GraphFilter['traffic']>;
export const TRAFFIC_FILTERS: Array<{ value: TrafficFilter; label: string }> = [
  { value: 'all', label: 'all edges' },
  { value: 'declared', label: 'declared by config' },
  { value: 'observed', label: 'with traffic' },
  { value: 'mismatch', label: 'config ≠ traffic' },
  { value: 'declared-only', label: 'declared, no traffic' },
  { value: 'observed-only', label: 'traffic, not declared' },
];
export const HIDEABLE_KINDS: NodeKind[] = ['gateway', 'waypoint', 'service', 'version', 'workload', 'external', 'unknown', 'namespace'];
export const WINDOWS = ['1m', '5m', '15m', '30m', '1h', '6h', '1d'] as const;

export interface GraphViewState {
  namespaces: string[];
  window: string;
  /** Raw "app:version,component:release"; undefined: the server's defaults. */
  versionLabels?: string;
  node?: string;
  edge?: string;
  find: string;
  hide: string[];
  hideKinds: NodeKind[];
  /** Namespaces whose nodes are hidden (the other end of their edges stays). */
  hideNs: string[];
  traffic: TrafficFilter;
  fold: boolean;
  prometheus?: string;
}

const KINDS = new Set<string>(HIDEABLE_KINDS);
const TRAFFIC = new Set<string>(TRAFFIC_FILTERS.map((t) => t.value));
const list = (s: string | null) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A URL parameter left out because the API would refuse it. */
export interface ViewProblem {
  param: 'namespaces' | 'window' | 'versionLabels';
  message: string;
}

function valid<T>(check: () => T, param: ViewProblem['param'], problems: ViewProblem[]): T | undefined {
  try {
    return check();
  } catch (e) {
    problems.push({ param, message: (e as Error).message });
    return undefined;
  }
}

/** The view of a URL; what GET /api/graph would refuse is left out and added to `problems`. */
export function readViewState(params: URLSearchParams, problems: ViewProblem[] = []): GraphViewState {
  const rawNamespaces = params.has('namespaces') ? list(params.get('namespaces')) : list(params.get('ns'));
  const namespaces = rawNamespaces.filter((ns) => valid(() => validateNamespace(ns), 'namespaces', problems) !== undefined);
  const rawWindow = params.get('window')?.trim() || '5m';
  const rawLabels = params.get('versionLabels') || undefined;
  const traffic = params.get('traffic') ?? 'all';
  return {
    namespaces: [...new Set(namespaces)],
    window: valid(() => validateWindow(rawWindow), 'window', problems) ?? '5m',
    versionLabels: rawLabels && valid(() => parseVersionLabels(rawLabels), 'versionLabels', problems) ? rawLabels : undefined,
    node: params.get('node') || undefined,
    edge: params.get('node') ? undefined : params.get('edge') || undefined,
    find: params.get('find') ?? '',
    hide: list(params.get('hide')),
    hideKinds: list(params.get('hideKinds')).filter((k): k is NodeKind => KINDS.has(k)),
    hideNs: list(params.get('hideNs')),
    traffic: TRAFFIC.has(traffic) ? (traffic as TrafficFilter) : 'all',
    fold: params.get('fold') === '1',
    prometheus: params.get('prometheus') || undefined,
  };
}

/** URL parameter changes for a partial state (undefined/empty removes the parameter). */
export function viewParams(patch: Partial<GraphViewState>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if ('namespaces' in patch) {
    out.namespaces = patch.namespaces?.length ? patch.namespaces.join(',') : undefined;
    out.ns = undefined;
  }
  if ('window' in patch) out.window = patch.window === '5m' ? undefined : patch.window;
  if ('versionLabels' in patch) out.versionLabels = patch.versionLabels || undefined;
  if ('node' in patch || 'edge' in patch) {
    out.node = patch.node || undefined;
    out.edge = patch.node ? undefined : patch.edge || undefined;
  }
  if ('find' in patch) out.find = patch.find || undefined;
  if ('hide' in patch) out.hide = patch.hide?.length ? patch.hide.join(',') : undefined;
  if ('hideKinds' in patch) out.hideKinds = patch.hideKinds?.length ? patch.hideKinds.join(',') : undefined;
  if ('hideNs' in patch) out.hideNs = patch.hideNs?.length ? patch.hideNs.join(',') : undefined;
  if ('traffic' in patch) out.traffic = patch.traffic === 'all' ? undefined : patch.traffic;
  if ('fold' in patch) out.fold = patch.fold ? '1' : undefined;
  if ('prometheus' in patch) out.prometheus = patch.prometheus || undefined;
  return out;
}

/** Query of GET /api/graph for a view. */
export function apiQuery(s: GraphViewState): GraphQuery {
  return {
    namespaces: s.namespaces.length ? s.namespaces.join(',') : undefined,
    window: s.window,
    versionLabels: s.versionLabels,
    prometheus: s.prometheus,
  };
}

/* ---- Prometheus ---- */

/**
 * Which Prometheus URL the page sends (`use`; undefined: the server's PROMETHEUS_URL)
 * and which one a link asks for that the user has not agreed to (`ask`). The server
 * queries that URL on the user's behalf, so one arriving in a link is used only once
 * confirmed in the page, or when it is already the one saved for this context.
 */
export function prometheusChoice(linked: string | undefined, saved: string | undefined, confirmed: ReadonlySet<string>): { use?: string; ask?: string } {
  if (linked && (linked === saved || confirmed.has(linked))) return { use: linked };
  return { use: saved, ask: linked };
}

/* ---- version label pairs ---- */

export const DEFAULT_PAIRS: string[] = DEFAULT_VERSION_LABELS.map(([a, v]) => `${a}:${v}`);
const APP_KEYS = ['app', 'app.kubernetes.io/name', 'component', 'app.kubernetes.io/component', 'service', 'k8s-app', 'name'];
const VERSION_KEYS = ['version', 'app.kubernetes.io/version', 'release', 'track', 'revision', 'stage', 'variant'];

export function parsePairs(raw: string | undefined): string[] {
  return raw ? list(raw) : [...DEFAULT_PAIRS];
}

/**
 * Label pairs worth offering for grouping workloads into versions: the pairs in use,
 * the defaults, and app-like + version-like keys that workloads of the graph carry
 * together (S4: component/release). Each with the number of nodes that carry it.
 */
export function suggestVersionLabels(graph: Pick<MeshGraph, 'nodes'>, current: readonly string[]): Array<{ pair: string; count: number }> {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) {
    if (n.kind !== 'version' && n.kind !== 'workload') continue;
    const keys = Object.keys(n.labels);
    for (const a of APP_KEYS) {
      if (!keys.includes(a)) continue;
      for (const v of VERSION_KEYS) if (keys.includes(v)) counts.set(`${a}:${v}`, (counts.get(`${a}:${v}`) ?? 0) + 1);
    }
  }
  const pairs = [...new Set([...current, ...DEFAULT_PAIRS, ...counts.keys()])];
  return pairs.map((pair) => ({ pair, count: counts.get(pair) ?? 0 }));
}

/* ---- applying the view ---- */

/**
 * The graph as drawn: versions folded (fold), names/kinds/edges hidden, and namespace
 * boxes with nothing in them left out (kube-system and friends) unless asked for.
 */
export function applyView(
  graph: MeshGraph,
  s: Pick<GraphViewState, 'hide' | 'hideKinds' | 'traffic' | 'fold' | 'namespaces'> & { hideNs?: string[] },
): MeshGraph {
  let g = graph;
  const hideNs = s.hideNs ?? [];
  if (s.fold) g = collapseVersions(g);
  if (s.hide.length || s.hideKinds.length || hideNs.length || s.traffic !== 'all') {
    g = filterGraph(g, { hideNames: s.hide, hideKinds: s.hideKinds, hideNamespaces: hideNs, traffic: s.traffic });
  }
  const parents = new Set<string>();
  for (const n of g.nodes) if (n.parent) parents.add(n.parent);
  const wanted = new Set(s.namespaces.map((ns) => `ns:${ns}`));
  if (g.nodes.some((n) => n.kind === 'namespace' && !parents.has(n.id) && !wanted.has(n.id))) {
    g = { ...g, nodes: g.nodes.filter((n) => n.kind !== 'namespace' || parents.has(n.id) || wanted.has(n.id)) };
  }
  return g;
}

/** Ids matching the find box (namespace boxes excluded). */
export function findMatches(graph: MeshGraph, query: string): string[] {
  const ids = new Set(findNodes(graph, query));
  return graph.nodes.filter((n) => n.kind !== 'namespace' && ids.has(n.id)).map((n) => n.id);
}

/* ---- benchmark page ---- */

export const BENCH_DEFAULT_SRC = '/bench-data/graph.json';

/** ?src= as a URL of this origin, or an error: the page must not fetch what a link points it at elsewhere. */
export function benchSource(src: string | null, origin: string): { url: string } | { error: string } {
  const raw = src || BENCH_DEFAULT_SRC;
  const refuse = { error: `src must be a path on this server (like ${BENCH_DEFAULT_SRC}), got ${JSON.stringify(raw.slice(0, 200))}` };
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return refuse;
  try {
    const u = new URL(raw, origin);
    return u.origin === origin ? { url: `${u.pathname}${u.search}` } : refuse;
  } catch {
    return refuse;
  }
}
