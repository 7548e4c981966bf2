/**
 * Test-only helpers (they read fixture files with node:fs): load a scenario as live
 * MeshResources. Never import this from application code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { indexResources, type MeshResources } from '../resources';
import type { K8sObject, MeshConfig } from '../types';
import { nonEmptyDocuments, parseYamlDocuments } from '../yaml';

const FIXTURES = new URL('../../../e2e/fixtures/', import.meta.url);

/**
 * Objects of a fixture file, e.g. "scenarios/s4-user-service-canary.yaml"; objects
 * without a namespace get `namespace` (as `kubectl apply -n` would), except Namespaces.
 */
export function loadObjects(relative: string, namespace?: string): K8sObject[] {
  const text = readFileSync(fileURLToPath(new URL(relative, FIXTURES)), 'utf8');
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length) throw new Error(`${relative}: ${parsed.errors[0]?.message}`);
  return nonEmptyDocuments(parsed).map((d) => {
    const o = d.value as K8sObject;
    if (namespace && !o.metadata.namespace && o.kind !== 'Namespace') o.metadata.namespace = namespace;
    return o;
  });
}

export function loadScenario(relative: string, opts: { without?: (o: K8sObject) => boolean; extra?: K8sObject[]; meshConfig?: MeshConfig } = {}): MeshResources {
  const objects = loadObjects(relative).filter((o) => !opts.without?.(o));
  return indexResources([...objects, ...(opts.extra ?? [])], opts.meshConfig);
}

export const S1 = 'scenarios/s1-sample-grpc-mysql.yaml';
export const S2 = 'scenarios/s2-bookinfo-external-mysql.yaml';
export const S3 = 'scenarios/s3-microsvc-mtls-authz.yaml';
export const S4 = 'scenarios/s4-user-service-canary.yaml';
export const LEGACY = 'scenarios/legacy/policy-v1alpha1.yaml';
export const BOOKINFO = 'istio/bookinfo.yaml';
