/**
 * The everyday UI at 10,000 resources (the generated analysis mesh in the local control
 * plane), in headless Chromium:
 *   - initial JavaScript per page, compressed bytes as transferred (CDP encodedDataLength
 *     of every script loaded until the page is ready), against the 250 KB budget for
 *     non-editor pages;
 *   - the Istio Config list: navigation -> first rows painted, rows in the DOM, and the
 *     frame rate while scrolling through it.
 * Needs the production build (`npx next build`).   npx tsx e2e/bench/ui.ts [resources]
 */
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateMesh } from '../../lib/istio/generate';
import { REPO, startApp } from '../support/app';
import { clusterWithMesh } from './mesh-cluster';

const resources = Number(process.argv[2] ?? 10_000);
const BUDGET_KB = 250;

export interface UiBenchResult {
  resources: number;
  js: Array<{ page: string; url: string; editor: boolean; kb: number; scripts: number }>;
  configList: { items: number; firstRowsMs: number; domRows: number; scrollFps: number; frames: number };
}

async function initialJs(page: Page, url: string, ready: (p: Page) => Promise<unknown>): Promise<{ kb: number; scripts: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const scripts = new Set<string>();
  const bytes = new Map<string, number>();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
  await page.goto(url);
  await ready(page);
  await page.waitForLoadState('networkidle').catch(() => {});
  let total = 0;
  for (const id of scripts) total += bytes.get(id) ?? 0;
  await cdp.detach();
  return { kb: total / 1024, scripts: scripts.size };
}

async function main(): Promise<void> {
  const { objects } = generateMesh(resources);
  const { cluster, count } = await clusterWithMesh(objects);
  const app = await startApp({ kubeconfig: cluster.kubeconfig }).catch(async (e) => {
    await cluster.destroy();
    throw e;
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const pages: Array<{ page: string; url: string; editor: boolean; ready: (p: Page) => Promise<unknown> }> = [
      { page: 'Overview', url: '/', editor: false, ready: (p) => p.locator('[data-testid^=ns-]').first().waitFor({ timeout: 120_000 }) },
      { page: 'Istio Config', url: '/config', editor: false, ready: (p) => p.locator('tr[data-row]').first().waitFor({ timeout: 120_000 }) },
      { page: 'Graph', url: '/graph?namespaces=team-1', editor: false, ready: (p) => p.locator('.react-flow__node').first().waitFor({ timeout: 120_000 }) },
      { page: 'Validations', url: '/validations', editor: false, ready: (p) => p.getByRole('heading', { name: 'Validations' }).waitFor({ timeout: 120_000 }) },
      { page: 'Mesh tasks', url: '/forms', editor: false, ready: (p) => p.getByTestId('jobs').waitFor({ timeout: 120_000 }) },
      { page: 'Form (mTLS)', url: '/forms/mtls?ns=team-1', editor: false, ready: (p) => p.getByRole('heading', { level: 1 }).waitFor({ timeout: 120_000 }) },
      {
        page: 'Editor (reference)',
        url: '/config/networking.istio.io/v1/virtualservices/team-1/svc-2',
        editor: true,
        ready: (p) => p.locator('.monaco-editor').first().waitFor({ timeout: 120_000 }),
      },
    ];
    const js: UiBenchResult['js'] = [];
    for (const pg of pages) {
      const ctx = await browser.newContext({ baseURL: app.url, viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      const r = await initialJs(page, pg.url, pg.ready);
      js.push({ page: pg.page, url: pg.url, editor: pg.editor, kb: r.kb, scripts: r.scripts });
      console.log(
        `  initial JS ${pg.page.padEnd(20)} ${r.kb.toFixed(0).padStart(5)} KB compressed in ${r.scripts} scripts${pg.editor ? ' (editor page, no budget)' : r.kb <= BUDGET_KB ? ' (<= 250 KB: met)' : ' (> 250 KB: NOT met)'}`,
      );
      await ctx.close();
    }

    // The config list: navigation -> first rows painted; then scroll through it.
    const ctx = await browser.newContext({ baseURL: app.url, viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await page.goto('/config');
    await page.locator('tr[data-row]').first().waitFor({ timeout: 120_000 }); // warm: the server's list cache
    const t0 = Date.now();
    await page.reload();
    await page.locator('tr[data-row]').first().waitFor({ timeout: 120_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const firstRowsMs = Date.now() - t0;
    const items = Number((await page.getByTestId('config-count').innerText()).split(' of ')[0]);
    const domRows = await page.locator('tr[data-row]').count();
    // A string, not a function: tsx names the arrow functions of a function it compiles
    // (esbuild keepNames, `__name(...)`), and that helper does not exist in the page.
    const scroll = await page.evaluate<{ fps: number; frames: number }>(`new Promise((resolve) => {
      const el = document.querySelector('[data-testid=config-scroll]');
      const start = performance.now();
      let frames = 0;
      const step = () => {
        frames++;
        el.scrollTop += 120;
        if (performance.now() - start < 3000 && el.scrollTop + el.clientHeight < el.scrollHeight) requestAnimationFrame(step);
        else resolve({ fps: (frames * 1000) / (performance.now() - start), frames });
      };
      requestAnimationFrame(step);
    })`);
    await ctx.close();
    const result: UiBenchResult = { resources: count, js, configList: { items, firstRowsMs, domRows, scrollFps: scroll.fps, frames: scroll.frames } };
    console.log(
      `  config list at ${count} objects (${items} Istio resources): first rows painted ${firstRowsMs} ms after navigation; ${domRows} rows in the DOM; scrolling ${scroll.fps.toFixed(0)} fps over ${scroll.frames} frames`,
    );
    mkdirSync(path.join(REPO, 'bench-results'), { recursive: true });
    writeFileSync(path.join(REPO, 'bench-results', 'ui.json'), JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    await app.stop();
    await cluster.destroy();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
