/**
 * Browser benchmark: the generated mesh's graph (1,000 services, 20 namespaces, about 3
 * versions each, ~3,000 observed caller edges) drawn by the graph page's pipeline in
 * headless Debian Chromium (/graph/bench: static JSON, no cluster).
 *
 *   npx tsx e2e/bench/browser.ts [--services 1000] [--namespaces 20] [--loads 3] [--json]
 *
 * Needs the production build (`npx next build`). Measures, per page load, the time from
 * the parsed data to the first painted graph (the provisional grid layout for a graph
 * this size) and to the painted ELK layout; then the frame rate while panning (mouse
 * drag) and zooming (wheel) the whole graph, and while panning at 100% zoom.
 * Goals: first paint within 1.5 s, at least 30 frames per second.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildGraph } from '../../lib/istio/graph/build';
import { generateMesh } from '../../lib/istio/generate';
import { REPO, startApp } from '../support/app';

/** The production build on a free loopback port, without any cluster (the bench page needs none). */
async function startConsole(): Promise<{ url: string; stop(): Promise<void> }> {
  return startApp({ kubeconfig: path.join(REPO, 'bench-results', 'no-kubeconfig'), readyPath: '/graph/bench' });
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Fps {
  frames: number;
  seconds: number;
  fps: number;
  p95FrameMs: number;
  maxFrameMs: number;
}

export interface BrowserBenchResult {
  graph: { nodes: number; edges: number; jsonMB: number };
  loads: Array<{ fetchMs: number; parseMs: number; firstPaintMs: number; firstProvisional: boolean; finalPaintMs: number; workerLayoutMs?: number }>;
  median: { firstPaintMs: number; finalPaintMs: number; parseMs: number };
  fps: { panWhole: Fps; zoomWhole: Fps; panAt100: Fps; zoomAt100: number };
  viewport: { width: number; height: number };
  chromium: string;
}

const VIEWPORT = { width: 1440, height: 900 };

async function measure(page: Page, action: () => Promise<void>): Promise<Fps> {
  await page.evaluate(() => window.__meshboardFps!.start());
  await action();
  return page.evaluate(() => window.__meshboardFps!.stop());
}

/** Drag the pane in a circle-ish path for `ms` milliseconds. */
async function pan(page: Page, box: { x: number; y: number; width: number; height: number }, ms: number): Promise<void> {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const t0 = Date.now();
  let i = 0;
  while (Date.now() - t0 < ms) {
    const a = i / 12;
    await page.mouse.move(cx + Math.cos(a) * box.width * 0.25, cy + Math.sin(a) * box.height * 0.25);
    i++;
  }
  await page.mouse.up();
}

/** Wheel in, then out, around the centre, for `ms` milliseconds. */
async function zoom(page: Page, box: { x: number; y: number; width: number; height: number }, ms: number): Promise<void> {
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const t0 = Date.now();
  let i = 0;
  while (Date.now() - t0 < ms) {
    const inward = Math.floor(i / 20) % 2 === 0;
    await page.mouse.wheel(0, inward ? -60 : 60);
    i++;
  }
}

export async function runBrowserBench(opts: { services?: number; namespaces?: number; loads?: number } = {}): Promise<BrowserBenchResult> {
  const mesh = generateMesh({ services: opts.services ?? 1000, namespaces: opts.namespaces ?? 20, versions: 3, seed: 1 });
  const graph = buildGraph(mesh.resources, { observed: mesh.observed });
  const body = JSON.stringify(graph);
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'graph.json'), body);

  // The console itself, without a cluster (the bench page reads only the static JSON).
  const app = await startConsole();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const loads: BrowserBenchResult['loads'] = [];
    let page: Page | undefined;
    for (let i = 0; i < (opts.loads ?? 3); i++) {
      await page?.close();
      page = await browser.newPage({ viewport: VIEWPORT });
      await page.route('**/bench-data/graph.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
      await page.goto(`${app.url}/graph/bench`);
      await page.waitForFunction(() => !!window.__meshboardBench?.finalPaint || !!window.__meshboardBench?.error, undefined, {
        timeout: 120_000,
        polling: 100,
      });
      const rec = await page.evaluate(() => window.__meshboardBench!);
      if (rec.error) throw new Error(rec.error);
      loads.push({
        fetchMs: rec.fetchMs ?? 0,
        parseMs: rec.parseMs ?? 0,
        firstPaintMs: rec.firstPaint!.ms,
        firstProvisional: rec.firstPaint!.provisional,
        finalPaintMs: rec.finalPaint!.ms,
        workerLayoutMs: rec.finalPaint!.layoutMs,
      });
    }
    const p = page!;
    await p.waitForTimeout(500);
    const box = (await p.getByTestId('graph-canvas').boundingBox())!;
    const panWhole = await measure(p, () => pan(p, box, 3000));
    await p.waitForTimeout(300);
    const zoomWhole = await measure(p, () => zoom(p, box, 3000));
    await p.waitForTimeout(300);
    // 100%: the detail level users read at (labels, badges), only what is on screen rendered.
    await p.evaluate(() => {
      const el = document.querySelector('.react-flow__controls-fitview') as HTMLButtonElement | null;
      el?.click();
    });
    await p.waitForTimeout(400);
    const zoomNow = async () => Number(/scale\(([\d.e-]+)\)/.exec((await p.locator('.react-flow__viewport').getAttribute('style')) ?? '')?.[1] ?? 1);
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 200 && (await zoomNow()) < 0.95; i++) await p.mouse.wheel(0, (await zoomNow()) < 0.6 ? -120 : -20);
    await p.waitForTimeout(Number(process.env.BENCH_SETTLE_MS ?? 2000));
    const zoomAt100 = await zoomNow();
    const panAt100 = await measure(p, () => pan(p, box, 3000));
    return {
      graph: { nodes: graph.nodes.length, edges: graph.edges.length, jsonMB: body.length / 1e6 },
      loads,
      median: {
        firstPaintMs: median(loads.map((l) => l.firstPaintMs)),
        finalPaintMs: median(loads.map((l) => l.finalPaintMs)),
        parseMs: median(loads.map((l) => l.parseMs)),
      },
      fps: { panWhole, zoomWhole, panAt100, zoomAt100 },
      viewport: VIEWPORT,
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
    await app.stop();
  }
}

export function printBrowserBench(r: BrowserBenchResult): void {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const fps = (f: Fps) =>
    `${f.fps.toFixed(1)} fps (${f.frames} frames in ${f.seconds.toFixed(1)} s, p95 frame ${f.p95FrameMs.toFixed(0)} ms, worst ${f.maxFrameMs.toFixed(0)} ms)`;
  console.log(
    `Browser (headless Chromium ${r.chromium}, ${r.viewport.width}x${r.viewport.height}, --disable-gpu): ${r.graph.nodes} nodes, ${r.graph.edges} edges, ${r.graph.jsonMB.toFixed(1)} MB JSON`,
  );
  r.loads.forEach((l, i) =>
    console.log(
      `  load ${i + 1}: fetch ${ms(l.fetchMs)}, JSON.parse ${ms(l.parseMs)}; data -> first paint ${ms(l.firstPaintMs)}${l.firstProvisional ? ' (provisional grid)' : ''}; data -> ELK layout painted ${ms(l.finalPaintMs)} (worker layout ${ms(l.workerLayoutMs ?? 0)})`,
    ),
  );
  console.log(`  median data -> first paint: ${ms(r.median.firstPaintMs)}  (goal <= 1500 ms: ${r.median.firstPaintMs <= 1500 ? 'met' : 'NOT met'})`);
  console.log(`  median data -> ELK layout painted: ${ms(r.median.finalPaintMs)}`);
  console.log(`  panning, whole graph:  ${fps(r.fps.panWhole)}`);
  console.log(`  zooming, whole graph:  ${fps(r.fps.zoomWhole)}`);
  console.log(`  panning at ${Math.round(r.fps.zoomAt100 * 100)}% zoom:  ${fps(r.fps.panAt100)}`);
  const worst = Math.min(r.fps.panWhole.fps, r.fps.zoomWhole.fps, r.fps.panAt100.fps);
  console.log(`  lowest frame rate: ${worst.toFixed(1)} fps  (goal >= 30: ${worst >= 30 ? 'met' : 'NOT met'})`);
}

async function main() {
  const r = await runBrowserBench({ services: arg('services', 1000), namespaces: arg('namespaces', 20), loads: arg('loads', 3) });
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  writeFileSync(path.join(dir, 'browser.json'), JSON.stringify(r, null, 2));
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else printBrowserBench(r);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
