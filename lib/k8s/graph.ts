/**
 * The mesh graph of a context (GET /api/graph): what the cached configuration
 * declares, overlaid with what Prometheus observed, with the validation engine's
 * findings attached. Server-only (reads the watch cache, talks to Prometheus).
 *
 * Prometheus: the server's PROMETHEUS_URL, or a URL typed in the UI (passed as
 * ?prometheus=). Because the server makes that request, a typed URL is accepted only
 * when it cannot point the server somewhere the user could not reach anyway:
 *   - the PROMETHEUS_URL value itself;
 *   - a loopback host (localhost, 127.0.0.0/8, [::1]): Meshboard serves loopback by
 *     default, so the user is on this machine;
 *   - a cluster-internal name (*.svc, *.svc.<domain>, *.cluster.local) for an
 *     in-cluster Meshboard;
 *   - hosts listed in MESHBOARD_PROMETHEUS_HOSTS (comma-separated).
 * Only http(s), no credentials in the URL, redirects are not followed, only
 * GET <base>/api/v1/query?query=&time= is sent, and nothing of a failed response body
 * is echoed except Prometheus' own error text (truncated). The route also refuses a
 * typed URL in a request a browser marks as cross-site (Sec-Fetch-Site), so another
 * web page cannot make Meshboard query loopback addresses on its behalf.
 * Queries time out after PROMETHEUS_TIMEOUT_MS (default 5000); when they fail the
 * declared graph is returned with meta.prometheus {status: 'unavailable', message}.
 */
import type { GraphResponse, PrometheusStatus } from '../contracts/graph';
import { attachFindings, buildGraph, buildObservedQueries, observedFromPrometheus, type GraphParams, type ObservedTraffic } from '../istio/graph';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { indexResources, type MeshResources } from '../istio/resources';
import { clusterFindings } from './analysis';
import { parseResourceName } from '../istio/findings';
import type { ClusterCache } from './cache';

export class PrometheusUrlError extends Error {
  override name = 'PrometheusUrlError';
}

const resourceMemo = new WeakMap<ClusterCache, { revision: number; resources: MeshResources }>();

/** The cache's objects grouped by kind, recomputed only when something changed. */
export function meshResourcesOf(cache: ClusterCache): MeshResources {
  const m = resourceMemo.get(cache);
  if (m && m.revision === cache.revision) return m.resources;
  const revision = cache.revision;
  const resources = indexResources(cache.allObjects(), meshConfigFromConfigMap(cache.meshConfigMap()));
  resourceMemo.set(cache, { revision, resources });
  return resources;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function isClusterInternal(host: string): boolean {
  const h = host.toLowerCase();
  return /\.svc$/.test(h) || /\.svc\.[a-z0-9.-]+$/.test(h) || /\.cluster\.local$/.test(h);
}

/** Parse and normalize a Prometheus base URL (no query, no fragment, path kept, no trailing slash). */
export function normalizePrometheusUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new PrometheusUrlError(`Prometheus URL ${JSON.stringify(raw)} is not a URL: use http(s)://host:port`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PrometheusUrlError(`Prometheus URL must be http or https, got ${u.protocol.replace(':', '')}`);
  if (u.username || u.password) throw new PrometheusUrlError('Prometheus URL must not contain credentials');
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/+$/, '');
  return u;
}

/**
 * Which Prometheus to query: the one typed in the UI (if allowed, see the module
 * comment) or PROMETHEUS_URL. Undefined when neither is set. Throws PrometheusUrlError.
 */
export function resolvePrometheus(requested: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): { url: string; source: 'env' | 'request' } | undefined {
  const envUrl = () => (env.PROMETHEUS_URL?.trim() ? normalizePrometheusUrl(env.PROMETHEUS_URL).toString().replace(/\/$/, '') : undefined);
  if (!requested) {
    const url = envUrl();
    return url ? { url, source: 'env' } : undefined;
  }
  let fromEnv: string | undefined;
  try {
    fromEnv = envUrl();
  } catch {
    fromEnv = undefined;
  }
  return resolveRequested(requested, fromEnv, env);
}

function resolveRequested(requested: string, fromEnv: string | undefined, env: Readonly<Record<string, string | undefined>>): { url: string; source: 'env' | 'request' } {
  const u = normalizePrometheusUrl(requested);
  const url = u.toString().replace(/\/$/, '');
  if (url === fromEnv) return { url, source: 'env' };
  const extra = (env.MESHBOARD_PROMETHEUS_HOSTS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (isLoopback(u.hostname) || isClusterInternal(u.hostname) || extra.includes(u.hostname.toLowerCase()) || extra.includes(u.host.toLowerCase())) return { url, source: 'request' };
  throw new PrometheusUrlError(
    `Prometheus at ${u.host} is not allowed: Meshboard only queries PROMETHEUS_URL, loopback or cluster-internal (*.svc, *.cluster.local) addresses, or hosts in MESHBOARD_PROMETHEUS_HOSTS.`,
  );
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${(timeoutMs / 1000).toFixed(1)} s`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (err.cause?.message === 'bad port') return 'this port is blocked for fetch (a well-known port of another protocol)';
  if (err.message === 'fetch failed' && err.cause?.message) return err.cause.message.slice(0, 200);
  return (err.message || String(e)).slice(0, 200);
}

async function promQuery(base: string, query: string, time: number, timeoutMs: number): Promise<unknown> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query, time: time.toFixed(3) })}`, {
    method: 'GET',
    headers: { Accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
    cache: 'no-store',
  });
  // Prometheus answers 400/422/503 with a JSON {status:"error"} body that parsePrometheusVector reports.
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) throw new Error(`HTTP ${res.status}, not a Prometheus API response`);
  try {
    return await res.json();
  } catch {
    throw new Error(`HTTP ${res.status}, malformed JSON`);
  }
}

/** Observed traffic for the window, or the reason it could not be read. */
export async function readObserved(
  prometheusUrl: string,
  params: Pick<GraphParams, 'window' | 'namespaces'>,
  opts: { timeoutMs?: number; time?: number } = {},
): Promise<{ observed: ObservedTraffic; time: number; ms: number } | { error: string; time: number; ms: number }> {
  const timeoutMs = opts.timeoutMs ?? (Number(process.env.PROMETHEUS_TIMEOUT_MS) || 5000);
  const time = opts.time ?? Date.now() / 1000;
  const t0 = performance.now();
  const q = buildObservedQueries({ window: params.window, namespaces: params.namespaces });
  try {
    const [requests, latency, tcp] = await Promise.all([q.requests, q.latency, q.tcp].map((x) => promQuery(prometheusUrl, x, time, timeoutMs)));
    const observed = observedFromPrometheus({ requests, latency, tcp }, params.window);
    return { observed, time, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { error: describeFetchError(e, timeoutMs), time, ms: Math.round(performance.now() - t0) };
  }
}

/** The graph for GET /api/graph. Throws PrometheusUrlError for a URL that is not allowed. */
export async function meshGraph(cache: ClusterCache, params: GraphParams, opts: { prometheus?: string } = {}): Promise<GraphResponse> {
  let prometheus: PrometheusStatus = { status: 'off', message: 'No Prometheus configured: set PROMETHEUS_URL on the server or a URL in the graph settings.' };
  let target: ReturnType<typeof resolvePrometheus>;
  try {
    target = resolvePrometheus(opts.prometheus);
  } catch (e) {
    // A URL typed in the UI that is not allowed is the caller's mistake (400); a bad PROMETHEUS_URL is the server's.
    if (opts.prometheus) throw e;
    prometheus = { status: 'unavailable', source: 'env', message: `PROMETHEUS_URL: ${(e as Error).message}` };
  }
  let observed: ObservedTraffic | undefined;
  if (target) {
    const r = await readObserved(target.url, params);
    if ('error' in r) prometheus = { status: 'unavailable', url: target.url, source: target.source, message: `Prometheus at ${target.url}: ${r.error}`, time: r.time, ms: r.ms };
    else {
      observed = r.observed;
      prometheus = { status: 'ok', url: target.url, source: target.source, time: r.time, ms: r.ms };
    }
  }
  const t0 = performance.now();
  const resources = meshResourcesOf(cache);
  const built = buildGraph(resources, { namespaces: params.namespaces, versionLabels: params.versionLabels, observed });
  const buildMs = Math.round(performance.now() - t0);
  const f = clusterFindings(cache);
  // A view of some namespaces shows the findings about resources in the namespaces it
  // draws: a shared ingress gateway does not collect every other team's Gateway problems.
  const drawn = new Set(built.nodes.map((n) => n.namespace).filter(Boolean));
  const visible = params.namespaces?.length
    ? f.findings.filter((x) => {
        const r = parseResourceName(x.resource);
        return !r?.namespace || drawn.has(r.namespace);
      })
    : f.findings;
  const graph = attachFindings(built, visible);
  const attached = graph.nodes.reduce((a, n) => a + (n.findings?.length ?? 0), 0) + graph.edges.reduce((a, e) => a + (e.findings?.length ?? 0), 0);
  return { ...graph, meta: { ...graph.meta, prometheus, findings: { count: f.findings.length, attached, ms: f.ms }, buildMs } };
}
