import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildBundledSchemas, bundledCrdFiles, BUNDLED_JSON } from '../../cli/gen-bundled-schemas';
import { nonEmptyDocuments, parseYamlDocuments } from '../yaml';
import { bundledSchemas, schemasFromCrds, validateAgainstSchema, validateObject } from './index';
import type { JSONSchemaProps } from './types';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const schemas = bundledSchemas();

function vs(spec: unknown, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default' }, spec, ...extra };
}

describe('bundled schemas', () => {
  it('are in step with lib/istio/data/crds and lib/istio/data/gateway-api (regenerate with npx tsx lib/cli/gen-bundled-schemas.ts)', () => {
    expect(readFileSync(BUNDLED_JSON, 'utf8')).toBe(buildBundledSchemas(bundledCrdFiles().map((f) => readFileSync(f, 'utf8'))));
  });

  it('index every Istio kind and version', () => {
    expect(schemas.kinds.get('networking.istio.io/VirtualService')).toEqual(expect.arrayContaining(['v1', 'v1beta1', 'v1alpha3']));
    expect(schemas.versions.get('security.istio.io/AuthorizationPolicy/v1')?.served).toBe(true);
    expect(schemas.groups.has('telemetry.istio.io')).toBe(true);
  });

  it('index the Gateway API kinds too', () => {
    expect(schemas.kinds.get('gateway.networking.k8s.io/HTTPRoute')).toEqual(expect.arrayContaining(['v1']));
    expect(schemas.versions.get('gateway.networking.k8s.io/GatewayClass/v1')?.namespaced).toBe(false);
  });

  it('can be built from parsed CRD objects directly', () => {
    const crds = bundledCrdFiles().flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS()));
    const idx = schemasFromCrds(crds);
    expect([...idx.kinds.keys()].sort()).toEqual([...schemas.kinds.keys()].sort());
  });
});

describe('validateObject', () => {
  it('accepts the Bookinfo samples', () => {
    for (const f of ['virtual-service-all-v1.yaml', 'destination-rule-all.yaml', 'bookinfo-gateway.yaml', 'bookinfo.yaml']) {
      const docs = nonEmptyDocuments(parseYamlDocuments(readFileSync(path.join(root, 'e2e/fixtures/istio', f), 'utf8')));
      for (const d of docs) expect(validateObject(d.value, schemas), `${f}`).toEqual([]);
    }
  });

  it('reports unknown fields with their path', () => {
    const errs = validateObject(vs({ hosts: ['r'], http: [{ route: [{ destination: { host: 'r', subnet: 'v1' } }] }] }), schemas);
    expect(errs).toEqual([expect.objectContaining({ path: 'spec/http[0]/route[0]/destination/subnet', message: 'unknown field "subnet"', code: 'IST0106' })]);
  });

  it('reports wrong types and out-of-range numbers', () => {
    const errs = validateObject(vs({ hosts: 'r', http: [{ route: [{ destination: { host: 'r' }, weight: 'fifty' }] }] }), schemas);
    expect(errs.map((e) => e.path).sort()).toEqual(['spec/hosts', 'spec/http[0]/route[0]/weight']);
    expect(errs[0]?.message).toMatch(/must be of type/);
  });

  it('reports missing required fields', () => {
    const errs = validateObject(vs({ hosts: ['r'], http: [{ route: [{ destination: { subset: 'v1' } }] }] }), schemas);
    expect(errs).toEqual([expect.objectContaining({ path: 'spec/http[0]/route[0]/destination/host', message: 'Required value' })]);
  });

  it('checks enums', () => {
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'd' },
      spec: { host: 'r', trafficPolicy: { tls: { mode: 'STRICT' } } },
    };
    const errs = validateObject(dr, schemas);
    expect(errs).toHaveLength(1);
    expect(errs[0]?.path).toBe('spec/trafficPolicy/tls/mode');
    expect(errs[0]?.message).toContain('"ISTIO_MUTUAL"');
  });

  it('enforces oneOf as the CRDs use it (only one of exact, prefix, regex)', () => {
    const errs = validateObject(
      vs({ hosts: ['r'], http: [{ match: [{ uri: { exact: '/a', prefix: '/b' } }], route: [{ destination: { host: 'r' } }] }] }),
      schemas,
    );
    expect(errs).toEqual([expect.objectContaining({ path: 'spec/http[0]/match[0]/uri', message: 'only one of exact, prefix, regex may be set' })]);
  });

  it('lets preserve-unknown-fields subtrees through (EnvoyFilter patch values)', () => {
    const ef = {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: 'e', namespace: 'x' },
      spec: {
        configPatches: [
          { applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { anything: { goes: [1, 2] } } } } },
        ],
      },
    };
    expect(validateObject(ef, schemas)).toEqual([]);
  });

  it('checks the envelope: served version, known kind, DNS-1123 names', () => {
    expect(validateObject({ ...vs({ hosts: ['r'] }), apiVersion: 'networking.istio.io/v1alpha9' }, schemas)[0]).toMatchObject({ path: 'apiVersion' });
    expect(validateObject({ ...vs({ hosts: ['r'] }), kind: 'VirtualServce' }, schemas)[0]).toMatchObject({
      path: 'kind',
      message: 'kind VirtualServce is not served by networking.istio.io',
    });
    expect(validateObject({ ...vs({ hosts: ['r'] }), metadata: { name: 'Reviews_V1' } }, schemas)[0]).toMatchObject({ path: 'metadata/name' });
    expect(validateObject({ ...vs({ hosts: ['r'] }), metadata: {} }, schemas)[0]).toMatchObject({ path: 'metadata/name', message: 'Required value' });
    expect(validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { port: 80 } } }, schemas)[0]).toMatchObject({
      path: 'metadata/labels',
    });
    expect(validateObject('nope', schemas)).toHaveLength(1);
  });

  it('leaves kinds of groups it has no CRDs for to their own validation (envelope only)', () => {
    expect(validateObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { whatever: true } }, schemas)).toEqual([]);
  });
});

describe('validateAgainstSchema', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      port: { 'x-kubernetes-int-or-string': true },
      list: { type: 'array', maxItems: 2, items: { type: 'integer', minimum: 1, maximum: 10 } },
      name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      when: { type: 'string', format: 'date-time' },
    },
  };
  it('accepts a valid value', () => {
    expect(
      validateAgainstSchema(schema, { port: 'http', list: [1, 2], name: 'abc', labels: { a: 'b' }, free: { x: 1 }, when: '2024-01-02T03:04:05Z' }),
    ).toEqual([]);
    expect(validateAgainstSchema(schema, { port: 8080 })).toEqual([]);
  });
  it('reports every kind of violation with a path', () => {
    const errs = validateAgainstSchema(schema, { port: 1.5, list: [0, 2, 11], name: 'ABCDEFG', labels: { a: 1 }, extra: true, when: 'yesterday' });
    expect(errs.map((e) => e.path).sort()).toEqual(['extra', 'labels/a', 'list', 'list[0]', 'list[2]', 'name', 'name', 'port', 'when']);
  });
});
