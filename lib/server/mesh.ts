/**
 * The mesh as the form builders read it (lib/istio/forms): the objects of the watch
 * cache, grouped by kind, with the mesh config — all of them, or as much as the form's
 * scope asks for (lib/contracts/forms MeshScope; every Namespace object and the root
 * namespace always come along). managedFields are dropped: they are large and no form
 * needs them.
 */
import 'server-only';
import type { MeshResponse, MeshScope } from '../contracts/forms';
import { isMeshGroup, parseApiVersion } from '../istio/kinds';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { indexResources } from '../istio/resources';
import type { K8sObject } from '../istio/types';
import { DEFAULT_ROOT_NAMESPACE } from '../istio/types';
import type { ClusterCache } from '../k8s/cache';

function withoutManagedFields(o: K8sObject): K8sObject {
  if (!o.metadata?.managedFields) return o;
  const metadata = { ...o.metadata };
  delete metadata.managedFields;
  return { ...o, metadata };
}

const ALL: MeshScope = { scope: 'all', namespaces: [] };

export function meshForForms(cache: ClusterCache, s: MeshScope = ALL): MeshResponse {
  const meshConfig = meshConfigFromConfigMap(cache.meshConfigMap());
  const root = meshConfig?.rootNamespace || DEFAULT_ROOT_NAMESPACE;
  const within = new Set([...s.namespaces, root]);
  let objects: K8sObject[];
  if (s.scope === 'all') objects = cache.allObjects();
  else if (s.scope === 'namespaces') objects = cache.allObjects([...within]);
  else {
    objects = cache
      .allObjects()
      .filter((o) => o.kind === 'Namespace' || isMeshGroup(parseApiVersion(o.apiVersion).group) || within.has(o.metadata.namespace ?? ''));
  }
  return { status: cache.getStatus(), resources: indexResources(objects.map(withoutManagedFields), meshConfig) };
}
