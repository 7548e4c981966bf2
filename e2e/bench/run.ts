/**
 * `npm run bench`: every benchmark, one after the other, with their figures and, at
 * the end, a summary against the goals. Not a timed test: it prints, it does not fail
 * on a missed goal (exit code 1 only when a benchmark could not run).
 *
 *   1. graph build   (e2e/bench/graph-build.ts): buildGraph on the generated 1,000-service mesh
 *   2. layout        (e2e/bench/layout.ts): elkjs in Node, the code the layout worker runs
 *   3. browser       (e2e/bench/browser.ts): headless Chromium, data -> painted graph, frame rates
 *   4. analysis      (e2e/bench/analysis.ts): the validation engine on 10,000 resources
 *   5. vs istioctl   (e2e/bench/istioctl.ts): `meshboard analyze` and istioctl analyze (built
 *                    from the istio.io/istio Go module, cached) on a small file and on 10,000-
 *                    and 30,000-resource meshes, from files and from the local control plane
 *   6. console       (e2e/bench/console-analysis.ts): kubectl edit -> updated finding at 10,000
 *                    resources, with the console's analysis in its worker thread
 *   7. UI            (e2e/bench/ui.ts): initial JavaScript per page, the config list at 10,000
 *   8. team          (e2e/bench/users.ts): 20 signed-in users (token mode) on 10,000 resources:
 *                    server memory, p95 of the config list and graph API per user
 *
 * The browser benchmark needs the production build (`npx next build`) and Debian's
 * Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserBenchResult } from './browser';
import type { LayoutBenchResult } from './layout';
import type { UiBenchResult } from './ui';
import type { UsersBenchResult } from './users';

const repo = path.resolve(__dirname, '..', '..');
const tsx = path.join(repo, 'node_modules', '.bin', 'tsx');
const results = path.join(repo, 'bench-results');
const failed: string[] = [];

function step(title: string, script: string, args: string[] = []): void {
  console.log(`\n=== ${title}`);
  const r = spawnSync(tsx, [path.join(__dirname, script), ...args], { stdio: 'inherit', cwd: repo, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) failed.push(title);
}

function read<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path.join(results, file), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

step('Graph build (1,000 services, 20 namespaces, ~3 versions each, ~3,000 observed samples)', 'graph-build.ts');
step('Layout (elkjs, Node)', 'layout.ts');
step('Browser (headless Chromium): data to painted graph, frame rate while panning and zooming', 'browser.ts');
step('Analysis (validation engine, 10,000 resources)', 'analysis.ts');
step('meshboard analyze vs istioctl analyze (start-up; 10,000 and 30,000 resources, files and live)', 'istioctl.ts');
step('Console analysis: kubectl edit -> updated finding (10,000 resources)', 'console-analysis.ts');
step('UI (headless Chromium, 10,000 resources): initial JavaScript per page, config list first rows and scrolling', 'ui.ts');
step('Team: 20 signed-in users (token mode) on 10,000 resources, server memory and per-user API latency', 'users.ts');

const layout = read<LayoutBenchResult>('layout.json');
const browser = read<BrowserBenchResult>('browser.json');
const ui = read<UiBenchResult>('ui.json');
const users = read<UsersBenchResult>('users.json');
console.log('\n=== Summary');
if (layout)
  console.log(
    `layout of ${layout.nodes} nodes / ${layout.edges} edges: ${layout.ms.coldFirst.toFixed(0)} ms cold, ${layout.ms.warmMedian.toFixed(0)} ms warm, ${layout.ms.oneNamespaceChanged.toFixed(0)} ms after a change in one namespace`,
  );
if (browser) {
  const lowest = Math.min(browser.fps.panWhole.fps, browser.fps.zoomWhole.fps, browser.fps.panAt100.fps);
  console.log(
    `data -> first paint: ${browser.median.firstPaintMs.toFixed(0)} ms (goal <= 1500 ms: ${browser.median.firstPaintMs <= 1500 ? 'met' : 'NOT met'}); data -> ELK layout painted: ${browser.median.finalPaintMs.toFixed(0)} ms`,
  );
  console.log(
    `frame rate: pan ${browser.fps.panWhole.fps.toFixed(0)}, zoom ${browser.fps.zoomWhole.fps.toFixed(0)}, pan at ${Math.round(browser.fps.zoomAt100 * 100)}% ${browser.fps.panAt100.fps.toFixed(0)} fps (goal >= 30: ${lowest >= 30 ? 'met' : 'NOT met'})`,
  );
}
if (ui) {
  for (const j of ui.js)
    console.log(
      `initial JS ${j.page}: ${j.kb.toFixed(0)} KB compressed${j.editor ? ' (editor page)' : ` (goal <= 250 KB: ${j.kb <= 250 ? 'met' : 'NOT met'})`}`,
    );
  console.log(
    `config list, ${ui.configList.items} resources: first rows ${ui.configList.firstRowsMs} ms, ${ui.configList.domRows} rows in the DOM, scrolling ${ui.configList.scrollFps.toFixed(0)} fps`,
  );
}
if (users) {
  const u = users.api;
  console.log(
    `${users.users} users on ${users.resources} resources: server RSS peak ${users.rssMb.peak.toFixed(0)} MB (per-user caches: about ${users.perUserCachesEstimateMb.toFixed(0)} MB); p95 per user: config list ${u.config.worstUserP95.toFixed(0)} ms, graph ${u.graph.worstUserP95.toFixed(0)} ms (worst user)`,
  );
}
if (failed.length) {
  console.log(`\nCould not run: ${failed.join('; ')}`);
  process.exit(1);
}
