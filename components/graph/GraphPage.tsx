'use client';
/**
 * The graph page: the view lives in the URL, the graph comes from GET /api/graph
 * (refetched on live changes), pure view steps (fold, hide) run here, layout runs in
 * the worker, and the canvas only draws. The side panel shows the selection.
 *
 * Prometheus: the URL chosen in the toolbar is saved per kubeconfig context once the
 * server has accepted it (it answered with that URL, reachable or not); a
 * prometheus= URL that arrives in a link is sent only after the user agrees.
 */
import dynamic from 'next/dynamic';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { graphQuery, type GraphResult } from '@/lib/client/graph';
import { overviewQuery } from '@/lib/client/queries';
import { useSelectedContext } from '@/lib/client/selection';
import { ErrorBox } from '@/components/ui/ErrorBox';
import type { CanvasApi, Selection } from './GraphCanvas';
import './graph.css';
import { DenyIcon, LockIcon, WarnIcon } from './icons';
import { useMeshLayout } from './layout/useLayout';
import { Toolbar } from './Toolbar';
import {
  apiQuery,
  applyView,
  findMatches,
  parsePairs,
  prometheusChoice,
  readViewState,
  suggestVersionLabels,
  viewParams,
  type GraphViewState,
  type ViewProblem,
} from './view';

// React Flow is loaded by this page when it draws, not with the route (links to the graph
// prefetch the route's modules from other pages, and these are the heaviest); the side
// panel when something is selected. (The page renders in the browser only: it reads the
// URL and the API.)
const GraphCanvas = dynamic(() => import('./GraphCanvas').then((m) => m.GraphCanvas), { ssr: false });
const SidePanel = dynamic(() => import('./SidePanel').then((m) => m.SidePanel), { ssr: false });

/** Prometheus URLs chosen in this browser, by kubeconfig context: { [context]: url }. */
const PROM_KEY = 'meshboard.prometheusUrls';

function loadSavedPrometheus(): Record<string, string> {
  try {
    const v = JSON.parse(localStorage.getItem(PROM_KEY) ?? '{}') as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function storeSavedPrometheus(all: Record<string, string>): void {
  try {
    localStorage.setItem(PROM_KEY, JSON.stringify(all));
  } catch {
    /* storage unavailable */
  }
}

/** The view key of a graph: fitting follows it (another context, other namespaces). */
const viewKeyOf = (data: GraphResult) => `${data.request.context}|${data.request.namespaces ?? ''}`;

/** Apply a partial view state (node and edge are exclusive, as in the URL). */
function merge(prev: GraphViewState, patch: Partial<GraphViewState>): GraphViewState {
  const next = { ...prev, ...patch };
  if ('node' in patch || 'edge' in patch) {
    next.node = patch.node || undefined;
    next.edge = patch.node ? undefined : patch.edge || undefined;
  }
  return next;
}

/** The view of a query string, and what was left out of it. */
function readUrl(qs: string): { view: GraphViewState; problems: ViewProblem[] } {
  const problems: ViewProblem[] = [];
  const view = readViewState(new URLSearchParams(qs), problems);
  return { view, problems };
}

/**
 * The view state: rendered from React state at once, written to the URL with
 * history.replaceState (no navigation, no server round trip; Next.js keeps
 * useSearchParams in sync), and re-read when the URL changes from outside (the
 * shell's pickers, back/forward, a link). Parameters the API would refuse are left
 * out of the view, reported in `problems`, and dropped from the URL.
 */
function useViewState(): [GraphViewState, (patch: Partial<GraphViewState>) => void, ViewProblem[]] {
  const params = useSearchParams();
  const [read, setRead] = useState(() => readUrl(params.toString()));
  const written = useRef(params.toString());
  const setView = useCallback((patch: Partial<GraphViewState>) => {
    setRead((prev) => ({ ...prev, view: merge(prev.view, patch) }));
    const p = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(viewParams(patch))) {
      if (v === undefined || v === '') p.delete(k);
      else p.set(k, v);
    }
    const qs = p.toString();
    written.current = qs;
    window.history.replaceState(null, '', qs ? `${window.location.pathname}?${qs}` : window.location.pathname);
  }, []);
  useEffect(() => {
    const qs = params.toString();
    if (qs === written.current) return;
    written.current = qs;
    setRead(readUrl(qs));
  }, [params]);
  // Rewrite what was left out, so the URL (and a link copied from it) says what is shown.
  const { view, problems } = read;
  useEffect(() => {
    if (!problems.length) return;
    const fix: Partial<GraphViewState> = {};
    for (const p of problems) (fix as Record<string, unknown>)[p.param] = view[p.param];
    setView(fix);
    // Only when a read of the URL found problems.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [problems, setView]);
  return [view, setView, problems];
}

export function GraphPage() {
  const { context } = useSelectedContext();
  const [state, setViewState, problems] = useViewState();

  // Prometheus URLs saved per context (read after mounting: the server render has no storage).
  const [saved, setSaved] = useState<Record<string, string> | undefined>(undefined);
  useEffect(() => setSaved(loadSavedPrometheus()), []);
  const updateSaved = useCallback((ctx: string, url: string | undefined) => {
    setSaved((prev) => {
      const next = { ...(prev ?? {}) };
      if (url) next[ctx] = url;
      else delete next[ctx];
      if (next[ctx] === prev?.[ctx]) return prev;
      storeSavedPrometheus(next);
      return next;
    });
  }, []);
  // URLs the user agreed to in this page (typed in the toolbar, or "use it" for a link's).
  const [confirmed, setConfirmed] = useState<ReadonlySet<string>>(() => new Set());
  const confirm = useCallback((url: string) => setConfirmed((prev) => (prev.has(url) ? prev : new Set([...prev, url]))), []);
  const prom = prometheusChoice(state.prometheus, context ? saved?.[context] : undefined, confirmed);

  const setView = useCallback(
    (patch: Partial<GraphViewState>) => {
      if ('prometheus' in patch) {
        if (patch.prometheus) confirm(patch.prometheus);
        // Back to the server's PROMETHEUS_URL: forget this context's choice too.
        else if (context) updateSaved(context, undefined);
      }
      setViewState(patch);
    },
    [setViewState, confirm, updateSaved, context],
  );

  // Another context: a Prometheus URL in the URL was for the previous one.
  const lastContext = useRef(context);
  useEffect(() => {
    const prev = lastContext.current;
    lastContext.current = context;
    if (prev && context && prev !== context && state.prometheus) setViewState({ prometheus: undefined });
  }, [context, state.prometheus, setViewState]);

  const q = useQuery({ ...graphQuery(context ?? '', apiQuery({ ...state, prometheus: prom.use })), enabled: !!context && saved !== undefined });
  const overview = useQuery({ ...overviewQuery(context ?? ''), enabled: !!context });
  const data = q.data;
  const telemetry = data?.meta.prometheus.status === 'ok';

  // Save a Prometheus URL for its context once the server has taken it (reachable or not; a refused one is a 400).
  useEffect(() => {
    const p = data?.meta.prometheus;
    const asked = data?.request.prometheus;
    if (data && asked && p?.source === 'request' && (p.status === 'ok' || p.status === 'unavailable')) updateSaved(data.request.context, asked);
  }, [data, updateSaved]);

  // Selection and find do not change what is drawn: key the view on the parameters that do.
  const viewKey = JSON.stringify({
    fold: state.fold,
    hide: state.hide,
    hideKinds: state.hideKinds,
    hideNs: state.hideNs,
    traffic: state.traffic,
    namespaces: state.namespaces,
  });
  const view = useMemo(() => (data ? applyView(data, JSON.parse(viewKey) as Parameters<typeof applyView>[1]) : undefined), [data, viewKey]);
  // Laid out with the view key of the data it came from, not of the state: a graph kept on screen while another loads is not the new one.
  const { laid, pending, error: layoutError, retry: retryLayout } = useMeshLayout(view, data ? viewKeyOf(data) : '');
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
  const promStatus = data?.meta.prometheus;

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
        prometheus={promStatus}
        prometheusUrl={prom.use}
      />
      <div className="graph-main">
        <div style={{ display: 'grid', gridTemplateRows: 'auto 1fr', gap: 6, minHeight: 0 }}>
          <div className="graph-status" data-testid="graph-status">
            {q.isError && <ErrorBox error={q.error} title="Could not load the graph" />}
            {problems.length > 0 && (
              <span className="banner warn" data-testid="graph-ignored">
                Ignored from the link: {problems.map((p) => p.message).join('; ')}
              </span>
            )}
            {prom.ask && (
              <span className="banner info" data-testid="prometheus-ask">
                This link asks to query Prometheus at <span className="mono">{prom.ask}</span>{' '}
                <button type="button" onClick={() => confirm(prom.ask!)}>
                  Use it
                </button>{' '}
                <button type="button" onClick={() => setViewState({ prometheus: undefined })}>
                  Ignore
                </button>
              </span>
            )}
            {promStatus?.status === 'ok' && (
              <span className="badge ok" data-testid="telemetry-state" title={promStatus.url}>
                telemetry: Prometheus, {data?.meta.window} window
              </span>
            )}
            {promStatus?.status === 'off' && (
              <span className="badge" data-testid="telemetry-state" title={promStatus.message}>
                configuration only: no Prometheus configured
              </span>
            )}
            {promStatus?.status === 'unavailable' && (
              <span className="banner warn" data-testid="telemetry-state">
                configuration only: {promStatus.message}
              </span>
            )}
            {data && (
              <span className="muted" data-testid="graph-counts">
                {view?.nodes.filter((n) => n.kind !== 'namespace').length ?? 0} nodes, {view?.edges.length ?? 0} edges
                {data.meta.findings.count ? (
                  <span title={`${data.meta.findings.total} in the whole context`}> · {data.meta.findings.count} findings</span>
                ) : null}
              </span>
            )}
            {layoutError && (
              <span className="banner error" data-testid="layout-error">
                Layout failed: {layoutError}{' '}
                <button type="button" onClick={retryLayout}>
                  Retry
                </button>
              </span>
            )}
            {exportError && <span className="banner error">Export failed: {exportError}</span>}
          </div>
          <div style={{ position: 'relative', minHeight: 0 }}>
            <GraphCanvas laid={laid} telemetry={telemetry} selection={selection} matches={matches} onSelect={onSelect} apiRef={api} />
            {!data && !q.isError && <div className="graph-empty">Loading the graph…</div>}
            {data && !laid && layoutError && <div className="graph-empty">The graph could not be laid out.</div>}
            {view && view.nodes.length === 0 && <div className="graph-empty">Nothing to draw: no services, workloads or gateways here.</div>}
            {(pending || q.isFetching) && data && (
              <div className="graph-busy" data-testid="graph-busy">
                {pending ? 'laying out…' : 'updating…'}
              </div>
            )}
          </div>
        </div>
        {(view ?? laid?.graph) && (state.node || state.edge) && (
          <SidePanel graph={(view ?? laid?.graph)!} node={state.node} edge={state.edge} telemetry={telemetry} onSelect={onSelect} />
        )}
      </div>
    </div>
  );
}
