/**
 * The Prometheus client behind the graph's observed traffic. Server-only.
 *
 * Prometheus: the server's PROMETHEUS_URL, or a URL typed in the UI (passed as
 * ?prometheus=). Because the server makes that request, a typed URL is accepted only
 * when it cannot point the server somewhere the user could not reach anyway:
 *   - the PROMETHEUS_URL value itself;
 *   - a loopback host (localhost, 127.0.0.0/8, [::1]): Meshboard serves loopback by
 *     default, so the user is on this machine;
 *   - a Kubernetes service name, exactly <service>.<namespace>.svc or
 *     <service>.<namespace>.svc.<cluster domain> (MESHBOARD_CLUSTER_DOMAIN, default
 *     cluster.local), for an in-cluster Meshboard. Nothing else that merely contains
 *     ".svc." (x.svc.169.254.169.254.nip.io, evil.svc.attacker.com) passes;
 *   - hosts listed in MESHBOARD_PROMETHEUS_HOSTS (comma-separated, host or host:port).
 * Only http(s), no credentials in the URL, redirects are not followed, only
 * GET <base>/api/v1/query?query=&time= is sent, answers larger than 20 MB are cut off,
 * and nothing of a failed response body is echoed except Prometheus' own error text
 * (truncated). Browsers' cross-site requests are refused for every route
 * (lib/server/http.ts route()), so another web page cannot make Meshboard query
 * loopback addresses on its behalf; the graph page itself asks before using a
 * prometheus= URL that arrives in a link.
 * Queries time out after PROMETHEUS_TIMEOUT_MS (default 5000); when they fail the
 * declared graph is returned with meta.prometheus {status: 'unavailable', message}.
 * Telemetry is cached per (URL, window, namespaces) for 15 s, so the live refetches of
 * several pages do not each wait for a slow Prometheus.
 */
import 'server-only';
import type { PrometheusStatus } from '../contracts/graph';
import { buildObservedQueries, observedFromPrometheus, type GraphParams, type ObservedTraffic } from '../istio/graph';
import { isDnsLabel } from '../istio/names';

export class PrometheusUrlError extends Error {
  override name = 'PrometheusUrlError';
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** MESHBOARD_CLUSTER_DOMAIN (a DNS name), or cluster.local when unset or not a DNS name. */
export function clusterDomain(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const d = (env.MESHBOARD_CLUSTER_DOMAIN ?? '')
    .trim()
    .toLowerCase()
    .replace(/^\.+|\.+$/g, '');
  return d && d.length <= 253 && d.split('.').every(isDnsLabel) ? d : DEFAULT_CLUSTER_DOMAIN;
}

/** Exactly <service>.<namespace>.svc or <service>.<namespace>.svc.<domain>: a Kubernetes service name. */
export function isClusterService(host: string, domain: string): boolean {
  const h = host.toLowerCase();
  const suffix = h.endsWith('.svc') ? '.svc' : h.endsWith(`.svc.${domain}`) ? `.svc.${domain}` : undefined;
  if (!suffix) return false;
  const labels = h.slice(0, -suffix.length).split('.');
  return labels.length === 2 && labels.every(isDnsLabel);
}

/** Parse and normalize a Prometheus base URL (no query, no fragment, path kept, no trailing slash). */
export function normalizePrometheusUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new PrometheusUrlError(`Prometheus URL ${JSON.stringify(raw)} is not a URL: use http(s)://host:port`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new PrometheusUrlError(`Prometheus URL must be http or https, got ${u.protocol.replace(':', '')}`);
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
export function resolvePrometheus(
  requested: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { url: string; source: 'env' | 'request' } | undefined {
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

function resolveRequested(
  requested: string,
  fromEnv: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { url: string; source: 'env' | 'request' } {
  const u = normalizePrometheusUrl(requested);
  const url = u.toString().replace(/\/$/, '');
  if (url === fromEnv) return { url, source: 'env' };
  const extra = (env.MESHBOARD_PROMETHEUS_HOSTS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const domain = clusterDomain(env);
  if (isLoopback(u.hostname) || isClusterService(u.hostname, domain) || extra.includes(u.hostname.toLowerCase()) || extra.includes(u.host.toLowerCase()))
    return { url, source: 'request' };
  throw new PrometheusUrlError(
    `Prometheus at ${u.host} is not allowed: Meshboard only queries PROMETHEUS_URL, loopback addresses, Kubernetes service names (<service>.<namespace>.svc or <service>.<namespace>.svc.${domain}), or hosts in MESHBOARD_PROMETHEUS_HOSTS.`,
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

/** Largest Prometheus answer read (per query): a vector that big means far too many series for a graph. */
export const PROMETHEUS_MAX_BYTES = 20 * 1024 * 1024;

const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The body as text, refusing (and not buffering) more than `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  const tooLarge = () => new Error(`answer larger than ${megabytes(max)} (too many series: choose fewer namespaces)`);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function promQuery(base: string, query: string, time: number, timeoutMs: number, maxBytes: number): Promise<unknown> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query, time: time.toFixed(3) })}`, {
    method: 'GET',
    headers: { Accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
    cache: 'no-store',
  });
  // Prometheus answers 400/422/503 with a JSON {status:"error"} body that parsePrometheusVector reports.
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`HTTP ${res.status}, not a Prometheus API response`);
  }
  const text = await readCapped(res, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`HTTP ${res.status}, malformed JSON`);
  }
}

export type ObservedResult = { observed: ObservedTraffic; time: number; ms: number } | { error: string; time: number; ms: number };

/** Observed traffic for the window, or the reason it could not be read. */
export async function readObserved(
  prometheusUrl: string,
  params: Pick<GraphParams, 'window' | 'namespaces'>,
  opts: { timeoutMs?: number; time?: number; maxBytes?: number } = {},
): Promise<ObservedResult> {
  const timeoutMs = opts.timeoutMs ?? (Number(process.env.PROMETHEUS_TIMEOUT_MS) || 5000);
  const time = opts.time ?? Date.now() / 1000;
  const t0 = performance.now();
  const q = buildObservedQueries({ window: params.window, namespaces: params.namespaces });
  try {
    const [requests, latency, tcp] = await Promise.all(
      [q.requests, q.latency, q.tcp].map((x) => promQuery(prometheusUrl, x, time, timeoutMs, opts.maxBytes ?? PROMETHEUS_MAX_BYTES)),
    );
    const observed = observedFromPrometheus({ requests, latency, tcp }, params.window);
    return { observed, time, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { error: describeFetchError(e, timeoutMs), time, ms: Math.round(performance.now() - t0) };
  }
}

/** How long a telemetry read (or its failure) is reused. */
export const TELEMETRY_TTL_MS = 15_000;
const TELEMETRY_CACHE_SIZE = 64;
const telemetryCache = new Map<string, { at: number; result: Promise<ObservedResult> }>();

/**
 * readObserved, shared for TELEMETRY_TTL_MS per (URL, window, namespaces): concurrent
 * and repeated graph requests (live refetches, several tabs) wait for one read, and a
 * Prometheus that times out costs the timeout once per period, not on every request.
 */
export function readObservedCached(prometheusUrl: string, params: Pick<GraphParams, 'window' | 'namespaces'>, now = Date.now()): Promise<ObservedResult> {
  const key = JSON.stringify([prometheusUrl, params.window, [...new Set(params.namespaces)].sort()]);
  const hit = telemetryCache.get(key);
  if (hit && now - hit.at < TELEMETRY_TTL_MS) return hit.result;
  for (const [k, v] of telemetryCache) if (now - v.at >= TELEMETRY_TTL_MS) telemetryCache.delete(k);
  while (telemetryCache.size >= TELEMETRY_CACHE_SIZE) telemetryCache.delete(telemetryCache.keys().next().value as string);
  const entry = { at: now, result: readObserved(prometheusUrl, params) };
  telemetryCache.set(key, entry);
  // Fresh from when the answer came, not from when it was asked for.
  void entry.result.then(() => {
    entry.at = Math.max(entry.at, Date.now());
  });
  return entry.result;
}

/** Forget cached telemetry (tests). */
export function clearTelemetryCache(): void {
  telemetryCache.clear();
}

export interface Telemetry {
  prometheus: PrometheusStatus;
  observed?: ObservedTraffic;
}

const OFF: PrometheusStatus = { status: 'off', message: 'No Prometheus configured: set PROMETHEUS_URL on the server or a URL in the graph settings.' };

/**
 * Start reading the telemetry for a graph request (cached, see readObservedCached).
 * Throws PrometheusUrlError at once (not in the promise) when a URL typed in the UI is
 * not allowed, so the route answers 400 before waiting for anything; a bad
 * PROMETHEUS_URL is the server's problem and comes back as status 'unavailable'.
 */
export function startTelemetry(
  params: Pick<GraphParams, 'window' | 'namespaces'>,
  requested?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Telemetry> {
  let target: ReturnType<typeof resolvePrometheus>;
  try {
    target = resolvePrometheus(requested, env);
  } catch (e) {
    if (requested) throw e;
    return Promise.resolve({ prometheus: { status: 'unavailable', source: 'env', message: `PROMETHEUS_URL: ${(e as Error).message}` } });
  }
  if (!target) return Promise.resolve({ prometheus: OFF });
  const { url, source } = target;
  return readObservedCached(url, params).then((r): Telemetry =>
    'error' in r
      ? { prometheus: { status: 'unavailable', url, source, message: `Prometheus at ${url}: ${r.error}`, time: r.time, ms: r.ms } }
      : { prometheus: { status: 'ok', url, source, time: r.time, ms: r.ms }, observed: r.observed },
  );
}
