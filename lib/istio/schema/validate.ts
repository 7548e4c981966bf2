/**
 * A validator for Kubernetes structural OpenAPI v3 schemas as CRDs use them: types,
 * int-or-string, enums, required fields, unknown fields (unless
 * x-kubernetes-preserve-unknown-fields), maps (additionalProperties), lists, bounds,
 * patterns, cheap formats, and oneOf/anyOf/allOf/not as constraint combinators.
 *
 * x-kubernetes-validations (CEL rules) are NOT evaluated: there is no CEL interpreter
 * here. They are stripped from the bundled schemas and ignored in others.
 *
 * validateObject adds the envelope checks: apiVersion/kind served by a known CRD, and a
 * valid metadata.name/namespace. Pure.
 */
import { parseApiVersion } from '../kinds';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../names';
import { schemaKey } from './crds';
import type { JSONSchemaProps, SchemaError, SchemaIndex } from './types';

type Seg = string | number;

function fmt(path: readonly Seg[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += (s ? '/' : '') + seg;
  }
  return s;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

const regexCache = new Map<string, RegExp | null>();
function compile(pattern: string): RegExp | null {
  let r = regexCache.get(pattern);
  if (r === undefined) {
    try {
      r = new RegExp(pattern, 'u');
    } catch {
      try {
        r = new RegExp(pattern);
      } catch {
        r = null;
      }
    }
    regexCache.set(pattern, r);
  }
  return r;
}

const INT32 = [-2147483648, 2147483647] as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function checkFormat(format: string, v: unknown): string | undefined {
  switch (format) {
    case 'int32':
      if (typeof v === 'number' && (v < INT32[0] || v > INT32[1])) return `must fit in a 32-bit integer`;
      return undefined;
    case 'uint32':
      if (typeof v === 'number' && (v < 0 || v > 4294967295)) return `must fit in an unsigned 32-bit integer`;
      return undefined;
    case 'date-time':
      if (typeof v === 'string' && !DATE_TIME.test(v)) return `must be an RFC 3339 date-time`;
      return undefined;
    case 'byte':
      if (typeof v === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s+/g, ''))) return `must be base64-encoded`;
      return undefined;
    default:
      return undefined;
  }
}

interface Ctx {
  errors: SchemaError[];
  /** Stop collecting after this many errors (a broken document should not produce thousands). */
  limit: number;
}

/** Record an error at `path` (the caller's stack of segments, formatted now: it changes as the walk goes on). */
function push(ctx: Ctx, path: readonly Seg[], message: string): void {
  if (ctx.errors.length < ctx.limit) ctx.errors.push({ path: fmt(path), message, code: 'IST0106', severity: 'error' });
}

/** True when `v` satisfies `s` (no errors recorded): used for oneOf/anyOf/not. */
function matches(s: JSONSchemaProps, v: unknown, path: Seg[]): boolean {
  const c: Ctx = { errors: [], limit: 1 };
  validateValue(s, v, path, c);
  return c.errors.length === 0;
}

function requiredSummary(alts: readonly JSONSchemaProps[]): string[] {
  const out: string[] = [];
  for (const a of alts) for (const r of a.required ?? []) if (!out.includes(r)) out.push(r);
  return out;
}

/** `path` is a stack the walk pushes to and pops from (no copy per field). */
function validateValue(s: JSONSchemaProps, v: unknown, path: Seg[], ctx: Ctx): void {
  if (ctx.errors.length >= ctx.limit) return;
  if (v === null || v === undefined) {
    // Kubernetes prunes nulls of non-nullable fields; nothing to check.
    return;
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      push(ctx, path, `must be an integer or a string, not ${typeName(v)}`);
      return;
    }
  } else if (s.type) {
    const t = typeName(v);
    const ok = s.type === t || (s.type === 'number' && t === 'integer') || (s.type === 'object' && t === 'object') || (s.type === 'array' && t === 'array');
    if (!ok) {
      push(ctx, path, `must be of type ${s.type}, not ${t} (${show(v)})`);
      return;
    }
  }
  if (s.enum && s.enum.length && !s.enum.some((e) => e === v)) {
    push(ctx, path, `unsupported value ${show(v)}: must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) push(ctx, path, `must be at least ${s.minLength} characters long`);
    if (s.maxLength !== undefined && v.length > s.maxLength) push(ctx, path, `must be at most ${s.maxLength} characters long`);
    if (s.pattern) {
      const r = compile(s.pattern);
      if (r && !r.test(v)) push(ctx, path, `${show(v)} does not match the pattern ${s.pattern}`);
    }
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum))
      push(ctx, path, `must be ${s.exclusiveMinimum ? 'greater than' : 'at least'} ${s.minimum}`);
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum))
      push(ctx, path, `must be ${s.exclusiveMaximum ? 'less than' : 'at most'} ${s.maximum}`);
  }
  if (s.format) {
    const f = checkFormat(s.format, v);
    if (f) push(ctx, path, f);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) push(ctx, path, `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
    if (s.maxItems !== undefined && v.length > s.maxItems) push(ctx, path, `must have at most ${s.maxItems} item${s.maxItems === 1 ? '' : 's'}`);
    if (s.items) {
      const items = s.items;
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        validateValue(items, v[i], path, ctx);
        path.pop();
      }
    }
    if (s['x-kubernetes-list-type'] === 'set') {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const k = JSON.stringify(item);
        if (seen.has(k)) push(ctx, [...path, i], `duplicate value ${show(item)}`);
        seen.add(k);
      });
    }
  } else if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (s.minProperties !== undefined && keys.length < s.minProperties)
      push(ctx, path, `must have at least ${s.minProperties} field${s.minProperties === 1 ? '' : 's'}`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties)
      push(ctx, path, `must have at most ${s.maxProperties} field${s.maxProperties === 1 ? '' : 's'}`);
    if (s.required) for (const r of s.required) if (o[r] === undefined) push(ctx, [...path, r], 'Required value');
    const props = s.properties;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const ap = s.additionalProperties;
    for (const k of keys) {
      const child = props && Object.hasOwn(props, k) ? props[k] : undefined;
      if (child) {
        path.push(k);
        validateValue(child, o[k], path, ctx);
        path.pop();
      } else if (ap && typeof ap === 'object') {
        path.push(k);
        validateValue(ap, o[k], path, ctx);
        path.pop();
      } else if (ap === false || (props && !preserve)) {
        push(ctx, [...path, k], `unknown field ${JSON.stringify(k)}`);
      }
    }
  }
  if (s.allOf) for (const sub of s.allOf) validateValue(sub, v, path, ctx);
  if (s.anyOf && !s.anyOf.some((sub) => matches(sub, v, path))) {
    const req = requiredSummary(s.anyOf);
    push(ctx, path, req.length ? `must set one of ${req.join(', ')}` : 'must match at least one of the allowed shapes');
  }
  if (s.oneOf) {
    const n = s.oneOf.filter((sub) => matches(sub, v, path)).length;
    if (n !== 1) {
      const req = requiredSummary(s.oneOf);
      push(ctx, path, req.length ? `only one of ${req.join(', ')} may be set` : 'must match exactly one of the allowed shapes');
    }
  }
  if (s.not && matches(s.not, v, path)) push(ctx, path, 'is not allowed in this form');
}

/** Validate a value against a structural schema; paths are relative to `basePath`. */
export function validateAgainstSchema(schema: JSONSchemaProps, value: unknown, basePath: readonly Seg[] = [], limit = 50): SchemaError[] {
  const ctx: Ctx = { errors: [], limit };
  validateValue(schema, value, [...basePath], ctx);
  return ctx.errors;
}

export { dns1123LabelProblem, dns1123SubdomainProblem };

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const bodySchemas = new WeakMap<JSONSchemaProps, JSONSchemaProps>();

/** The CRD's schema without the envelope fields (checked above), made once per schema. */
function bodySchema(schema: JSONSchemaProps): JSONSchemaProps {
  let top = bodySchemas.get(schema);
  if (!top) {
    top = { ...schema, properties: { ...(schema.properties ?? {}) } };
    delete top.properties?.apiVersion;
    delete top.properties?.kind;
    delete top.properties?.metadata;
    bodySchemas.set(schema, top);
  }
  return top;
}

/**
 * Validate a whole object: the envelope (apiVersion/kind served, metadata) and, when its
 * group is one the index has CRDs for, the body against the CRD schema. Objects of other
 * groups (core Kubernetes kinds, unknown CRDs) get the envelope checks only.
 */
export function validateObject(obj: unknown, schemas: SchemaIndex): SchemaError[] {
  const errors: SchemaError[] = [];
  const err = (path: string, message: string, severity: 'error' | 'warning' = 'error') =>
    errors.push({ path, message, code: severity === 'error' ? 'IST0106' : 'IST0133', severity });
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    err('', 'a Kubernetes object must be a mapping with apiVersion, kind and metadata');
    return errors;
  }
  const o = obj as Record<string, unknown>;
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) err('apiVersion', 'Required value');
  if (typeof o.kind !== 'string' || !o.kind) err('kind', 'Required value');
  const md = o.metadata;
  if (!md || typeof md !== 'object' || Array.isArray(md)) {
    err('metadata', 'Required value');
  } else {
    const m = md as Record<string, unknown>;
    if (typeof m.name !== 'string' && typeof m.generateName !== 'string') err('metadata/name', 'Required value');
    else if (typeof m.name === 'string') {
      const p = dns1123SubdomainProblem(m.name);
      if (p) err('metadata/name', p);
    }
    if (m.namespace !== undefined && m.namespace !== null) {
      const p = typeof m.namespace === 'string' ? dns1123LabelProblem(m.namespace) : 'must be a string';
      if (p) err('metadata/namespace', p);
    }
    for (const key of ['labels', 'annotations'] as const) {
      const v = m[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'object' || Array.isArray(v)) {
        err(`metadata/${key}`, 'must be a map of strings');
        continue;
      }
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        if (typeof val !== 'string') err(`metadata/${key}`, `the value of ${JSON.stringify(k)} must be a string, not ${typeName(val)} (quote it)`);
        else if (key === 'labels' && (val.length > 63 || !LABEL_VALUE.test(val))) err(`metadata/${key}`, `${JSON.stringify(val)} is not a valid label value`);
      }
    }
  }
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return errors;
  const { group, version } = parseApiVersion(o.apiVersion);
  if (!schemas.groups.has(group)) return errors;
  const versions = schemas.kinds.get(`${group}/${o.kind}`);
  if (!versions) {
    err('kind', `kind ${o.kind} is not served by ${group}`);
    return errors;
  }
  const v = schemas.versions.get(schemaKey(group, o.kind, version));
  const served = versions.filter((x) => schemas.versions.get(schemaKey(group, o.kind as string, x))?.served);
  if (!v) {
    err('apiVersion', `version ${version} of ${o.kind} is not served; use ${served.map((x) => `${group}/${x}`).join(', ') || 'none'}`);
    return errors;
  }
  if (!v.served) {
    err('apiVersion', `version ${version} of ${o.kind} is no longer served; use ${served.map((x) => `${group}/${x}`).join(', ') || 'none'}`);
    return errors;
  }
  if (v.deprecated) err('apiVersion', v.deprecationWarning ?? `${o.apiVersion} ${o.kind} is deprecated`, 'warning');
  if (v.schema) {
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = o;
    for (const e of validateAgainstSchema(bodySchema(v.schema), rest)) errors.push(e);
  }
  return errors;
}
