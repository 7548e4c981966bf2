/**
 * The service graph against the seeded demo mesh (S1-S4) on a real API server, with a
 * real Prometheus holding telemetry for that mesh (started by the global setup).
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from '../fixtures';

const GW = 'gw:istio-system/istio-ingressgateway';

async function openGraph(page: Page, query: string): Promise<void> {
  await page.goto(`/graph${query}`);
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final', { timeout: 30_000 });
}

const node = (page: Page, id: string): Locator => page.getByTestId(`node-${id}`);
const edge = (page: Page, id: string): Locator => page.getByTestId(`edge-${id}`);
const label = (page: Page, id: string): Locator => page.getByTestId(`edge-label-${id}`);
const panel = (page: Page): Locator => page.getByTestId('side-panel');

test.describe('service graph', () => {
  test('S1: gateway -> english -> service-a with Prometheus request rates, MySQL as an external TCP node', async ({ page }) => {
    await openGraph(page, '?namespaces=sample');
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus, 5m window');
    await expect(node(page, GW)).toContainText('istio-ingressgateway');
    await expect(node(page, 'svc:sample/service-a')).toContainText('service-a');
    await expect(node(page, 'ver:sample/service-a/v1')).toBeVisible();
    await expect(node(page, 'ext:se/sample/mysql')).toContainText('mysql');
    await expect(node(page, 'ext:se/sample/mysql')).toContainText('TCP');

    const route = 'gateway-route:gw:istio-system/istio-ingressgateway->svc:sample/service-a#vs:sample/english/http[0]/route[0]';
    await expect(edge(page, route)).toBeAttached();
    // 100% of the english VirtualService's route, and what Prometheus saw on it.
    await expect(label(page, route)).toContainText('100%');
    // The exporter sends 12 req/s; rate() over live scrapes on a busy machine can read a
    // scrape early or late, so the label says about 12 (within 10%).
    await expect.poll(async () => Number(/([\d.]+) req\/s/.exec((await label(page, route).textContent()) ?? '')?.[1] ?? NaN)).toBeGreaterThanOrEqual(10.8);
    expect(Number(/([\d.]+) req\/s/.exec((await label(page, route).textContent()) ?? '')?.[1])).toBeLessThanOrEqual(13.2);
    await expect(label(page, route)).toContainText('5% err');
    // service-a reads MySQL over TCP: observed, but no configuration declares the call.
    const db = 'observed:ver:sample/service-a/v1->ext:se/sample/mysql';
    await expect(label(page, db)).toContainText('2.0 kB/s');
    await expect(label(page, db)).toContainText('not declared');
    // gRPC calls to B, C, D carry their rates too.
    await expect(label(page, 'observed:ver:sample/service-a/v1->svc:sample/service-b')).toContainText('8 req/s');

    await label(page, route).click();
    await expect(page).toHaveURL(/edge=gateway-route/);
    await expect(panel(page)).toContainText('gateway-route edge');
    await expect(panel(page).getByTestId('panel-traffic')).toHaveText('declared and observed');
    // About 12 req/s (see above); the error share and p95 are ratios, exact whatever the scrape timing.
    await expect(panel(page)).toContainText(/1[123] req\/s, 5% errors, p95 86 ms/);
    await expect(panel(page).getByTestId('panel-security')).toContainText('mTLS');
    await expect(panel(page).getByTestId('panel-security')).toContainText('PeerAuthentication sample/default');
    await expect(panel(page).getByTestId('panel-resources')).toContainText('VirtualService sample/english');
    await expect(panel(page).getByTestId('panel-resources')).toContainText('Gateway sample/english-gateway');
  });

  test('S2: reviews 100% to v3, ratings 100% to v2-mysql, mysql-external as a TCP node', async ({ page }) => {
    await openGraph(page, '?namespaces=default');
    const reviews = 'route:svc:default/reviews->ver:default/reviews/v3#vs:default/reviews/http[0]/route[0]';
    const ratings = 'route:svc:default/ratings->ver:default/ratings/v2-mysql#vs:default/ratings/http[0]/route[0]';
    await expect(label(page, reviews)).toContainText('100%');
    await expect(label(page, reviews)).toContainText('20 req/s');
    await expect(label(page, ratings)).toContainText('100%');
    // v1 and v2 of reviews are drawn, but no route reaches them.
    await expect(node(page, 'ver:default/reviews/v1')).toBeVisible();
    await expect(page.locator('[data-testid^="edge-route:svc:default/reviews->ver:default/reviews/v1"]')).toHaveCount(0);
    await expect(page.locator('[data-testid^="edge-route:svc:default/reviews->ver:default/reviews/v2"]')).toHaveCount(0);
    await expect(node(page, 'ext:se/default/mysql-external')).toContainText('TCP');
    await expect(label(page, 'observed:ver:default/ratings/v2-mysql->ext:se/default/mysql-external')).toContainText('4.1 kB/s');
  });

  test('S3: gateway -> sample denied by to-sample, gateway -> caller and caller -> sample allowed, el-caller outside the mesh', async ({ page }) => {
    await openGraph(page, '?namespaces=microsvc-sample');
    await expect(node(page, 'wl:microsvc-sample/el-caller')).toContainText('no sidecar');

    const denied = 'gateway-route:gw:istio-system/istio-ingressgateway->svc:microsvc-sample/sample#vs:microsvc-sample/sample/http[0]/route[0]';
    await expect(edge(page, denied)).toHaveClass(/denied/);
    await label(page, denied).click();
    const authz = panel(page).getByTestId('panel-authz');
    await expect(authz).toContainText('denied');
    await expect(authz).toContainText('AuthorizationPolicy microsvc-sample/to-sample');
    await expect(authz).toContainText('matches no rule');
    await expect(authz.getByRole('link', { name: 'AuthorizationPolicy microsvc-sample/to-sample' })).toHaveAttribute(
      'href',
      /\/config\/security\.istio\.io\/v1\/authorizationpolicies\/microsvc-sample\/to-sample/,
    );

    await label(page, 'gateway-route:gw:istio-system/istio-ingressgateway->svc:microsvc-sample/caller#vs:microsvc-sample/caller/http[0]/route[0]').click();
    await expect(panel(page).getByTestId('panel-authz')).toContainText('allowed');

    const call = 'call:ver:microsvc-sample/caller/v1->svc:microsvc-sample/sample';
    await expect(edge(page, call)).not.toHaveClass(/denied/);
    await label(page, call).click();
    await expect(panel(page).getByTestId('panel-authz')).toContainText('allowed');
    await expect(panel(page).getByTestId('panel-authz')).toContainText('to-sample');
    await expect(panel(page)).toContainText('env SAMPLE_API_BASE_PATH of Deployment microsvc-sample/caller');
  });

  test('S4: user-service versions v2 (stable) and v3 (canary) once grouped by component/release', async ({ page }) => {
    await openGraph(page, '?namespaces=shop');
    // app/version (the default) does not apply: two loose workloads.
    await expect(node(page, 'wl:shop/user-service-v2')).toBeVisible();
    await page.getByTestId('versions-menu').locator('summary').click();
    await page.getByLabel('group by component:release').check();
    await expect(page).toHaveURL(/versionLabels=app%3Aversion%2Capp.kubernetes.io%2Fname%3Aapp.kubernetes.io%2Fversion%2Ccomponent%3Arelease/);
    await expect(node(page, 'ver:shop/user-service/v2')).toContainText('user-service v2');
    await expect(node(page, 'ver:shop/user-service/v3')).toContainText('user-service v3');
    await expect(node(page, 'ver:shop/user-service/v3')).toContainText('release=v3');
    await expect(node(page, 'wl:shop/user-service-v2')).toHaveCount(0);
    await expect(label(page, 'route:svc:shop/user-service->ver:shop/user-service/v2#vs:shop/user-service-vs/http[0]/route[0]')).toContainText('100%');
    await node(page, 'svc:shop/user-service').click();
    await expect(panel(page).getByTestId('panel-versions')).toHaveText('user-service v2, user-service v3');
    // All traffic on stable: the route goes to v2 only.
    await expect(panel(page)).toContainText('→ user-service v2');
    await expect(panel(page)).not.toContainText('→ user-service v3');
  });

  test('clicking a node opens its side panel with links to the editor and the forms', async ({ page }) => {
    await openGraph(page, '?namespaces=default');
    await node(page, 'svc:default/reviews').click();
    await expect(page).toHaveURL(/node=svc%3Adefault%2Freviews/);
    await expect(panel(page).getByTestId('panel-title')).toHaveText('reviews');
    await expect(panel(page)).toContainText('reviews.default.svc.cluster.local');
    await expect(panel(page).getByRole('link', { name: 'Traffic shifting' })).toHaveAttribute('href', /\/forms\/traffic\?ns=default&service=reviews/);
    await expect(panel(page).getByRole('link', { name: 'Restrict callers' })).toHaveAttribute('href', /\/forms\/callers\?ns=default&workload=reviews-v1/);
    await panel(page).getByTestId('panel-resources').getByRole('link', { name: 'VirtualService default/reviews' }).click();
    await expect(page).toHaveURL(/\/config\/networking\.istio\.io\/v1\/virtualservices\/default\/reviews/);
    await expect(page.getByRole('heading', { name: /VirtualService/ })).toBeVisible();
  });

  test('a shared link opens the same view: namespaces, window and selection', async ({ page }) => {
    await openGraph(page, '?namespaces=sample&window=15m&node=ext%3Ase%2Fsample%2Fmysql');
    await expect(page.getByLabel('Telemetry window')).toHaveValue('15m');
    await expect(page.getByTestId('ns-menu')).toContainText('Namespaces: sample');
    await expect(page.getByTestId('telemetry-state')).toContainText('15m window');
    await expect(panel(page).getByTestId('panel-title')).toHaveText('mysql');
    await expect(panel(page)).toContainText('ServiceEntry sample/mysql');
    await expect(panel(page)).toContainText('rds.dev.example.local');
    await expect(node(page, 'ext:se/sample/mysql')).toBeInViewport();
  });

  test('switching from one namespace to all fits the new graph: nodes of both are in view', async ({ page }) => {
    await openGraph(page, '?namespaces=sample');
    await expect(node(page, 'svc:sample/service-a')).toBeInViewport();
    await expect(node(page, 'svc:default/reviews')).toHaveCount(0);
    await page.getByTestId('ns-menu').locator('summary').click();
    await page.getByRole('button', { name: 'All namespaces' }).click();
    await page.getByTestId('ns-menu').locator('summary').click();
    await expect(page.getByTestId('ns-menu')).toContainText('Namespaces: all');
    await expect(node(page, 'svc:default/reviews')).toBeAttached({ timeout: 30_000 });
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final', { timeout: 30_000 });
    for (const id of ['svc:sample/service-a', 'svc:default/reviews', 'svc:shop/user-service', 'svc:microsvc-sample/sample']) {
      await expect(node(page, id), id).toBeInViewport();
    }
  });

  test('findings of the validation engine show as badges on nodes and in the panel', async ({ page, kubectl, uniq }) => {
    // A Gateway that names a credential which does not exist (IST0101), in a namespace of its own.
    const ns = uniq('graph-findings');
    await kubectl(['create', 'namespace', ns]);
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop-gw, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: no-such-cert}
    hosts: [shop.example.com]
`,
    );
    await openGraph(page, `?namespaces=${ns}`);
    const badge = page.getByTestId(`findings-${GW}`);
    await expect(badge).toHaveText(/^[1-9]\d*$/);
    await node(page, GW).click();
    const finding = panel(page).getByTestId('panel-finding').filter({ hasText: 'no-such-cert' });
    await expect(finding).toContainText('IST0101');
    await expect(finding).toContainText(`Gateway ${ns}/shop-gw`);
  });

  test('find highlights matches; hide removes names and kinds', async ({ page }) => {
    await openGraph(page, '?namespaces=default');
    await page.getByLabel('Find', { exact: true }).fill('reviews');
    await expect(page.getByTestId('find-count')).toHaveText('4 found');
    await expect(node(page, 'svc:default/reviews')).toHaveClass(/match/);
    await expect(node(page, 'svc:default/details')).toHaveClass(/dim/);
    await expect(page).toHaveURL(/find=reviews/);
    // Enter zooms to the matches (geometry from the layout).
    await page.getByLabel('Find', { exact: true }).press('Enter');
    for (const id of ['svc:default/reviews', 'ver:default/reviews/v1', 'ver:default/reviews/v3'])
      await expect(node(page, id), id).toBeInViewport({ ratio: 0.99 });

    await page.getByTestId('hide-menu').locator('summary').click();
    await page.getByLabel('Hide names', { exact: true }).fill('ratings');
    await expect(node(page, 'svc:default/ratings')).toHaveCount(0);
    await expect(node(page, 'ver:default/ratings/v2-mysql')).toHaveCount(0);
    await expect(node(page, 'svc:default/reviews')).toBeVisible();
    await page.getByLabel('hide version', { exact: true }).check();
    await expect(node(page, 'ver:default/reviews/v3')).toHaveCount(0);
    await expect(page).toHaveURL(/hideKinds=version/);
    await expect(page).toHaveURL(/hide=ratings/);
    await expect(node(page, GW)).toBeVisible();
    await page.getByLabel('hide namespace istio-system', { exact: true }).check();
    await expect(node(page, GW)).toHaveCount(0);
    await expect(page).toHaveURL(/hideNs=istio-system/);
  });

  test('live: a VirtualService change re-renders the routes without losing zoom or selection', async ({ page, kubectl, uniq }) => {
    const ns = uniq('graph-live');
    const deployment = (v: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop-${v}, namespace: ${ns}, labels: {app: shop, version: ${v}}}
spec:
  selector: {matchLabels: {app: shop, version: ${v}}}
  template:
    metadata: {labels: {app: shop, version: ${v}}}
    spec: {containers: [{name: app, image: example/shop:${v}, ports: [{containerPort: 8080}]}]}
`;
    const vs = (w1: number, w2: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: ${ns}}
spec:
  hosts: [shop]
  http:
  - route:
    - {destination: {host: shop, subset: v1}, weight: ${w1}}
${w2 ? `    - {destination: {host: shop, subset: v2}, weight: ${w2}}\n` : ''}`;
    await kubectl(['create', 'namespace', ns]);
    await kubectl(['label', 'namespace', ns, 'istio-injection=enabled']);
    await kubectl(
      ['apply', '-f', '-'],
      `${deployment('v1')}---
${deployment('v2')}---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: ${ns}}
spec: {selector: {app: shop}, ports: [{name: http, port: 8080, targetPort: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shop, namespace: ${ns}}
spec: {host: shop, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
---
${vs(100, 0)}`,
    );

    await openGraph(page, `?namespaces=${ns}`);
    const toV1 = `route:svc:${ns}/shop->ver:${ns}/shop/v1#vs:${ns}/shop/http[0]/route[0]`;
    const toV2 = `route:svc:${ns}/shop->ver:${ns}/shop/v2#vs:${ns}/shop/http[0]/route[1]`;
    await expect(label(page, toV1)).toContainText('100%');
    await expect(edge(page, toV2)).toHaveCount(0);
    // The user zooms in a bit and selects the service.
    await page.getByRole('button', { name: 'zoom in' }).click();
    await node(page, `svc:${ns}/shop`).click();
    await expect(panel(page).getByTestId('panel-title')).toHaveText('shop');
    const viewport = page.locator('.react-flow__viewport');
    await expect.poll(async () => viewport.getAttribute('style')).toContain('scale');
    await page.waitForTimeout(400); // the zoom button animates
    const before = await viewport.getAttribute('style');

    await kubectl(['apply', '-f', '-'], vs(50, 50));
    await expect(label(page, toV1)).toContainText('50%');
    await expect(label(page, toV2)).toContainText('50%');
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final');
    expect(await viewport.getAttribute('style')).toBe(before);
    await expect(page).toHaveURL(new RegExp(`node=svc%3A${ns}%2Fshop`));
    await expect(panel(page)).toContainText('→ shop v2');
    await expect(node(page, `svc:${ns}/shop`)).toHaveClass(/sel/);
  });

  test('Prometheus setting: a URL Meshboard may not query is refused, an unreachable one leaves the configuration', async ({ page }) => {
    await openGraph(page, '?namespaces=sample');
    await page.getByTestId('prometheus-menu').locator('summary').click();
    await page.getByLabel('Prometheus URL').fill('http://prometheus.example.com:9090');
    await page.getByRole('button', { name: 'Use', exact: true }).click();
    await expect(page.getByTestId('error-box')).toContainText('not allowed');

    // Nothing listens on port 2 of the loopback.
    await page.getByLabel('Prometheus URL').fill('http://127.0.0.1:2');
    await page.getByRole('button', { name: 'Use', exact: true }).click();
    await expect(page).toHaveURL(/prometheus=http%3A%2F%2F127.0.0.1%3A2/);
    await expect(page.getByTestId('telemetry-state')).toContainText('configuration only: Prometheus at http://127.0.0.1:2: connection refused');
    // The declared graph is still there, now without rates.
    const route = 'gateway-route:gw:istio-system/istio-ingressgateway->svc:sample/service-a#vs:sample/english/http[0]/route[0]';
    await expect(label(page, route)).toContainText('100%');
    await expect(label(page, route)).not.toContainText('req/s');

    await page.getByRole('button', { name: "Use the server's PROMETHEUS_URL" }).click();
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus');
    // The exporter sends 12 req/s; rate() over live scrapes on a busy machine can read a
    // scrape early or late, so the label says about 12 (within 10%).
    await expect.poll(async () => Number(/([\d.]+) req\/s/.exec((await label(page, route).textContent()) ?? '')?.[1] ?? NaN)).toBeGreaterThanOrEqual(10.8);
    expect(Number(/([\d.]+) req\/s/.exec((await label(page, route).textContent()) ?? '')?.[1])).toBeLessThanOrEqual(13.2);
  });

  test('a Prometheus URL from a link is used only once confirmed, then kept for the context', async ({ page }) => {
    const linked = `?namespaces=sample&prometheus=${encodeURIComponent('http://127.0.0.1:2')}`;
    await openGraph(page, linked);
    const ask = page.getByTestId('prometheus-ask');
    await expect(ask).toContainText('This link asks to query Prometheus at http://127.0.0.1:2');
    // Until then, the server's own Prometheus.
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus');
    await ask.getByRole('button', { name: 'Ignore' }).click();
    await expect(ask).toHaveCount(0);
    await expect(page).not.toHaveURL(/prometheus=/);
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus');

    // A URL the server refuses is not kept.
    await openGraph(page, `?namespaces=sample&prometheus=${encodeURIComponent('http://x.svc.169.254.169.254.nip.io')}`);
    await page.getByTestId('prometheus-ask').getByRole('button', { name: 'Use it' }).click();
    await expect(page.getByTestId('error-box')).toContainText('not allowed');
    await openGraph(page, '?namespaces=sample');
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus');

    await openGraph(page, linked);
    await page.getByTestId('prometheus-ask').getByRole('button', { name: 'Use it' }).click();
    await expect(page.getByTestId('prometheus-ask')).toHaveCount(0);
    await expect(page.getByTestId('telemetry-state')).toContainText('configuration only: Prometheus at http://127.0.0.1:2: connection refused');
    // Accepted by the server: kept for this context, a plain link uses it without asking.
    await openGraph(page, '?namespaces=sample');
    await expect(page.getByTestId('telemetry-state')).toContainText('Prometheus at http://127.0.0.1:2');
    await expect(page.getByTestId('prometheus-ask')).toHaveCount(0);
    await page.getByTestId('prometheus-menu').locator('summary').click();
    await expect(page.getByLabel('Prometheus URL')).toHaveValue('http://127.0.0.1:2');
    await page.getByRole('button', { name: "Use the server's PROMETHEUS_URL" }).click();
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus');
    await openGraph(page, '?namespaces=sample');
    await expect(page.getByTestId('telemetry-state')).toContainText('telemetry: Prometheus');
  });

  test('bad parameters in a link are left out with a message: the graph still shows', async ({ page }) => {
    await openGraph(page, '?namespaces=sample,Not_A_Namespace&window=5%20minutes&versionLabels=app:version:x');
    const ignored = page.getByTestId('graph-ignored');
    await expect(ignored).toContainText('invalid window "5 minutes"');
    await expect(ignored).toContainText('invalid namespace "Not_A_Namespace"');
    await expect(ignored).toContainText('invalid versionLabels pair');
    await expect(page.getByTestId('error-box')).toHaveCount(0);
    await expect(node(page, 'svc:sample/service-a')).toBeVisible();
    await expect(page.getByLabel('Telemetry window')).toHaveValue('5m');
    await expect(page.getByTestId('ns-menu')).toContainText('Namespaces: sample');
    // The URL says what is shown.
    await expect(page).not.toHaveURL(/window=|versionLabels=|Not_A_Namespace/);
    await expect(page).toHaveURL(/namespaces=sample/);
    // A label pair the API would refuse is not added.
    await page.getByTestId('versions-menu').locator('summary').click();
    await page.getByLabel('Custom label pair').fill('bad key:release');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('pair-error')).toContainText('"bad key" is not a label key');
    await expect(page).not.toHaveURL(/versionLabels=/);
  });

  test('the API refuses a Prometheus URL from another site, and bad parameters', async ({ request, env }) => {
    const cross = await request.get(`${env.url}/api/graph?prometheus=${encodeURIComponent('http://127.0.0.1:9090')}`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(cross.status()).toBe(403);
    expect((await cross.json()).message).toContain('Cross-site request refused');
    const bad = await request.get(`${env.url}/api/graph?window=5 minutes`);
    expect(bad.status()).toBe(400);
    expect((await bad.json()).message).toContain('invalid window');
    const ok = await request.get(`${env.url}/api/graph?namespaces=shop&versionLabels=component:release`);
    expect(ok.status()).toBe(200);
    const g = await ok.json();
    expect(g.nodes.map((n: { id: string }) => n.id)).toContain('ver:shop/user-service/v3');
    expect(g.meta.prometheus).toMatchObject({ status: 'ok', source: 'env', url: env.prometheusUrl });
  });

  test('a failing layout ends "laying out…" with the reason and a retry', async ({ page }) => {
    // The layout worker's bootstrap script as Turbopack names it (new Worker(new URL('./layout.worker.ts', ...))).
    const worker = /\/_next\/static\/chunks\/turbopack-worker-[^/]*\.js/;
    const serve = (body: string) => page.route(worker, (r) => r.fulfill({ contentType: 'text/javascript', headers: { 'cache-control': 'no-store' }, body }));
    // Layouts that fail, as ELK's would.
    await serve("self.onmessage = (e) => { if (!e.data.warmup) self.postMessage({ id: e.data.id, error: 'ELK exploded' }); };");
    await page.goto('/graph?namespaces=sample');
    await expect(page.getByTestId('layout-error')).toContainText('Layout failed: ELK exploded');
    await expect(page.getByTestId('graph-busy')).toHaveCount(0);
    await page.unroute(worker);
    await page.getByTestId('layout-error').getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final');
    await expect(page.getByTestId('layout-error')).toHaveCount(0);
    await expect(node(page, 'svc:sample/service-a')).toBeVisible();

    // A worker that crashes.
    await serve("throw new Error('boom');");
    await page.goto('/graph?namespaces=default');
    await expect(page.getByTestId('layout-error')).toContainText('Layout failed: the layout worker stopped: Uncaught Error: boom');
    await expect(page.getByTestId('graph-busy')).toHaveCount(0);
    await page.unroute(worker);
    await page.getByTestId('layout-error').getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final');
    await expect(node(page, 'svc:default/reviews')).toBeVisible();
  });

  test('exports the graph as PNG and SVG', async ({ page }) => {
    await openGraph(page, '?namespaces=shop');
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('meshboard-graph-shop.png');
    const pngBytes = await (await png.createReadStream()).toArray();
    expect(Buffer.concat(pngBytes).subarray(1, 4).toString()).toBe('PNG');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
    expect(svg.suggestedFilename()).toBe('meshboard-graph-shop.svg');
    const svgText = Buffer.concat(await (await svg.createReadStream()).toArray()).toString();
    expect(svgText).toContain('<svg');
    expect(svgText).toContain('user-service');
    // The edges are drawn: their stroke (from stylesheets) is inlined for the export...
    expect(svgText).toMatch(/class="react-flow__edge-path[^>]*style="[^"]*stroke: rgb\(/);
    // ...and only for it.
    await expect(page.locator('path.react-flow__edge-path').first()).not.toHaveAttribute('style', /stroke/);
    // The whole graph at full size with a 40 px margin (not a half-size picture in the middle of the image).
    expect(svgText).toMatch(/transform: translate\([\d.]+px, [\d.]+px\) scale\(1\)/);
  });
});
