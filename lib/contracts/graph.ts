/**
 * GET /api/graph: query parameters and response shape, shared by the route and the
 * browser. The graph itself is lib/istio/graph's MeshGraph (see its README); the
 * response adds where telemetry came from and how the findings were computed.
 *
 *   ?namespaces=a,b              namespaces to show (and their direct neighbours); empty: all
 *   &window=5m                   Prometheus rate window
 *   &versionLabels=app:version,component:release   app/version label pairs, tried in order
 *   &prometheus=http://127.0.0.1:9090              Prometheus base URL typed in the UI (optional;
 *                                the server's PROMETHEUS_URL otherwise). Only http(s); see lib/server/prometheus.ts
 *                                for which hosts are accepted. The page asks before using one from a link.
 *   &context=NAME                kubeconfig context
 */
import { z } from 'zod';
import { parseGraphParams, type GraphParams } from '../istio/graph/params';
import type { GraphMeta, MeshGraph } from '../istio/graph/types';

/** The query of GET /api/graph as the browser sends it (context travels apart, as for every route). Defined here only. */
export interface GraphQuery {
  namespaces?: string;
  window?: string;
  versionLabels?: string;
  prometheus?: string;
}

const graphExtraParamsSchema = z.object({
  prometheus: z
    .string()
    .max(2048, 'prometheus: URL too long')
    .optional()
    .transform((s) => s?.trim() || undefined),
});

/**
 * The server's reading of a GraphQuery: the graph parameters (lib/istio/graph/params.ts,
 * whose validators the page also runs on its URL) and the Prometheus URL asked for.
 * Throws GraphQueryError or ZodError on bad input.
 */
export function parseGraphQuery(search: URLSearchParams): GraphParams & { prometheus?: string } {
  const params = parseGraphParams(search);
  const { prometheus } = graphExtraParamsSchema.parse({ prometheus: search.get('prometheus') ?? undefined });
  return { ...params, prometheus };
}

export interface PrometheusStatus {
  /**
   * ok: telemetry merged; unavailable: configured but the query failed (the graph is
   * declared-only); off: no Prometheus configured (declared-only).
   */
  status: 'ok' | 'unavailable' | 'off';
  /** Base URL that was queried. */
  url?: string;
  /** env: PROMETHEUS_URL of the server; request: typed in the UI. */
  source?: 'env' | 'request';
  /** Why it is unavailable (or off). */
  message?: string;
  /** Evaluation time of the queries (Unix seconds); the server reuses a read for 15 s. */
  time?: number;
  /** Query round trip. */
  ms?: number;
}

export interface GraphResponseMeta extends GraphMeta {
  prometheus: PrometheusStatus;
  /**
   * Findings of the validation engine. count: those about what this view draws (the
   * ones that can show as badges; all of them without a namespace filter); total: the
   * whole context's; attached: badges placed on nodes and edges.
   */
  findings: { count: number; total: number; attached: number; ms: number };
  /** Server time spent building the graph (ms), telemetry excluded. */
  buildMs: number;
}

export type GraphResponse = Omit<MeshGraph, 'meta'> & { meta: GraphResponseMeta };
