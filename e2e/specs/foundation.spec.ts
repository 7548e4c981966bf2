import { test, expect } from '../fixtures';
import { editorText, waitForEditor } from '../support/editor';

test.describe('overview and Istio config on a real API server', () => {
  test('overview shows namespaces with their injection state and config counts', async ({ page }) => {
    await page.goto('/');
    const sample = page.getByTestId('ns-sample');
    await expect(sample).toContainText('injection enabled');
    await expect(sample).toContainText('4 services');
    await expect(sample).toContainText('5/5 pods with sidecar');
    await expect(sample).toContainText('PeerAuthentication: 1');
    await expect(page.getByTestId('ns-microsvc-sample')).toContainText('no injection label');
    await expect(page.getByTestId('ns-microsvc-sample')).toContainText('AuthorizationPolicy: 1');
    await expect(page.getByTestId('ns-shop')).toContainText('2 workloads');
  });

  test('the config list filters by kind, namespace and text, and rows open the resource', async ({ page }) => {
    await page.goto('/config');
    await expect(page.getByTestId('row-VirtualService-shop-user-service-vs')).toBeVisible();
    await page.getByLabel('Filter by kind').selectOption('DestinationRule');
    await expect(page.getByTestId('row-VirtualService-shop-user-service-vs')).toHaveCount(0);
    await expect(page.getByTestId('row-DestinationRule-shop-user-service-dr')).toBeVisible();
    await page.getByLabel('Namespace').selectOption('sample');
    await expect(page.getByTestId('row-DestinationRule-shop-user-service-dr')).toHaveCount(0);
    await expect(page.getByTestId('row-DestinationRule-sample-default')).toBeVisible();
    await page.getByLabel('Namespace').selectOption('shop');
    await page.getByLabel('Filter by text').fill('user-serv');
    await expect(page.getByTestId('config-count')).toHaveText(/^1 of \d+$/);
    await page.getByRole('link', { name: 'user-service-dr' }).click();
    await expect(page.getByRole('heading', { name: /DestinationRule/ })).toBeVisible();
    await waitForEditor(page);
    expect(await editorText(page)).toMatch(/- labels:\n\s+release: v3\n\s+name: canary/);
  });

  test('a VirtualService applied with kubectl appears without a reload, and goes when deleted', async ({ page, kubectl, uniq }) => {
    const name = uniq('live');
    const ns = uniq('live-ns');
    await kubectl(['create', 'namespace', ns]);
    await page.goto('/config?kind=VirtualService');
    await expect(page.getByTestId('row-VirtualService-shop-user-service-vs')).toBeVisible();
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${name}]
  http: [{route: [{destination: {host: ${name}}}]}]
`,
    );
    const row = page.getByTestId(`row-VirtualService-${ns}-${name}`);
    await expect(row).toBeVisible();
    await kubectl(['delete', 'virtualservice', name, '-n', ns]);
    await expect(row).toHaveCount(0);
  });

  test('a resource written in an older version is listed in that version', async ({ page, kubectl, uniq }) => {
    const name = uniq('old');
    const ns = uniq('old-ns');
    await kubectl(['create', 'namespace', ns]);
    await kubectl(
      ['apply', '-f', '-'],
      `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec: {host: ${name}}
`,
    );
    await page.goto('/config?kind=DestinationRule');
    const row = page.getByTestId(`row-DestinationRule-${ns}-${name}`);
    await expect(row).toContainText('networking.istio.io/v1alpha3');
    await expect(row).toContainText('older version');
  });

  test('the viewer context gets a clear "forbidden" when it tries to delete', async ({ page, kubectl }) => {
    await page.goto('/config/networking.istio.io/v1/virtualservices/default/reviews?context=viewer');
    await waitForEditor(page);
    expect(await editorText(page)).toContain('subset: v3');
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByTestId('delete-target')).toHaveText('VirtualService default/reviews');
    await page.getByRole('button', { name: 'Delete reviews' }).click();
    const err = page.getByTestId('error-box');
    await expect(err).toContainText('Forbidden');
    await expect(err).toContainText('User "viewer" cannot delete resource "virtualservices"');
    // Still there, and the page still works.
    await expect(page.getByTestId('yaml-editor')).toBeVisible();
    expect(await kubectl(['get', 'virtualservice', 'reviews', '-n', 'default', '-o', 'name'])).toContain('reviews');
  });

  test('switching context keeps the page working and shows that context', async ({ page }) => {
    await page.goto('/config');
    await page.getByLabel('Context').selectOption('viewer');
    await expect(page).toHaveURL(/context=viewer/);
    await expect(page.getByTestId('row-VirtualService-shop-user-service-vs')).toBeVisible();
  });
});
