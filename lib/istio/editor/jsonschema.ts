/**
 * JSON Schemas for the editor (completion and hover through monaco-yaml), built from
 * the openAPIV3Schema of each served version of a CRD: the Kubernetes envelope
 * (apiVersion, kind, metadata) plus the CRD's own spec. Pure.
 */
import { apiVersionOf } from '../kinds';

export type JsonSchema = Record<string, unknown>;

import { DNS1123_LABEL_PATTERN as DNS1123_LABEL, DNS1123_SUBDOMAIN_PATTERN as DNS1123_SUBDOMAIN } from '../names';

/** Structural schema -> JSON Schema: unknown fields are refused unless the CRD preserves them. */
export function convertStructural(s: unknown): JsonSchema {
  if (!s || typeof s !== 'object') return {};
  const src = s as Record<string, unknown>;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-kubernetes-')) continue;
    switch (k) {
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, ps]) => [p, convertStructural(ps)]));
        break;
      case 'items':
        out.items = convertStructural(v);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convertStructural(v);
        break;
      case 'oneOf':
      case 'anyOf':
      case 'allOf':
        out[k] = (v as unknown[]).map(convertStructural);
        break;
      case 'not':
        out.not = convertStructural(v);
        break;
      case 'nullable':
        break;
      default:
        out[k] = v;
    }
  }
  if (src['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !src['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

export interface KindSchemaInput {
  group: string;
  kind: string;
  version: string;
  namespaced: boolean;
  served: string[];
  openAPIV3Schema: unknown;
}

export function metadataSchema(namespaced: boolean): JsonSchema {
  return {
    type: 'object',
    description: 'Standard object metadata.',
    required: ['name'],
    properties: {
      name: {
        type: 'string',
        maxLength: 253,
        pattern: DNS1123_SUBDOMAIN,
        description: 'Name of the resource: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit.',
      },
      ...(namespaced ? { namespace: { type: 'string', pattern: DNS1123_LABEL, maxLength: 63, description: 'Namespace of the resource.' } } : {}),
      labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Labels: string keys and values.' },
      annotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Annotations: string keys and values.' },
      resourceVersion: {
        type: 'string',
        description: 'The version of the resource your edit starts from; the server refuses the write when someone changed it meanwhile.',
      },
      generation: { type: 'integer' },
      uid: { type: 'string' },
      creationTimestamp: { type: ['string', 'null'] },
      deletionTimestamp: { type: 'string' },
      finalizers: { type: 'array', items: { type: 'string' } },
      ownerReferences: { type: 'array' },
      generateName: { type: 'string' },
      managedFields: { type: 'array' },
    },
    additionalProperties: false,
  };
}

/** The JSON Schema of one resource document of this kind and version. */
export function resourceJsonSchema(k: KindSchemaInput): JsonSchema {
  const crd = convertStructural(k.openAPIV3Schema);
  const props = (crd.properties ?? {}) as Record<string, JsonSchema>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${k.kind} (${apiVersionOf(k.group, k.version)})`,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: {
        type: 'string',
        enum: k.served.map((v) => apiVersionOf(k.group, v)),
        description: `API version. Served: ${k.served.map((v) => apiVersionOf(k.group, v)).join(', ')}.`,
      },
      kind: { type: 'string', enum: [k.kind], description: crd.description ?? k.kind },
      metadata: metadataSchema(k.namespaced),
      ...(props.spec ? { spec: props.spec } : {}),
      ...(props.status ? { status: props.status } : { status: {} }),
    },
    additionalProperties: false,
  };
}
