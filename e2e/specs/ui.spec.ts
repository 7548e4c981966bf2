/** The everyday UI: global search, the windowed sortable config list, the theme, all by keyboard. */
import { test, expect } from '../fixtures';
import { editorText, waitForEditor } from '../support/editor';

test.describe('global search (Ctrl-K)', () => {
  test('from any page, by keyboard only: find a resource and open it', async ({ page }) => {
    await page.goto('/validations');
    await expect(page.getByRole('heading', { name: 'Validations' })).toBeVisible();
    await page.keyboard.press('Control+k');
    const box = page.getByRole('combobox', { name: /Search resources/ });
    await expect(box).toBeFocused();
    await page.keyboard.type('user-service-dr');
    const options = page.getByTestId('search-dialog').getByRole('option');
    await expect(options.first()).toContainText('user-service-dr');
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    // Other tests leave namesakes in other namespaces (amb-shop-…): move down to shop's, by keyboard.
    const wanted = options.filter({ hasText: /DestinationRule · shop$/ });
    await expect(wanted).toHaveCount(1);
    for (let i = 0; i < 20 && (await wanted.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown');
    await expect(wanted).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/config\/networking\.istio\.io\/v1\/destinationrules\/shop\/user-service-dr/);
    await expect(page.getByRole('heading', { name: /DestinationRule/ })).toBeVisible();
    await waitForEditor(page);
    expect(await editorText(page)).toContain('name: canary');
  });

  test('finds namespaces, services, findings and mesh tasks; arrows move; Escape closes', async ({ page }) => {
    await page.goto('/config');
    await page.keyboard.press('Control+k');
    const dialog = page.getByTestId('search-dialog');
    await page.keyboard.type('mtls');
    await expect(page.getByTestId('search-dialog').getByRole('option').first()).toContainText('Mesh task');
    await page.getByTestId('search-input').fill('reviews');
    await expect(page.getByTestId('search-dialog').getByRole('option').filter({ hasText: 'Service' }).first()).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('search-input').fill('microsvc-sample');
    await expect(page.getByTestId('search-dialog').getByRole('option').filter({ hasText: 'Namespace' }).first()).toContainText('microsvc-sample');
    // Findings are searchable by code and text.
    await page.getByTestId('search-input').fill('IST0');
    await expect(page.getByTestId('search-dialog').getByRole('option').filter({ hasText: 'Finding' }).first()).toBeVisible({ timeout: 30_000 });
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('search-dialog').getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Escape');
    await expect(dialog).not.toBeVisible();
    await expect(page).toHaveURL(/\/config$/);
    // The button opens it too.
    await page.getByTestId('search-button').click();
    await expect(page.getByTestId('search-input')).toBeFocused();
    await page.keyboard.type('mtls');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/forms\/mtls/);
  });
});

test.describe('config list', () => {
  test('sorts by a column, both ways, with the sort in the URL', async ({ page }) => {
    await page.goto('/config?kind=DestinationRule');
    const names = () => page.locator('[data-testid=config-table] tbody tr[data-row] td:nth-child(2)').allInnerTexts();
    await expect(page.getByTestId('row-DestinationRule-shop-user-service-dr')).toBeVisible();
    await page.getByTestId('sort-name').click();
    await expect(page).toHaveURL(/sort=name/);
    await expect(page.locator('th[aria-sort=ascending]')).toContainText('Name');
    const asc = await names();
    expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b)));
    expect(asc.length).toBeGreaterThan(1);
    await page.getByTestId('sort-name').click();
    await expect(page).toHaveURL(/dir=desc/);
    await expect(page.locator('th[aria-sort=descending]')).toContainText('Name');
    await expect.poll(names).toEqual([...asc].reverse());
    // The URL alone reproduces it.
    await page.reload();
    await expect.poll(names).toEqual([...asc].reverse());
  });

  test('a list of 400 resources renders only the rows in view, scrolls, and moves by keyboard', async ({ page, kubectl, uniq }) => {
    test.setTimeout(180_000);
    const ns = uniq('many');
    await kubectl(['create', 'namespace', ns]);
    const docs = Array.from(
      { length: 400 },
      (_, i) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr-${String(i).padStart(3, '0')}, namespace: ${ns}}
spec: {host: h${i}}
`,
    ).join('---\n');
    await kubectl(['apply', '-f', '-'], docs);
    await page.goto(`/config?ns=${ns}&sort=name`);
    await expect(page.getByTestId('config-count')).toHaveText(/^400 of \d+$/, { timeout: 30_000 });
    await expect(page.getByTestId(`row-DestinationRule-${ns}-dr-000`)).toBeVisible();
    const rendered = await page.locator('[data-testid=config-table] tbody tr[data-row]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    await expect(page.getByTestId('config-table')).toHaveAttribute('aria-rowcount', '401');
    await expect(page.getByTestId(`row-DestinationRule-${ns}-dr-399`)).toHaveCount(0);
    // Keyboard: focus the first name, End goes to the last row (scrolled into the window), Home back.
    await page.getByRole('link', { name: 'dr-000' }).focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('link', { name: 'dr-001' })).toBeFocused();
    await page.keyboard.press('End');
    await expect(page.getByRole('link', { name: 'dr-399' })).toBeFocused();
    await expect(page.getByTestId(`row-DestinationRule-${ns}-dr-000`)).toHaveCount(0);
    await page.keyboard.press('Home');
    await expect(page.getByRole('link', { name: 'dr-000' })).toBeFocused();
    // Scrolling with the wheel brings later rows in and drops the first ones.
    await page.getByTestId('config-scroll').hover();
    await page.mouse.wheel(0, 200 * 36);
    await expect.poll(() => page.locator('[data-testid=config-table] tbody tr[data-row]').first().getAttribute('data-row'), { timeout: 20_000 }).not.toBe('0');
    const firstShown = Number(await page.locator('[data-testid=config-table] tbody tr[data-row]').first().getAttribute('data-row'));
    expect(firstShown).toBeGreaterThan(100);
  });
});

test.describe('theme', () => {
  test('follows prefers-color-scheme, and the toggle wins and is remembered before the first paint', async ({ browser, env }) => {
    const ctx = await browser.newContext({ colorScheme: 'dark', baseURL: env.url });
    const page = await ctx.newPage();
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await bg()).toBe('rgb(15, 20, 25)');
    await page.getByLabel('Theme').selectOption('light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    // On reload the stored choice is applied by the inline script, before the app's JavaScript runs.
    let atFirstParse: string | undefined;
    page.once('domcontentloaded', async () => {
      atFirstParse = await page.evaluate(() => document.documentElement.dataset.theme);
    });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect.poll(() => atFirstParse).toBe('light');
    expect(await bg()).toBe('rgb(246, 247, 249)');
    await page.getByLabel('Theme').selectOption('system');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await ctx.close();
  });

  test('the editor follows the theme', async ({ browser, env }) => {
    const ctx = await browser.newContext({ colorScheme: 'dark', baseURL: env.url });
    const page = await ctx.newPage();
    await page.goto('/config/networking.istio.io/v1/virtualservices/default/reviews');
    await waitForEditor(page);
    await expect(page.locator('[data-testid=yaml-editor] .monaco-editor')).toHaveClass(/vs-dark/);
    await page.getByLabel('Theme').selectOption('light');
    await expect(page.locator('[data-testid=yaml-editor] .monaco-editor')).not.toHaveClass(/vs-dark/);
    await ctx.close();
  });
});

test.describe('keyboard only: graph -> side panel -> editor -> form', () => {
  /** Press Tab (or Shift-Tab) until the focused element satisfies `want`; fails after `max` presses. */
  async function tabTo(page: import('@playwright/test').Page, want: (el: { id: string | null; text: string; cls: string }) => boolean, max = 200, key = 'Tab') {
    const seen: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(key);
      const el = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        return {
          id: a?.getAttribute('data-id') ?? null,
          text: (a?.innerText || a?.getAttribute('aria-label') || '').trim(),
          cls: a?.getAttribute('class') ?? '',
        };
      });
      if (want(el)) return;
      seen.push(`${el.id ?? ''}|${el.cls.slice(0, 40)}|${el.text.slice(0, 30)}`);
    }
    throw new Error(`nothing wanted took focus after ${max} presses of ${key}; focus went through: ${[...new Set(seen)].slice(0, 40).join(' ; ')}`);
  }

  test('walkthrough with the keyboard alone', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto('/graph?namespaces=shop');
    const node = page.locator('.react-flow__node[data-id="svc:shop/user-service"]');
    await expect(node).toBeVisible({ timeout: 30_000 });
    await expect(node).toHaveAttribute('aria-label', /service user-service in shop/);
    // Nodes take focus with Tab.
    await tabTo(page, (el) => el.id === 'svc:shop/user-service');
    await expect(node).toBeFocused();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('side-panel');
    await expect(panel).toBeVisible();
    await expect(panel).toBeFocused();
    await expect(page).toHaveURL(/node=svc%3Ashop%2Fuser-service|node=svc:shop\/user-service/);
    // Escape closes it and gives focus back to the node.
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(node).toBeFocused();
    // Edges take focus too, with a label that says what the colour shows.
    await tabTo(page, (el) => el.cls.includes('react-flow__edge'));
    const edgeLabel = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    expect(edgeLabel).toMatch(/ to /);
    await page.keyboard.press('Enter');
    await expect(panel).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    // Back to the service, open its panel, go to its VirtualService in the editor.
    await tabTo(page, (el) => el.id === 'svc:shop/user-service', 200, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(panel).toBeFocused();
    await tabTo(page, (el) => el.text.includes('user-service-vs'), 60);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/config\/networking\.istio\.io\/v1\/virtualservices\/shop\/user-service-vs/);
    await waitForEditor(page);
    expect(await editorText(page)).toContain('user-service');
    // Leave the editor by keyboard (Monaco keeps Tab until Ctrl-M makes Tab move focus), then
    // to the traffic-shifting form through the global search (the browser's own Back,
    // Alt-Left, is not a page key).
    await page.keyboard.press('Control+m');
    await page.keyboard.press('Tab');
    await expect(page.locator('.monaco-editor textarea')).not.toBeFocused();
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('combobox', { name: /Search resources/ })).toBeFocused();
    await page.keyboard.type('Traffic shifting');
    await expect(page.getByTestId('search-dialog').getByRole('option').first()).toContainText('Traffic shifting');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/forms\/traffic/);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  });
});

test.describe('overview picture', () => {
  test('each namespace shows data plane, mTLS, findings and traffic, linking to where each is explained; screenshots in both themes', async ({
    browser,
    env,
  }) => {
    test.setTimeout(120_000);
    const dir = process.env.SCREENSHOTS_DIR || 'test-results/screenshots';
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ colorScheme: scheme, baseURL: env.url, viewport: { width: 1400, height: 1000 } });
      const page = await ctx.newPage();
      await page.goto('/');
      await expect(page.getByTestId('ns-dataplane-sample')).toContainText('Sidecar');
      await expect(page.getByTestId('ns-dataplane-bookinfo')).toContainText('Ambient');
      await expect(page.getByTestId('ns-dataplane-kube-system')).toContainText('Outside the mesh');
      await expect(page.getByTestId('ns-mtls-sample')).toContainText(/STRICT|PERMISSIVE|DISABLE/);
      await expect(page.getByTestId('ns-mtls-sample')).toHaveAttribute('href', /\/forms\/mtls\?.*ns=sample/);
      await expect(page.getByTestId('ns-findings-sample')).toContainText(/error|none/, { timeout: 30_000 });
      await expect(page.getByTestId('ns-findings-sample')).toHaveAttribute('href', /\/validations\?.*ns=sample/);
      // The e2e Prometheus has telemetry for the demo mesh.
      await expect(page.locator('[data-testid^=ns-traffic-]').filter({ hasText: 'req/s' }).first()).toContainText('% errors', { timeout: 30_000 });
      await expect(page.getByTestId('ns-traffic-sample')).toHaveAttribute('href', /\/graph\?.*namespaces=sample/);
      await page.screenshot({ path: `${dir}/overview-${scheme}.png`, fullPage: true });
      await ctx.close();
    }
  });
});
