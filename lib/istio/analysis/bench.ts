/**
 * Benchmark of the analysis engine on the generated mesh (lib/istio/generate.ts: namespaces
 * of services with their Deployments, VirtualServices and DestinationRules, gateways,
 * ServiceEntries, policies and a handful of planted mistakes). Pure: timing uses performance.now(), memory is
 * sampled through an optional callback (e2e/bench/analysis.ts passes process.memoryUsage).
 */
import { generateMesh } from '../generate';
import { analyze } from './index';

export interface BenchmarkResult {
  resources: number;
  /** Median wall time of one analyze() call, ms. */
  ms: number;
  /** Every run's time, ms. */
  runs: number[];
  /** Highest heap in use seen during the runs (MB), or NaN when no sampler is available. */
  peakHeapMB: number;
  findings: number;
  findingsByCode: Record<string, number>;
  planted: Record<string, number>;
}

export interface BenchmarkOptions {
  resources?: number;
  runs?: number;
  /** Heap in use, in bytes (e.g. () => process.memoryUsage().heapUsed). */
  heapUsed?: () => number;
}

function defaultHeapSampler(): (() => number) | undefined {
  const p = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  return p?.memoryUsage ? () => (p.memoryUsage as () => { heapUsed: number })().heapUsed : undefined;
}

export function runAnalysisBenchmark(options: BenchmarkOptions = {}): BenchmarkResult {
  const { objects, planted } = generateMesh(options.resources ?? 10_000);
  const sample = options.heapUsed ?? defaultHeapSampler();
  const runs: number[] = [];
  let peak = 0;
  let findings = analyze(objects); // warm-up (JIT), not timed
  const count = Math.max(1, options.runs ?? 5);
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    findings = analyze(objects, {
      onProgress: sample
        ? () => {
            peak = Math.max(peak, sample());
          }
        : undefined,
    });
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const byCode: Record<string, number> = {};
  for (const f of findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  return {
    resources: objects.length,
    ms: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    runs,
    peakHeapMB: sample ? peak / (1024 * 1024) : NaN,
    findings: findings.length,
    findingsByCode: byCode,
    planted,
  };
}
