/**
 * Analysis benchmark: a generated mesh of 10,000 resources, analyzed with every default
 * analyzer. Prints the median time of several runs and the peak heap in use.
 *   npx tsx e2e/bench/analysis.ts [resources] [runs]
 * Goal: under one second.
 */
import { runAnalysisBenchmark } from '../../lib/istio/analysis/bench';

const resources = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 7);
const baseline = process.memoryUsage().heapUsed;
const r = runAnalysisBenchmark({ resources, runs, heapUsed: () => process.memoryUsage().heapUsed });
const mb = (b: number) => (b / (1024 * 1024)).toFixed(1);
console.log(`resources:        ${r.resources}`);
console.log(`runs:             ${r.runs.map((x) => x.toFixed(0)).join(', ')} ms`);
console.log(`median:           ${r.ms.toFixed(0)} ms  (goal < 1000 ms: ${r.ms < 1000 ? 'met' : 'NOT met'})`);
console.log(`peak heap:        ${r.peakHeapMB.toFixed(1)} MB in use (heap before generating the mesh: ${mb(baseline)} MB)`);
console.log(
  `findings:         ${r.findings}  ${Object.entries(r.findingsByCode)
    .map(([c, n]) => `${c}:${n}`)
    .join(' ')}`,
);
console.log(
  `planted mistakes: ${Object.entries(r.planted)
    .map(([k, n]) => `${k}:${n}`)
    .join(' ')}`,
);
