/** What the global setup started, for the test workers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runKubectl, type LocalCluster } from '../cluster/cluster';

export const STATE_FILE = path.resolve(__dirname, '..', '.run', 'state.json');

export interface E2eState {
  url: string;
  kubeconfig: string;
  kubectl: string;
  localcluster: string;
  server: string;
  prometheusUrl?: string;
}

export function readState(): E2eState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
}

/** The running control plane as the seeder needs it (built from the e2e state). */
export function clusterOf(env: E2eState): LocalCluster {
  return {
    server: env.server,
    kubeconfig: env.kubeconfig,
    bins: { kubectl: env.kubectl, localcluster: env.localcluster },
    kubectl: (args: string[], input?: string) => runKubectl(env.kubectl, env.kubeconfig, args, input),
  } as unknown as LocalCluster;
}
