import { test, expect } from '../fixtures';

const VS = (name: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name },
  spec: { hosts: [name], http: [{ route: [{ destination: { host: name } }] }] },
});

test.describe('HTTP API safety', () => {
  test('a cross-origin POST is refused and writes nothing', async ({ request, env, kubectl, uniq }) => {
    const name = uniq('xorigin');
    const r = await request.post(`${env.url}/api/resources/networking.istio.io/v1/virtualservices/default`, {
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      data: VS(name),
    });
    expect(r.status()).toBe(403);
    expect((await r.json()).message).toContain('Cross-origin request refused');
    const got = await kubectl.raw(['get', 'virtualservice', name, '-n', 'default']);
    expect(got.code).not.toBe(0);
    expect(got.stderr).toContain('NotFound');
  });

  test('a malformed body gets a 400 that names the problem, and the server keeps serving', async ({ request, env }) => {
    const url = `${env.url}/api/resources/networking.istio.io/v1/virtualservices/default`;
    const headers = { Origin: env.url, 'Content-Type': 'application/json' };
    const bad = await request.post(url, { headers, data: Buffer.from('{"apiVersion": "networking.istio.io/v1", "kind":') });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).message).toMatch(/not valid JSON/);
    const missing = await request.post(url, { headers, data: { kind: 'VirtualService' } });
    expect(missing.status()).toBe(400);
    const body = await missing.json();
    expect(body.causes.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['apiVersion', 'metadata']));
    const big = await request.post(url, { headers, data: Buffer.from(JSON.stringify({ pad: 'x'.repeat(1_100_000) })) });
    expect(big.status()).toBe(413);
    const wrongType = await request.post(url, { headers: { Origin: env.url, 'Content-Type': 'text/plain' }, data: Buffer.from('{}') });
    expect(wrongType.status()).toBe(415);
    const ok = await request.get(`${env.url}/api/status`);
    expect(ok.status()).toBe(200);
    expect((await ok.json()).connected).toBe(true);
  });

  test('Kubernetes errors keep their meaning: 404, 409 with the current object, 422 with causes', async ({ request, env, kubectl, uniq }) => {
    const name = uniq('errs');
    const ns = uniq('api');
    await kubectl(['create', 'namespace', ns]);
    const base = `${env.url}/api/resources/networking.istio.io/v1/virtualservices/${ns}`;
    const headers = { Origin: env.url, 'Content-Type': 'application/json' };
    expect((await request.get(`${base}/${name}`)).status()).toBe(404);
    const created = await request.post(base, { headers, data: VS(name) });
    expect(created.status()).toBe(201);
    const obj = (await created.json()).object;
    await kubectl(['label', 'virtualservice', name, '-n', ns, 'changed=meanwhile']);
    const stale = await request.put(`${base}/${name}`, { headers, data: { ...obj, spec: { ...obj.spec, hosts: ['other'] } } });
    expect(stale.status()).toBe(409);
    const conflict = await stale.json();
    expect(conflict.reason).toBe('Conflict');
    expect(conflict.current.metadata.labels).toEqual({ changed: 'meanwhile' });
    const invalid = await request.post(`${base}?dryRun=true`, {
      headers,
      data: { ...VS(uniq('bad')), spec: { hosts: ['x'], http: [{ route: [{ destination: { host: 'x' }, weight: 'heavy' }] }] } },
    });
    expect([400, 422]).toContain(invalid.status());
    expect((await invalid.json()).message).toMatch(/weight/);
    const dry = await request.post(`${base}?dryRun=true`, { headers, data: VS(uniq('dry')) });
    expect(dry.status()).toBe(200);
    expect((await dry.json()).dryRun).toBe(true);
  });

  test('the browser never receives credentials', async ({ request, env }) => {
    const text = await (await request.get(`${env.url}/api/contexts`)).text();
    expect(
      JSON.parse(text)
        .contexts.map((c: { name: string }) => c.name)
        .sort(),
    ).toEqual(['admin', 'viewer']);
    expect(text).not.toMatch(/token|certificate|client-key|server"/i);
  });
});
