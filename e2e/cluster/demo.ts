/**
 * The demo: a local control plane (real kube-apiserver + etcd), Istio's CRDs, the
 * seeded scenarios, and the console on http://127.0.0.1:3000. Ctrl-C (or SIGTERM, or
 * closing the terminal: SIGHUP) stops it all, once: a second signal while stopping
 * does not start the stop list again. Exits non-zero when the demo could not start.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { GoMissingError } from './build';
import { startLocalCluster } from './cluster';
import { installIstioCrds, seedDemo } from './seed';
import { startApp } from '../support/app';
import { PrometheusMissingError, startPrometheus } from '../prometheus/prometheus';

const REPO = path.resolve(__dirname, '..', '..');

async function main() {
  const log = (l: string) => console.log(l);
  const port = Number(process.env.PORT || 3000);
  let cluster;
  try {
    cluster = await startLocalCluster({ log });
  } catch (e) {
    if (e instanceof GoMissingError) {
      console.error(`\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const stopAll: Array<() => Promise<void>> = [() => cluster!.destroy()];
  let stopping: Promise<void> | undefined;
  const shutdown = (code: number): Promise<void> => {
    stopping ??= (async () => {
      console.log('\nStopping the demo...');
      // Last started, first stopped; the list itself is left alone.
      for (const s of [...stopAll].reverse()) await s().catch((e: unknown) => console.error(e instanceof Error ? e.message : e));
      process.exit(code);
    })();
    return stopping;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) console.log(`(${sig}: already stopping)`);
      void shutdown(0);
    });
  }
  try {
    log(`Control plane up at ${cluster.server}. Installing Istio CRDs...`);
    await installIstioCrds(cluster);
    await seedDemo(cluster, log);
    if (process.env.MESHBOARD_SKIP_BUILD !== '1') {
      log('Building the console (next build)...');
      const b = spawnSync(path.join(REPO, 'node_modules', '.bin', 'next'), ['build'], {
        stdio: 'inherit',
        cwd: REPO,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      });
      if (b.status !== 0) throw new Error('next build failed');
    }
    // Telemetry for the graph: a local Prometheus with synthetic traffic, when Debian's package is installed.
    let prometheusUrl: string | undefined;
    let promNote: string;
    try {
      const prom = await startPrometheus({ log });
      stopAll.push(() => prom.stop());
      prometheusUrl = prom.url;
      promNote = `${prom.url} (synthetic traffic for the demo mesh; the graph shows req/s)`;
    } catch (e) {
      if (!(e instanceof PrometheusMissingError)) throw e;
      promNote = 'not installed: the graph shows the configuration only (apt-get install prometheus for telemetry)';
      log(`Prometheus not found: the graph will show the configuration only. Install Debian's prometheus package to see traffic.`);
    }
    const app = await startApp({ kubeconfig: cluster.kubeconfig, port, env: prometheusUrl ? { PROMETHEUS_URL: prometheusUrl } : {} });
    stopAll.push(() => app.stop());
    console.log(`
Meshboard demo is running: ${app.url}

  Local control plane : ${cluster.server} (kube-apiserver + etcd, no controllers; pods are demo data)
  kubeconfig          : ${cluster.kubeconfig}   (contexts: admin, viewer)
  kubectl             : KUBECONFIG=${cluster.kubeconfig} ${cluster.bins.kubectl} get virtualservices -A
  Prometheus          : ${promNote}

Press Ctrl-C to stop.`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    await shutdown(1);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
