/**
 * One-shot read of everything the analyzers look at in a live cluster (for
 * `meshboard analyze --context NAME`): namespaces, services, deployments, pods, every
 * served Istio kind, and the mesh config. Kinds the user may not list are skipped.
 * Every kind is listed at once, each in pages (limit/continue, as kubectl does), so a
 * big cluster is read in a few round trips without one huge response.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sObject, MeshConfig } from '../istio/types';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { apiVersionOf } from '../istio/kinds';
import { collectionPath, CORE_TYPES, discoverIstioKinds, typeKey, typeOf, type ResourceType } from './discovery';
import { KubeApiError } from './errors';
import { kubeConfigFor } from './kubeconfig';
import { kubeRequest } from './request';

export interface ClusterSnapshot {
  objects: K8sObject[];
  meshConfig?: MeshConfig;
  /** Kinds that could not be listed (RBAC), as "group/plural". */
  skipped: string[];
  /** The context read, and its namespace from the kubeconfig (if it sets one). */
  context: string;
  namespace?: string;
}

/** Objects per page: big enough for few round trips, small enough to parse as they come. */
export const PAGE_SIZE = 500;

interface ListPage {
  items: K8sObject[];
  metadata?: { continue?: string };
}

async function listAll(kc: KubeConfig, t: ResourceType, into: K8sObject[]): Promise<void> {
  const apiVersion = apiVersionOf(t.group, t.version);
  let token: string | undefined;
  do {
    const page: ListPage = await kubeRequest<ListPage>(kc, { path: collectionPath(t), query: { limit: PAGE_SIZE, continue: token }, timeoutMs: 60_000 });
    for (const o of page.items) {
      o.apiVersion = apiVersion;
      o.kind = t.kind;
      // No reader of a snapshot looks at them, and they are often the biggest part of an
      // object: let them go now rather than carry them through the analysis. (Set, not
      // deleted: the metadata keeps its shape, and property reads stay fast.)
      if (o.metadata.managedFields) o.metadata.managedFields = undefined;
      into.push(o);
    }
    token = page.metadata?.continue || undefined;
  } while (token);
}

export async function loadClusterResources(contextName?: string): Promise<ClusterSnapshot> {
  const { kc, context } = kubeConfigFor(contextName);
  const { kinds } = await discoverIstioKinds(kc);
  const types: ResourceType[] = [...CORE_TYPES, ...kinds.map(typeOf)];
  const objects: K8sObject[] = [];
  const skipped: string[] = [];
  await Promise.all(
    types.map(async (t) => {
      try {
        await listAll(kc, t, objects);
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 403) skipped.push(typeKey(t));
        else throw e;
      }
    }),
  );
  const meshConfigMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'istio-system' && o.metadata.name === 'istio');
  let meshConfig: MeshConfig | undefined;
  try {
    meshConfig = meshConfigFromConfigMap(meshConfigMap ?? (await kubeRequest<K8sObject>(kc, { path: '/api/v1/namespaces/istio-system/configmaps/istio' })));
  } catch {
    /* no mesh config, or not readable: defaults apply */
  }
  return { objects, meshConfig, skipped, context, namespace: kc.getContextObject(context)?.namespace || undefined };
}
