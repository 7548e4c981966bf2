/**
 * The validation engine over a context's cache: the whole mesh (recomputed only
 * when something changed), or one edited resource in the context of everything
 * else (for the editor's markers, before apply).
 */
import { analyze } from '../istio/analysis';
import type { Finding } from '../istio/findings';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { friendlyName, resourceId } from '../istio/resources';
import { schemasFromCrds, bundledSchemas, type SchemaIndex } from '../istio/schema';
import type { K8sObject } from '../istio/types';
import type { ClusterCache } from './cache';

interface Memo {
  revision: number;
  findings: Finding[];
  ms: number;
}

const memos = new WeakMap<ClusterCache, Memo>();
const schemaMemos = new WeakMap<ClusterCache, { version: string; schemas: SchemaIndex }>();

/** The cluster's CRD schemas (bundled ones when CRDs are not readable), rebuilt when a CRD changes. */
function schemasOf(cache: ClusterCache): SchemaIndex {
  const version = cache.istioCrdsVersion();
  const memo = schemaMemos.get(cache);
  if (memo && memo.version === version) return memo.schemas;
  const crds = cache.istioCrds();
  const schemas = crds.length ? schemasFromCrds(crds, bundledSchemas()) : bundledSchemas();
  schemaMemos.set(cache, { version, schemas });
  return schemas;
}

function run(cache: ClusterCache, objects: K8sObject[], schemas: SchemaIndex): Finding[] {
  // A live cluster has its real gateway services: no synthetic defaults (istioctl does the same with --use-kube).
  return analyze(objects, { meshConfig: meshConfigFromConfigMap(cache.meshConfigMap()), defaultResources: false, schemas });
}

export function clusterFindings(cache: ClusterCache): { findings: Finding[]; ms: number; revision: number } {
  const memo = memos.get(cache);
  if (memo && memo.revision === cache.revision) return memo;
  const revision = cache.revision;
  const t0 = performance.now();
  const findings = run(cache, cache.allObjects(), schemasOf(cache));
  const next = { revision, findings, ms: Math.round(performance.now() - t0) };
  memos.set(cache, next);
  return next;
}

/** Findings about `obj` if it replaced its live version (or were created). */
export function findingsForEdit(cache: ClusterCache, obj: K8sObject): Finding[] {
  const id = resourceId(obj);
  const others = cache.allObjects().filter((o) => resourceId(o) !== id);
  const name = friendlyName(obj);
  return run(cache, [...others, obj], schemasOf(cache)).filter((f) => f.resource === name);
}
