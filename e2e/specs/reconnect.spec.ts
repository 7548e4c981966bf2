/**
 * The API server, or the console itself (a dropped port-forward), goes away and comes
 * back while pages are open. This test runs
 * its own control plane and Meshboard, so stopping them disturbs no other test.
 */
import { test, expect } from '../fixtures';
import { startLocalCluster, kubectlOk, type LocalCluster } from '../cluster/cluster';
import { installIstioCrds } from '../cluster/seed';
import { startApp, type RunningApp } from '../support/app';
import { editorText, pasteIntoEditor, waitForEditor } from '../support/editor';

let cluster: LocalCluster;
let app: RunningApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = await startLocalCluster();
  await installIstioCrds(cluster);
  app = await startApp({ kubeconfig: cluster.kubeconfig });
});

test.afterAll(async () => {
  await app?.stop();
  await cluster?.destroy();
});

test('stopping and restarting the API server leads back to a live list without a reload', async ({ page }) => {
  test.setTimeout(120_000);
  const vs = (name: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${name}]
  http: [{route: [{destination: {host: ${name}}}]}]
`;
  await kubectlOk(cluster, ['apply', '-f', '-'], vs('before-outage'));
  await page.goto(`${app.url}/config`);
  await expect(page.getByTestId('row-VirtualService-default-before-outage')).toBeVisible();
  let reloads = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) reloads++;
  });

  await cluster.stop();
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toContainText('Kubernetes API server unreachable', { timeout: 20_000 });
  // The last known state stays on screen.
  await expect(page.getByTestId('row-VirtualService-default-before-outage')).toBeVisible();

  await cluster.start();
  await expect(banner).toHaveCount(0, { timeout: 30_000 });
  // Live again: a change made after the restart shows up by itself.
  await kubectlOk(cluster, ['apply', '-f', '-'], vs('after-outage'));
  await expect(page.getByTestId('row-VirtualService-default-after-outage')).toBeVisible({ timeout: 15_000 });
  await kubectlOk(cluster, ['delete', 'virtualservice', 'before-outage', '-n', 'default']);
  await expect(page.getByTestId('row-VirtualService-default-before-outage')).toHaveCount(0);
  expect(reloads).toBe(0);
});

test('the console itself goes away (a dropped port-forward) and comes back: the open editor keeps the edit and saves it, the list catches up', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const vs = (name: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${name}]
  http: [{${extra}route: [{destination: {host: ${name}}}]}]
`;
  await kubectlOk(cluster, ['apply', '-f', '-'], vs('pf-edit'));
  const list = await context.newPage();
  await list.goto(`${app.url}/config`);
  await expect(list.getByTestId('row-VirtualService-default-pf-edit')).toBeVisible({ timeout: 30_000 });
  let reloads = 0;
  list.on('framenavigated', (f) => {
    if (f === list.mainFrame()) reloads++;
  });
  await page.goto(`${app.url}/config/networking.istio.io/v1/virtualservices/default/pf-edit`);
  await waitForEditor(page);
  await pasteIntoEditor(page, vs('pf-edit', 'timeout: 7s, '));

  // The port-forward drops: the browser loses the console; meanwhile the mesh changes.
  const port = app.port;
  await app.stop();
  await expect(list.getByTestId('connection-banner')).toContainText('Lost the connection to the Meshboard server', { timeout: 30_000 });
  await kubectlOk(cluster, ['apply', '-f', '-'], vs('pf-during'));
  app = await startApp({ kubeconfig: cluster.kubeconfig, port });

  // The list reconnects and reloads what it missed, without a page reload.
  await expect(list.getByTestId('connection-banner')).toHaveCount(0, { timeout: 60_000 });
  await expect(list.getByTestId('row-VirtualService-default-pf-during')).toBeVisible({ timeout: 30_000 });
  expect(reloads).toBe(0);
  // The editor kept the edit, and it saves on the console that came back.
  expect(await editorText(page)).toContain('timeout: 7s');
  await page.getByTestId('review-button').click();
  await expect(page.getByTestId('review-panel')).toContainText('accepted this change in a dry run', { timeout: 30_000 });
  await page.getByTestId('apply-button').click();
  await expect(page.getByTestId('editor-notice')).toContainText('Applied', { timeout: 30_000 });
  expect(await kubectlOk(cluster, ['get', 'virtualservice', 'pf-edit', '-n', 'default', '-o', 'jsonpath={.spec.http[0].timeout}'])).toBe('7s');
});
