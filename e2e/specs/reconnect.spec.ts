/**
 * The API server goes away and comes back while the page is open. This test runs
 * its own control plane and Meshboard, so stopping them disturbs no other test.
 */
import { test, expect } from '../fixtures';
import { startLocalCluster, kubectlOk, type LocalCluster } from '../cluster/cluster';
import { installIstioCrds } from '../cluster/seed';
import { startApp, type RunningApp } from '../support/app';

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
