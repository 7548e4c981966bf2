/**
 * The mesh as the form builders read it (lib/istio/forms): every object of the watch
 * cache, grouped by kind, with the mesh config. Optionally limited to some namespaces
 * (the root namespace and Namespace objects always come along). managedFields are
 * dropped: they are large and no form needs them.
 */
import type { MeshResponse } from '../contracts/forms';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { indexResources } from '../istio/resources';
import type { K8sObject } from '../istio/types';
import { DEFAULT_ROOT_NAMESPACE } from '../istio/types';
import type { ClusterCache } from './cache';

function withoutManagedFields(o: K8sObject): K8sObject {
  if (!o.metadata?.managedFields) return o;
  const metadata = { ...o.metadata };
  delete metadata.managedFields;
  return { ...o, metadata };
}

export function meshForForms(cache: ClusterCache, namespaces: readonly string[] = []): MeshResponse {
  const meshConfig = meshConfigFromConfigMap(cache.meshConfigMap());
  const root = meshConfig?.rootNamespace || DEFAULT_ROOT_NAMESPACE;
  const scope = namespaces.length ? [...new Set([...namespaces, root])] : undefined;
  const objects = cache.allObjects(scope).map(withoutManagedFields);
  return { status: cache.getStatus(), resources: indexResources(objects, meshConfig) };
}
