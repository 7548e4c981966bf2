import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearTelemetryCache,
  clusterDomain,
  normalizePrometheusUrl,
  PrometheusUrlError,
  readObserved,
  readObservedCached,
  resolvePrometheus,
  startTelemetry,
  TELEMETRY_TTL_MS,
} from './prometheus';

describe('which Prometheus the server may query', () => {
  const env = { PROMETHEUS_URL: 'http://prometheus.monitoring:9090/' };

  it('uses PROMETHEUS_URL by default, and nothing without it', () => {
    expect(resolvePrometheus(undefined, env)).toEqual({ url: 'http://prometheus.monitoring:9090', source: 'env' });
    expect(resolvePrometheus(undefined, {})).toBeUndefined();
  });

  it('accepts the PROMETHEUS_URL value, loopback and Kubernetes service names typed in the UI', () => {
    expect(resolvePrometheus('http://prometheus.monitoring:9090', env)).toEqual({ url: 'http://prometheus.monitoring:9090', source: 'env' });
    for (const u of [
      'http://127.0.0.1:9090',
      'http://localhost:9090/prom',
      'http://[::1]:9090',
      'https://127.3.2.1',
      'http://prometheus.istio-system.svc:9090',
      'http://prometheus.istio-system.svc.cluster.local:9090',
      'http://Prometheus.Monitoring.SVC.Cluster.Local',
    ]) {
      expect(resolvePrometheus(u, env)?.source, u).toBe('request');
    }
    expect(resolvePrometheus('http://localhost:9090/prom/?x=1#y', env)?.url).toBe('http://localhost:9090/prom');
  });

  it('refuses hosts that only look cluster-internal', () => {
    for (const u of [
      'http://x.svc.169.254.169.254.nip.io',
      'http://evil.svc.attacker.com',
      'http://prometheus.monitoring.svc.attacker.com:9090',
      'http://a.b.svc.cluster.local.attacker.com',
      'http://evil.cluster.local',
      'http://svc.cluster.local',
      'http://monitoring.svc',
      'http://x.y.z.svc',
      'http://p-0.prometheus.monitoring.svc.cluster.local',
      'http://prometheus.monitoring.svc.corp.local',
      'http://prometheus.monitoring.svc.',
      'http://-bad.monitoring.svc',
      'http://169.254.169.254.svc',
      'http://127.0.0.1.nip.io',
    ]) {
      expect(() => resolvePrometheus(u, env), u).toThrow(PrometheusUrlError);
    }
  });

  it('uses MESHBOARD_CLUSTER_DOMAIN for the long form of service names', () => {
    const corp = { ...env, MESHBOARD_CLUSTER_DOMAIN: 'corp.local' };
    expect(clusterDomain(corp)).toBe('corp.local');
    expect(resolvePrometheus('http://thanos.monitoring.svc.corp.local:9090', corp)?.source).toBe('request');
    expect(resolvePrometheus('http://thanos.monitoring.svc:9090', corp)?.source).toBe('request');
    expect(() => resolvePrometheus('http://thanos.monitoring.svc.cluster.local:9090', corp)).toThrow(PrometheusUrlError);
    expect(() => resolvePrometheus('http://x.svc.corp.local.attacker.com', corp)).toThrow(PrometheusUrlError);
    // Not a DNS name: the default applies.
    expect(clusterDomain({ MESHBOARD_CLUSTER_DOMAIN: 'a..b' })).toBe('cluster.local');
    expect(clusterDomain({ MESHBOARD_CLUSTER_DOMAIN: ' .Cluster.Example. ' })).toBe('cluster.example');
    expect(clusterDomain({})).toBe('cluster.local');
  });

  it('refuses other hosts unless MESHBOARD_PROMETHEUS_HOSTS lists them', () => {
    for (const u of [
      'http://prometheus.example.com:9090',
      'http://10.0.0.5:9090',
      'http://169.254.169.254/latest',
      'http://127.0.0.1.nip.io:9090',
      'http://svc.example.com',
    ]) {
      expect(() => resolvePrometheus(u, env), u).toThrow(PrometheusUrlError);
    }
    expect(resolvePrometheus('http://10.0.0.5:9090', { ...env, MESHBOARD_PROMETHEUS_HOSTS: 'prom.corp, 10.0.0.5' })?.source).toBe('request');
    expect(resolvePrometheus('http://prom.corp:9090', { ...env, MESHBOARD_PROMETHEUS_HOSTS: 'prom.corp:9090' })?.source).toBe('request');
    expect(() => resolvePrometheus('http://prom.corp:9091', { ...env, MESHBOARD_PROMETHEUS_HOSTS: 'prom.corp:9090' })).toThrow(PrometheusUrlError);
  });

  it('accepts only http(s) without credentials', () => {
    expect(() => normalizePrometheusUrl('file:///etc/passwd')).toThrow(/http or https/);
    expect(() => normalizePrometheusUrl('http://user:pw@127.0.0.1:9090')).toThrow(/credentials/);
    expect(() => normalizePrometheusUrl('not a url')).toThrow(/not a URL/);
  });

  it('still honours a typed URL when PROMETHEUS_URL itself is malformed', () => {
    expect(resolvePrometheus('http://127.0.0.1:9090', { PROMETHEUS_URL: '::bad' })).toEqual({ url: 'http://127.0.0.1:9090', source: 'request' });
    expect(() => resolvePrometheus(undefined, { PROMETHEUS_URL: '::bad' })).toThrow(PrometheusUrlError);
  });
});

describe('readObserved', () => {
  let server: http.Server;
  let base = '';
  let mode: 'ok' | 'error' | 'html' | 'slow' | 'big' | 'big-declared' = 'ok';
  const bodies: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.url} ${body}`);
        if (mode === 'slow') return void setTimeout(() => res.end('{}'), 2000);
        if (mode === 'big-declared')
          return void res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(5000) }).end('x'.repeat(5000));
        if (mode === 'big') {
          // Streamed without a length: counted as it arrives.
          res.writeHead(200, { 'Content-Type': 'application/json' });
          for (let i = 0; i < 10; i++) res.write(' '.repeat(1000));
          return void res.end('{}');
        }
        if (mode === 'html') return void res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>bad gateway</html>');
        if (mode === 'error')
          return void res
            .writeHead(400, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }));
        const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
        const result = q.startsWith(
          'sum by (reporter, source_workload, source_workload_namespace, destination_service, destination_service_namespace, destination_workload, destination_workload_namespace, destination_version',
        )
          ? [
              {
                metric: {
                  reporter: 'destination',
                  source_workload: 'a',
                  source_workload_namespace: 'ns',
                  destination_service: 'b.ns.svc.cluster.local',
                  destination_service_namespace: 'ns',
                  destination_workload: 'b',
                  destination_workload_namespace: 'ns',
                  response_code: '200',
                },
                value: [1, '2.5'],
              },
            ]
          : [];
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the three queries at one evaluation time and parses the samples', async () => {
    mode = 'ok';
    bodies.length = 0;
    const r = await readObserved(base, { window: '5m', namespaces: ['ns'] }, { time: 1700000000 });
    expect('observed' in r && r.observed.samples).toEqual([expect.objectContaining({ source: { workload: 'a', namespace: 'ns' }, rps: 2.5 })]);
    expect(bodies).toHaveLength(3);
    for (const b of bodies) {
      expect(b.startsWith('GET /api/v1/query?')).toBe(true);
      expect(new URL(b.split(' ')[1]!, 'http://x').searchParams.get('time')).toBe('1700000000.000');
    }
  });

  it('reports Prometheus errors, non-API answers, timeouts and refused connections', async () => {
    mode = 'error';
    expect(await readObserved(base, { window: '5m', namespaces: [] })).toMatchObject({ error: 'parse error at char 5' });
    mode = 'html';
    expect(await readObserved(base, { window: '5m', namespaces: [] })).toMatchObject({ error: 'HTTP 502, not a Prometheus API response' });
    mode = 'slow';
    expect(await readObserved(base, { window: '5m', namespaces: [] }, { timeoutMs: 200 })).toMatchObject({ error: 'no answer within 0.2 s' });
    const closed = await new Promise<number>((r) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => r(port));
      });
    });
    expect(await readObserved(`http://127.0.0.1:${closed}`, { window: '5m', namespaces: [] })).toMatchObject({ error: 'connection refused' });
  });

  it('cuts off answers larger than the limit, declared or streamed', async () => {
    mode = 'big-declared';
    expect(await readObserved(base, { window: '5m', namespaces: [] }, { maxBytes: 4096 })).toMatchObject({
      error: expect.stringMatching(/^answer larger than 0 MB/),
    });
    mode = 'big';
    expect(await readObserved(base, { window: '5m', namespaces: [] }, { maxBytes: 4096 })).toMatchObject({
      error: expect.stringMatching(/answer larger than/),
    });
    // Under the limit the same answer is read (an empty object: not a successful query).
    expect(await readObserved(base, { window: '5m', namespaces: [] }, { maxBytes: 20_000 })).toMatchObject({ error: 'Prometheus query failed' });
  });

  it('reuses a read for the same URL, window and namespaces for a while', async () => {
    mode = 'ok';
    clearTelemetryCache();
    bodies.length = 0;
    const t = Date.now();
    const [a, b] = await Promise.all([
      readObservedCached(base, { window: '5m', namespaces: ['x', 'y'] }, t),
      readObservedCached(base, { window: '5m', namespaces: ['y', 'x'] }, t + 1),
    ]);
    expect(a).toBe(b);
    expect(bodies).toHaveLength(3);
    await readObservedCached(base, { window: '15m', namespaces: ['x', 'y'] }, t + 2);
    expect(bodies).toHaveLength(6);
    await readObservedCached(base, { window: '5m', namespaces: ['x', 'y'] }, Date.now() + TELEMETRY_TTL_MS + 1);
    expect(bodies).toHaveLength(9);
    clearTelemetryCache();
  });

  it('refuses a URL that is not allowed before sending anything', () => {
    bodies.length = 0;
    expect(() => startTelemetry({ window: '5m', namespaces: [] }, 'http://x.svc.169.254.169.254.nip.io', {})).toThrow(PrometheusUrlError);
    expect(bodies).toHaveLength(0);
  });

  it('reports a malformed PROMETHEUS_URL as unavailable telemetry, and no Prometheus as off', async () => {
    expect(await startTelemetry({ window: '5m', namespaces: [] }, undefined, { PROMETHEUS_URL: '::bad' })).toMatchObject({
      prometheus: { status: 'unavailable', source: 'env' },
    });
    expect(await startTelemetry({ window: '5m', namespaces: [] }, undefined, {})).toMatchObject({ prometheus: { status: 'off' } });
    clearTelemetryCache();
    const t = await startTelemetry({ window: '5m', namespaces: ['ns'] }, base, {});
    expect(t).toMatchObject({ prometheus: { status: 'ok', url: base, source: 'request' } });
    expect(t.observed?.samples).toHaveLength(1);
    clearTelemetryCache();
  });
});
