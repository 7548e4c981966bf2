/** A kubeconfig for the console running as its ServiceAccount, as a pod would have it. Node-only. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/** A new kubeconfig file: the cluster of `fromKubeconfig`, the user a bearer `token`, context in-cluster. */
export function tokenKubeconfig(fromKubeconfig: string, token: string): string {
  const kc = parse(readFileSync(fromKubeconfig, 'utf8')) as { clusters: Array<{ cluster: Record<string, string> }> };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'meshboard-sa-')), 'kubeconfig');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: kc.clusters[0]!.cluster }],
      users: [{ name: 'meshboard', user: { token } }],
      contexts: [{ name: 'in-cluster', context: { cluster: 'local', user: 'meshboard' } }],
      'current-context': 'in-cluster',
    }),
  );
  return file;
}
