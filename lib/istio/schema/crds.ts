/**
 * Build the schema index ({group, kind, version} -> schema) from CustomResourceDefinition
 * objects, as parsed from YAML or read from a cluster. Pure.
 */
import type { JSONSchemaProps, SchemaIndex, VersionSchema } from './types';

function rec(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function emptySchemaIndex(): SchemaIndex {
  return { versions: new Map(), kinds: new Map(), groups: new Set() };
}

export function schemaKey(group: string, kind: string, version: string): string {
  return `${group}/${kind}/${version}`;
}

/** Add the versions of one CRD (apiextensions.k8s.io v1, or the older v1beta1 shape). Returns false if it is not a CRD. */
export function addCrd(index: SchemaIndex, crd: unknown): boolean {
  const o = rec(crd);
  if (o.kind !== 'CustomResourceDefinition') return false;
  const spec = rec(o.spec);
  const group = typeof spec.group === 'string' ? spec.group : '';
  const kind = typeof rec(spec.names).kind === 'string' ? (rec(spec.names).kind as string) : '';
  if (!group || !kind) return false;
  const namespaced = spec.scope !== 'Cluster';
  const shared = rec(rec(spec.validation).openAPIV3Schema);
  let versions = Array.isArray(spec.versions) ? spec.versions.map(rec) : [];
  if (!versions.length && typeof spec.version === 'string') versions = [{ name: spec.version, served: true, storage: true }];
  const names: string[] = [];
  for (const v of versions) {
    const name = typeof v.name === 'string' ? v.name : '';
    if (!name) continue;
    const own = rec(rec(v.schema).openAPIV3Schema);
    const schema = (Object.keys(own).length ? own : Object.keys(shared).length ? shared : undefined) as JSONSchemaProps | undefined;
    const entry: VersionSchema = {
      group,
      kind,
      version: name,
      served: v.served !== false,
      storage: v.storage === true,
      namespaced,
      schema,
    };
    if (v.deprecated === true) entry.deprecated = true;
    if (typeof v.deprecationWarning === 'string') entry.deprecationWarning = v.deprecationWarning;
    index.versions.set(schemaKey(group, kind, name), entry);
    names.push(name);
  }
  const gk = `${group}/${kind}`;
  index.kinds.set(gk, [...new Set([...(index.kinds.get(gk) ?? []), ...names])]);
  index.groups.add(group);
  return true;
}

/** The index of every CRD among `objects` (anything else is ignored). */
export function schemasFromCrds(objects: readonly unknown[], base?: SchemaIndex): SchemaIndex {
  const index: SchemaIndex = base ? { versions: new Map(base.versions), kinds: new Map(base.kinds), groups: new Set(base.groups) } : emptySchemaIndex();
  for (const o of objects) addCrd(index, o);
  return index;
}

/** Drop what validation does not use (descriptions, CEL rules), for a compact bundle. */
export function compactSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(compactSchema);
  if (!s || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (k === 'description' || k === 'x-kubernetes-validations') continue;
    if (k === 'properties' && v && typeof v === 'object') {
      const props: Record<string, unknown> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) props[pk] = compactSchema(pv);
      out[k] = props;
      continue;
    }
    out[k] = compactSchema(v);
  }
  return out;
}

/** A CRD reduced to what schemasFromCrds reads. */
export function compactCrd(crd: unknown): Record<string, unknown> | undefined {
  const o = rec(crd);
  if (o.kind !== 'CustomResourceDefinition') return undefined;
  const spec = rec(o.spec);
  return {
    apiVersion: o.apiVersion,
    kind: 'CustomResourceDefinition',
    metadata: { name: rec(o.metadata).name },
    spec: {
      group: spec.group,
      names: { kind: rec(spec.names).kind, plural: rec(spec.names).plural },
      scope: spec.scope,
      versions: (Array.isArray(spec.versions) ? spec.versions.map(rec) : []).map((v) => {
        const out: Record<string, unknown> = { name: v.name, served: v.served, storage: v.storage };
        if (v.deprecated !== undefined) out.deprecated = v.deprecated;
        if (v.deprecationWarning !== undefined) out.deprecationWarning = v.deprecationWarning;
        const schema = rec(v.schema).openAPIV3Schema;
        if (schema) out.schema = { openAPIV3Schema: compactSchema(schema) };
        return out;
      }),
    },
  };
}
