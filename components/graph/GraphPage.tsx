'use client';
/**
 * The graph page: the view lives in the URL, the graph comes from GET /api/graph
 * (refetched on live changes), pure view steps (fold, hide) run here, layout runs in
 * the worker, and the canvas only draws. The side panel shows the selection.
 */
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { graphQuery } from '@/lib/client/graph';
import { overviewQuery } from '@/lib/client/queries';
import { useSelectedContext } from '@/lib/client/selection';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { GraphCanvas, type CanvasApi, type Selection } from './GraphCanvas';
import { DenyIcon, LockIcon, WarnIcon } from './icons';
import { useMeshLayout } from './layout/useLayout';
import { SidePanel } from './SidePanel';
import { Toolbar } from './Toolbar';
import { apiQuery, applyView, findMatches, parsePairs, readViewState, suggestVersionLabels, viewParams, type GraphViewState } from './view';

const PROM_KEY = 'meshboard.prometheusUrl';

/** Apply a partial view state (node and edge are exclusive, as in the URL). */
function merge(prev: GraphViewState, patch: Partial<GraphViewState>): GraphViewState {
  const next = { ...prev, ...patch };
  if ('node' in patch || 'edge' in patch) {
    next.node = patch.node || undefined;
    next.edge = patch.node ? undefined : patch.edge || undefined;
  }
  return next;
}

/**
 * The view state: rendered from React state at once, written to the URL with
 * history.replaceState (no navigation, no server round trip; Next.js keeps
 * useSearchParams in sync), and re-read when the URL changes from outside (the
 * shell's pickers, back/forward, a link).
 */
function useViewState(): [GraphViewState, (patch: Partial<GraphViewState>) => void] {
  const params = useSearchParams();
  const [state, setState] = useState(() => readViewState(new URLSearchParams(params.toString())));
  const written = useRef(params.toString());
  useEffect(() => {
    const qs = params.toString();
    if (qs === written.current) return;
    written.current = qs;
    setState(readViewState(new URLSearchParams(qs)));
  }, [params]);
  const setView = useCallback((patch: Partial<GraphViewState>) => {
    setState((prev) => merge(prev, patch));
    const p = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(viewParams(patch))) {
      if (v === undefined || v === '') p.delete(k);
      else p.set(k, v);
    }
    const qs = p.toString();
    written.current = qs;
    window.history.replaceState(null, '', qs ? `${window.location.pathname}?${qs}` : window.location.pathname);
  }, []);
  return [state, setView];
}

export function GraphPage() {
  const { context } = useSelectedContext();
  const [state, setViewState] = useViewState();
  const setView = useCallback((patch: Partial<GraphViewState>) => {
    if ('prometheus' in patch) {
      try {
        if (patch.prometheus) localStorage.setItem(PROM_KEY, patch.prometheus);
        else localStorage.removeItem(PROM_KEY);
      } catch {
        /* storage unavailable */
      }
    }
    setViewState(patch);
  }, [setViewState]);

  // A Prometheus URL typed earlier in this browser applies when the link does not name one.
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    if (state.prometheus) return;
    try {
      const saved = localStorage.getItem(PROM_KEY);
      if (saved) setViewState({ prometheus: saved });
    } catch {
      /* storage unavailable */
    }
  }, [state.prometheus, setViewState]);

  const q = useQuery({ ...graphQuery(context ?? '', apiQuery(state)), enabled: !!context });
  const overview = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context });
  const data = q.data;
  const telemetry = data?.meta.prometheus.status === 'ok';

  // Selection and find do not change what is drawn: key the view on the parameters that do.
  const viewKey = JSON.stringify({ fold: state.fold, hide: state.hide, hideKinds: state.hideKinds, hideNs: state.hideNs, traffic: state.traffic, namespaces: state.namespaces });
  const view = useMemo(() => (data ? applyView(data, JSON.parse(viewKey) as Parameters<typeof applyView>[1]) : undefined), [data, viewKey]);
  const { laid, pending, error: layoutError } = useMeshLayout(view);
  const matches = useMemo(() => (view && state.find ? findMatches(view, state.find) : []), [view, state.find]);
  const pairs = useMemo(() => (data ? suggestVersionLabels(data, parsePairs(state.versionLabels)) : []), [data, state.versionLabels]);
  const namespaces = useMemo(() => overview.data?.namespaces.map((n) => n.name) ?? [], [overview.data]);
  const graphNamespaces = useMemo(() => (data?.nodes.filter((n) => n.kind === 'namespace').map((n) => n.label) ?? []).sort(), [data]);

  const api = useRef<CanvasApi>(null);
  const selection: Selection = useMemo(() => ({ node: state.node, edge: state.edge }), [state.node, state.edge]);
  const onSelect = useCallback((sel: Selection) => setView({ node: sel.node, edge: sel.edge }), [setView]);
  const [exportError, setExportError] = useState<string | undefined>(undefined);
  const onExport = useCallback(
    (format: 'png' | 'svg') => {
      setExportError(undefined);
      const name = `meshboard-graph-${state.namespaces.join('-') || 'all'}`;
      api.current?.exportImage(format, name).catch((e: Error) => setExportError(e.message));
    },
    [state.namespaces],
  );
  const focusKey = `${context}|${state.namespaces.join(',')}`;
  const prom = data?.meta.prometheus;

  return (
    <div className="graph-page">
      <div className="spread">
        <h1 style={{ margin: 0 }}>Graph</h1>
        <div className="legend" aria-label="Legend">
          <span>
            <span className="line" />
            declared + traffic
          </span>
          <span>
            <span className="line dashed" />
            {telemetry ? 'declared, no traffic' : 'declared'}
          </span>
          <span>
            <span className="line dotted" />
            traffic, not declared
          </span>
          <span>
            <span className="line denied" />
            denied
          </span>
          <span>
            <LockIcon className="sec mtls" /> mTLS
          </span>
          <span>
            <LockIcon open className="sec plaintext" /> plaintext
          </span>
          <span>
            <WarnIcon className="sec conflict" /> TLS conflict
          </span>
          <span>
            <DenyIcon className="deny" /> denied by policy
          </span>
        </div>
      </div>
      <Toolbar
        state={state}
        onChange={setView}
        namespaces={namespaces}
        graphNamespaces={graphNamespaces}
        pairs={pairs}
        matches={matches.length}
        onFocusMatches={() => api.current?.focusNodes(matches)}
        onFit={() => api.current?.fitAll()}
        onExport={onExport}
        prometheus={prom}
      />
      <div className="graph-main">
        <div style={{ display: 'grid', gridTemplateRows: 'auto 1fr', gap: 6, minHeight: 0 }}>
          <div className="graph-status" data-testid="graph-status">
            {q.isError && <ErrorBox error={q.error} title="Could not load the graph" />}
            {prom?.status === 'ok' && (
              <span className="badge ok" data-testid="telemetry-state" title={prom.url}>
                telemetry: Prometheus, {data?.meta.window} window
              </span>
            )}
            {prom?.status === 'off' && (
              <span className="badge" data-testid="telemetry-state" title={prom.message}>
                configuration only: no Prometheus configured
              </span>
            )}
            {prom?.status === 'unavailable' && (
              <span className="banner warn" data-testid="telemetry-state">
                configuration only: {prom.message}
              </span>
            )}
            {data && (
              <span className="muted" data-testid="graph-counts">
                {view?.nodes.filter((n) => n.kind !== 'namespace').length ?? 0} nodes, {view?.edges.length ?? 0} edges
                {data.meta.findings.attached ? ` · ${data.meta.findings.count} findings` : ''}
              </span>
            )}
            {layoutError && <span className="banner error">Layout failed: {layoutError}</span>}
            {exportError && <span className="banner error">Export failed: {exportError}</span>}
          </div>
          <div style={{ position: 'relative', minHeight: 0 }}>
            <GraphCanvas laid={laid} telemetry={telemetry} selection={selection} matches={matches} onSelect={onSelect} focusKey={focusKey} apiRef={api} />
            {!data && !q.isError && <div className="graph-empty">Loading the graph…</div>}
            {view && view.nodes.length === 0 && <div className="graph-empty">Nothing to draw: no services, workloads or gateways here.</div>}
            {(pending || q.isFetching) && data && (
              <div className="graph-busy" data-testid="graph-busy">
                {pending ? 'laying out…' : 'updating…'}
              </div>
            )}
          </div>
        </div>
        {(view ?? laid?.graph) && (state.node || state.edge) && <SidePanel graph={(view ?? laid?.graph)!} node={state.node} edge={state.edge} telemetry={telemetry} onSelect={onSelect} />}
      </div>
    </div>
  );
}
