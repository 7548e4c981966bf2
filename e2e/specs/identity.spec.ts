/**
 * In-cluster identity: two replicas of the console in token mode and one in header
 * mode behind a tiny test proxy, all running as the deploy/ ServiceAccount (its token,
 * its RBAC applied to the local control plane), with the team users of the token file:
 * alice (edit in shop), bob (view in default), carol (nothing), dave (one VirtualService).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { test, expect } from '../fixtures';
import { REPO, freePort, startApp, type RunningApp } from '../support/app';
import { tokenKubeconfig } from '../support/kubeconfig';
import { readState } from '../support/state';

const VS = '/api/resources/networking.istio.io/v1/virtualservices';
const SESSION_KEY = 'e2e-session-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const PROXY_SECRET = 'e2e-proxy-secret-0123456789abcdef';

let a: RunningApp;
let b: RunningApp;
let h: RunningApp;
let proxy: http.Server;
let proxyUrl = '';
let saToken = '';
const tokens: Record<string, string> = {};

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const env = readState();
  for (const line of readFileSync(path.join(path.dirname(env.kubeconfig), 'tokens.csv'), 'utf8')
    .trim()
    .split('\n')) {
    const [token, user] = line.split(',');
    tokens[user!] = token!;
  }
  const { spawnSync } = await import('node:child_process');
  const kubectl = (args: string[]) => {
    const r = spawnSync(env.kubectl, ['--kubeconfig', env.kubeconfig, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  kubectl(['apply', '-f', path.join(REPO, 'deploy', 'meshboard.yaml'), '-f', path.join(REPO, 'deploy', 'meshboard-header-mode.yaml')]);
  saToken = kubectl(['create', 'token', 'meshboard', '-n', 'meshboard', '--duration=2h']).trim();
  // The console's own kubeconfig: the ServiceAccount, as a pod would have it.
  const saConfig = tokenKubeconfig(env.kubeconfig, saToken);
  const tokenEnv = { MESHBOARD_AUTH: 'token', MESHBOARD_SESSION_KEY: SESSION_KEY };
  [a, b, h] = await Promise.all([
    startApp({ kubeconfig: saConfig, env: tokenEnv, readyPath: '/api/healthz' }),
    startApp({ kubeconfig: saConfig, env: tokenEnv, readyPath: '/api/healthz' }),
    startApp({ kubeconfig: saConfig, env: { MESHBOARD_AUTH: 'header', MESHBOARD_PROXY_SECRET: PROXY_SECRET }, readyPath: '/api/healthz' }),
  ]);
  // The test's authenticating proxy: it "authenticates" whoever sends X-Test-User, drops
  // any identity headers the client sent, and forwards with its secret.
  const port = await freePort();
  proxy = http.createServer((req, res) => {
    const headers = { ...req.headers };
    for (const k of ['x-forwarded-user', 'x-forwarded-groups', 'x-meshboard-proxy-secret']) delete headers[k];
    const user = req.headers['x-test-user'];
    if (typeof user === 'string' && user) headers['x-forwarded-user'] = user;
    headers['x-meshboard-proxy-secret'] = PROXY_SECRET;
    const up = http.request({ host: '127.0.0.1', port: h.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${port}`;
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), h?.stop()]);
  await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
});

async function signIn(request: APIRequestContext, base: string, user: string) {
  const r = await request.post(`${base}/api/session`, { data: { token: tokens[user] }, headers: { Origin: base } });
  expect(r.status(), await r.text()).toBe(200);
}

async function configItems(request: APIRequestContext, base: string, headers: Record<string, string> = {}) {
  const r = await request.get(`${base}/api/config`, { headers });
  expect(r.status(), await r.text()).toBe(200);
  return ((await r.json()) as { items: Array<{ kind: string; namespace?: string; name: string }> }).items;
}

/** PUT a VirtualService back unchanged as a server-side dry run: the API server decides. */
async function dryRunPut(request: APIRequestContext, base: string, ns: string, name: string, object: unknown) {
  return request.put(`${base}${VS}/${ns}/${name}?dryRun=true`, { data: object, headers: { Origin: base } });
}

test('the deploy/ ServiceAccount holds no write on mesh config and no Secret read (SelfSubjectAccessReview as the account)', async () => {
  const env = readState();
  const { spawnSync } = await import('node:child_process');
  const canI = (...args: string[]) =>
    spawnSync(env.kubectl, ['--kubeconfig', env.kubeconfig, '--token', saToken, 'auth', 'can-i', ...args], { encoding: 'utf8' }).stdout.trim();
  for (const verb of ['create', 'update', 'patch', 'delete']) {
    for (const res of ['virtualservices.networking.istio.io', 'authorizationpolicies.security.istio.io', 'httproutes.gateway.networking.k8s.io'])
      expect(canI(verb, res, '-A'), `${verb} ${res}`).toBe('no');
  }
  expect(canI('update', 'namespaces')).toBe('no');
  expect(canI('patch', 'deployments.apps', '-A')).toBe('no');
  expect(canI('list', 'secrets', '-A')).toBe('no');
  expect(canI('get', 'secrets', '-n', 'meshboard')).toBe('no');
  expect(canI('list', 'virtualservices.networking.istio.io', '-A')).toBe('yes');
});

test('without a session nothing is served but the sign-in', async ({ page, request }) => {
  await page.goto(`${a.url}/config`);
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Meshboard' })).toBeVisible();
  for (const p of ['/api/config', '/api/overview', '/api/graph', '/api/analyze', '/api/contexts', '/api/events']) {
    const r = await request.get(`${a.url}${p}`);
    expect(r.status(), p).toBe(401);
    expect((await r.json()).reason).toBe('SignInRequired');
  }
  const forged = await request.get(`${a.url}/api/config`, { headers: { Cookie: 'meshboard_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  expect(forged.status()).toBe(401);
  const bad = await request.post(`${a.url}/api/session`, { data: { token: 'not-a-token' }, headers: { Origin: a.url } });
  expect(bad.status()).toBe(401);
});

test('alice signs in in the browser, sees shop, edits it and is refused elsewhere; her cookie works on replica B; sign-out ends it', async ({ page }) => {
  await page.goto(`${a.url}/signin`);
  await page.getByLabel('Bearer token').fill(tokens.alice!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('whoami-user')).toHaveText('alice', { timeout: 30_000 });
  await expect(page.getByTestId('whoami')).toContainText('in-cluster');
  const cookies = await page.context().cookies();
  const c = cookies.find((x) => x.name === 'meshboard_session')!;
  expect(c.httpOnly).toBe(true);
  expect(c.sameSite).toBe('Strict');
  expect(c.value).not.toContain(tokens.alice!);
  const items = await configItems(page.request, a.url);
  expect(items.some((i) => i.namespace === 'shop' && i.name === 'user-service-vs')).toBe(true);
  expect(
    items.every((i) => i.namespace === 'shop'),
    JSON.stringify(items.filter((i) => i.namespace !== 'shop').slice(0, 3)),
  ).toBe(true);
  const got = await page.request.get(`${a.url}${VS}/shop/user-service-vs`);
  expect(got.status()).toBe(200);
  const vs = (await got.json()).object;
  expect((await dryRunPut(page.request, a.url, 'shop', 'user-service-vs', vs)).status()).toBe(200);
  // default/reviews is not hers to see, and not hers to write.
  expect((await page.request.get(`${a.url}${VS}/default/reviews`)).status()).toBe(404);
  const elsewhere = await page.request.post(`${a.url}${VS}/default?dryRun=true`, {
    data: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'alice-was-here', namespace: 'default' }, spec: { hosts: ['x'] } },
    headers: { Origin: a.url },
  });
  expect(elsewhere.status()).toBe(403);
  expect((await elsewhere.json()).message).toContain('User "alice" cannot create');
  // The overview in the browser lists her namespace only.
  await page.goto(`${a.url}/`);
  await expect(page.getByLabel('Namespace').locator('option')).toHaveText(['All namespaces', 'shop'], { timeout: 30_000 });
  // Replica B: same key, no shared memory; the browser's cookie is enough.
  await page.goto(`${b.url}/`);
  await expect(page.getByTestId('whoami-user')).toHaveText('alice', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/, { timeout: 30_000 });
  expect((await page.request.get(`${b.url}/api/config`)).status()).toBe(401);
  await page.goto(`${a.url}/`);
  await expect(page).toHaveURL(/\/signin$/);
});

test('bob sees only default (config, overview, graph, validations) and cannot write', async ({ playwright }) => {
  const request = await playwright.request.newContext();
  await signIn(request, a.url, 'bob');
  const items = await configItems(request, a.url);
  expect(items.length).toBeGreaterThan(0);
  expect(new Set(items.map((i) => i.namespace))).toEqual(new Set(['default']));
  const ov = await (await request.get(`${a.url}/api/overview`)).json();
  expect(ov.namespaces.map((n: { name: string }) => n.name)).toEqual(['default']);
  const graph = await (await request.get(`${a.url}/api/graph`)).json();
  expect(graph.nodes.length).toBeGreaterThan(0);
  expect(graph.nodes.filter((n: { namespace?: string }) => n.namespace && ['shop', 'sample', 'microsvc-sample', 'bookinfo'].includes(n.namespace))).toEqual([]);
  const findings = (await (await request.get(`${a.url}/api/analyze`)).json()).findings as Array<{ resource: string }>;
  expect(findings.filter((f) => / (shop|sample|bookinfo|microsvc-sample)\//.test(f.resource))).toEqual([]);
  const access = await (
    await request.get(`${a.url}/api/access?verb=update&group=networking.istio.io&resource=virtualservices&namespace=default&name=reviews`)
  ).json();
  expect(access.allowed).toBe(false);
  const vs = (await (await request.get(`${a.url}${VS}/default/reviews`)).json()).object;
  const put = await dryRunPut(request, a.url, 'default', 'reviews', vs);
  expect(put.status()).toBe(403);
  expect((await put.json()).message).toContain('User "bob" cannot update');
  await request.dispose();
});

test("bob's event stream carries changes in default and none from namespaces he may not read", async () => {
  const env = readState();
  const { spawnSync } = await import('node:child_process');
  const annotate = (ns: string, name: string, value: string) => {
    const r = spawnSync(
      env.kubectl,
      ['--kubeconfig', env.kubeconfig, 'annotate', '--overwrite', '-n', ns, 'virtualservice', name, `e2e/stream-mark=${value}`],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
  };
  const signedIn = await fetch(`${a.url}/api/session`, {
    method: 'POST',
    headers: { Origin: a.url, 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: tokens.bob }),
  });
  expect(signedIn.status).toBe(200);
  const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const abort = new AbortController();
  const res = await fetch(`${a.url}/api/events`, { headers: { Cookie: cookie }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const changes: Array<{ namespace?: string; name: string; mark?: string }> = [];
  let buffered = '';
  let events = 0;
  const mark = `m${Date.now()}`;
  const seen = (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buffered.indexOf('\n\n')) >= 0) {
        const line = buffered
          .slice(0, i)
          .split('\n')
          .find((l) => l.startsWith('data: '));
        buffered = buffered.slice(i + 2);
        if (!line) continue;
        events++;
        const ev = JSON.parse(line.slice(6)) as {
          type: string;
          object?: { metadata: { namespace?: string; name: string; annotations?: Record<string, string> } };
        };
        if (ev.type !== 'change' || !ev.object) continue;
        const m = ev.object.metadata;
        changes.push({ namespace: m.namespace, name: m.name, mark: m.annotations?.['e2e/stream-mark'] });
        // The change in default comes after the one in shop: by then, a leak would have arrived.
        if (m.namespace === 'default' && m.annotations?.['e2e/stream-mark'] === mark) return;
      }
    }
  })();
  // The stream is open (its first events are sent on connect); change shop first, then default.
  await expect.poll(() => events, { timeout: 30_000 }).toBeGreaterThan(0);
  annotate('shop', 'user-service-vs', mark);
  annotate('default', 'reviews', mark);
  await Promise.race([
    seen,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no change event for default/reviews; got ${JSON.stringify(changes)}`)), 60_000)),
  ]);
  abort.abort();
  expect(changes.filter((c) => c.mark === mark)).toEqual([{ namespace: 'default', name: 'reviews', mark }]);
  expect(changes.filter((c) => c.namespace !== 'default')).toEqual([]);
});

test('carol sees an empty console that says why', async ({ page }) => {
  await page.goto(`${a.url}/signin`);
  await page.getByLabel('Bearer token').fill(tokens.carol!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('whoami-user')).toHaveText('carol', { timeout: 30_000 });
  await expect(page.getByTestId('no-access-banner')).toContainText("Your Kubernetes RBAC does not let you read any namespace's mesh configuration", {
    timeout: 30_000,
  });
  expect(await configItems(page.request, a.url)).toEqual([]);
});

test('dave sees and can change exactly VirtualService shop/user-service-vs', async ({ playwright }) => {
  const request = await playwright.request.newContext();
  await signIn(request, a.url, 'dave');
  const items = await configItems(request, a.url);
  expect(items.map((i) => `${i.kind} ${i.namespace}/${i.name}`)).toEqual(['VirtualService shop/user-service-vs']);
  const vs = (await (await request.get(`${a.url}${VS}/shop/user-service-vs`)).json()).object;
  expect((await dryRunPut(request, a.url, 'shop', 'user-service-vs', vs)).status()).toBe(200);
  const other = await request.post(`${a.url}${VS}/shop?dryRun=true`, {
    data: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'dave-was-here', namespace: 'shop' }, spec: { hosts: ['x'] } },
    headers: { Origin: a.url },
  });
  expect(other.status()).toBe(403);
  await request.dispose();
});

test('header mode: the proxy signs people in (headers or Authorization); forged headers from anything else are refused', async ({ page, request }) => {
  // Straight to the console, claiming to be an admin: refused, pages and API alike.
  const forged = await request.get(`${h.url}/api/config`, { headers: { 'X-Forwarded-User': 'admin', 'X-Forwarded-Groups': 'system:masters' } });
  expect(forged.status()).toBe(403);
  const wrongSecret = await request.get(`${h.url}/api/config`, {
    headers: { 'X-Forwarded-User': 'admin', 'X-Meshboard-Proxy-Secret': 'guessed-secret-000000000000000' },
  });
  expect(wrongSecret.status()).toBe(403);
  expect((await request.get(`${h.url}/`)).status()).toBe(403);
  // Through the proxy: bob by impersonation, alice by her forwarded token.
  const bobItems = await configItems(request, proxyUrl, { 'X-Test-User': 'bob' });
  expect(new Set(bobItems.map((i) => i.namespace))).toEqual(new Set(['default']));
  // A client cannot smuggle groups through the proxy either.
  const smuggled = await configItems(request, proxyUrl, { 'X-Test-User': 'bob', 'X-Forwarded-Groups': 'system:masters' });
  expect(new Set(smuggled.map((i) => i.namespace))).toEqual(new Set(['default']));
  const aliceItems = await configItems(request, proxyUrl, { Authorization: `Bearer ${tokens.alice}` });
  expect(aliceItems.length).toBeGreaterThan(0);
  expect(aliceItems.every((i) => i.namespace === 'shop')).toBe(true);
  await page.setExtraHTTPHeaders({ 'X-Test-User': 'bob' });
  await page.goto(`${proxyUrl}/`);
  await expect(page.getByTestId('whoami-user')).toHaveText('bob', { timeout: 30_000 });
  await expect(page.getByTestId('whoami')).toContainText('header sign-in');
});
