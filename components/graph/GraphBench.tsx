'use client';
/**
 * The benchmark page (/graph/bench, used by `npm run bench`): draws a MeshGraph from a
 * static JSON file (?src=, a path on this server, default /bench-data/graph.json, which
 * the benchmark serves)
 * through the same pipeline as the graph page (view steps, layout worker, canvas), and
 * records in window.__meshboardBench when the data arrived and when the browser
 * painted the first (provisional) and the final (ELK) layout. window.__meshboardFps
 * counts animation frames while the benchmark pans and zooms. No cluster needed.
 */
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import type { MeshGraph } from '@/lib/istio/graph/types';
import { GraphCanvas, type Selection } from './GraphCanvas';
import { useMeshLayout } from './layout/useLayout';
import { applyView, BENCH_DEFAULT_SRC, benchSource } from './view';

export interface BenchRecord {
  fetchMs?: number;
  parseMs?: number;
  /** performance.now() when the parsed graph was handed to the pipeline. */
  dataAt?: number;
  nodes?: number;
  edges?: number;
  firstPaint?: { ms: number; provisional: boolean; nodes: number; edges: number };
  finalPaint?: { ms: number; nodes: number; edges: number; layoutMs?: number };
  error?: string;
}

interface FpsMeter {
  start(): void;
  stop(): { frames: number; seconds: number; fps: number; p95FrameMs: number; maxFrameMs: number };
}

declare global {
  interface Window {
    __meshboardBench?: BenchRecord;
    __meshboardFps?: FpsMeter;
  }
}

function installFpsMeter(): void {
  let running = false;
  let stamps: number[] = [];
  const tick = (t: number) => {
    if (!running) return;
    stamps.push(t);
    requestAnimationFrame(tick);
  };
  window.__meshboardFps = {
    start() {
      stamps = [];
      running = true;
      requestAnimationFrame(tick);
    },
    stop() {
      running = false;
      const gaps = stamps
        .slice(1)
        .map((t, i) => t - (stamps[i] as number))
        .sort((a, b) => a - b);
      const seconds = stamps.length > 1 ? ((stamps[stamps.length - 1] as number) - (stamps[0] as number)) / 1000 : 0;
      return {
        frames: Math.max(0, stamps.length - 1),
        seconds,
        fps: seconds > 0 ? (stamps.length - 1) / seconds : 0,
        p95FrameMs: gaps.length ? (gaps[Math.floor(gaps.length * 0.95)] as number) : 0,
        maxFrameMs: gaps.length ? (gaps[gaps.length - 1] as number) : 0,
      };
    },
  };
}

const NO_SELECTION: Selection = {};
const NO_MATCHES: string[] = [];
const noop = () => {};

export function GraphBench() {
  const params = useSearchParams();
  const src = params.get('src');
  const [graph, setGraph] = useState<MeshGraph | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  useEffect(() => {
    installFpsMeter();
    const rec: BenchRecord = {};
    window.__meshboardBench = rec;
    const source = benchSource(src, window.location.origin);
    if ('error' in source) {
      rec.error = source.error;
      setError(source.error);
      return;
    }
    const t0 = performance.now();
    fetch(source.url, { credentials: 'same-origin' })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${source.url}: HTTP ${r.status}`);
        const text = await r.text();
        const t1 = performance.now();
        const g = JSON.parse(text) as MeshGraph;
        const t2 = performance.now();
        const view = applyView(g, { hide: [], hideKinds: [], traffic: 'all', fold: false, namespaces: [] });
        Object.assign(rec, { fetchMs: t1 - t0, parseMs: t2 - t1, dataAt: performance.now(), nodes: view.nodes.length, edges: view.edges.length });
        setGraph(view);
      })
      .catch((e: Error) => {
        rec.error = e.message;
        setError(e.message);
      });
  }, [src]);

  const { laid } = useMeshLayout(graph, 'bench');
  const onPainted = useCallback(
    (info: { nodes: number; edges: number; provisional: boolean }) => {
      const rec = window.__meshboardBench;
      if (!rec?.dataAt) return;
      const ms = performance.now() - rec.dataAt;
      if (!rec.firstPaint) rec.firstPaint = { ms, provisional: info.provisional, nodes: info.nodes, edges: info.edges };
      if (!info.provisional && !rec.finalPaint) rec.finalPaint = { ms, nodes: info.nodes, edges: info.edges, layoutMs: laid?.layout.stats.ms };
    },
    [laid],
  );

  return (
    <div className="graph-page" style={{ gridTemplateRows: 'auto 1fr' }}>
      <div className="muted" data-testid="bench-status">
        {error
          ? `Benchmark data: ${error}`
          : graph
            ? `${graph.nodes.length} nodes, ${graph.edges.length} edges`
            : `Loading ${src || BENCH_DEFAULT_SRC}… (npm run bench serves it)`}
      </div>
      <div style={{ position: 'relative', minHeight: 0 }}>
        <GraphCanvas laid={laid} telemetry selection={NO_SELECTION} matches={NO_MATCHES} onSelect={noop} onPainted={onPainted} />
      </div>
    </div>
  );
}
