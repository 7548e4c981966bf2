/**
 * Scenario S5 (namespace bookinfo: ambient mode, Gateway API ingress, a waypoint) in the
 * browser, against the real API server the global setup seeded, and Gateway API kinds in
 * the config list and the editor.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { editorText, lineOf, markers, pasteIntoEditor, waitForEditor } from '../support/editor';

const GW = 'gw:bookinfo/bookinfo-gateway-istio';
const WP = 'wp:bookinfo/waypoint';

async function openGraph(page: Page, query: string): Promise<void> {
  await page.goto(`/graph${query}`);
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-layout', 'final', { timeout: 30_000 });
}

const node = (page: Page, id: string): Locator => page.getByTestId(`node-${id}`);
const label = (page: Page, id: string): Locator => page.getByTestId(`edge-label-${id}`);
const panel = (page: Page): Locator => page.getByTestId('side-panel');

test.describe('ambient mode and the Gateway API (S5)', () => {
  // Bookinfo with its per-version Services is wide: a full-HD window shows it at a zoom with labels.
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('the graph shows the Gateway API ingress, the waypoint and what it serves, 90/10 through it, HBONE mTLS everywhere', async ({ page }) => {
    await openGraph(page, '?namespaces=bookinfo');
    await expect(node(page, GW)).toContainText('Gateway API');
    await expect(node(page, GW)).toContainText('HTTP 80');
    await expect(node(page, WP)).toContainText('waypoint for service · serves 2');
    await expect(node(page, 'ver:bookinfo/reviews/v1')).toContainText('ambient');
    await expect(node(page, 'ver:bookinfo/reviews/v1')).not.toContainText('no sidecar');
    await expect(node(page, 'svc:bookinfo/reviews')).toContainText('waypoint');

    const v1 = 'route:svc:bookinfo/reviews->svc:bookinfo/reviews-v1#route:HTTPRoute/bookinfo/reviews/rules[0]/backendRefs[0]';
    const v2 = 'route:svc:bookinfo/reviews->svc:bookinfo/reviews-v2#route:HTTPRoute/bookinfo/reviews/rules[0]/backendRefs[1]';
    await expect(label(page, v1)).toContainText('90%');
    await expect(label(page, v1)).toContainText('HBONE');
    await expect(label(page, v2)).toContainText('10%');
    // The waypoint's telemetry follows the route: 9 req/s to v1, 1 to v2.
    await expect(label(page, v1)).toContainText('9 req/s');

    await label(page, v1).click();
    await expect(panel(page).getByTestId('panel-applied')).toContainText('waypoint');
    await expect(panel(page).getByTestId('panel-applied')).toContainText('Gateway bookinfo/waypoint');
    await expect(panel(page).getByTestId('panel-security')).toContainText('mTLS (HBONE, ztunnel)');
    await expect(panel(page).getByRole('link', { name: 'Gateway bookinfo/waypoint' }).first()).toHaveAttribute(
      'href',
      /\/config\/gateway\.networking\.k8s\.io\/v1\/gateways\/bookinfo\/waypoint/,
    );

    await node(page, WP).click();
    await expect(panel(page).getByTestId('panel-serves')).toHaveText('productpage, reviews');
    await expect(panel(page).getByTestId('panel-conditions').first()).toContainText('Programmed=True');
  });

  test('the ingress route, the L7 decisions with their enforcement points, and the route nothing applies', async ({ page }) => {
    await openGraph(page, '?namespaces=bookinfo');
    const ingress = `gateway-route:${GW}->svc:bookinfo/productpage#route:HTTPRoute/bookinfo/bookinfo/rules[0]/backendRefs[0]`;
    await label(page, ingress).click();
    await expect(panel(page)).toContainText('path=/productpage | path prefix /static');
    await expect(panel(page).getByTestId('panel-applied')).toContainText('bypasses productpage');
    await expect(panel(page).getByTestId('panel-authz')).toContainText('allowed');
    await expect(panel(page).getByTestId('panel-enforced')).toContainText('at ztunnel');
    await expect(panel(page).getByTestId('panel-authz')).toContainText('AuthorizationPolicy bookinfo/productpage-ztunnel');

    // curl -> productpage: the waypoint allows GET only, then ztunnel sees the waypoint's identity.
    const curl = 'call:ver:bookinfo/curl->svc:bookinfo/productpage';
    await expect(label(page, curl)).toContainText('denied at ztunnel');
    await label(page, curl).click();
    const steps = panel(page).getByTestId('panel-authz-steps');
    await expect(steps.locator('li').nth(0)).toContainText('waypoint bookinfo/waypoint: conditional by AuthorizationPolicy bookinfo/productpage-viewer');
    await expect(steps.locator('li').nth(1)).toContainText('ztunnel: denied by AuthorizationPolicy bookinfo/productpage-ztunnel');
    await expect(steps.locator('li').nth(1)).toContainText('cluster.local/ns/bookinfo/sa/waypoint');

    // reviews -> ratings: an HTTP rule in a ztunnel policy allows nothing.
    const ratings = 'call:ver:bookinfo/reviews/v1->svc:bookinfo/ratings';
    await label(page, ratings).click();
    await expect(panel(page).getByTestId('panel-authz')).toContainText('denied');
    await expect(panel(page).getByTestId('panel-authz')).toContainText('ztunnel does not support HTTP attributes (found: methods)');

    // The ratings timeout: an L7 route for a service without a waypoint.
    const timeout = 'route:svc:bookinfo/ratings->ver:bookinfo/ratings/v1#route:HTTPRoute/bookinfo/ratings-timeout/rules[0]/backendRefs[0]';
    await expect(label(page, timeout)).toContainText('not applied');
    await label(page, timeout).click();
    await expect(panel(page).getByTestId('panel-applied')).toContainText('nothing');
    await expect(panel(page).getByTestId('panel-applied')).toContainText('ambient mode without a waypoint');
    await expect(panel(page)).toContainText('timeout 2s');
  });

  test('the namespace and its workloads say ambient in the Overview and the graph', async ({ page }) => {
    await page.goto('/');
    const card = page.getByTestId('ns-bookinfo');
    await expect(card).toContainText('ambient');
    await expect(page.getByTestId('ns-ambient-bookinfo')).toHaveText('7 in ambient');
    await expect(card.getByRole('link', { name: 'HTTPRoute (Gateway API): 3' })).toBeVisible();
    await openGraph(page, '?namespaces=bookinfo');
    await node(page, 'ns:bookinfo').locator('.nsname').click();
    await expect(panel(page).getByTestId('panel-dataplane')).toHaveText('ambient');
  });

  test('Gateway API kinds are listed and filterable, told apart from Istio Gateways', async ({ page }) => {
    await page.goto('/config?ns=bookinfo');
    await expect(page.getByTestId('row-HTTPRoute-bookinfo-reviews')).toContainText('Gateway API');
    await expect(page.getByTestId('row-Gateway.gateway.networking.k8s.io-bookinfo-waypoint')).toBeVisible();
    await page.getByLabel('Filter by kind').selectOption({ label: 'Gateway (Gateway API)' });
    await expect(page).toHaveURL(/kind=Gateway\.gateway\.networking\.k8s\.io/);
    await expect(page.getByTestId('config-count')).toHaveText(/^2 of /);
    await page.getByTestId('row-Gateway.gateway.networking.k8s.io-bookinfo-waypoint').getByRole('link', { name: 'waypoint' }).click();
    await expect(page).toHaveURL(/\/config\/gateway\.networking\.k8s\.io\/v1\/gateways\/bookinfo\/waypoint/);
    await waitForEditor(page);
    expect(await editorText(page)).toContain('gatewayClassName: istio-waypoint');
  });
});

const route = (ns: string, name: string, timeouts = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: web
    port: 80
  rules:
  - backendRefs:
    - name: web
      port: 80
${timeouts}`;

test.describe('editing Gateway API resources', () => {
  test('completion and markers come from the Gateway API CRD schema; its CEL rules come back from the dry run on their line', async ({
    page,
    kubectl,
    uniq,
  }) => {
    const ns = uniq('gapi');
    await kubectl(['create', 'namespace', ns]);
    // The Service the route names as parent and backend: without it the analysis reports
    // both (two Errors), and "No errors" below would depend on when that answer arrives.
    await kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', ns]);
    await kubectl(['apply', '-f', '-'], route(ns, 'web'));
    await page.goto(`/config/gateway.networking.k8s.io/v1/httproutes/${ns}/web`);
    await waitForEditor(page);

    // An enum from the schema: path match types.
    const bad = route(ns, 'web').replace('  - backendRefs:', '  - matches:\n    - path:\n        type: Prefix\n        value: /api\n    backendRefs:');
    await pasteIntoEditor(page, bad);
    const problem = page.getByTestId('problem').filter({ hasText: 'Prefix' });
    await expect(problem).toContainText('"Exact", "PathPrefix", "RegularExpression"');
    expect((await markers(page)).find((m) => m.message.includes('PathPrefix'))?.line).toBe(lineOf(bad, 'type: Prefix'));

    // Completion offers the values of the enum.
    await pasteIntoEditor(page, bad.replace('type: Prefix', 'type: '));
    const line = lineOf(await editorText(page), 'type:');
    await page.evaluate((l) => {
      const ed = (window as any).__meshboardMonaco.editor.getEditors()[0];
      ed.setPosition({ lineNumber: l, column: ed.getModel().getLineMaxColumn(l) });
      ed.focus();
    }, line);
    await page.keyboard.press('Control+Space');
    await expect(page.locator('.suggest-widget')).toContainText('PathPrefix');
    // Close the suggestions before the next paste: a click on an open list would accept an item.
    await page.keyboard.press('Escape');
    await expect(page.locator('.suggest-widget.visible')).toHaveCount(0);

    // A CEL rule of the CRD (x-kubernetes-validations): only the API server checks it.
    const cel = route(ns, 'web', '    timeouts:\n      request: 1s\n      backendRequest: 5s\n');
    await pasteIntoEditor(page, cel);
    expect(await editorText(page)).toBe(cel);
    await expect(page.getByTestId('editor-status')).toContainText('No errors');
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('error-box')).toContainText('backendRequest timeout cannot be longer than request timeout');
    const celProblem = page.getByTestId('problem').filter({ hasText: 'backendRequest timeout' });
    await expect(celProblem).toContainText(`${lineOf(cel, 'timeouts:')}:`);
    await expect(page.getByTestId('apply-button')).toHaveCount(0);
    expect(await kubectl(['get', 'httproute', 'web', '-n', ns, '-o', 'jsonpath={.spec.rules[0].timeouts}'])).toBe('');
  });
});
