'use client';
/** The graph's controls. Every choice goes to the URL (through onChange), so a link reproduces the view. */
import { useEffect, useRef, useState } from 'react';
import type { PrometheusStatus } from '@/lib/contracts/graph';
import { isLabelKey } from '@/lib/istio/graph/params';
import type { NodeKind } from '@/lib/istio/graph/types';
import { HIDEABLE_KINDS, TRAFFIC_FILTERS, WINDOWS, parsePairs, type GraphViewState, type TrafficFilter } from './view';

interface Props {
  state: GraphViewState;
  onChange(patch: Partial<GraphViewState>): void;
  namespaces: string[];
  /** Namespaces present in the graph (for hiding). */
  graphNamespaces: string[];
  pairs: Array<{ pair: string; count: number }>;
  matches: number;
  onFocusMatches(): void;
  onFit(): void;
  onExport(format: 'png' | 'svg'): void;
  /** What the server said about the Prometheus of the graph on screen. */
  prometheus?: PrometheusStatus;
  /** The Prometheus URL the page sends (undefined: the server's PROMETHEUS_URL). */
  prometheusUrl?: string;
}

function useDebounced(value: string, commit: (v: string) => void, ms = 250): [string, (v: string) => void] {
  const [local, setLocal] = useState(value);
  const [dirty, setDirty] = useState(false);
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });
  useEffect(() => {
    if (!dirty) setLocal(value);
  }, [value, dirty]);
  useEffect(() => {
    if (!dirty) return;
    const t = setTimeout(() => {
      commitRef.current(local);
      setDirty(false);
    }, ms);
    return () => clearTimeout(t);
  }, [local, dirty, ms]);
  return [
    local,
    (v: string) => {
      setLocal(v);
      setDirty(true);
    },
  ];
}

/** "appKey:versionKey" with two label keys the API accepts, or why not. */
function checkPair(p: string): string | undefined {
  const parts = p.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return 'use appKey:versionKey';
  const bad = parts.find((k) => !isLabelKey(k));
  return bad ? `"${bad}" is not a label key` : undefined;
}

export function Toolbar({ state, onChange, namespaces, graphNamespaces, pairs, matches, onFocusMatches, onFit, onExport, prometheus, prometheusUrl }: Props) {
  const [find, setFind] = useDebounced(state.find, (v) => onChange({ find: v }));
  const [hide, setHide] = useDebounced(state.hide.join(', '), (v) =>
    onChange({
      hide: v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    }),
  );
  const [promUrl, setPromUrl] = useState(prometheusUrl ?? '');
  const [customPair, setCustomPair] = useState('');
  const [pairError, setPairError] = useState<string | undefined>(undefined);
  useEffect(() => setPromUrl(prometheusUrl ?? ''), [prometheusUrl]);
  const activePairs = parsePairs(state.versionLabels);
  const setPairs = (list: string[]) => onChange({ versionLabels: list.join(',') });
  const togglePair = (pair: string, on: boolean) => setPairs(on ? [...activePairs.filter((p) => p !== pair), pair] : activePairs.filter((p) => p !== pair));
  const toggleNs = (ns: string, on: boolean) => onChange({ namespaces: on ? [...state.namespaces, ns] : state.namespaces.filter((x) => x !== ns) });
  const toggleKind = (k: NodeKind, on: boolean) => onChange({ hideKinds: on ? [...state.hideKinds, k] : state.hideKinds.filter((x) => x !== k) });
  const toggleHideNs = (ns: string, on: boolean) => onChange({ hideNs: on ? [...state.hideNs, ns] : state.hideNs.filter((x) => x !== ns) });
  const nsChoices = [...new Set([...namespaces, ...state.namespaces])].sort();
  // A click outside an open menu closes it.
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (ev: PointerEvent) => {
      for (const d of bar.current?.querySelectorAll('details[open]') ?? []) if (!d.contains(ev.target as Node)) d.removeAttribute('open');
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, []);

  return (
    <div className="graph-toolbar" role="toolbar" aria-label="Graph controls" ref={bar}>
      <details data-testid="ns-menu">
        <summary>Namespaces: {state.namespaces.length ? state.namespaces.join(', ') : 'all'}</summary>
        <div className="menu">
          <button type="button" onClick={() => onChange({ namespaces: [] })} disabled={!state.namespaces.length}>
            All namespaces
          </button>
          {nsChoices.map((ns) => (
            <label key={ns}>
              <input type="checkbox" checked={state.namespaces.includes(ns)} onChange={(e) => toggleNs(ns, e.target.checked)} /> {ns}
            </label>
          ))}
          <span className="hint">The graph keeps the direct neighbours of these namespaces.</span>
        </div>
      </details>

      <label>
        Window
        <select aria-label="Telemetry window" value={state.window} onChange={(e) => onChange({ window: e.target.value })}>
          {[...new Set([...WINDOWS, state.window])].map((w) => (
            <option key={w} value={w}>
              {w}
            </option>
          ))}
        </select>
      </label>

      <details data-testid="versions-menu">
        <summary>Versions: {state.versionLabels ? activePairs.map((p) => p.replace(':', '/')).join(', ') : 'app/version (default)'}</summary>
        <div className="menu">
          <span className="hint">Workloads are grouped into versions of an app by the first label pair they carry (app key : version key).</span>
          {pairs.map(({ pair, count }) => (
            <label key={pair}>
              <input
                type="checkbox"
                aria-label={`group by ${pair}`}
                checked={activePairs.includes(pair)}
                onChange={(e) => togglePair(pair, e.target.checked)}
              />{' '}
              <span className="mono">{pair.replace(':', ' / ')}</span>
              {count > 0 && (
                <span className="muted">
                  {' '}
                  ({count} ungrouped workload{count === 1 ? '' : 's'} carry it)
                </span>
              )}
            </label>
          ))}
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              const p = customPair.trim();
              const problem = checkPair(p);
              setPairError(problem);
              if (problem) return;
              if (!activePairs.includes(p)) setPairs([...activePairs, p]);
              setCustomPair('');
            }}
          >
            <input
              type="text"
              placeholder="appKey:versionKey"
              aria-label="Custom label pair"
              aria-invalid={!!pairError}
              value={customPair}
              onChange={(e) => {
                setCustomPair(e.target.value);
                setPairError(undefined);
              }}
            />
            <button type="submit">Add</button>
          </form>
          {pairError && (
            <span className="hint" role="alert" data-testid="pair-error">
              {pairError}
            </span>
          )}
          <button type="button" onClick={() => onChange({ versionLabels: undefined })} disabled={!state.versionLabels}>
            Defaults
          </button>
        </div>
      </details>

      <label>
        <input type="checkbox" checked={state.fold} onChange={(e) => onChange({ fold: e.target.checked })} /> fold versions
      </label>

      <span className="group">
        <input
          type="search"
          placeholder="Find name, namespace, host"
          aria-label="Find"
          value={find}
          onChange={(e) => setFind(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onFocusMatches();
          }}
        />
        {state.find && (
          <button type="button" onClick={onFocusMatches} disabled={!matches} data-testid="find-count" title="Zoom to the matches">
            {matches} found
          </button>
        )}
      </span>

      <details data-testid="hide-menu">
        <summary>Hide{state.hide.length || state.hideKinds.length || state.hideNs.length || state.traffic !== 'all' ? ' (on)' : ''}</summary>
        <div className="menu">
          <label>
            Names
            <input type="text" aria-label="Hide names" placeholder="name, /regex/" value={hide} onChange={(e) => setHide(e.target.value)} />
          </label>
          <span className="hint">Kinds</span>
          {HIDEABLE_KINDS.map((k) => (
            <label key={k}>
              <input type="checkbox" aria-label={`hide ${k}`} checked={state.hideKinds.includes(k)} onChange={(e) => toggleKind(k, e.target.checked)} />{' '}
              {k === 'namespace' ? 'namespace boxes' : k}
            </label>
          ))}
          {[...new Set([...graphNamespaces, ...state.hideNs])].length > 0 && <span className="hint">Namespaces</span>}
          {[...new Set([...graphNamespaces, ...state.hideNs])].sort().map((ns) => (
            <label key={ns}>
              <input
                type="checkbox"
                aria-label={`hide namespace ${ns}`}
                checked={state.hideNs.includes(ns)}
                onChange={(e) => toggleHideNs(ns, e.target.checked)}
              />{' '}
              {ns}
            </label>
          ))}
          <label>
            Edges
            <select aria-label="Edges" value={state.traffic} onChange={(e) => onChange({ traffic: e.target.value as TrafficFilter })}>
              {TRAFFIC_FILTERS.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </details>

      <details data-testid="prometheus-menu">
        <summary>Prometheus: {prometheus?.status === 'ok' ? 'on' : prometheus?.status === 'unavailable' ? 'unavailable' : 'off'}</summary>
        <div className="menu">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              onChange({ prometheus: promUrl.trim() || undefined });
            }}
            className="row"
          >
            <input
              type="text"
              aria-label="Prometheus URL"
              placeholder="http://127.0.0.1:9090"
              value={promUrl}
              onChange={(e) => setPromUrl(e.target.value)}
              style={{ width: 220 }}
            />
            <button type="submit">Use</button>
          </form>
          <button type="button" onClick={() => onChange({ prometheus: undefined })} disabled={!state.prometheus && !prometheusUrl}>
            Use the server&apos;s PROMETHEUS_URL
          </button>
          <span className="hint">
            {prometheus?.url
              ? `Querying ${prometheus.url} (${prometheus.source === 'request' ? 'this setting, kept for this context' : 'server setting'}). `
              : ''}
            The server accepts its own PROMETHEUS_URL, loopback addresses, service names (name.namespace.svc) and the hosts in MESHBOARD_PROMETHEUS_HOSTS.
          </span>
        </div>
      </details>

      <span className="group">
        <button type="button" onClick={onFit} title="Fit the whole graph">
          Fit
        </button>
        <button type="button" onClick={() => onExport('png')}>
          PNG
        </button>
        <button type="button" onClick={() => onExport('svg')}>
          SVG
        </button>
      </span>
    </div>
  );
}
