/**
 * Accessibility: an axe-core scan of every page, in the light and the dark theme, fails
 * on any serious or critical violation (and prints each one with its nodes).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { JOBS } from '../../components/forms/catalog';
import { waitForEditor } from '../support/editor';

interface PageCase {
  name: string;
  url: string;
  /** What must be on screen before the scan, so the scan sees the loaded page, not a spinner. */
  ready: (page: Page) => Promise<void>;
}

const PAGES: PageCase[] = [
  { name: 'overview', url: '/', ready: (p) => expect(p.getByTestId('ns-sample')).toBeVisible({ timeout: 30_000 }) },
  { name: 'config list', url: '/config', ready: (p) => expect(p.getByTestId('row-VirtualService-shop-user-service-vs')).toBeVisible({ timeout: 30_000 }) },
  {
    name: 'config list of one kind',
    url: '/config?kind=DestinationRule',
    ready: (p) => expect(p.getByTestId('row-DestinationRule-shop-user-service-dr')).toBeVisible({ timeout: 30_000 }),
  },
  { name: 'resource editor', url: '/config/networking.istio.io/v1/virtualservices/default/reviews', ready: (p) => waitForEditor(p) },
  { name: 'new resource', url: '/config/new?kind=VirtualService', ready: (p) => waitForEditor(p) },
  { name: 'graph', url: '/graph?namespaces=sample', ready: (p) => expect(p.locator('.react-flow__node').first()).toBeVisible({ timeout: 30_000 }) },
  { name: 'validations', url: '/validations', ready: (p) => expect(p.getByRole('heading', { name: 'Validations' })).toBeVisible({ timeout: 30_000 }) },
  { name: 'mesh tasks', url: '/forms', ready: (p) => expect(p.getByTestId('jobs')).toBeVisible({ timeout: 30_000 }) },
  ...JOBS.map((j) => ({
    name: `form ${j.job}`,
    url:
      j.needs === 'service'
        ? `/forms/${j.job}?ns=shop&service=user-service`
        : j.needs === 'workload'
          ? `/forms/${j.job}?ns=microsvc-sample&workload=sample`
          : `/forms/${j.job}?ns=sample`,
    ready: (p: Page) => expect(p.getByRole('heading', { level: 1 })).toBeVisible({ timeout: 30_000 }),
  })),
];

async function scan(page: Page) {
  // Let late content (findings, Prometheus figures) settle before the scan.
  await page.waitForLoadState('networkidle').catch(() => {});
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return bad.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n${v.nodes
        .slice(0, 12)
        .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`)
        .join('\n')}`,
  );
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`axe scan, ${scheme} theme`, () => {
    test.use({ colorScheme: scheme });
    for (const c of PAGES) {
      test(`${c.name} (${c.url}) has no serious or critical violation`, async ({ page }) => {
        test.setTimeout(120_000);
        await page.goto(c.url);
        await c.ready(page);
        expect(await scan(page)).toEqual([]);
      });
    }
  });
}
