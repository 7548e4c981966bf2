import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { convertStructural, resourceJsonSchema } from './jsonschema';

const crds = parseAllDocuments(readFileSync(path.join(__dirname, '..', 'data', 'crds', 'crd-all.gen.yaml'), 'utf8')).map((d) => d.toJS());
const dr = crds.find((c) => c?.spec?.names?.kind === 'DestinationRule');

describe('editor JSON schemas from CRDs', () => {
  it('carries enums and descriptions of the CRD, and refuses unknown fields', () => {
    const v1 = dr.spec.versions.find((v: { name: string }) => v.name === 'v1');
    const s = resourceJsonSchema({
      group: 'networking.istio.io',
      kind: 'DestinationRule',
      version: 'v1',
      namespaced: true,
      served: ['v1', 'v1beta1', 'v1alpha3'],
      openAPIV3Schema: v1.schema.openAPIV3Schema,
    }) as any;
    const tls = s.properties.spec.properties.trafficPolicy.properties.tls;
    expect(tls.properties.mode.enum).toEqual(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']);
    expect(tls.properties.mode.description).toMatch(/TLS/);
    expect(tls.additionalProperties).toBe(false);
    expect(s.properties.apiVersion.enum).toEqual(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']);
    expect(s.properties.kind.enum).toEqual(['DestinationRule']);
    expect(s.properties.metadata.required).toEqual(['name']);
  });
  it('keeps preserve-unknown-fields objects open and maps int-or-string', () => {
    expect(
      convertStructural({ type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true }).additionalProperties,
    ).toBeUndefined();
    expect(convertStructural({ 'x-kubernetes-int-or-string': true })).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
  });
});
