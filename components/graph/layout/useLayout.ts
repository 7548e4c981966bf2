'use client';
/**
 * Layout off the main thread: posts the graph's structure to the layout worker and
 * pairs each graph with a layout of the same structure (graphHash). While a new
 * layout is computed the previous pair stays on screen; a graph whose structure did
 * not change (metrics, findings, security) is paired with the cached layout at once.
 * Layouts are cached by hash for the session (LRU).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { graphHash } from '@/lib/istio/graph/transform';
import type { MeshGraph } from '@/lib/istio/graph/types';
import { toLayoutInput, type LayoutResult } from './layout';

export interface Laid {
  graph: MeshGraph;
  layout: LayoutResult;
  hash: string;
  /** A provisional grid layout; ELK's follows. */
  provisional: boolean;
}

/** Large graphs get a provisional layout first. */
export const QUICK_ABOVE = 600;
const CACHE_SIZE = 30;
const cache = new Map<string, LayoutResult>();

function remember(hash: string, r: LayoutResult): void {
  cache.delete(hash);
  cache.set(hash, r);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
}

export function useMeshLayout(graph: MeshGraph | undefined): { laid: Laid | undefined; pending: boolean; error?: string } {
  const hash = useMemo(() => (graph ? graphHash(graph) : ''), [graph]);
  const [laid, setLaid] = useState<Laid | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const worker = useRef<Worker | null>(null);
  const seq = useRef(0);
  const shown = useRef<Laid | undefined>(undefined);
  shown.current = laid;

  useEffect(() => {
    const w = new Worker(new URL('./layout.worker.ts', import.meta.url));
    worker.current = w;
    w.postMessage({ id: -1, warmup: true });
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    if (!graph) return;
    const cached = cache.get(hash);
    if (cached) {
      setLaid({ graph, layout: cached, hash, provisional: false });
      return;
    }
    const w = worker.current;
    if (!w) return;
    const id = ++seq.current;
    const onMessage = (ev: MessageEvent) => {
      const m = ev.data as { id: number; result?: LayoutResult; final?: boolean; error?: string };
      if (m.id !== id) return;
      if (m.error) {
        setError(m.error);
        w.removeEventListener('message', onMessage);
        return;
      }
      if (!m.result) return;
      if (m.final) {
        remember(hash, m.result);
        w.removeEventListener('message', onMessage);
      }
      if (id === seq.current) {
        setError(undefined);
        setLaid({ graph, layout: m.result, hash, provisional: !m.final });
      }
    };
    w.addEventListener('message', onMessage);
    // Nothing on screen yet and a big graph: show a quick grid first.
    const quick = !shown.current && graph.nodes.length > QUICK_ABOVE;
    w.postMessage({ id, input: toLayoutInput(graph), quick });
    return () => w.removeEventListener('message', onMessage);
  }, [graph, hash]);

  // The pair on screen may lag behind `graph` while the worker runs.
  const pending = !!graph && (!laid || laid.hash !== hash || laid.provisional);
  // Same structure, newer data (metrics, findings): show the new data with the layout we have.
  const current = laid && graph && laid.hash === hash && laid.graph !== graph ? { ...laid, graph } : laid;
  return { laid: current, pending, error };
}
