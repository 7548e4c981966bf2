/**
 * Layered layout of the mesh graph with elkjs, in two levels (no React, no DOM: it
 * runs in the layout Web Worker and in the Node benchmark).
 *
 * 1. Units: a service and the versions that only it selects form one block (service
 *    on the left, versions stacked on its right), so ELK places ~1 block per service
 *    instead of ~4 nodes; every other node is a block of its own.
 * 2. Inside each namespace box, ELK "layered" (left to right) places the blocks,
 *    using the edges between them. The box takes the size of the result.
 * 3. At the top, ELK places the namespace boxes and the blocks outside any
 *    namespace, using the edges between them (aggregated).
 *
 * Each level-2 layout is cached by the structure of its namespace, so a change in one
 * namespace only lays out that namespace again (and the top level): the rest of the
 * picture stays where it was. Positions of nodes inside a box are relative to the box.
 */
import type { GraphEdge, GraphNode, NodeKind } from '@/lib/istio/graph/types';
import { NS_PADDING, UNIT_GAP_X, UNIT_GAP_Y, sizeOf } from './sizes';

export interface LayoutNode {
  id: string;
  kind: NodeKind;
  parent?: string;
  /** For version/workload nodes: the services that select them. */
  services?: string[];
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface LayoutInput {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

export interface XY {
  x: number;
  y: number;
}

export interface LayoutResult {
  /** Top-left corner: relative to the namespace box for nodes inside one, absolute otherwise (boxes too). */
  positions: Record<string, XY>;
  /** Namespace box sizes. */
  boxes: Record<string, { width: number; height: number }>;
  width: number;
  height: number;
  stats: { nodes: number; units: number; groups: number; elkRuns: number; cachedGroups: number; ms: number };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A node's rectangle in flow coordinates from the layout alone (no DOM, so also for
 * nodes React Flow does not hold: the overview of a large graph, off-screen nodes).
 * Namespace boxes and nodes outside a box are placed absolutely, nodes inside a box
 * relative to it.
 */
export function absoluteRect(node: Pick<LayoutNode, 'id' | 'kind' | 'parent'>, layout: LayoutResult): Rect | undefined {
  const p = layout.positions[node.id];
  if (!p) return undefined;
  if (node.kind === 'namespace') return { x: p.x, y: p.y, ...(layout.boxes[node.id] ?? { width: 0, height: 0 }) };
  const box = node.parent && layout.boxes[node.parent] ? layout.positions[node.parent] : undefined;
  const size = sizeOf(node.kind);
  return { x: p.x + (box?.x ?? 0), y: p.y + (box?.y ?? 0), width: size.width, height: size.height };
}

/** The smallest rectangle around these (undefined for none). */
export function boundsOf(rects: Iterable<Rect>): Rect | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
  }
  return x0 === Infinity ? undefined : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The part of elkjs we use (elk.bundled.js, or elk-api with its worker). */
export interface ElkNodeLike {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkNodeLike[];
  edges?: Array<{ id: string; sources: string[]; targets: string[] }>;
  layoutOptions?: Record<string, string>;
}
export interface ElkLike {
  layout(graph: ElkNodeLike): Promise<ElkNodeLike>;
}

/** Only what the layout depends on, small enough to post to a worker quickly. */
export function toLayoutInput(graph: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }): LayoutInput {
  return {
    nodes: graph.nodes.map((n) => {
      const out: LayoutNode = { id: n.id, kind: n.kind };
      if (n.parent) out.parent = n.parent;
      if ((n.kind === 'version' || n.kind === 'workload') && n.services.length) out.services = n.services;
      return out;
    }),
    edges: graph.edges.map((e) => ({ source: e.source, target: e.target })),
  };
}

const BASE_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
  'elk.edgeRouting': 'POLYLINE',
  'elk.separateConnectedComponents': 'true',
  'elk.layered.thoroughness': '3',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.compaction.postCompaction.strategy': 'NONE',
};

export const GROUP_OPTIONS: Record<string, string> = {
  ...BASE_OPTIONS,
  // Unconnected blocks (a service nobody calls yet) go side by side rather than in one tall column.
  'elk.aspectRatio': '3',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.componentComponent': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
};

export const TOP_OPTIONS: Record<string, string> = {
  ...BASE_OPTIONS,
  'elk.spacing.nodeNode': '48',
  'elk.spacing.componentComponent': '64',
  'elk.layered.spacing.nodeNodeBetweenLayers': '120',
};

/** Many namespaces: pack the boxes (in layered order) instead of spreading them over many layers. */
export const PACK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'rectpacking',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
  'elk.aspectRatio': '1.6',
  'elk.spacing.nodeNode': '64',
};

/** Above this many top-level items the boxes are packed. */
export const PACK_ABOVE = 8;

interface Unit {
  id: string;
  width: number;
  height: number;
  /** Offsets of every node of the unit (the unit's own node included). */
  offsets: Array<{ id: string; x: number; y: number }>;
}

interface GroupLayout {
  width: number;
  height: number;
  /** Node positions relative to the group's origin. */
  positions: Array<{ id: string; x: number; y: number }>;
}

const EMPTY_BOX = { width: 220, height: 72 };

function makeUnits(members: LayoutNode[], byId: ReadonlyMap<string, LayoutNode>): { units: Unit[]; unitOf: Map<string, string> } {
  const unitOf = new Map<string, string>();
  const extra = new Map<string, LayoutNode[]>();
  for (const n of members) {
    const svc = n.services?.length === 1 ? byId.get(n.services[0] as string) : undefined;
    if ((n.kind === 'version' || n.kind === 'workload') && svc && svc.kind === 'service' && svc.parent === n.parent) {
      unitOf.set(n.id, svc.id);
      const l = extra.get(svc.id);
      if (l) l.push(n);
      else extra.set(svc.id, [n]);
    } else {
      unitOf.set(n.id, n.id);
    }
  }
  const units: Unit[] = [];
  for (const n of members) {
    if (unitOf.get(n.id) !== n.id) continue;
    const own = sizeOf(n.kind);
    const vs = (extra.get(n.id) ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!vs.length) {
      units.push({ id: n.id, width: own.width, height: own.height, offsets: [{ id: n.id, x: 0, y: 0 }] });
      continue;
    }
    let stack = 0;
    let stackWidth = 0;
    const offsets: Unit['offsets'] = [];
    for (const v of vs) {
      const s = sizeOf(v.kind);
      offsets.push({ id: v.id, x: own.width + UNIT_GAP_X, y: stack });
      stack += s.height + UNIT_GAP_Y;
      stackWidth = Math.max(stackWidth, s.width);
    }
    stack -= UNIT_GAP_Y;
    const height = Math.max(own.height, stack);
    const dy = (height - stack) / 2;
    for (const o of offsets) o.y += dy;
    offsets.unshift({ id: n.id, x: 0, y: (height - own.height) / 2 });
    units.push({ id: n.id, width: own.width + UNIT_GAP_X + stackWidth, height, offsets });
  }
  return { units, unitOf };
}

function unitEdges(edges: readonly LayoutEdge[], unitOf: ReadonlyMap<string, string>): Array<[string, string]> {
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const e of edges) {
    const s = unitOf.get(e.source);
    const t = unitOf.get(e.target);
    if (!s || !t || s === t) continue;
    const k = `${s}\u0000${t}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([s, t]);
  }
  return out.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
}

/** Lays out mesh graphs; keeps the namespace layouts it computed (LRU) for the next call. */
export class MeshLayouter {
  private readonly groupCache = new Map<string, GroupLayout>();
  constructor(
    private readonly elk: ElkLike,
    private readonly cacheSize = 400,
  ) {}

  private remember(key: string, g: GroupLayout): void {
    this.groupCache.set(key, g);
    if (this.groupCache.size > this.cacheSize) this.groupCache.delete(this.groupCache.keys().next().value as string);
  }

  private async layoutUnits(
    id: string,
    units: Unit[],
    edges: Array<[string, string]>,
    options: Record<string, string>,
  ): Promise<Map<string, XY> & { width?: number; height?: number }> {
    const res = await this.elk.layout({
      id,
      layoutOptions: options,
      children: units.map((u) => ({ id: u.id, width: u.width, height: u.height })),
      edges: edges.map(([s, t], i) => ({ id: `e${i}`, sources: [s], targets: [t] })),
    });
    const out = new Map<string, XY>() as Map<string, XY> & { width?: number; height?: number };
    for (const c of res.children ?? []) out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
    out.width = res.width ?? 0;
    out.height = res.height ?? 0;
    return out;
  }

  async layout(input: LayoutInput): Promise<LayoutResult> {
    const t0 = Date.now();
    const byId = new Map(input.nodes.map((n) => [n.id, n]));
    const boxesPresent = new Set(input.nodes.filter((n) => n.kind === 'namespace').map((n) => n.id));
    const groups = new Map<string, LayoutNode[]>(); // box id -> members ('' for top level)
    for (const n of input.nodes) {
      if (n.kind === 'namespace') continue;
      const g = n.parent && boxesPresent.has(n.parent) ? n.parent : '';
      const l = groups.get(g);
      if (l) l.push(n);
      else groups.set(g, [n]);
    }
    const positions: Record<string, XY> = {};
    const boxes: Record<string, { width: number; height: number }> = {};
    let elkRuns = 0;
    let cachedGroups = 0;
    let unitCount = 0;

    // Level 2: each namespace box.
    const edgesByGroup = new Map<string, LayoutEdge[]>();
    for (const e of input.edges) {
      const s = byId.get(e.source);
      const t = byId.get(e.target);
      if (!s || !t) continue;
      const gs = s.parent && boxesPresent.has(s.parent) ? s.parent : '';
      const gt = t.parent && boxesPresent.has(t.parent) ? t.parent : '';
      if (gs !== gt || gs === '') continue;
      const l = edgesByGroup.get(gs);
      if (l) l.push(e);
      else edgesByGroup.set(gs, [e]);
    }
    const sortedBoxes = [...boxesPresent].sort();
    for (const box of sortedBoxes) {
      const members = (groups.get(box) ?? []).slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (!members.length) {
        boxes[box] = { ...EMPTY_BOX };
        continue;
      }
      const { units, unitOf } = makeUnits(members, byId);
      unitCount += units.length;
      const uedges = unitEdges(edgesByGroup.get(box) ?? [], unitOf);
      const key = `${units.map((u) => u.offsets.map((o) => o.id).join('+')).join('|')}#${uedges.map(([s, t]) => `${s}>${t}`).join('|')}`;
      let g = this.groupCache.get(key);
      if (g) {
        cachedGroups++;
        this.groupCache.delete(key);
        this.groupCache.set(key, g);
      } else {
        const placed = await this.layoutUnits(box, units, uedges, GROUP_OPTIONS);
        elkRuns++;
        const pos: GroupLayout['positions'] = [];
        for (const u of units) {
          const p = placed.get(u.id) ?? { x: 0, y: 0 };
          for (const o of u.offsets) pos.push({ id: o.id, x: p.x + o.x, y: p.y + o.y });
        }
        g = { width: placed.width ?? 0, height: placed.height ?? 0, positions: pos };
        this.remember(key, g);
      }
      for (const p of g.positions) positions[p.id] = { x: p.x + NS_PADDING.left, y: p.y + NS_PADDING.top };
      boxes[box] = {
        width: Math.max(EMPTY_BOX.width, g.width + NS_PADDING.left + NS_PADDING.right),
        height: Math.max(EMPTY_BOX.height, g.height + NS_PADDING.top + NS_PADDING.bottom),
      };
    }

    // Level 3: boxes and the blocks outside any box.
    const top = (groups.get('') ?? []).slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const { units: topUnits, unitOf: topUnitOf } = makeUnits(top, byId);
    unitCount += topUnits.length;
    const items: Unit[] = [...sortedBoxes.map((b) => ({ id: b, width: boxes[b]!.width, height: boxes[b]!.height, offsets: [] })), ...topUnits];
    const itemOf = new Map<string, string>(topUnitOf);
    for (const [box, members] of groups) if (box) for (const m of members) itemOf.set(m.id, box);
    const topEdges = unitEdges(input.edges, itemOf);
    let width = 0;
    let height = 0;
    const topKey = `top#${items.map((it) => `${it.id}:${Math.round(it.width)}x${Math.round(it.height)}`).join('|')}#${topEdges.map(([s, t]) => `${s}>${t}`).join('|')}`;
    const cachedTop = this.groupCache.get(topKey);
    if (cachedTop && items.length) {
      cachedGroups++;
      width = cachedTop.width;
      height = cachedTop.height;
      const at = new Map(cachedTop.positions.map((p) => [p.id, p]));
      for (const it of items) {
        const p = at.get(it.id) ?? { x: 0, y: 0 };
        if (boxesPresent.has(it.id)) positions[it.id] = { x: p.x, y: p.y };
        else for (const o of it.offsets) positions[o.id] = { x: p.x + o.x, y: p.y + o.y };
      }
    } else if (items.length) {
      let ordered = items;
      if (items.length > PACK_ABOVE) {
        // Layered order first (callers before callees), then packed in that order.
        const order = await this.layoutUnits('order', items, topEdges, TOP_OPTIONS);
        elkRuns++;
        ordered = items.slice().sort((a, b) => {
          const pa = order.get(a.id) ?? { x: 0, y: 0 };
          const pb = order.get(b.id) ?? { x: 0, y: 0 };
          return pa.x - pb.x || pa.y - pb.y;
        });
      }
      const placed = await this.layoutUnits('root', ordered, ordered === items ? topEdges : [], ordered === items ? TOP_OPTIONS : PACK_OPTIONS);
      elkRuns++;
      width = placed.width ?? 0;
      height = placed.height ?? 0;
      for (const it of items) {
        const p = placed.get(it.id) ?? { x: 0, y: 0 };
        if (boxesPresent.has(it.id)) positions[it.id] = p;
        else for (const o of it.offsets) positions[o.id] = { x: p.x + o.x, y: p.y + o.y };
      }
      this.remember(topKey, { width, height, positions: items.map((it) => ({ id: it.id, ...(placed.get(it.id) ?? { x: 0, y: 0 }) })) });
    }
    return {
      positions,
      boxes,
      width,
      height,
      stats: { nodes: input.nodes.length, units: unitCount, groups: sortedBoxes.length, elkRuns, cachedGroups, ms: Date.now() - t0 },
    };
  }
}

/**
 * A provisional layout without ELK, linear in the graph size: the same blocks and
 * namespace boxes, placed on grids (blocks by id, boxes in rows). Shown first for
 * large graphs, so something is on screen while ELK works.
 */
export function quickLayout(input: LayoutInput): LayoutResult {
  const t0 = Date.now();
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const boxIds = input.nodes
    .filter((n) => n.kind === 'namespace')
    .map((n) => n.id)
    .sort();
  const present = new Set(boxIds);
  const groups = new Map<string, LayoutNode[]>();
  for (const n of input.nodes) {
    if (n.kind === 'namespace') continue;
    const g = n.parent && present.has(n.parent) ? n.parent : '';
    const l = groups.get(g);
    if (l) l.push(n);
    else groups.set(g, [n]);
  }
  const positions: Record<string, XY> = {};
  const boxes: Record<string, { width: number; height: number }> = {};
  let unitCount = 0;
  const grid = (units: Unit[], gapX: number, gapY: number): { width: number; height: number; at: Map<string, XY> } => {
    const cols = Math.max(1, Math.round(Math.sqrt(units.length / 2)));
    const at = new Map<string, XY>();
    let x = 0;
    let width = 0;
    let height = 0;
    for (let c = 0; c * Math.ceil(units.length / cols) < units.length; c++) {
      const col = units.slice(c * Math.ceil(units.length / cols), (c + 1) * Math.ceil(units.length / cols));
      let y = 0;
      let colWidth = 0;
      for (const u of col) {
        at.set(u.id, { x, y });
        y += u.height + gapY;
        colWidth = Math.max(colWidth, u.width);
      }
      height = Math.max(height, y - gapY);
      x += colWidth + gapX;
      width = x - gapX;
    }
    return { width, height, at };
  };
  for (const box of boxIds) {
    const members = (groups.get(box) ?? []).slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!members.length) {
      boxes[box] = { ...EMPTY_BOX };
      continue;
    }
    const { units } = makeUnits(members, byId);
    unitCount += units.length;
    const g = grid(units, 90, 22);
    for (const u of units) {
      const p = g.at.get(u.id) ?? { x: 0, y: 0 };
      for (const o of u.offsets) positions[o.id] = { x: p.x + o.x + NS_PADDING.left, y: p.y + o.y + NS_PADDING.top };
    }
    boxes[box] = {
      width: Math.max(EMPTY_BOX.width, g.width + NS_PADDING.left + NS_PADDING.right),
      height: Math.max(EMPTY_BOX.height, g.height + NS_PADDING.top + NS_PADDING.bottom),
    };
  }
  const top = (groups.get('') ?? []).slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { units: topUnits } = makeUnits(top, byId);
  unitCount += topUnits.length;
  const items: Unit[] = [...boxIds.map((b) => ({ id: b, width: boxes[b]!.width, height: boxes[b]!.height, offsets: [] })), ...topUnits];
  // Rows of about sqrt(total area) width.
  const area = items.reduce((a, it) => a + it.width * it.height, 0);
  const rowWidth = Math.max(...items.map((it) => it.width), Math.sqrt(area * 1.6));
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const it of items) {
    if (x > 0 && x + it.width > rowWidth) {
      y += rowHeight + 64;
      x = 0;
      rowHeight = 0;
    }
    if (present.has(it.id)) positions[it.id] = { x, y };
    else for (const o of it.offsets) positions[o.id] = { x: x + o.x, y: y + o.y };
    x += it.width + 64;
    width = Math.max(width, x - 64);
    rowHeight = Math.max(rowHeight, it.height);
  }
  return {
    positions,
    boxes,
    width,
    height: y + rowHeight,
    stats: { nodes: input.nodes.length, units: unitCount, groups: boxIds.length, elkRuns: 0, cachedGroups: 0, ms: Date.now() - t0 },
  };
}
