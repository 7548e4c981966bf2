/** The generated mesh (lib/istio/generate.ts) in a fresh local control plane, with the Pods its Deployments would have. */
import { startLocalCluster, type LocalCluster } from '../cluster/cluster';
import { installIstioCrds, seedObjects, tlsSecret } from '../cluster/seed';
import type { K8sObject } from '../../lib/istio/types';

export async function clusterWithMesh(
  objects: readonly K8sObject[],
  log: (l: string) => void = (l) => console.error(l),
): Promise<{ cluster: LocalCluster; count: number }> {
  const cluster = await startLocalCluster({ log });
  try {
    await installIstioCrds(cluster);
    const t0 = performance.now();
    // The API server wants real TLS data in kubernetes.io/tls Secrets.
    const real = objects.map((o) =>
      o.kind === 'Secret' ? (tlsSecret(cluster, o.metadata.namespace ?? 'istio-system', o.metadata.name, 'example.com') as K8sObject) : o,
    );
    const seeded = await seedObjects(cluster, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } }, ...real] as never);
    log(`seeded ${seeded.length} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { cluster, count: seeded.length };
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
}
