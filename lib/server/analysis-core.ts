/** The analysis the console runs over a cluster's objects, wherever it runs (worker thread or in-process). */
import { analyze } from '../istio/analysis';
import type { Finding } from '../istio/findings';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { friendlyName, resourceId } from '../istio/resources';
import { bundledSchemas, schemasFromCrds, type SchemaIndex } from '../istio/schema';
import type { K8sObject } from '../istio/types';

let schemaMemo: { crds: readonly unknown[]; schemas: SchemaIndex } | undefined;

/** The cluster's CRD schemas (the bundled ones when none are readable), rebuilt when the CRDs change. */
function schemasOf(crds: readonly unknown[]): SchemaIndex {
  if (schemaMemo?.crds === crds) return schemaMemo.schemas;
  const schemas = crds.length ? schemasFromCrds(crds, bundledSchemas()) : bundledSchemas();
  schemaMemo = { crds, schemas };
  return schemas;
}

/** `forbidden`: kinds the console may not list (AnalyzeOptions.unreadKinds). */
export function analyzeMesh(
  objects: readonly K8sObject[],
  meshConfigMap: K8sObject | undefined,
  crds: readonly unknown[],
  forbidden: readonly string[] = [],
): Finding[] {
  // A live cluster has its real gateway services: no synthetic defaults (istioctl does the same with --use-kube).
  // Kinds the console may not list skip the analyzers that need them. Its Secrets are
  // metadata only: a credentialName is checked for existence, not for its keys (IST0161).
  return analyze(objects, {
    meshConfig: meshConfigFromConfigMap(meshConfigMap),
    defaultResources: false,
    schemas: schemasOf(crds),
    unreadKinds: forbidden,
    metadataOnlyKinds: ['Secret'],
  });
}

/** Findings about `obj` if it replaced its live version (or were created). */
export function findingsForObject(
  objects: readonly K8sObject[],
  obj: K8sObject,
  meshConfigMap: K8sObject | undefined,
  crds: readonly unknown[],
  forbidden: readonly string[] = [],
): Finding[] {
  const id = resourceId(obj);
  const others = objects.filter((o) => resourceId(o) !== id);
  const name = friendlyName(obj);
  return analyzeMesh([...others, obj], meshConfigMap, crds, forbidden).filter((f) => f.resource === name);
}
