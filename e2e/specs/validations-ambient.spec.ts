import { test, expect } from '../fixtures';
import { editorText, lineOf, markers, waitForEditor } from '../support/editor';

// Scenario S5 is seeded by global setup in namespace bookinfo, with what istiod,
// istio-cni and ztunnel would add (e2e/cluster/seed.ts seedAmbientScenario).
test.describe('validations for ambient mode and the Gateway API (S5)', () => {
  test('the planted mistakes of S5 are findings in words, and only they', async ({ page }) => {
    await page.goto('/validations?ns=bookinfo');
    const group = page.getByTestId('validations-ns-bookinfo');
    // 1. An L7 route for a Service without a waypoint.
    await expect(group).toContainText('HTTPRoute bookinfo/ratings-timeout routes mesh traffic for Service bookinfo/ratings, but ratings has no waypoint');
    await expect(group).toContainText('in ambient mode, route will not be respected');
    // 2. HTTP attributes in a policy ztunnel enforces.
    await expect(group).toContainText('so this ALLOW policy allows nothing and every connection to ratings is denied');
    // 3. A VirtualService for mesh traffic without a waypoint.
    await expect(group).toContainText('In ambient mode VirtualService is an alpha API applied only by a waypoint');
    // The ztunnel policy on productpage does not allow the waypoint's identity.
    await expect(group).toContainText('allow cluster.local/ns/bookinfo/sa/waypoint here');
    await expect(group.getByTestId('finding')).toHaveCount(4);
  });

  test('a finding opens the editor on the field: the HTTP method of the ztunnel policy', async ({ page }) => {
    await page.goto('/validations?ns=bookinfo');
    await page.getByTestId('finding').filter({ hasText: 'allows nothing' }).getByRole('link').click();
    await expect(page).toHaveURL(/authorizationpolicies\/.*ratings-get-only\?.*path=spec/);
    await waitForEditor(page);
    const yaml = await editorText(page);
    const methodsLine = lineOf(yaml, 'methods:');
    await expect.poll(async () => (await markers(page)).some((m) => m.line === methodsLine && m.message.includes('ztunnel'))).toBe(true);
  });
});
