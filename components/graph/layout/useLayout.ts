'use client';
/**
 * Layout off the main thread: posts the graph's structure to the layout worker and
 * pairs each graph with a layout of the same structure (graphHash). While a new
 * layout is computed the previous pair stays on screen; a graph whose structure did
 * not change (metrics, findings, security) is paired with the cached layout at once.
 * Layouts are cached by hash for the session (LRU).
 *
 * Requests are keyed by hash: a refetch that brings the same structure while its
 * layout runs waits for that layout (and gets it with its newer data) instead of
 * starting over. A layout that fails (ELK error, the worker crashing or sending
 * something unreadable) ends `pending` and reports `error`; `retry()` starts a fresh
 * worker and lays the current graph out again.
 *
 * `key` says which view the graph belongs to (context and namespaces): it travels with
 * the layout to the canvas, which fits the view when the key of what it draws changes.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { graphHash } from '@/lib/istio/graph/transform';
import type { MeshGraph } from '@/lib/istio/graph/types';
import { toLayoutInput, type LayoutResult } from './layout';
import { LARGE_GRAPH } from './sizes';

export interface Laid {
  graph: MeshGraph;
  layout: LayoutResult;
  hash: string;
  /** A provisional grid layout; ELK's follows. */
  provisional: boolean;
  /** The view the graph belongs to (see the module comment). */
  key: string;
}

const CACHE_SIZE = 30;
const cache = new Map<string, LayoutResult>();

function remember(hash: string, r: LayoutResult): void {
  cache.delete(hash);
  cache.set(hash, r);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
}

type Reply = { id: number; result?: LayoutResult; final?: boolean; error?: string; superseded?: boolean };

export interface MeshLayoutState {
  laid: Laid | undefined;
  /** The graph on screen lags behind the one asked for (a layout is running). */
  pending: boolean;
  /** Why the current graph could not be laid out. */
  error?: string;
  retry(): void;
}

export function useMeshLayout(graph: MeshGraph | undefined, key = ''): MeshLayoutState {
  const hash = useMemo(() => (graph ? graphHash(graph) : ''), [graph]);
  const [laid, setLaid] = useState<Laid | undefined>(undefined);
  const [failure, setFailure] = useState<{ hash: string; message: string } | undefined>(undefined);
  // A new attempt: a new worker, and the current graph laid out again.
  const [attempt, setAttempt] = useState(0);
  const worker = useRef<Worker | null>(null);
  const seq = useRef(0);
  /** hash -> id of the request the worker will answer. */
  const inflight = useRef(new Map<string, number>());
  const hashOf = useRef(new Map<number, string>());
  /** The newest graph asked for: a layout is paired with it when their hashes agree. */
  const wanted = useRef<{ graph: MeshGraph; hash: string; key: string } | undefined>(undefined);
  wanted.current = graph ? { graph, hash, key } : undefined;
  const shown = useRef<Laid | undefined>(undefined);
  shown.current = laid;
  const failed = useRef(failure);
  failed.current = failure;
  /** Why the current worker cannot lay anything out (it failed to load or crashed). */
  const dead = useRef<string | undefined>(undefined);

  const post = useCallback((g: MeshGraph, h: string) => {
    const w = worker.current;
    if (dead.current) {
      setFailure({ hash: h, message: dead.current });
      return;
    }
    if (!w || inflight.current.has(h)) return;
    const id = ++seq.current;
    inflight.current.set(h, id);
    hashOf.current.set(id, h);
    // Nothing on screen yet and a big graph: show a quick grid first.
    const quick = !shown.current && g.nodes.length > LARGE_GRAPH;
    w.postMessage({ id, input: toLayoutInput(g), quick });
  }, []);

  useEffect(() => {
    const w = new Worker(new URL('./layout.worker.ts', import.meta.url));
    worker.current = w;
    dead.current = undefined;
    const done = (id: number): string | undefined => {
      const h = hashOf.current.get(id);
      hashOf.current.delete(id);
      if (h !== undefined && inflight.current.get(h) === id) inflight.current.delete(h);
      return h;
    };
    // The worker is unusable: every request it holds is lost, and later ones fail at once.
    const broken = (message: string) => {
      if (worker.current !== w) return;
      dead.current = message;
      inflight.current.clear();
      hashOf.current.clear();
      const cur = wanted.current;
      if (cur) setFailure({ hash: cur.hash, message });
    };
    w.onmessage = (ev: MessageEvent) => {
      const m = ev.data as Reply;
      const h = hashOf.current.get(m.id);
      if (h === undefined) return; // the warmup, or a request of a worker we replaced
      const cur = wanted.current;
      if (m.superseded) {
        done(m.id);
        // Dropped while waiting, but wanted again meanwhile: ask again.
        if (cur?.hash === h) post(cur.graph, h);
        return;
      }
      if (m.error) {
        done(m.id);
        if (cur?.hash === h) setFailure({ hash: h, message: m.error });
        return;
      }
      if (!m.result) return;
      if (m.final) {
        remember(h, m.result);
        done(m.id);
      }
      if (cur?.hash === h) {
        setFailure(undefined);
        setLaid({ graph: cur.graph, layout: m.result, hash: h, provisional: !m.final, key: cur.key });
      }
    };
    // An uncaught error in the worker (ErrorEvent), or its script failing to load (a plain Event).
    w.onerror = (ev: Event) => {
      ev.preventDefault();
      const message = ev instanceof ErrorEvent ? ev.message : '';
      broken(message ? `the layout worker stopped: ${message}` : 'the layout worker could not be started');
    };
    w.onmessageerror = () => broken('the layout worker sent a result that could not be read');
    w.postMessage({ id: -1, warmup: true });
    const inflightMap = inflight.current;
    const ids = hashOf.current;
    return () => {
      w.terminate();
      worker.current = null;
      inflightMap.clear();
      ids.clear();
    };
  }, [attempt, post]);

  useEffect(() => {
    if (!graph) return;
    const cached = cache.get(hash);
    if (cached) {
      setLaid({ graph, layout: cached, hash, provisional: false, key });
      return;
    }
    // A structure that failed waits for retry() rather than failing again on every refetch.
    if (failed.current?.hash === hash) return;
    post(graph, hash);
  }, [graph, hash, key, attempt, post]);

  const retry = useCallback(() => {
    setFailure(undefined);
    setAttempt((a) => a + 1);
  }, []);

  const error = failure && failure.hash === hash ? failure.message : undefined;
  // The pair on screen may lag behind `graph` while the worker runs.
  const pending = !!graph && !error && (!laid || laid.hash !== hash || laid.provisional);
  // Same structure, newer data (metrics, findings) or another view of it: show them with the layout we have.
  const current = useMemo(
    () => (laid && graph && laid.hash === hash && (laid.graph !== graph || laid.key !== key) ? { ...laid, graph, key } : laid),
    [laid, graph, hash, key],
  );
  return { laid: current, pending, error, retry };
}
