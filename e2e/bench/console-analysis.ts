/**
 * The console's analysis on a 10,000-resource mesh in the local control plane: the time
 * from a `kubectl` edit to the updated finding in GET /api/analyze, and how long other
 * requests (GET /api/status) take meanwhile (the analysis runs in a worker thread).
 * Needs the production build (`npx next build`).
 *   npx tsx e2e/bench/console-analysis.ts [resources] [edits]
 */
import { generateMesh } from '../../lib/istio/generate';
import { startApp } from '../support/app';
import { clusterWithMesh } from './mesh-cluster';

const resources = Number(process.argv[2] ?? 10_000);
const edits = Number(process.argv[3] ?? 5);

interface AnalyzeResponse {
  findings: Array<{ code: string; resource: string; message: string }>;
  ms: number;
  revision: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { objects } = generateMesh(resources);
  const { cluster, count } = await clusterWithMesh(objects);
  const app = await startApp({ kubeconfig: cluster.kubeconfig }).catch(async (e) => {
    await cluster.destroy();
    throw e;
  });
  try {
    const get = async (): Promise<AnalyzeResponse> => (await (await fetch(`${app.url}/api/analyze?context=admin`)).json()) as AnalyzeResponse;
    let t0 = performance.now();
    const first = await get();
    console.log(
      `mesh: ${count} objects in the cluster; first GET /api/analyze: ${(performance.now() - t0).toFixed(0)} ms (analysis ${first.ms} ms, ${first.findings.length} findings)`,
    );
    const latencies: number[] = [];
    const statusMs: number[] = [];
    for (let i = 0; i < edits; i++) {
      const subset = `edit-${i}`;
      const want = (r: AnalyzeResponse) => r.findings.some((f) => f.resource === 'VirtualService team-1/svc-2' && f.message.includes(`svc-2+${subset}`));
      // Other requests while the change is analyzed.
      let polling = true;
      const statusLoop = (async () => {
        while (polling) {
          const s0 = performance.now();
          await fetch(`${app.url}/api/status?context=admin`);
          statusMs.push(performance.now() - s0);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      t0 = performance.now();
      const patch = JSON.stringify([{ op: 'replace', path: '/spec/http/1/route/0/destination/subset', value: subset }]);
      const r = await cluster.kubectl(['-n', 'team-1', 'patch', 'virtualservice', 'svc-2', '--type=json', '-p', patch]);
      if (r.code !== 0) throw new Error(`kubectl patch failed: ${r.stderr}`);
      const patched = performance.now();
      for (;;) {
        if (want(await get())) break;
        if (performance.now() - t0 > 60_000) throw new Error('the finding did not appear within 60 s');
        await new Promise((res) => setTimeout(res, 10));
      }
      const ms = performance.now() - t0;
      polling = false;
      await statusLoop;
      latencies.push(ms);
      console.log(`  edit ${i + 1}: kubectl patch returned after ${(patched - t0).toFixed(0)} ms; the new finding was served after ${ms.toFixed(0)} ms`);
    }
    console.log(
      `kubectl edit -> updated finding at ${count} objects: median ${median(latencies).toFixed(0)} ms (${latencies.map((x) => x.toFixed(0)).join(', ')})`,
    );
    console.log(
      `GET /api/status meanwhile: median ${median(statusMs).toFixed(0)} ms, max ${Math.max(...statusMs).toFixed(0)} ms over ${statusMs.length} requests`,
    );
  } finally {
    await app.stop();
    await cluster.destroy();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
