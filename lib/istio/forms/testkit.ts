/**
 * Test helpers: load fixture scenarios as live MeshResources and check objects against
 * the bundled CRDs. Pure — the test file passes a reader (node:fs stays in *.test.ts):
 *
 *   const kit = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));
 *
 * where `p` is a path relative to lib/istio.
 */
import { analyze } from '../analysis';
import type { Finding } from '../findings';
import { friendlyName, indexResources, resourceId, type MeshResources } from '../resources';
import type { K8sObject, MeshConfig } from '../types';
import { nonEmptyDocuments, parseYamlDocuments } from '../yaml';
import type { FormWrite } from './writes';
import { crdChecker } from './crdcheck';

export const S1 = 'scenarios/s1-sample-grpc-mysql.yaml';
export const S2 = 'scenarios/s2-bookinfo-external-mysql.yaml';
export const S3 = 'scenarios/s3-microsvc-mtls-authz.yaml';
export const S4 = 'scenarios/s4-user-service-canary.yaml';
export const LEGACY = 'scenarios/legacy/policy-v1alpha1.yaml';
export const BOOKINFO = 'istio/bookinfo.yaml';
/** A kubernetes.io/tls Secret users-cert in istio-system with a parseable self-signed certificate. */
export const TLS_SECRET = 'forms/tls-secret.yaml';

/** Reads a file given its path relative to lib/istio. */
export type Reader = (pathFromLibIstio: string) => string;

export interface ScenarioOptions {
  without?: (o: K8sObject) => boolean;
  extra?: K8sObject[];
  meshConfig?: MeshConfig;
}

export function testkit(read: Reader) {
  /**
   * Objects of a fixture under e2e/fixtures ("scenarios/s4-user-service-canary.yaml"); objects
   * without a namespace get `namespace` (as `kubectl apply -n` would), except Namespaces.
   */
  function loadObjects(fixture: string, namespace?: string): K8sObject[] {
    const parsed = parseYamlDocuments(read(`../../e2e/fixtures/${fixture}`));
    if (parsed.errors.length) throw new Error(`${fixture}: ${parsed.errors[0]?.message}`);
    return nonEmptyDocuments(parsed).map((d) => {
      const o = d.value as K8sObject;
      if (namespace && !o.metadata.namespace && o.kind !== 'Namespace') o.metadata.namespace = namespace;
      return o;
    });
  }

  function loadScenario(fixture: string, opts: ScenarioOptions = {}): MeshResources {
    const objects = loadObjects(fixture).filter((o) => !opts.without?.(o));
    return indexResources([...objects, ...(opts.extra ?? [])], opts.meshConfig);
  }

  let checker: ((o: K8sObject) => string[]) | undefined;
  /** Problems of an object against its Istio CRD schema. */
  function crdProblems(o: K8sObject): string[] {
    checker ??= crdChecker(read('data/crds/crd-all.gen.yaml'));
    return checker(o);
  }

  return { loadObjects, loadScenario, crdProblems };
}

/** `objects` with each written object replacing the one of the same id (or added). */
export function applyWritesTo(objects: readonly K8sObject[], writes: readonly FormWrite[]): K8sObject[] {
  const byId = new Map(writes.map((w) => [resourceId(w.object), w.object]));
  const out = objects.map((o) => {
    const w = byId.get(resourceId(o));
    if (w) byId.delete(resourceId(o));
    return w ?? o;
  });
  return [...out, ...byId.values()];
}

const findingKey = (f: Finding) => `${f.code}|${f.resource}|${f.path ?? ''}|${f.message}`;

/**
 * What the validation engine finds after the writes that it did not find before: the
 * check that a form writes resources that pass analysis. `written` holds the new
 * findings about the written resources, `elsewhere` those about other resources.
 */
export function newFindings(
  objects: readonly K8sObject[],
  writes: readonly FormWrite[],
  meshConfig?: MeshConfig,
): { written: Finding[]; elsewhere: Finding[] } {
  const before = new Set(analyze([...objects], { meshConfig }).map(findingKey));
  const after = analyze(applyWritesTo(objects, writes), { meshConfig }).filter((f) => !before.has(findingKey(f)));
  const names = new Set(writes.map((w) => friendlyName(w.object)));
  return { written: after.filter((f) => names.has(f.resource)), elsewhere: after.filter((f) => !names.has(f.resource)) };
}
