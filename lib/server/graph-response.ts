/**
 * The body of GET /api/graph from a built graph and the validation engine's findings:
 * the findings about what the view draws are attached to its nodes and edges, and meta
 * says how many there were and where telemetry came from. No I/O: /api/graph
 * (lib/server/graph.ts, over the watch cache) and `meshboard graph` (lib/cli/graph.ts,
 * over files) both answer with this, so the same objects give the same JSON. Bundled
 * into the CLI, so plain Node: no 'server-only' marker (lib/server/server-only.test.ts).
 */
import type { GraphResponse, PrometheusStatus } from '../contracts/graph';
import { parseResourceName, type Finding } from '../istio/findings';
import { attachFindings, type MeshGraph } from '../istio/graph';

export interface GraphResponseInput {
  /** buildGraph's result (telemetry merged or not). */
  graph: MeshGraph;
  /** Time spent in buildGraph (ms). */
  buildMs: number;
  /** Every finding of the context (or of the files), and how long the analysis took. */
  findings: { findings: readonly Finding[]; ms: number };
  /** The namespaces asked for (empty: all). */
  namespaces: readonly string[] | undefined;
  prometheus: PrometheusStatus;
}

export function graphResponse({ graph: built, buildMs, findings: f, namespaces, prometheus }: GraphResponseInput): GraphResponse {
  // A view of some namespaces shows the findings about resources in the namespaces it
  // draws: a shared ingress gateway does not collect every other team's Gateway problems.
  const drawn = new Set(built.nodes.map((n) => n.namespace).filter(Boolean));
  const visible = namespaces?.length
    ? f.findings.filter((x) => {
        const r = parseResourceName(x.resource);
        return !r?.namespace || drawn.has(r.namespace);
      })
    : [...f.findings];
  const graph = attachFindings(built, visible);
  const attached = graph.nodes.reduce((a, n) => a + (n.findings?.length ?? 0), 0) + graph.edges.reduce((a, e) => a + (e.findings?.length ?? 0), 0);
  return { ...graph, meta: { ...graph.meta, prometheus, findings: { count: visible.length, total: f.findings.length, attached, ms: f.ms }, buildMs } };
}
