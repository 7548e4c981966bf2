/**
 * Fuzzing the HTTP API: every route under app/api (found in the file tree), with random and
 * mutated bodies, paths, query strings and headers, hostile YAML, huge numbers, deep nesting
 * and invalid UTF-8. Never a 5xx, the server keeps serving, and nothing in the cluster
 * changes (every object's resourceVersion is the same before and after).
 *
 * FUZZ_SEED, FUZZ_REQUESTS and FUZZ_SECONDS change the seed (default 1414), the count
 * (default 800) and the time budget (default 150 s: on a busy machine fewer requests are
 * sent, and the figures say how many).
 */
import http from 'node:http';
import path from 'node:path';
import { test, expect, type Kubectl } from '../fixtures';
import { generateRequest, listApiRoutes, rng, type FuzzRequest } from '../support/fuzz';

const SEED = Number(process.env.FUZZ_SEED ?? 1414);
const COUNT = Number(process.env.FUZZ_REQUESTS ?? 800);
const BUDGET_MS = Number(process.env.FUZZ_SECONDS ?? 150) * 1000;
const CONCURRENCY = 4;

interface Outcome {
  status: number;
  error?: string;
  ms: number;
}

function send(base: URL, r: FuzzRequest): Promise<Outcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(r.body ? { 'content-length': String(r.body.length) } : {}) },
        agent: false,
        timeout: 30_000,
        maxHeaderSize: 1024 * 1024,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // The event stream never ends by itself: its status is enough (and HEAD has no body to wait for).
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          req.destroy();
          resolve({ status, ms: Date.now() - t0 });
          return;
        }
        res.resume();
        res.on('end', () => resolve({ status, ms: Date.now() - t0 }));
        res.on('error', (e) => resolve({ status, error: `response: ${e.message}`, ms: Date.now() - t0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', (e) => resolve({ status: 0, error: e.message, ms: Date.now() - t0 }));
    if (r.body) req.end(r.body);
    else req.end();
  });
}

/** Every object a write could touch: namespaces, core kinds and every CRD-backed kind, by resourceVersion. */
async function snapshot(kubectl: Kubectl): Promise<Map<string, string>> {
  const crds = (await kubectl(['get', 'crd', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).filter(Boolean);
  const kinds = [
    'namespaces',
    'services',
    'deployments',
    'configmaps',
    'secrets',
    'serviceaccounts',
    'customresourcedefinitions',
    'clusterroles',
    'clusterrolebindings',
    'roles',
    'rolebindings',
    ...crds,
  ];
  const list = JSON.parse(await kubectl(['get', kinds.join(','), '-A', '-o', 'json'])) as {
    items: Array<{ kind: string; metadata: { namespace?: string; name: string; resourceVersion: string } }>;
  };
  return new Map(list.items.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion]));
}

test.describe('HTTP API fuzzing', () => {
  test('hostile requests to every endpoint: no 5xx, nothing written, the server keeps serving', async ({ env, kubectl, uniq }) => {
    test.setTimeout(600_000);
    const routes = listApiRoutes(path.resolve(__dirname, '..', '..', 'app'));
    // The file tree is the list: if this finds nothing, the fuzzing would prove nothing.
    expect(routes.map((r) => r.template)).toEqual(expect.arrayContaining(['/api/resources/[...path]', '/api/events', '/api/graph', '/api/analyze']));
    const base = new URL(env.url);
    const before = await snapshot(kubectl);
    const r = rng(SEED);
    const opts = { origin: base.origin, host: base.host, absentNs: uniq('fuzz-absent') };
    const requests = Array.from({ length: COUNT }, () => generateRequest(r, routes, opts));

    const byStatus = new Map<number, number>();
    const byRoute = new Map<string, Map<number, number>>();
    const failures: Array<{ i: number; req: FuzzRequest; out: Outcome }> = [];
    let next = 0;
    const slow: string[] = [];
    let sent = 0;
    const t0 = Date.now();
    const worker = async () => {
      for (let i = next++; i < requests.length && Date.now() - t0 < BUDGET_MS; i = next++) {
        const req = requests[i]!;
        const out = await send(base, req);
        sent++;
        if (sent % 100 === 0) console.log(`fuzz: ${sent} requests after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        if (out.ms > 3000) slow.push(`${out.ms} ms: ${req.kind} ${req.method} ${req.path.slice(0, 120)} -> ${out.status}`);
        byStatus.set(out.status, (byStatus.get(out.status) ?? 0) + 1);
        const rt = `${req.method} ${req.kind.split(' ')[1]}`;
        if (!byRoute.has(rt)) byRoute.set(rt, new Map());
        byRoute.get(rt)!.set(out.status, (byRoute.get(rt)!.get(out.status) ?? 0) + 1);
        if (out.status >= 500 || out.status === 0) failures.push({ i, req, out });
        // Keep checking that the server still answers, not only at the end.
        if (i % 200 === 199) {
          const s = await send(base, { method: 'GET', path: '/api/status', headers: { host: base.host }, kind: 'health' });
          if (s.status !== 200) failures.push({ i, req: { method: 'GET', path: '/api/status', headers: {}, kind: 'health check' }, out: s });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - t0) / 1000;

    const figures = [
      `fuzz: seed ${SEED}, ${sent} of ${requests.length} requests sent to ${routes.length} routes in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(1)}/s, ${slow.length} took over 3 s)`,
      `status codes: ${[...byStatus]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}`,
      ...[...byRoute].sort().map(
        ([rt, m]) =>
          `  ${rt}: ${[...m]
            .sort((a, b) => a[0] - b[0])
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
      ),
    ];
    console.log(figures.join('\n'));
    if (slow.length)
      console.log(
        `slowest requests:\n  ${slow
          .sort((a, b) => parseInt(b) - parseInt(a))
          .slice(0, 10)
          .join('\n  ')}`,
      );
    // Enough was sent for the run to mean something.
    expect(sent).toBeGreaterThanOrEqual(Math.min(requests.length, 200));
    test.info().annotations.push({ type: 'figures', description: figures[0] + '; ' + figures[1] });

    const report = failures
      .slice(0, 10)
      .map((f) => `#${f.i} ${f.req.kind} ${f.req.method} ${f.req.path.slice(0, 200)} -> ${f.out.status} ${f.out.error ?? ''}`);
    expect(report, `requests answered with a 5xx or not at all (seed ${SEED})`).toEqual([]);

    // Still serving, still connected to the cluster.
    const status = await send(base, { method: 'GET', path: '/api/status', headers: { host: base.host }, kind: 'health' });
    expect(status.status).toBe(200);
    // Nothing written: same objects, same resourceVersions.
    const after = await snapshot(kubectl);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
    expect(changed, 'objects created, changed or deleted by the fuzzing').toEqual([]);
    // The spread of answers shows the requests got past the checks into the handlers.
    expect(byStatus.get(200) ?? 0).toBeGreaterThan(20);
    expect((byStatus.get(400) ?? 0) + (byStatus.get(422) ?? 0)).toBeGreaterThan(50);
    expect(byStatus.get(404) ?? 0).toBeGreaterThan(5);
  });
});
