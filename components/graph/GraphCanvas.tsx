'use client';
/**
 * The renderer: draws a laid-out graph with React Flow and nothing else (no fetching,
 * no layout). Keeps the viewport across new data; fits the view once per view key of
 * the graph it draws (laid.key: context and namespaces; or centers the selection from a
 * shared link); level of detail follows the zoom. Geometry for fitting, Find and
 * export comes from the layout, not from React Flow, which holds only some nodes of a
 * large graph.
 */
import '@xyflow/react/dist/style.css';
import './graph.css';
import {
  Background,
  ControlButton,
  Controls,
  getViewportForBounds,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStoreApi,
  type Edge,
  type Node,
  type OnMove,
  type Viewport,
} from '@xyflow/react';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, useSyncExternalStore, type Ref } from 'react';
import type { MeshFlowEdge } from './edges';
import { edgeTypes } from './edges';
import { exportGraphImage, exportOverviewImage, type ImageFormat } from './export';
import { FlowBuilder } from './flow';
import { absoluteRect, boundsOf, type Rect } from './layout/layout';
import type { Laid } from './layout/useLayout';
import type { MeshFlowNode } from './nodes';
import { nodeTypes } from './nodes';
import { LARGE_GRAPH } from './layout/sizes';
import { useTheme } from '@/lib/client/theme';
import { OverviewCanvas, overviewHit, useOverviewScene } from './Overview';
import { CanvasStore, CanvasStoreContext, detailFor } from './store';

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
  apiRef?: Ref<CanvasApi>;
  /** Called after the browser painted a new layout (benchmark and tests). */
  onPainted?(info: { nodes: number; edges: number; provisional: boolean; hash: string }): void;
}

const PRO = { hideAttribution: true };

const NO_EDGES: MeshFlowEdge[] = [];

/**
 * Move focus into the side panel once it is on screen: after the selection renders, and,
 * the first time, after the page has loaded the panel's code (a few frames at most).
 */
function focusSidePanel(framesLeft = 120): void {
  requestAnimationFrame(() => {
    const panel = document.querySelector<HTMLElement>('[data-testid=side-panel]');
    if (panel) panel.focus();
    else if (framesLeft > 0) focusSidePanel(framesLeft - 1);
  });
}

/** Rectangles of nodes by id, in flow coordinates, from the layout (see absoluteRect). */
function rectFinder(laid: Laid | undefined): (id: string) => Rect | undefined {
  if (!laid) return () => undefined;
  const byId = new Map(laid.graph.nodes.map((n) => [n.id, n]));
  return (id) => {
    const n = byId.get(id);
    return n ? absoluteRect(n, laid.layout) : undefined;
  };
}

function Canvas({ laid, telemetry, selection, matches, onSelect, apiRef, onPainted }: GraphCanvasProps) {
  const rf = useReactFlow<MeshFlowNode, MeshFlowEdge>();
  const flowStore = useStoreApi<MeshFlowNode, MeshFlowEdge>();
  const theme = useTheme();
  const focusKey = laid?.key ?? null;
  const rectOf = useMemo(() => rectFinder(laid), [laid]);
  const [store] = useState(() => new CanvasStore());
  const [builder] = useState(() => new FlowBuilder());
  const root = useRef<HTMLDivElement>(null);
  const fittedFor = useRef<string | null>(null);
  const userMoved = useRef(false);

  useEffect(() => store.set({ telemetry }), [store, telemetry]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  useEffect(() => store.set({ matches: matchSet }), [store, matchSet]);

  const allNodes = useMemo(() => (laid ? builder.buildNodes(laid.graph.nodes, laid.layout, selection.node) : []), [builder, laid, selection.node]);
  const allEdges = useMemo(() => {
    if (!laid) return [];
    const present = new Set(allNodes.map((n) => n.id));
    return builder.buildEdges(laid.graph.edges, present, selection.edge, telemetry);
  }, [builder, laid, allNodes, selection.edge, telemetry]);
  const large = allNodes.length > LARGE_GRAPH;
  const detail = useSyncExternalStore(
    store.subscribe,
    () => store.get().detail,
    () => store.get().detail,
  );
  // Until the first fit of a large graph, assume it is seen whole.
  const [fittedKey, setFittedKey] = useState<string | null>(null);
  const overview = large && (detail === 'min' || fittedKey !== focusKey);
  const scene = useOverviewScene(laid?.graph, laid?.layout, telemetry, large);
  const boxesOnly = useMemo(() => allNodes.filter((n) => n.type === 'namespace'), [allNodes]);
  const nodes = overview ? boxesOnly : allNodes;
  const edges = overview ? NO_EDGES : allEdges;

  // Fit once per view key of the graph drawn, and once more when ELK replaces a provisional layout the user has not moved.
  const fittedFinal = useRef<string | null>(null);
  const laidRef = useRef(laid);
  laidRef.current = laid;
  const rectRef = useRef(rectOf);
  rectRef.current = rectOf;
  // The whole layout (the overview shows more than the nodes React Flow holds).
  const fitLayout = useCallback(
    (duration: number) => {
      const l = laidRef.current?.layout;
      if (!l) return;
      void rf.fitBounds({ x: 0, y: 0, width: Math.max(l.width, 1), height: Math.max(l.height, 1) }, { padding: 0.06, duration });
    },
    [rf],
  );
  useEffect(() => {
    if (!laid || !allNodes.length || focusKey === null) return;
    const first = fittedFor.current !== focusKey;
    const swap = !first && !laid.provisional && fittedFinal.current !== focusKey && !userMoved.current;
    if (!first && !swap) return;
    fittedFor.current = focusKey;
    if (!laid.provisional) fittedFinal.current = focusKey;
    if (first) userMoved.current = false;
    // A shared link with a selection opens on it (an edge: both ends in view, at most 100%).
    const ends = selection.node
      ? [selection.node]
      : selection.edge
        ? (() => {
            const e = laid.graph.edges.find((x) => x.id === selection.edge);
            return e ? [e.source, e.target] : [];
          })()
        : [];
    const b = boundsOf(ends.map((id) => rectOf(id)).filter((r): r is Rect => !!r));
    if (b) {
      const w = root.current?.clientWidth ?? 800;
      const h = root.current?.clientHeight ?? 600;
      const zoom = Math.max(0.05, Math.min(1, w / (b.width * 1.3), h / (b.height * 1.3)));
      void rf.setCenter(b.x + b.width / 2, b.y + b.height / 2, { zoom, duration: 0 });
    } else {
      fitLayout(0);
    }
    setFittedKey(focusKey);
    // Selection changes alone must not move the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [laid, allNodes.length, focusKey, rf]);

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
        // From the layout: in the overview React Flow holds none of these nodes.
        const b = boundsOf(ids.map((id) => rectRef.current(id)).filter((r): r is Rect => !!r));
        if (!b || !root.current) return;
        userMoved.current = true;
        const vp = getViewportForBounds(b, root.current.clientWidth, root.current.clientHeight, 0.01, 1.2, 0.3);
        void rf.setViewport(vp, { duration: 300 });
      },
      fitAll() {
        fitLayout(300);
      },
      async exportImage(format: ImageFormat, fileName: string) {
        const l = laidRef.current?.layout;
        if (!root.current || !l) throw new Error('The graph is not on screen.');
        // The overview is a canvas React Flow knows nothing about: export what it shows.
        if (overview && scene)
          return exportOverviewImage(scene, flowStore.getState().transform, root.current.clientWidth, root.current.clientHeight, format, fileName);
        // A large graph renders only what is on screen: export that. Otherwise the whole layout.
        await exportGraphImage(root.current, format, fileName, large ? undefined : { x: 0, y: 0, width: l.width, height: l.height });
      },
    }),
    [rf, large, overview, scene, flowStore, fitLayout],
  );

  // In the overview, what is under the pointer is found in the drawn scene.
  const hitAt = useCallback(
    (ev: React.MouseEvent): string | undefined => {
      if (!overview || !scene) return undefined;
      const p = rf.screenToFlowPosition({ x: ev.clientX, y: ev.clientY });
      return overviewHit(scene, p.x, p.y, 4 / rf.getZoom());
    },
    [overview, scene, rf],
  );
  const onNodeClick = useCallback((ev: React.MouseEvent, n: Node) => onSelect({ node: hitAt(ev) ?? n.id }), [onSelect, hitAt]);
  const onEdgeClick = useCallback((_: unknown, e: Edge) => onSelect({ edge: e.id }), [onSelect]);
  const onPaneClick = useCallback(
    (ev: React.MouseEvent) => {
      const hit = hitAt(ev);
      onSelect(hit ? { node: hit } : {});
    },
    [onSelect, hitAt],
  );
  // Edge labels live in a portal outside the edge's SVG: select through them too.
  const onLabelClick = useCallback(
    (ev: React.MouseEvent) => {
      const label = (ev.target as HTMLElement).closest?.('[data-edge]');
      if (label) onSelect({ edge: label.getAttribute('data-edge') ?? undefined });
    },
    [onSelect],
  );

  // Keyboard: Tab reaches nodes and edges (React Flow makes them focusable); Enter or
  // Space opens the side panel on the focused one and moves focus into it; Escape closes
  // the panel and gives focus back to the element it was opened from.
  const openedFrom = useRef<string | null>(null);
  const onKeyDown = useCallback(
    (ev: React.KeyboardEvent) => {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      const el = (ev.target as HTMLElement).closest?.('.react-flow__node, .react-flow__edge');
      const id = el?.getAttribute('data-id');
      if (!el || !id || el !== ev.target) return;
      ev.preventDefault();
      openedFrom.current = id;
      onSelect(el.classList.contains('react-flow__edge') ? { edge: id } : { node: id });
      requestAnimationFrame(() => focusSidePanel());
    },
    [onSelect],
  );
  const open = !!(selection.node || selection.edge);
  useEffect(() => {
    if (!open) return;
    const onEsc = (ev: KeyboardEvent) => {
      if (ev.key !== 'Escape' || ev.defaultPrevented) return;
      const t = ev.target as HTMLElement | null;
      if (t?.closest?.('dialog, input, textarea, select, details[open]')) return;
      onSelect({});
      const from = openedFrom.current;
      openedFrom.current = null;
      if (from) requestAnimationFrame(() => root.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(from)}"]`)?.focus());
    };
    window.addEventListener('keydown', onEsc);
    return () => window.removeEventListener('keydown', onEsc);
  }, [open, onSelect]);

  return (
    <CanvasStoreContext.Provider value={store}>
      <div
        ref={root}
        onKeyDown={onKeyDown}
        className="graph-canvas"
        data-testid="graph-canvas"
        data-layout={laid ? (laid.provisional ? 'provisional' : 'final') : 'none'}
        data-mode={overview ? 'overview' : 'flow'}
        onClick={onLabelClick}
      >
        <ReactFlow<MeshFlowNode, MeshFlowEdge>
          colorMode={theme}
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
          {overview && scene && <OverviewCanvas scene={scene} selected={selection.node} matches={matchSet} />}
          <Controls showInteractive={false} showFitView={false}>
            <ControlButton className="react-flow__controls-fitview" onClick={() => fitLayout(300)} title="Fit View" aria-label="Fit View">
              <svg viewBox="0 0 32 30" aria-hidden>
                <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
              </svg>
            </ControlButton>
          </Controls>
          {nodes.length > 40 && !large && (
            <MiniMap pannable zoomable nodeStrokeWidth={2} maskColor="rgba(240,242,245,0.7)" style={{ width: 160, height: 110 }} />
          )}
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
