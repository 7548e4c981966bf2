/**
 * MeshGraph + layout -> React Flow nodes and edges. Node and edge objects are reused
 * while what they show is unchanged, so React Flow and the memoized components skip
 * them on a refetch or a selection change.
 */
import { MarkerType, Position } from '@xyflow/react';
import type { GraphEdge, GraphNode } from '@/lib/istio/graph/types';
import type { MeshFlowEdge } from './edges';
import type { LayoutResult, XY } from './layout/layout';
import { NODE_SIZE } from './layout/sizes';
import type { MeshFlowNode } from './nodes';
import { edgeTraffic } from './format';

const nodeData = new WeakMap<GraphNode, { node: GraphNode }>();
const edgeData = new WeakMap<GraphEdge, { edge: GraphEdge }>();

function dataOfNode(n: GraphNode) {
  let d = nodeData.get(n);
  if (!d) nodeData.set(n, (d = { node: n }));
  return d;
}
function dataOfEdge(e: GraphEdge) {
  let d = edgeData.get(e);
  if (!d) edgeData.set(e, (d = { edge: e }));
  return d;
}

export const MARKER_COLOR = {
  both: '#6b7a8c',
  'declared-only': '#8c97a5',
  'observed-only': '#d9480f',
  denied: '#c62828',
  conflict: '#b35c00',
} as const;

export function markerColor(e: GraphEdge, telemetry: boolean): string {
  if (e.authz?.decision === 'deny') return MARKER_COLOR.denied;
  if (e.security?.state === 'conflict') return MARKER_COLOR.conflict;
  const t = edgeTraffic(e);
  if (!telemetry) return e.declared ? MARKER_COLOR.both : MARKER_COLOR['observed-only'];
  return MARKER_COLOR[t];
}

interface NodeMemo {
  n: GraphNode;
  pos: XY;
  w: number;
  h: number;
  sel: boolean;
  parent?: string;
  out: MeshFlowNode;
}
interface EdgeMemo {
  e: GraphEdge;
  sel: boolean;
  telemetry: boolean;
  out: MeshFlowEdge;
}

/** "reviews to ratings, mtls, denied": the words that the edge's colour and dash pattern show. */
export function edgeAriaLabel(e: GraphEdge, label: (id: string) => string): string {
  const parts = [`${label(e.source)} to ${label(e.target)}`];
  if (e.security?.state) parts.push(e.security.state);
  if (e.authz?.decision === 'deny') parts.push('denied');
  if (!e.declared) parts.push('observed only');
  return parts.join(', ');
}

export class FlowBuilder {
  private nodes = new Map<string, NodeMemo>();
  private edges = new Map<string, EdgeMemo>();

  buildNodes(graphNodes: readonly GraphNode[], layout: LayoutResult, selected: string | undefined): MeshFlowNode[] {
    const next = new Map<string, NodeMemo>();
    const boxes: MeshFlowNode[] = [];
    const rest: MeshFlowNode[] = [];
    for (const n of graphNodes) {
      const pos = layout.positions[n.id];
      if (!pos) continue;
      const isBox = n.kind === 'namespace';
      const size = isBox ? (layout.boxes[n.id] ?? { width: 200, height: 60 }) : NODE_SIZE[n.kind as Exclude<typeof n.kind, 'namespace'>];
      const parent = !isBox && n.parent && layout.boxes[n.parent] ? n.parent : undefined;
      const sel = n.id === selected;
      const prev = this.nodes.get(n.id);
      let out: MeshFlowNode;
      if (
        prev &&
        prev.n === n &&
        prev.pos.x === pos.x &&
        prev.pos.y === pos.y &&
        prev.w === size.width &&
        prev.h === size.height &&
        prev.sel === sel &&
        prev.parent === parent
      ) {
        out = prev.out;
      } else {
        out = {
          id: n.id,
          type: n.kind,
          position: { x: pos.x, y: pos.y },
          data: dataOfNode(n),
          // What a screen reader announces when the node takes focus (Tab / Shift-Tab).
          ariaLabel: `${n.kind} ${n.label}${'namespace' in n && n.namespace && n.kind !== 'namespace' ? ` in ${n.namespace}` : ''}`,
          width: size.width,
          height: size.height,
          selected: sel,
          draggable: false,
          connectable: false,
          ...(parent ? { parentId: parent } : {}),
          ...(isBox
            ? { zIndex: -1 }
            : {
                handles: [
                  { id: null, type: 'target' as const, position: Position.Left, x: 0, y: size.height / 2 - 0.5, width: 1, height: 1 },
                  { id: null, type: 'source' as const, position: Position.Right, x: size.width - 1, y: size.height / 2 - 0.5, width: 1, height: 1 },
                ],
              }),
        };
      }
      next.set(n.id, { n, pos, w: size.width, h: size.height, sel, parent, out });
      (isBox ? boxes : rest).push(out);
    }
    this.nodes = next;
    // Parents before children.
    return [...boxes, ...rest];
  }

  buildEdges(graphEdges: readonly GraphEdge[], present: ReadonlySet<string>, selected: string | undefined, telemetry: boolean): MeshFlowEdge[] {
    const next = new Map<string, EdgeMemo>();
    const out: MeshFlowEdge[] = [];
    for (const e of graphEdges) {
      if (!present.has(e.source) || !present.has(e.target)) continue;
      const sel = e.id === selected;
      const prev = this.edges.get(e.id);
      let fe: MeshFlowEdge;
      if (prev && prev.e === e && prev.sel === sel && prev.telemetry === telemetry) fe = prev.out;
      else {
        fe = {
          id: e.id,
          source: e.source,
          target: e.target,
          type: 'mesh',
          data: dataOfEdge(e),
          ariaLabel: edgeAriaLabel(e, (id) => this.nodes.get(id)?.n.label ?? id),
          selected: sel,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: markerColor(e, telemetry) },
          ...(sel ? { zIndex: 5 } : {}),
        };
      }
      next.set(e.id, { e, sel, telemetry, out: fe });
      out.push(fe);
    }
    this.edges = next;
    return out;
  }
}
