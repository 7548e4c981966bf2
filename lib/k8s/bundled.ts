/** Istio's CRDs bundled with Meshboard: the editor's schemas when the cluster's are not readable. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CrdLike } from './discovery';

let cached: CrdLike[] | null = null;

export function bundledCrds(): CrdLike[] {
  if (!cached) {
    const file = path.join(process.cwd(), 'lib', 'istio', 'data', 'crds', 'crd-all.gen.yaml');
    cached = parseAllDocuments(readFileSync(file, 'utf8'))
      .map((d) => d.toJS() as CrdLike | null)
      .filter((c): c is CrdLike => !!c && (c as { kind?: string }).kind === 'CustomResourceDefinition');
  }
  return cached;
}
