/** Istio's and the Gateway API's CRDs bundled with Meshboard: the editor's schemas when the cluster's are not readable. */
import 'server-only';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CrdLike } from '../k8s/discovery';

let cached: CrdLike[] | null = null;

function crdFiles(): string[] {
  const data = path.join(process.cwd(), 'lib', 'istio', 'data');
  const gw = path.join(data, 'gateway-api');
  return [
    path.join(data, 'crds', 'crd-all.gen.yaml'),
    ...readdirSync(gw)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => path.join(gw, f)),
  ];
}

export function bundledCrds(): CrdLike[] {
  if (!cached) {
    cached = crdFiles()
      .flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as CrdLike | null))
      .filter((c): c is CrdLike => !!c && (c as { kind?: string }).kind === 'CustomResourceDefinition');
  }
  return cached;
}
