'use client';
/** The editor's schemas for a kind: validation index and JSON Schemas for monaco-yaml, from /api/schemas. */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { SchemasResponse } from '../contracts/api';
import { resourceJsonSchema } from '../istio/editor/jsonschema';
import { bundledSchemas, schemasFromCrds, type SchemaIndex } from '../istio/schema';
import { apiFetch } from './api';
import { keys } from './keys';

export const schemasQuery = (context: string, group: string, kind: string) =>
  queryOptions({
    queryKey: keys.schemas(context, group, kind),
    queryFn: () => apiFetch<SchemasResponse>('/api/schemas', { context, query: { group, kind } }),
    staleTime: 10 * 60_000,
  });

export interface KindSchemas {
  source: 'cluster' | 'bundled' | 'loading';
  index: SchemaIndex;
  /** JSON Schema per served version, for completion and hover. */
  jsonSchema: (version: string) => Record<string, unknown> | undefined;
}

export function useKindSchemas(context: string | undefined, group: string, kind: string): KindSchemas {
  const q = useQuery({ ...schemasQuery(context ?? '', group, kind), enabled: !!context && !!group && !!kind });
  return useMemo(() => {
    if (!q.data) return { source: 'loading', index: bundledSchemas(), jsonSchema: () => undefined };
    const index = schemasFromCrds(q.data.crds, bundledSchemas());
    const crd = q.data.crds[0]?.spec as
      | { group: string; scope: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema?: unknown } }> }
      | undefined;
    const served = crd?.versions.filter((v) => v.served).map((v) => v.name) ?? [];
    const cache = new Map<string, Record<string, unknown>>();
    return {
      source: q.data.source,
      index,
      jsonSchema: (version: string) => {
        if (!crd) return undefined;
        const v = crd.versions.find((x) => x.name === version) ?? crd.versions.find((x) => x.served);
        if (!v?.schema?.openAPIV3Schema) return undefined;
        if (!cache.has(v.name))
          cache.set(
            v.name,
            resourceJsonSchema({
              group: crd.group,
              kind: crd.names.kind,
              version: v.name,
              namespaced: crd.scope === 'Namespaced',
              served,
              openAPIV3Schema: v.schema.openAPIV3Schema,
            }),
          );
        return cache.get(v.name);
      },
    };
  }, [q.data]);
}
