/**
 * Graph build benchmark: the generated mesh (lib/istio/generate.ts) with 1,000 services in
 * 20 namespaces (about 3 versions each, about 3,000 observed samples). Prints the median
 * of several runs.
 *
 *   npx tsx e2e/bench/graph-build.ts [--services 1000] [--namespaces 20] [--runs 7] [--json]
 */
import { performance } from 'node:perf_hooks';
import { buildGraph } from '../../lib/istio/graph/build';
import { generateMesh } from '../../lib/istio/generate';
import { graphHash } from '../../lib/istio/graph/transform';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const services = arg('services', 1000);
const namespaces = arg('namespaces', 20);
const runs = arg('runs', 7);
const json = process.argv.includes('--json');

const t0 = performance.now();
const mesh = generateMesh({ services, namespaces, versions: 3, seed: 1 });
const generateMs = performance.now() - t0;

function measure(fn: () => void): { median: number; min: number; max: number } {
  fn(); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, min: times[0] as number, max: times[times.length - 1] as number };
}

let graph = buildGraph(mesh.resources, { observed: mesh.observed });
const declaredOnly = measure(() => {
  // A new MeshResources object each run, so no cached security index is reused across runs.
  buildGraph({ ...mesh.resources });
});
const withObserved = measure(() => {
  graph = buildGraph({ ...mesh.resources }, { observed: mesh.observed });
});
const hash = measure(() => {
  graphHash(graph);
});

const count = (pred: (x: { kind: string }) => boolean, list: Array<{ kind: string }>) => list.filter(pred).length;
const observedEdges = graph.edges.filter((e) => e.observed).length;
const result = {
  input: { ...mesh.stats, objects: mesh.objects.length },
  graph: {
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    byNodeKind: Object.fromEntries(
      ['namespace', 'gateway', 'service', 'version', 'workload', 'external', 'unknown'].map((k) => [k, count((n) => n.kind === k, graph.nodes)]),
    ),
    byEdgeKind: Object.fromEntries(['gateway-route', 'route', 'call', 'observed'].map((k) => [k, count((e) => e.kind === k, graph.edges)])),
    observedEdges,
    callEdgesObserved: graph.edges.filter((e) => e.kind === 'call' && e.observed).length,
    jsonBytes: JSON.stringify(graph).length,
  },
  ms: {
    generate: Math.round(generateMs),
    buildDeclared: declaredOnly,
    buildWithObserved: withObserved,
    graphHash: hash,
  },
  runs,
  node: process.version,
};

if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (x: { median: number; min: number; max: number }) => `median ${x.median.toFixed(1)} ms (min ${x.min.toFixed(1)}, max ${x.max.toFixed(1)})`;
  console.log(
    `Generated mesh: ${result.input.services} services, ${result.input.namespaces} namespaces, ${result.input.versions} versions, ${result.input.observedSamples} observed samples, ${result.input.objects} objects (${result.ms.generate} ms)`,
  );
  console.log(
    `Graph: ${result.graph.nodes} nodes, ${result.graph.edges} edges (${observedEdges} observed), ${(result.graph.jsonBytes / 1e6).toFixed(1)} MB JSON`,
  );
  console.log(`  nodes by kind: ${JSON.stringify(result.graph.byNodeKind)}`);
  console.log(`  edges by kind: ${JSON.stringify(result.graph.byEdgeKind)}`);
  console.log(`buildGraph, declared only:      ${f(declaredOnly)}`);
  console.log(`buildGraph, with observed merge: ${f(withObserved)}`);
  console.log(`graphHash:                       ${f(hash)}`);
  console.log(`(${runs} runs after one warm-up, ${process.version})`);
}
