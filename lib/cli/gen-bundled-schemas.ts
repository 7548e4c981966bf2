/**
 * Regenerate lib/istio/schema/bundled-crds.gen.json from the bundled Istio CRDs
 * (lib/istio/data/crds/crd-all.gen.yaml) and Gateway API CRDs (lib/istio/data/gateway-api):
 * each CRD reduced to group, kind, scope and
 * per-version schemas without descriptions or CEL rules. Run after updating the CRDs:
 *   npx tsx lib/cli/gen-bundled-schemas.ts
 * lib/istio/schema/schema.test.ts fails when the JSON is out of date.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { compactCrd } from '../istio/schema/crds';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CRD_YAML = path.join(root, 'lib/istio/data/crds/crd-all.gen.yaml');
export const GATEWAY_API_DIR = path.join(root, 'lib/istio/data/gateway-api');
export const BUNDLED_JSON = path.join(root, 'lib/istio/schema/bundled-crds.gen.json');

/** Every bundled CRD file: Istio's, then the Gateway API's (sorted by name). */
export function bundledCrdFiles(): string[] {
  const gw = readdirSync(GATEWAY_API_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(GATEWAY_API_DIR, f));
  return [CRD_YAML, ...gw];
}

export function buildBundledSchemas(yamlTexts: readonly string[]): string {
  const crds = yamlTexts.flatMap((t) => parseAllDocuments(t).map((d) => compactCrd(d.toJS()))).filter((c): c is Record<string, unknown> => !!c);
  return JSON.stringify(crds) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const json = buildBundledSchemas(bundledCrdFiles().map((f) => readFileSync(f, 'utf8')));
  writeFileSync(BUNDLED_JSON, json);
  console.log(`wrote ${path.relative(root, BUNDLED_JSON)} (${json.length} bytes)`);
}
