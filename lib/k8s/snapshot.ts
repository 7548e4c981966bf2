/**
 * One-shot read of everything the analyzers look at in a live cluster (for
 * `meshboard analyze --context NAME`): namespaces, services, deployments, pods, every
 * served Istio kind, and the mesh config. Kinds the user may not list are skipped.
 */
import type { K8sObject, MeshConfig } from '../istio/types';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { apiVersionOf } from '../istio/kinds';
import { collectionPath, CORE_TYPES, discoverIstioKinds, typeOf, type ResourceType } from './discovery';
import { KubeApiError } from './errors';
import { kubeConfigFor } from './kubeconfig';
import { kubeRequest } from './request';

export interface ClusterSnapshot {
  objects: K8sObject[];
  meshConfig?: MeshConfig;
  /** Kinds that could not be listed (RBAC), as "group/plural". */
  skipped: string[];
}

export async function loadClusterResources(contextName: string): Promise<ClusterSnapshot> {
  const { kc } = kubeConfigFor(contextName);
  const { kinds } = await discoverIstioKinds(kc);
  const types: ResourceType[] = [...CORE_TYPES, ...kinds.map(typeOf)];
  const objects: K8sObject[] = [];
  const skipped: string[] = [];
  await Promise.all(
    types.map(async (t) => {
      try {
        const list = await kubeRequest<{ items: K8sObject[] }>(kc, { path: collectionPath(t), timeoutMs: 60_000 });
        for (const o of list.items) objects.push({ ...o, apiVersion: apiVersionOf(t.group, t.version), kind: t.kind });
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 403) skipped.push(`${t.group || 'core'}/${t.plural}`);
        else throw e;
      }
    }),
  );
  let meshConfig: MeshConfig | undefined;
  try {
    meshConfig = meshConfigFromConfigMap(await kubeRequest<K8sObject>(kc, { path: '/api/v1/namespaces/istio-system/configmaps/istio' }));
  } catch {
    /* no mesh config, or not readable: defaults apply */
  }
  return { objects, meshConfig, skipped };
}
