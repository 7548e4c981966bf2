import { describe, expect, it } from 'vitest';
import { bundledSchemas, validateAgainstSchema, validateObject } from './index';
import type { JSONSchemaProps } from './types';

const at = (errs: { path: string; message: string }[]) => errs.map((e) => `${e.path}: ${e.message}`);

describe('validateAgainstSchema paths', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      clusters: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['endpoints'],
          properties: {
            endpoints: { type: 'array', items: { type: 'object', properties: { address: { type: 'string' }, port: { type: 'integer', maximum: 65535 } } } },
          },
        },
      },
    },
  };

  it('reports errors inside maps of lists of objects at their full path, in document order', () => {
    const errs = validateAgainstSchema(schema, {
      clusters: {
        east: { endpoints: [{ address: 'a', port: 80 }, { address: 1, port: 70000 }, { adress: 'c' }] },
        west: {},
      },
    });
    expect(at(errs)).toEqual([
      'clusters/east/endpoints[1]/address: must be of type string, not integer (1)',
      'clusters/east/endpoints[1]/port: must be at most 65535',
      'clusters/east/endpoints[2]/adress: unknown field "adress"',
      'clusters/west/endpoints: Required value',
    ]);
  });

  it('puts the base path in front, and formats list indexes as [i]', () => {
    const errs = validateAgainstSchema(schema.properties?.clusters as JSONSchemaProps, { a: { endpoints: 'x' } }, ['spec', 'clusters']);
    expect(at(errs)).toEqual(['spec/clusters/a/endpoints: must be of type array, not string ("x")']);
    expect(at(validateAgainstSchema({ type: 'array', items: { type: 'string' } }, ['a', 2], ['spec', 'hosts', 3]))).toEqual([
      'spec/hosts[3][1]: must be of type string, not integer (2)',
    ]);
  });

  it('gives the same answers when a schema is used again (it is compiled once)', () => {
    const value = { clusters: { east: { endpoints: [{ port: 'x' }] } } };
    const first = validateAgainstSchema(schema, value);
    expect(at(first)).toEqual(['clusters/east/endpoints[0]/port: must be of type integer, not string ("x")']);
    expect(validateAgainstSchema(schema, value)).toEqual(first);
    expect(validateAgainstSchema(schema, { clusters: { east: { endpoints: [] } } })).toEqual([]);
  });

  it('skips nulls, and lets unknown fields through under preserve-unknown-fields while checking the known ones', () => {
    const s: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } };
    expect(validateAgainstSchema(s, { n: null, other: { deep: [1] } })).toEqual([]);
    expect(at(validateAgainstSchema(s, { n: 'one', other: 1 }))).toEqual(['n: must be of type integer, not string ("one")']);
  });

  it('accepts integers and strings for int-or-string, nothing else', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true } } };
    expect(validateAgainstSchema(s, { port: 80 })).toEqual([]);
    expect(validateAgainstSchema(s, { port: 'http' })).toEqual([]);
    expect(at(validateAgainstSchema(s, { port: 1.5 }))).toEqual(['port: must be an integer or a string, not number']);
    expect(at(validateAgainstSchema(s, { port: [80] }))).toEqual(['port: must be an integer or a string, not array']);
  });

  it('finds duplicates in list-type set lists by value, at the later index', () => {
    const s: JSONSchemaProps = { type: 'array', 'x-kubernetes-list-type': 'set', items: {} };
    expect(at(validateAgainstSchema(s, ['a', 'b', 'a', 1, '1', { k: 1 }, { k: 1 }, null, 'null'], ['tags']))).toEqual([
      'tags[2]: duplicate value "a"',
      'tags[6]: duplicate value {"k":1}',
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const s: JSONSchemaProps = { type: 'string', enum: ['A', 'B'] };
    expect(at(validateAgainstSchema(s, 'C', ['mode']))).toEqual(['mode: unsupported value "C": must be one of "A", "B"']);
    expect(validateAgainstSchema(s, 'B')).toEqual([]);
  });
});

describe('validateAgainstSchema combinators', () => {
  // As the Istio CRDs write "at most one of exact, prefix, regex".
  const match: JSONSchemaProps = {
    type: 'object',
    properties: { exact: { type: 'string' }, prefix: { type: 'string' }, regex: { type: 'string' } },
    oneOf: [
      { not: { anyOf: [{ required: ['exact'] }, { required: ['prefix'] }, { required: ['regex'] }] } },
      { required: ['exact'] },
      { required: ['prefix'] },
      { required: ['regex'] },
    ],
  };

  it('oneOf: none or one of the fields is fine, two are not', () => {
    expect(validateAgainstSchema(match, {})).toEqual([]);
    expect(validateAgainstSchema(match, { prefix: '/a' })).toEqual([]);
    expect(at(validateAgainstSchema(match, { exact: '/a', regex: '.*' }, ['uri']))).toEqual(['uri: only one of exact, prefix, regex may be set']);
  });

  it('oneOf without required fields: exactly one shape must match', () => {
    const s: JSONSchemaProps = { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'number', minimum: 10 }] };
    expect(validateAgainstSchema(s, 'x')).toEqual([]);
    expect(validateAgainstSchema(s, 5)).toEqual([]);
    expect(at(validateAgainstSchema(s, 12, ['v']))).toEqual(['v: must match exactly one of the allowed shapes']);
    expect(at(validateAgainstSchema(s, 2.5, ['v']))).toEqual(['v: must match exactly one of the allowed shapes']);
    expect(at(validateAgainstSchema(s, true, ['v']))).toEqual(['v: must match exactly one of the allowed shapes']);
  });

  it('anyOf: at least one alternative, judged on nested fields too', () => {
    const s: JSONSchemaProps = { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(validateAgainstSchema(s, { b: 1 })).toEqual([]);
    expect(at(validateAgainstSchema(s, { c: 1 }))).toEqual([': must set one of a, b']);
    const nested: JSONSchemaProps = {
      anyOf: [{ type: 'object', properties: { port: { type: 'object', properties: { number: { type: 'integer', maximum: 10 } } } } }, { type: 'string' }],
    };
    expect(validateAgainstSchema(nested, { port: { number: 5 } })).toEqual([]);
    expect(at(validateAgainstSchema(nested, { port: { number: 50 } }, ['x']))).toEqual(['x: must match at least one of the allowed shapes']);
  });

  it('not: a value matching the schema is refused; the alternatives do not report their own errors', () => {
    const s: JSONSchemaProps = { type: 'object', not: { required: ['legacy'] }, properties: { legacy: { type: 'string' }, name: { type: 'string' } } };
    expect(validateAgainstSchema(s, { name: 'x' })).toEqual([]);
    expect(at(validateAgainstSchema(s, { legacy: 'y' }, ['spec']))).toEqual(['spec: is not allowed in this form']);
  });

  it('allOf: every schema applies and reports its own errors', () => {
    const s: JSONSchemaProps = {
      allOf: [
        { type: 'string', minLength: 3 },
        { type: 'string', pattern: '^[a-z]+$' },
      ],
    };
    expect(at(validateAgainstSchema(s, 'A', ['n']))).toEqual(['n: must be at least 3 characters long', 'n: "A" does not match the pattern ^[a-z]+$']);
  });
});

describe('error limit', () => {
  const closed: JSONSchemaProps = { type: 'object', properties: { a: { type: 'string' } } };
  const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, i]));

  it('stops after `limit` errors, keeping the first ones in document order', () => {
    const errs = validateAgainstSchema(closed, { a: 1, ...many }, [], 3);
    expect(at(errs)).toEqual(['a: must be of type string, not integer (1)', 'f0: unknown field "f0"', 'f1: unknown field "f1"']);
    expect(validateAgainstSchema(closed, many)).toHaveLength(50);
  });

  it('still checks oneOf when the walk has one error left to report', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { x: { type: 'string' }, m: match2() } };
    const errs = validateAgainstSchema(s, { x: 1, m: { a: 1, b: 2 } }, [], 2);
    expect(at(errs)).toEqual(['x: must be of type string, not integer (1)', 'm: only one of a, b may be set']);
  });

  it('validateObject: the body gets 50 errors after the envelope ones', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'Bad_Name', namespace: 'default' },
      spec: { hosts: ['r'], ...many },
    };
    const errs = validateObject(vs, bundledSchemas());
    expect(errs).toHaveLength(51);
    expect(errs[0]).toMatchObject({ path: 'metadata/name' });
    expect(errs[1]).toMatchObject({ path: 'spec/f0', message: 'unknown field "f0"' });
    expect(errs[50]).toMatchObject({ path: 'spec/f49' });
  });
});

function match2(): JSONSchemaProps {
  return { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] };
}
