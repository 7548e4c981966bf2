/**
 * Soak: many browser-like clients and a few writers against the production build, on the
 * generated mesh loaded into the local control plane (a real kube-apiserver + etcd).
 * Bounded in time and count; prints figures and exits non-zero when a check fails.
 *
 *   npm run soak -- [--minutes 10] [--clients 50] [--writers 5] [--resources 10000]
 *                   [--write-interval-ms 1000] [--slow-clients 2] [--sse-max-bytes N]
 *                   [--watch-objects 50000 | --watch-objects 0]
 *
 * Phase 1 (console): each client holds the event stream open (/api/events) and loads pages
 * the way the browser does (status, kinds, config list, one namespace's VirtualServices,
 * one VirtualService, overview, graph, analysis) at random intervals. Each writer replaces
 * its own VirtualServices through PUT /api/resources (same origin, as the editor does),
 * stamping a sequence number. Slow clients open the event stream and never read it.
 * Figures: p50/p95/p99 per API, lag from a write to its event at every client, server RSS
 * over time, errors, streams cut off, and whether every write is readable afterwards.
 *
 * Phase 2 (watch cache alone): `--watch-objects` generated objects in a fresh control plane,
 * read by the server's ClusterCache in this process: time to sync, heap, and write->event lag.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { generateMesh } from '../../lib/istio/generate';
import type { K8sObject } from '../../lib/istio/types';
import { clusterWithMesh } from '../bench/mesh-cluster';
import { startApp, type RunningApp } from '../support/app';
import { treeRss } from '../support/rss';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number`);
  return v;
}

const MINUTES = flag('minutes', 10);
const CLIENTS = flag('clients', 50);
const WRITERS = flag('writers', 5);
const RESOURCES = flag('resources', 10_000);
const WRITE_INTERVAL = flag('write-interval-ms', 1000);
const SLOW = flag('slow-clients', 2);
const SSE_MAX = flag('sse-max-bytes', 0);
const WATCH_OBJECTS = flag('watch-objects', 50_000);
const OBJECTS_PER_WRITER = 4;

const log = (l: string) => console.error(`[soak] ${l}`);
const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
/** The largest value (a spread of 100,000 lag samples into Math.max overflows the stack). */
const maxOf = (xs: readonly number[]) => xs.reduce((a, b) => (b > a ? b : a), -Infinity);
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

interface Stats {
  latency: Map<string, number[]>;
  errors: Map<string, number>;
  errorSamples: string[];
}

async function timed(stats: Stats, api: string, url: string, init?: RequestInit): Promise<Response | null> {
  const t0 = performance.now();
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
    const body = await r.arrayBuffer();
    const ms = performance.now() - t0;
    if (!stats.latency.has(api)) stats.latency.set(api, []);
    stats.latency.get(api)!.push(ms);
    if (!r.ok) {
      stats.errors.set(api, (stats.errors.get(api) ?? 0) + 1);
      if (stats.errorSamples.length < 10) stats.errorSamples.push(`${api}: ${r.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      return null;
    }
    return new Response(body, { status: r.status, headers: r.headers });
  } catch (e) {
    stats.errors.set(api, (stats.errors.get(api) ?? 0) + 1);
    // undici says "fetch failed"; the cause says why (a reset connection, a socket the server closed).
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    if (stats.errorSamples.length < 10)
      stats.errorSamples.push(`${api}: ${(e as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
    return null;
  }
}

/** A client's event stream: every change event's arrival time, by "namespace/name@seq". */
class StreamClient {
  readonly seen = new Map<string, number>();
  resets: string[] = [];
  reconnects = 0;
  events = 0;
  private ac = new AbortController();
  constructor(private readonly url: string) {}

  async run(): Promise<void> {
    while (!this.ac.signal.aborted) {
      try {
        const r = await fetch(this.url, { signal: this.ac.signal });
        const reader = r.body!.getReader();
        const dec = new TextDecoder();
        let buf = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!block.startsWith('data: ')) continue;
            this.events++;
            const ev = JSON.parse(block.slice(6)) as { type: string; reason?: string; object?: K8sObject };
            if (ev.type === 'reset') this.resets.push(ev.reason ?? '');
            const seq = ev.object?.metadata.annotations?.['soak/seq'];
            if (ev.type === 'change' && seq) {
              const key = `${ev.object!.metadata.namespace}/${ev.object!.metadata.name}@${seq}`;
              if (!this.seen.has(key)) this.seen.set(key, performance.now());
            }
          }
        }
      } catch {
        /* aborted or dropped: reconnect below */
      }
      if (this.ac.signal.aborted) break;
      this.reconnects++;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  stop(): void {
    this.ac.abort();
  }
}

/** A client that opens the event stream and never reads it (a frozen tab). */
async function slowClient(url: string, signal: AbortSignal): Promise<void> {
  try {
    // The response body is held unread until the end of the run.
    await fetch(url, { signal });
    await new Promise<void>((res) => signal.addEventListener('abort', () => res(), { once: true }));
  } catch {
    /* aborted */
  }
}

async function consolePhase(): Promise<boolean> {
  log(`generating a ${RESOURCES}-resource mesh and loading it into a fresh control plane...`);
  const { objects } = generateMesh(RESOURCES);
  const t0 = performance.now();
  const { cluster, count } = await clusterWithMesh(objects, log);
  log(`cluster ready with ${count} objects after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  let app: RunningApp | undefined;
  let ok = true;
  try {
    app = await startApp({ kubeconfig: cluster.kubeconfig, env: SSE_MAX ? { MESHBOARD_SSE_MAX_BYTES: String(SSE_MAX) } : {} });
    const base = app.url;
    const stats: Stats = { latency: new Map(), errors: new Map(), errorSamples: [] };
    // Warm the cache and the analysis (the first request of a fresh server pays for the sync).
    const w0 = performance.now();
    await timed(stats, 'warm-up /api/analyze', `${base}/api/analyze`);
    log(
      `first /api/analyze after ${((performance.now() - w0) / 1000).toFixed(1)} s; starting ${CLIENTS} clients, ${WRITERS} writers, ${SLOW} slow clients for ${MINUTES} min`,
    );
    stats.latency.clear();

    const namespaces = [...new Set(objects.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.namespace!))];
    const vsOf = (ns: string) => objects.filter((o) => o.kind === 'VirtualService' && o.metadata.namespace === ns).map((o) => o.metadata.name);
    const rss: Array<{ t: number; bytes: number }> = [];
    const started = performance.now();
    const deadline = started + MINUTES * 60_000;
    const sample = () => rss.push({ t: (performance.now() - started) / 1000, bytes: treeRss(app!.process.pid!) });
    sample();
    const rssTimer = setInterval(sample, 10_000);

    // Clients: one event stream each, and page loads.
    const streams = Array.from({ length: CLIENTS }, () => new StreamClient(`${base}/api/events`));
    const streamRuns = streams.map((s) => s.run());
    const slowAc = new AbortController();
    const slowRuns = Array.from({ length: SLOW }, () => slowClient(`${base}/api/events`, slowAc.signal));
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pageLoads = Array.from({ length: CLIENTS }, async (_, c) => {
      await new Promise((r) => setTimeout(r, rand() * 10_000));
      while (performance.now() < deadline) {
        const ns = namespaces[Math.floor(rand() * namespaces.length)]!;
        const names = vsOf(ns);
        const page = Math.floor(rand() * 4);
        await timed(stats, '/api/status', `${base}/api/status`);
        if (page === 0) {
          await Promise.all([timed(stats, '/api/kinds', `${base}/api/kinds`), timed(stats, '/api/config', `${base}/api/config`)]);
          await timed(stats, 'GET list VirtualServices (namespace)', `${base}/api/resources/networking.istio.io/v1/virtualservices/${ns}`);
        } else if (page === 1) {
          await timed(
            stats,
            'GET one VirtualService',
            `${base}/api/resources/networking.istio.io/v1/virtualservices/${ns}/${names[Math.floor(rand() * names.length)]}`,
          );
          await timed(stats, '/api/schemas', `${base}/api/schemas?group=networking.istio.io&kind=VirtualService`);
        } else if (page === 2) {
          await Promise.all([
            timed(stats, '/api/overview', `${base}/api/overview`),
            timed(stats, '/api/graph (one namespace)', `${base}/api/graph?namespaces=${ns}`),
          ]);
        } else {
          await timed(stats, '/api/analyze', `${base}/api/analyze`);
        }
        void c;
        await new Promise((r) => setTimeout(r, 5000 + rand() * 10_000));
      }
    });

    // Writers: each owns OBJECTS_PER_WRITER VirtualServices in its own namespace slot.
    const writes: Array<{ key: string; sent: number; acked?: number; ok: boolean }> = [];
    const lastWritten = new Map<string, { ns: string; name: string; seq: number }>();
    const writerRuns = Array.from({ length: WRITERS }, async (_, w) => {
      const ns = namespaces[w % namespaces.length]!;
      const names = vsOf(ns)
        .slice(Math.floor(w / namespaces.length) * OBJECTS_PER_WRITER)
        .slice(0, OBJECTS_PER_WRITER);
      let seq = 0;
      while (performance.now() < deadline) {
        const name = names[seq % names.length]!;
        seq++;
        const url = `${base}/api/resources/networking.istio.io/v1/virtualservices/${ns}/${name}`;
        const cur = await timed(stats, 'GET one VirtualService (writer, fresh)', `${url}?fresh=1`);
        if (cur) {
          const { object } = (await cur.json()) as { object: K8sObject };
          object.metadata.annotations = { ...(object.metadata.annotations ?? {}), 'soak/seq': `w${w}-${seq}` };
          const rec: (typeof writes)[number] = { key: `${ns}/${name}@w${w}-${seq}`, sent: performance.now(), ok: false };
          writes.push(rec);
          const r = await timed(stats, 'PUT VirtualService', url, {
            method: 'PUT',
            headers: { Origin: base, 'Content-Type': 'application/json' },
            body: JSON.stringify(object),
          });
          rec.acked = performance.now();
          rec.ok = !!r;
          if (r) lastWritten.set(`${ns}/${name}`, { ns, name, seq });
        }
        await new Promise((r) => setTimeout(r, WRITE_INTERVAL));
      }
    });

    const progress = setInterval(() => {
      const last = rss.at(-1);
      log(
        `${((performance.now() - started) / 60_000).toFixed(1)} min: ${writes.length} writes, RSS ${last ? mb(last.bytes) : '?'} MB, errors ${[...stats.errors.values()].reduce((a, b) => a + b, 0)}`,
      );
    }, 60_000);
    await Promise.all([...pageLoads, ...writerRuns]);
    clearInterval(progress);
    // Let the last events arrive.
    const lastWrite = maxOf(writes.map((w) => w.acked ?? 0));
    while (performance.now() - lastWrite < 15_000 && streams.some((s) => writes.some((w) => w.ok && !s.seen.has(w.key))))
      await new Promise((r) => setTimeout(r, 200));
    clearInterval(rssTimer);
    sample();
    streams.forEach((s) => s.stop());
    slowAc.abort();
    await Promise.all([...streamRuns, ...slowRuns]);

    // Every write readable afterwards: fresh from the API server and from the cache.
    let unreadable = 0;
    for (const { ns, name, seq } of lastWritten.values()) {
      for (const fresh of [true, false]) {
        const r = await fetch(`${base}/api/resources/networking.istio.io/v1/virtualservices/${ns}/${name}${fresh ? '?fresh=1' : ''}`);
        const o = r.ok ? ((await r.json()) as { object: K8sObject }).object : undefined;
        const want = [...lastWritten.entries()].find(([k]) => k === `${ns}/${name}`)![1];
        const got = o?.metadata.annotations?.['soak/seq'];
        if (!got || !got.endsWith(`-${want.seq}`)) unreadable++;
      }
      void seq;
    }

    // Figures.
    const seconds = (performance.now() - started) / 1000;
    const okWrites = writes.filter((w) => w.ok);
    const lags: number[] = [];
    let missed = 0;
    for (const s of streams) {
      for (const w of okWrites) {
        const at = s.seen.get(w.key);
        if (at === undefined) missed++;
        else lags.push(at - w.sent);
      }
    }
    const resets = streams.reduce((n, s) => n + s.resets.length, 0);
    console.log(
      `\n== Soak: ${CLIENTS} clients + ${SLOW} slow (never reading) clients, ${WRITERS} writers, ${count} objects, ${(seconds / 60).toFixed(1)} min ==`,
    );
    console.log(
      `machine: ${(await import('node:os')).cpus().length} cores, load average at the end ${(await import('node:os'))
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log('API latency (ms)                         count    p50    p95    p99    max  errors');
    for (const [api, xs] of [...stats.latency].sort()) {
      console.log(
        `  ${api.padEnd(38)} ${String(xs.length).padStart(6)} ${f0(pct(xs, 50)).padStart(6)} ${f0(pct(xs, 95)).padStart(6)} ${f0(pct(xs, 99)).padStart(6)} ${f0(maxOf(xs)).padStart(6)} ${String(stats.errors.get(api) ?? 0).padStart(7)}`,
      );
    }
    console.log(`writes: ${writes.length} sent, ${okWrites.length} acknowledged (${(okWrites.length / seconds).toFixed(1)}/s)`);
    console.log(
      `event lag, PUT sent -> event at each client (${lags.length} deliveries): p50 ${f0(pct(lags, 50))} ms, p95 ${f0(pct(lags, 95))} ms, p99 ${f0(pct(lags, 99))} ms, max ${f0(maxOf(lags))} ms; missed ${missed}`,
    );
    console.log(
      `event streams: ${streams.reduce((n, s) => n + s.events, 0)} events delivered; ${resets} reset by the server; ${streams.reduce((n, s) => n + s.reconnects, 0)} reconnects`,
    );
    const rssLine = rss
      .filter((_, i) => i % Math.max(1, Math.floor(rss.length / 12)) === 0 || i === rss.length - 1)
      .map((x) => `${x.t.toFixed(0)}s:${mb(x.bytes)}`)
      .join(' ');
    console.log(`server RSS (MB) over time: ${rssLine}`);
    const firstHalf = rss.slice(1, Math.max(2, Math.floor(rss.length / 2)));
    const secondHalf = rss.slice(Math.floor(rss.length / 2));
    const avg = (xs: typeof rss) => xs.reduce((a, x) => a + x.bytes, 0) / Math.max(1, xs.length);
    console.log(
      `server RSS: start ${mb(rss[0]!.bytes)} MB, max ${mb(maxOf(rss.map((x) => x.bytes)))} MB, mean of first half ${mb(avg(firstHalf))} MB, of second half ${mb(avg(secondHalf))} MB`,
    );
    console.log(
      `every write readable afterwards: ${unreadable === 0 ? 'yes' : `NO, ${unreadable} reads did not show the last write`} (${lastWritten.size} objects, fresh and from the cache)`,
    );
    const errors = [...stats.errors.values()].reduce((a, b) => a + b, 0);
    console.log(`errors: ${errors}${stats.errorSamples.length ? '\n  ' + stats.errorSamples.join('\n  ') : ''}`);
    const cutOffLogs = (app.logs().match(/event stream client cut off/g) ?? []).length;
    console.log(`slow clients cut off by the server (server log): ${cutOffLogs}`);
    if (errors > 0 || unreadable > 0 || missed > 0) ok = false;
  } finally {
    await app?.stop();
    await cluster.destroy();
  }
  return ok;
}

async function watchCachePhase(): Promise<boolean> {
  if (!WATCH_OBJECTS) return true;
  log(`watch cache alone: loading ${WATCH_OBJECTS} generated objects into a fresh control plane...`);
  const { objects } = generateMesh(WATCH_OBJECTS);
  const t0 = performance.now();
  const { cluster, count } = await clusterWithMesh(objects, log);
  log(`cluster ready with ${count} objects after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  try {
    // The server's cache, in this process (server-only module; nothing React).
    const { ClusterCache } = await import('../../lib/k8s/cache');
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const s0 = performance.now();
    const cache = new ClusterCache(kc, kc.getCurrentContext());
    await cache.ready();
    const syncMs = performance.now() - s0;
    global.gc?.();
    const heap1 = process.memoryUsage().heapUsed;
    const held = cache.allObjects().length;
    const lags: number[] = [];
    const vss = objects.filter((o) => o.kind === 'VirtualService').slice(0, 20);
    for (let i = 0; i < vss.length; i++) {
      const o = vss[i]!;
      const seen = new Promise<number>((resolve) => {
        const off = cache.subscribe((e) => {
          if (
            e.type === 'MODIFIED' &&
            e.object.metadata.name === o.metadata.name &&
            e.object.metadata.namespace === o.metadata.namespace &&
            e.object.metadata.annotations?.['soak/i'] === String(i)
          ) {
            off();
            resolve(performance.now());
          }
        });
      });
      const w0 = performance.now();
      const r = await cluster.kubectl(['-n', o.metadata.namespace!, 'annotate', '--overwrite', 'virtualservice', o.metadata.name, `soak/i=${i}`]);
      if (r.code !== 0) throw new Error(r.stderr);
      lags.push((await seen) - w0);
    }
    cache.stop();
    console.log(`\n== Watch cache alone: ${count} objects in the control plane ==`);
    console.log(
      `initial list + sync: ${(syncMs / 1000).toFixed(1)} s for ${held} objects held; heap +${mb(heap1 - heap0)} MB${global.gc ? '' : ' (without --expose-gc: approximate)'}`,
    );
    console.log(
      `kubectl annotate -> cache event: p50 ${f0(pct(lags, 50))} ms, max ${f0(maxOf(lags))} ms over ${lags.length} writes (includes kubectl start-up)`,
    );
    return held >= count * 0.9;
  } finally {
    await cluster.destroy();
  }
}

async function main(): Promise<void> {
  const ok1 = await consolePhase();
  const ok2 = await watchCachePhase();
  if (!ok1 || !ok2) {
    console.error('[soak] FAILED: see the figures above');
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
