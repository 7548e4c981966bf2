/**
 * For tests: check an object against the structural schema of its Istio CRD version —
 * types, enums, required fields and unknown fields (which the API server would
 * silently prune). CEL rules are not evaluated here; the form schemas carry the ones
 * that matter. Pure: the caller passes the CRD text (lib/istio/data/crds/crd-all.gen.yaml).
 */
import { parse } from 'yaml';
import { parseApiVersion } from '../kinds';
import type { K8sObject } from '../types';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  minProperties?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

function loadSchemas(text: string): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const chunk of text.split(/^---\s*$/m)) {
    const crd = parse(chunk) as {
      spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema?: Schema } }> };
    } | null;
    if (!crd?.spec) continue;
    for (const v of crd.spec.versions) {
      const s = v.schema?.openAPIV3Schema?.properties?.spec;
      if (s) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, s);
    }
  }
  return schemas;
}

function check(value: unknown, s: Schema, path: string, out: string[]): void {
  if (value === undefined) return;
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && typeof value !== 'number') out.push(`${path}: expected int or string`);
    return;
  }
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') out.push(`${path}: expected string, got ${JSON.stringify(value)}`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) out.push(`${path}: expected integer, got ${JSON.stringify(value)}`);
      break;
    case 'number':
      if (typeof value !== 'number') out.push(`${path}: expected number`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${path}: expected boolean`);
      break;
    case 'array':
      if (!Array.isArray(value)) {
        out.push(`${path}: expected array`);
        return;
      }
      if (s.items) value.forEach((x, i) => check(x, s.items as Schema, `${path}[${i}]`, out));
      break;
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${path}: expected object`);
        return;
      }
      const o = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (o[r] === undefined) out.push(`${path}/${r}: required`);
      if (s.minProperties !== undefined && Object.keys(o).length < s.minProperties) out.push(`${path}: at least ${s.minProperties} entries`);
      for (const [k, x] of Object.entries(o)) {
        const p = s.properties?.[k];
        if (p) check(x, p, `${path}/${k}`, out);
        else if (typeof s.additionalProperties === 'object') check(x, s.additionalProperties, `${path}/${k}`, out);
        else if (!s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true) out.push(`${path}/${k}: unknown field`);
      }
      break;
    }
  }
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${s.enum.join(', ')}`);
}

/** A checker: problems of an object against its CRD (none for kinds without a bundled CRD, e.g. Namespace). */
export function crdChecker(crdText: string): (obj: K8sObject) => string[] {
  let schemas: Map<string, Schema> | undefined;
  return (obj) => {
    schemas ??= loadSchemas(crdText);
    const { group, version } = parseApiVersion(obj.apiVersion);
    const s = schemas.get(`${group}/${version}/${obj.kind}`);
    if (!s) return group.endsWith('istio.io') ? [`no CRD schema for ${obj.apiVersion} ${obj.kind}`] : [];
    const out: string[] = [];
    check(obj.spec ?? {}, s, 'spec', out);
    return out;
  };
}
