'use client';
/**
 * The renderer: draws a laid-out graph with React Flow and nothing else (no fetching,
 * no layout). Keeps the viewport across new data; fits the view once per `focusKey`
 * (or centers the selection from a shared link); level of detail follows the zoom.
 */
import '@xyflow/react/dist/style.css';
import './graph.css';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node, type OnMove, type Viewport } from '@xyflow/react';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import type { MeshFlowEdge } from './edges';
import { edgeTypes } from './edges';
import { exportGraphImage, type ImageFormat } from './export';
import { FlowBuilder } from './flow';
import type { Laid } from './layout/useLayout';
import type { MeshFlowNode } from './nodes';
import { nodeTypes } from './nodes';
import { CanvasStore, CanvasStoreContext, detailFor } from './store';

/** Above this many nodes only what is on screen is rendered, and the minimap is left out. */
export const LARGE_GRAPH = 600;

export interface Selection {
  node?: string;
  edge?: string;
}

export interface CanvasApi {
  /** Zoom to these nodes (the find box's Enter). */
  focusNodes(ids: string[]): void;
  fitAll(): void;
  exportImage(format: ImageFormat, fileName: string): Promise<void>;
}

export interface GraphCanvasProps {
  laid: Laid | undefined;
  telemetry: boolean;
  selection: Selection;
  matches: readonly string[];
  onSelect(sel: Selection): void;
  /** When it changes, the view is fitted again (a different set of namespaces, another context). */
  focusKey: string;
  apiRef?: Ref<CanvasApi>;
  /** Called after the browser painted a new layout (benchmark and tests). */
  onPainted?(info: { nodes: number; edges: number; provisional: boolean; hash: string }): void;
}

const PRO = { hideAttribution: true };

function Canvas({ laid, telemetry, selection, matches, onSelect, focusKey, apiRef, onPainted }: GraphCanvasProps) {
  const rf = useReactFlow<MeshFlowNode, MeshFlowEdge>();
  const [store] = useState(() => new CanvasStore());
  const [builder] = useState(() => new FlowBuilder());
  const root = useRef<HTMLDivElement>(null);
  const fittedFor = useRef<string | null>(null);
  const userMoved = useRef(false);

  useEffect(() => store.set({ telemetry }), [store, telemetry]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  useEffect(() => store.set({ matches: matchSet }), [store, matchSet]);

  const nodes = useMemo(() => (laid ? builder.buildNodes(laid.graph.nodes, laid.layout, selection.node) : []), [builder, laid, selection.node]);
  const edges = useMemo(() => {
    if (!laid) return [];
    const present = new Set(nodes.map((n) => n.id));
    return builder.buildEdges(laid.graph.edges, present, selection.edge, telemetry);
  }, [builder, laid, nodes, selection.edge, telemetry]);
  const large = nodes.length > LARGE_GRAPH;

  // Fit once per focusKey, and once more when ELK replaces a provisional layout the user has not moved.
  const fittedFinal = useRef<string | null>(null);
  useEffect(() => {
    if (!laid || !nodes.length) return;
    const first = fittedFor.current !== focusKey;
    const swap = !first && !laid.provisional && fittedFinal.current !== focusKey && !userMoved.current;
    if (!first && !swap) return;
    fittedFor.current = focusKey;
    if (!laid.provisional) fittedFinal.current = focusKey;
    if (first) userMoved.current = false;
    const target = selection.node ?? (selection.edge ? laid.graph.edges.find((e) => e.id === selection.edge)?.source : undefined);
    const internal = target && first ? rf.getInternalNode(target) : undefined;
    if (internal) {
      const w = internal.width ?? internal.measured.width ?? 0;
      const h = internal.height ?? internal.measured.height ?? 0;
      void rf.setCenter(internal.internals.positionAbsolute.x + w / 2, internal.internals.positionAbsolute.y + h / 2, { zoom: 1, duration: 0 });
    } else {
      void rf.fitView({ padding: 0.08, duration: 0, maxZoom: 1.2, minZoom: 0.01 });
    }
    // Selection changes alone must not move the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [laid, nodes.length, focusKey, rf]);

  // Tell the benchmark/tests when the browser painted what we rendered.
  useEffect(() => {
    if (!laid || !onPainted) return;
    const info = { nodes: nodes.length, edges: edges.length, provisional: laid.provisional, hash: laid.hash };
    let r2 = 0;
    const r1 = requestAnimationFrame(() => {
      r2 = requestAnimationFrame(() => onPainted(info));
    });
    return () => {
      cancelAnimationFrame(r1);
      cancelAnimationFrame(r2);
    };
  }, [laid, nodes.length, edges.length, onPainted]);

  const onMove: OnMove = useCallback((_e, vp: Viewport) => store.set({ detail: detailFor(vp.zoom) }), [store]);
  const onMoveStart = useCallback((e: MouseEvent | TouchEvent | null) => {
    if (e) userMoved.current = true;
    root.current?.classList.add('moving');
  }, []);
  const onMoveEnd = useCallback(() => root.current?.classList.remove('moving'), []);

  useImperativeHandle(
    apiRef,
    () => ({
      focusNodes(ids: string[]) {
        if (!ids.length) return;
        userMoved.current = true;
        void rf.fitView({ nodes: ids.map((id) => ({ id })), padding: 0.3, maxZoom: 1.2, duration: 300 });
      },
      fitAll() {
        void rf.fitView({ padding: 0.08, maxZoom: 1.2, minZoom: 0.01, duration: 300 });
      },
      async exportImage(format: ImageFormat, fileName: string) {
        if (!root.current) throw new Error('The graph is not on screen.');
        await exportGraphImage(root.current, rf.getNodes() as Node[], format, fileName, !large);
      },
    }),
    [rf, large],
  );

  const onNodeClick = useCallback((_: unknown, n: Node) => onSelect({ node: n.id }), [onSelect]);
  const onEdgeClick = useCallback((_: unknown, e: Edge) => onSelect({ edge: e.id }), [onSelect]);
  const onPaneClick = useCallback(() => onSelect({}), [onSelect]);
  // Edge labels live in a portal outside the edge's SVG: select through them too.
  const onLabelClick = useCallback(
    (ev: React.MouseEvent) => {
      const label = (ev.target as HTMLElement).closest?.('[data-edge]');
      if (label) onSelect({ edge: label.getAttribute('data-edge') ?? undefined });
    },
    [onSelect],
  );

  return (
    <CanvasStoreContext.Provider value={store}>
      <div ref={root} className="graph-canvas" data-testid="graph-canvas" data-layout={laid ? (laid.provisional ? 'provisional' : 'final') : 'none'} onClick={onLabelClick}>
        <ReactFlow<MeshFlowNode, MeshFlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodeClick={onNodeClick}
          onEdgeClick={onEdgeClick}
          onPaneClick={onPaneClick}
          onMove={onMove}
          onMoveStart={onMoveStart}
          onMoveEnd={onMoveEnd}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={!large}
          edgesFocusable={!large}
          elementsSelectable
          selectNodesOnDrag={false}
          onlyRenderVisibleElements={large}
          minZoom={0.01}
          maxZoom={2.5}
          proOptions={PRO}
          zoomOnDoubleClick={false}
          deleteKeyCode={null}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} />
          {nodes.length > 40 && !large && <MiniMap pannable zoomable nodeStrokeWidth={2} maskColor="rgba(240,242,245,0.7)" style={{ width: 160, height: 110 }} />}
        </ReactFlow>
      </div>
    </CanvasStoreContext.Provider>
  );
}

export function GraphCanvas(props: GraphCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
