/**
 * Regenerate lib/istio/schema/bundled-crds.gen.json from the bundled Istio CRDs
 * (lib/istio/data/crds/crd-all.gen.yaml): each CRD reduced to group, kind, scope and
 * per-version schemas without descriptions or CEL rules. Run after updating the CRDs:
 *   npx tsx lib/cli/gen-bundled-schemas.ts
 * lib/istio/schema/schema.test.ts fails when the JSON is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { compactCrd } from '../istio/schema/crds';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CRD_YAML = path.join(root, 'lib/istio/data/crds/crd-all.gen.yaml');
export const BUNDLED_JSON = path.join(root, 'lib/istio/schema/bundled-crds.gen.json');

export function buildBundledSchemas(yamlText: string): string {
  const crds = parseAllDocuments(yamlText)
    .map((d) => compactCrd(d.toJS()))
    .filter((c): c is Record<string, unknown> => !!c);
  return JSON.stringify(crds) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const json = buildBundledSchemas(readFileSync(CRD_YAML, 'utf8'));
  writeFileSync(BUNDLED_JSON, json);
  console.log(`wrote ${path.relative(root, BUNDLED_JSON)} (${json.length} bytes)`);
}
