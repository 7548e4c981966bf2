/**
 * Layout benchmark: the graph of the generated mesh (1,000 services in 20 namespaces,
 * about 3 versions each, ~3,000 observed caller edges) laid out by the same code the
 * browser's layout worker runs (components/graph/layout/layout.ts, elkjs), in Node.
 *
 *   npx tsx e2e/bench/layout.ts [--services 1000] [--namespaces 20] [--runs 5] [--json]
 *
 * Prints: the first layout in a fresh ELK (what a page's worker pays once, JIT included),
 * the median of fresh layouts once warm, a layout with every namespace cached (another
 * view of the same structure), a layout after one namespace changed (a live edit), and
 * the provisional grid layout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ELK from 'elkjs/lib/elk.bundled.js';
import { MeshLayouter, quickLayout, toLayoutInput, type ElkLike, type LayoutInput } from '../../components/graph/layout/layout';
import { buildGraph } from '../../lib/istio/graph/build';
import { generateMesh } from '../../lib/istio/generate';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export interface LayoutBenchResult {
  nodes: number;
  edges: number;
  units: number;
  namespaces: number;
  ms: { coldFirst: number; warmMedian: number; allCached: number; oneNamespaceChanged: number; quick: number };
  size: { width: number; height: number };
  runs: number;
}

export async function runLayoutBench(opts: { services?: number; namespaces?: number; runs?: number } = {}): Promise<LayoutBenchResult> {
  const mesh = generateMesh({ services: opts.services ?? 1000, namespaces: opts.namespaces ?? 20, versions: 3, seed: 1 });
  const graph = buildGraph(mesh.resources, { observed: mesh.observed });
  const input = toLayoutInput(graph);
  const runs = opts.runs ?? 5;

  const layouter = new MeshLayouter(new ELK() as unknown as ElkLike);
  let t = performance.now();
  const first = await layouter.layout(input);
  const coldFirst = performance.now() - t;

  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const fresh = new MeshLayouter(new ELK() as unknown as ElkLike); // no namespace cache, warm JIT
    t = performance.now();
    await fresh.layout(input);
    warm.push(performance.now() - t);
  }

  t = performance.now();
  await layouter.layout(input);
  const allCached = performance.now() - t;

  // A live edit in one namespace: drop one call edge of team-3.
  const victim = input.edges.findIndex((e) => e.source.startsWith('ver:team-3/') && e.target.startsWith('svc:team-3/'));
  const changed: LayoutInput = { nodes: input.nodes, edges: input.edges.filter((_, i) => i !== victim) };
  t = performance.now();
  await layouter.layout(changed);
  const oneNamespaceChanged = performance.now() - t;

  const q: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    quickLayout(input);
    q.push(performance.now() - t);
  }

  return {
    nodes: input.nodes.length,
    edges: input.edges.length,
    units: first.stats.units,
    namespaces: first.stats.groups,
    ms: { coldFirst, warmMedian: median(warm), allCached, oneNamespaceChanged, quick: median(q) },
    size: { width: Math.round(first.width), height: Math.round(first.height) },
    runs,
  };
}

async function main() {
  const r = await runLayoutBench({ services: arg('services', 1000), namespaces: arg('namespaces', 20), runs: arg('runs', 5) });
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'layout.json'), JSON.stringify(r, null, 2));
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const f = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `Layout (elkjs layered, per-namespace blocks): ${r.nodes} nodes, ${r.edges} edges -> ${r.units} blocks in ${r.namespaces} namespace boxes; ${r.size.width} x ${r.size.height} px`,
  );
  console.log(`  first layout, fresh ELK (JIT cold):   ${f(r.ms.coldFirst)}`);
  console.log(`  fresh layout, warm (median of ${r.runs}):   ${f(r.ms.warmMedian)}`);
  console.log(`  same structure again (all cached):   ${f(r.ms.allCached)}`);
  console.log(`  one namespace changed (live edit):   ${f(r.ms.oneNamespaceChanged)}`);
  console.log(`  provisional grid layout (median):    ${r.ms.quick.toFixed(1)} ms`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
