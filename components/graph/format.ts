/** The graph's labels: rates, percentages, throughput, edge label parts. Pure. */
import type { EdgeMetrics, GraphEdge } from '@/lib/istio/graph/types';

function num(x: number): string {
  if (x >= 1000) return `${(x / 1000).toFixed(x >= 10_000 ? 0 : 1)}k`;
  if (x >= 10) return x.toFixed(0);
  if (x >= 1) return x.toFixed(1).replace(/\.0$/, '');
  if (x > 0) return x.toPrecision(1);
  return '0';
}

export const formatRate = (rps: number) => `${num(rps)} req/s`;
export function formatPercent(ratio: number): string {
  if (ratio > 0 && ratio < 0.001) return '<0.1%';
  const pct = ratio * 100;
  return `${(pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)).replace(/\.0$/, '')}%`;
}
export function formatBytes(bps: number): string {
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} MB/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(bps >= 1e4 ? 0 : 1)} kB/s`;
  return `${Math.round(bps)} B/s`;
}

/** The parts of an edge label: weight %, req/s, error %, TCP throughput. */
export function edgeLabelParts(e: Pick<GraphEdge, 'weight' | 'implicit' | 'metrics' | 'kind'>): string[] {
  const parts: string[] = [];
  if (e.weight !== undefined && !e.implicit) parts.push(`${e.weight}%`);
  const m: EdgeMetrics | undefined = e.metrics;
  if (m?.rps !== undefined) {
    parts.push(formatRate(m.rps));
    if ((m.errorRatio ?? 0) > 0) parts.push(`${formatPercent(m.errorRatio ?? 0)} err`);
  }
  if (m?.tcpBytesPerSec !== undefined) parts.push(formatBytes(m.tcpBytesPerSec));
  return parts;
}

export type EdgeTraffic = 'both' | 'declared-only' | 'observed-only';
export const edgeTraffic = (e: Pick<GraphEdge, 'declared' | 'observed'>): EdgeTraffic =>
  e.declared && e.observed ? 'both' : e.declared ? 'declared-only' : 'observed-only';
