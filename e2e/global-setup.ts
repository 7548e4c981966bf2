/**
 * Starts a real control plane (kube-apiserver + etcd), installs Istio's CRDs, seeds
 * the demo mesh, starts a real Prometheus with telemetry for that mesh
 * (e2e/prometheus; fails when Debian's prometheus package is missing), and starts
 * Meshboard against both. Returns the teardown, which stops everything so no process
 * is left behind.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLocalCluster } from './cluster/cluster';
import { installIstioCrds, seedDemo } from './cluster/seed';
import { findPrometheus, startPrometheus, type RunningPrometheus } from './prometheus/prometheus';
import { startApp } from './support/app';
import { STATE_FILE, type E2eState } from './support/state';

export default async function globalSetup() {
  const t0 = Date.now();
  const log = (l: string) => process.stderr.write(`[e2e] ${l}\n`);
  // Fail early and clearly: the graph tests need a real Prometheus, never a silent skip.
  findPrometheus();
  const cluster = await startLocalCluster({ log });
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let prometheus: RunningPrometheus | undefined;
  // Started alongside the seeding; awaited below (the catch only avoids an unhandled rejection meanwhile).
  const prom = startPrometheus({ log });
  prom.catch(() => {});
  try {
    await installIstioCrds(cluster);
    await seedDemo(cluster, log);
    prometheus = await prom;
    app = await startApp({ kubeconfig: cluster.kubeconfig, env: { PROMETHEUS_URL: prometheus.url } });
  } catch (e) {
    await app?.stop();
    await prom.then(
      (p) => p.stop(),
      () => {},
    );
    await cluster.destroy();
    throw e;
  }
  const state: E2eState = {
    url: app.url,
    kubeconfig: cluster.kubeconfig,
    kubectl: cluster.bins.kubectl,
    localcluster: cluster.bins.localcluster,
    server: cluster.server,
    prometheusUrl: prometheus.url,
  };
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  log(`control plane ${cluster.server}, Meshboard ${app.url} (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return async () => {
    await app?.stop();
    await prometheus?.stop();
    await cluster.destroy();
    rmSync(STATE_FILE, { force: true });
  };
}
