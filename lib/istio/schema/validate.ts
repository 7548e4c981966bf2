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
  /** The errors recorded; undefined in a probe (oneOf/anyOf/not), where only their number matters. */
  errors: SchemaError[] | undefined;
  /** How many errors were found (recorded, or would have been). */
  n: number;
  /** Stop after this many errors (a broken document should not produce thousands). */
  limit: number;
}

/**
 * Record an error at `path` (the caller's stack of segments, formatted now: it changes as
 * the walk goes on), plus `extra` if given. `message` is only needed when ctx.errors is set.
 */
function fail(ctx: Ctx, path: readonly Seg[], message: string | undefined, extra?: Seg): void {
  if (ctx.n >= ctx.limit) return;
  ctx.n++;
  if (ctx.errors) {
    let p = fmt(path);
    if (extra !== undefined) p += typeof extra === 'number' ? `[${extra}]` : (p ? '/' : '') + extra;
    ctx.errors.push({ path: p, message: message ?? '', code: 'IST0106', severity: 'error' });
  }
}

function requiredSummary(alts: readonly JSONSchemaProps[]): string[] {
  const out: string[] = [];
  for (const a of alts) for (const r of a.required ?? []) if (!out.includes(r)) out.push(r);
  return out;
}

// How a node checks the type of a value.
const T_NONE = 0;
const T_INT_OR_STRING = 1;
const T_STRING = 2;
const T_INTEGER = 3;
const T_NUMBER = 4;
const T_BOOLEAN = 5;
const T_OBJECT = 6;
const T_ARRAY = 7;
/** Any other `type`: compared with typeName. */
const T_OTHER = 8;

const TYPE_CHECKS: Record<string, number> = {
  string: T_STRING,
  integer: T_INTEGER,
  number: T_NUMBER,
  boolean: T_BOOLEAN,
  object: T_OBJECT,
  array: T_ARRAY,
};

// Which groups of checks a node has (the others are skipped without looking at them).
const F_STRING = 1;
const F_NUMBER = 2;
const F_FORMAT = 4;
const F_ARRAY = 8;
const F_OBJECT = 16;
const F_KEYS = 32;
const F_COMBINATORS = 64;

/**
 * One schema, compiled: every node has the same shape (monomorphic property access), the
 * checks the schema has are decided once, and properties are looked up in a Map. Nodes are
 * filled in on first use (`ready`), so the parts of a large CRD schema no value reaches
 * cost nothing.
 */
class Node {
  ready = false;
  flags = 0;
  typeCheck = T_NONE;
  type: unknown = undefined;
  enumValues: readonly unknown[] | undefined = undefined;
  enumSet: Set<unknown> | undefined = undefined;
  minLength: number | undefined = undefined;
  maxLength: number | undefined = undefined;
  pattern: string | undefined = undefined;
  regex: RegExp | null = null;
  minimum: number | undefined = undefined;
  maximum: number | undefined = undefined;
  exclusiveMinimum = false;
  exclusiveMaximum = false;
  format = '';
  minItems: number | undefined = undefined;
  maxItems: number | undefined = undefined;
  items: Node | undefined = undefined;
  listSet = false;
  minProperties: number | undefined = undefined;
  maxProperties: number | undefined = undefined;
  required: readonly string[] | undefined = undefined;
  props: Map<string, Node> | undefined = undefined;
  /** additionalProperties as a schema */
  ap: Node | undefined = undefined;
  /** Keys that are neither properties nor covered by additionalProperties are errors. */
  closed = false;
  allOf: readonly Node[] | undefined = undefined;
  anyOf: readonly Node[] | undefined = undefined;
  anyOfRequired: readonly string[] = [];
  oneOf: readonly Node[] | undefined = undefined;
  oneOfRequired: readonly string[] = [];
  not: Node | undefined = undefined;
  /** The schema has nothing but `required`: these. */
  requiredOnly: readonly string[] | undefined = undefined;
  constructor(readonly schema: JSONSchemaProps) {}
}

const FORMATS = new Set(['int32', 'uint32', 'date-time', 'byte']);

function init(n: Node): void {
  n.ready = true;
  if (n.schema === null || n.schema === undefined) throw new TypeError('a schema must be an object');
  // A schema that is not an object (a boolean, say) has no checks, as when its fields were read.
  const s: JSONSchemaProps = n.schema && typeof n.schema === 'object' ? n.schema : {};
  let flags = 0;
  if (s['x-kubernetes-int-or-string'] === true) n.typeCheck = T_INT_OR_STRING;
  else if (s.type) {
    n.type = s.type;
    n.typeCheck = (typeof s.type === 'string' && Object.hasOwn(TYPE_CHECKS, s.type) && TYPE_CHECKS[s.type]) || T_OTHER;
  }
  if (s.enum && s.enum.length) {
    n.enumValues = s.enum;
    // A Set answers as === does, except for NaN (=== never matches it).
    if (!s.enum.some((e) => e !== e)) n.enumSet = new Set(s.enum);
  }
  if (s.minLength !== undefined || s.maxLength !== undefined || s.pattern) {
    flags |= F_STRING;
    n.minLength = s.minLength;
    n.maxLength = s.maxLength;
    if (s.pattern) {
      n.pattern = s.pattern;
      n.regex = compile(s.pattern);
    }
  }
  if (s.minimum !== undefined || s.maximum !== undefined) {
    flags |= F_NUMBER;
    n.minimum = s.minimum;
    n.maximum = s.maximum;
    n.exclusiveMinimum = !!s.exclusiveMinimum;
    n.exclusiveMaximum = !!s.exclusiveMaximum;
  }
  if (s.format && FORMATS.has(s.format)) {
    flags |= F_FORMAT;
    n.format = s.format;
  }
  if (s.minItems !== undefined || s.maxItems !== undefined || s.items || s['x-kubernetes-list-type'] === 'set') {
    flags |= F_ARRAY;
    n.minItems = s.minItems;
    n.maxItems = s.maxItems;
    if (s.items) n.items = new Node(s.items);
    n.listSet = s['x-kubernetes-list-type'] === 'set';
  }
  const props = s.properties;
  const ap = s.additionalProperties;
  if (s.minProperties !== undefined || s.maxProperties !== undefined || s.required || props || ap === false || (ap && typeof ap === 'object')) {
    flags |= F_OBJECT;
    n.minProperties = s.minProperties;
    n.maxProperties = s.maxProperties;
    if (s.required) n.required = [...s.required];
    if (props) {
      n.props = new Map();
      for (const k of Object.keys(props)) if (props[k]) n.props.set(k, new Node(props[k]));
    }
    if (ap && typeof ap === 'object') n.ap = new Node(ap);
    else n.closed = ap === false || (!!props && s['x-kubernetes-preserve-unknown-fields'] !== true);
    if (props || n.ap || n.closed || s.minProperties !== undefined || s.maxProperties !== undefined) flags |= F_KEYS;
  }
  if (s.allOf || s.anyOf || s.oneOf || s.not) {
    flags |= F_COMBINATORS;
    if (s.allOf) n.allOf = s.allOf.map((x) => new Node(x));
    if (s.anyOf) {
      n.anyOf = s.anyOf.map((x) => new Node(x));
      n.anyOfRequired = requiredSummary(s.anyOf);
    }
    if (s.oneOf) {
      n.oneOf = s.oneOf.map((x) => new Node(x));
      n.oneOfRequired = requiredSummary(s.oneOf);
    }
    if (s.not) n.not = new Node(s.not);
  }
  n.flags = flags;
  if (flags === F_OBJECT && n.required && n.typeCheck === T_NONE && !n.enumValues) n.requiredOnly = n.required;
}

/** The contexts of probes, one per nesting level (reused: a probe only counts). */
const probes: Ctx[] = [];
let probeDepth = 0;

/** True when `v` satisfies `n` (no errors found): used for oneOf/anyOf/not. */
function matches(n: Node, v: unknown, path: Seg[]): boolean {
  if (v === null || v === undefined) return true;
  if (!n.ready) init(n);
  if (n.requiredOnly) {
    // {required: [...]}, the usual oneOf alternative: only objects are checked.
    if (typeof v !== 'object' || Array.isArray(v)) return true;
    const o = v as Record<string, unknown>;
    for (const r of n.requiredOnly) if (o[r] === undefined) return false;
    return true;
  }
  const c = (probes[probeDepth] ??= { errors: undefined, n: 0, limit: 1 });
  c.n = 0;
  probeDepth++;
  try {
    check(n, v, path, c);
  } finally {
    probeDepth--;
  }
  return c.n === 0;
}

function typeOk(n: Node, v: unknown): boolean {
  switch (n.typeCheck) {
    case T_STRING:
      return typeof v === 'string';
    case T_INTEGER:
      return typeof v === 'number' && Number.isInteger(v);
    case T_NUMBER:
      return typeof v === 'number';
    case T_BOOLEAN:
      return typeof v === 'boolean';
    case T_OBJECT:
      return typeof v === 'object' && !Array.isArray(v);
    case T_ARRAY:
      return Array.isArray(v);
    default: {
      const t = typeName(v);
      return n.type === t || (n.type === 'number' && t === 'integer');
    }
  }
}

/** `path` is a stack the walk pushes to and pops from (no copy per field). */
function check(n: Node, v: unknown, path: Seg[], ctx: Ctx): void {
  if (ctx.n >= ctx.limit) return;
  if (v === null || v === undefined) {
    // Kubernetes prunes nulls of non-nullable fields; nothing to check.
    return;
  }
  if (!n.ready) init(n);
  if (n.typeCheck === T_INT_OR_STRING) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      fail(ctx, path, ctx.errors && `must be an integer or a string, not ${typeName(v)}`);
      return;
    }
  } else if (n.typeCheck !== T_NONE && !typeOk(n, v)) {
    fail(ctx, path, ctx.errors && `must be of type ${String(n.type)}, not ${typeName(v)} (${show(v)})`);
    return;
  }
  const ev = n.enumValues;
  if (ev && !(n.enumSet ? n.enumSet.has(v) : ev.some((e) => e === v))) {
    fail(ctx, path, ctx.errors && `unsupported value ${show(v)}: must be one of ${ev.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  const flags = n.flags;
  if (flags === 0) return;
  if (flags & F_STRING && typeof v === 'string') {
    if (n.minLength !== undefined && v.length < n.minLength) fail(ctx, path, `must be at least ${n.minLength} characters long`);
    if (n.maxLength !== undefined && v.length > n.maxLength) fail(ctx, path, `must be at most ${n.maxLength} characters long`);
    if (n.regex && !n.regex.test(v)) fail(ctx, path, ctx.errors && `${show(v)} does not match the pattern ${n.pattern}`);
  }
  if (flags & F_NUMBER && typeof v === 'number') {
    if (n.minimum !== undefined && (n.exclusiveMinimum ? v <= n.minimum : v < n.minimum))
      fail(ctx, path, `must be ${n.exclusiveMinimum ? 'greater than' : 'at least'} ${n.minimum}`);
    if (n.maximum !== undefined && (n.exclusiveMaximum ? v >= n.maximum : v > n.maximum))
      fail(ctx, path, `must be ${n.exclusiveMaximum ? 'less than' : 'at most'} ${n.maximum}`);
  }
  if (flags & F_FORMAT) {
    const f = checkFormat(n.format, v);
    if (f) fail(ctx, path, f);
  }
  if (Array.isArray(v)) {
    if (flags & F_ARRAY) checkArray(n, v, path, ctx);
  } else if (flags & F_OBJECT && typeof v === 'object') {
    checkObject(n, v as Record<string, unknown>, path, ctx);
  }
  if (flags & F_COMBINATORS) checkCombinators(n, v, path, ctx);
}

function checkArray(n: Node, v: readonly unknown[], path: Seg[], ctx: Ctx): void {
  if (n.minItems !== undefined && v.length < n.minItems) fail(ctx, path, `must have at least ${n.minItems} item${n.minItems === 1 ? '' : 's'}`);
  if (n.maxItems !== undefined && v.length > n.maxItems) fail(ctx, path, `must have at most ${n.maxItems} item${n.maxItems === 1 ? '' : 's'}`);
  const items = n.items;
  if (items) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      check(items, v[i], path, ctx);
      path.pop();
    }
  }
  if (n.listSet) {
    // Items are the same when their JSON is: strings are kept apart (no other JSON starts with a quote).
    let strings: Set<string | undefined> | undefined;
    let others: Set<string | undefined> | undefined;
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) continue;
      const item = v[i];
      let k: string | undefined = typeof item === 'string' ? item : JSON.stringify(item);
      let seen: Set<string | undefined>;
      if (typeof item === 'string') seen = strings ??= new Set();
      else if (k !== undefined && k.charCodeAt(0) === 34) {
        // JSON that is a string (an object with toJSON): the same as that string.
        seen = strings ??= new Set();
        k = JSON.parse(k) as string;
      } else seen = others ??= new Set();
      if (seen.has(k)) fail(ctx, path, ctx.errors && `duplicate value ${show(item)}`, i);
      seen.add(k);
    }
  }
}

function checkObject(n: Node, o: Record<string, unknown>, path: Seg[], ctx: Ctx): void {
  const flags = n.flags;
  const keys = flags & F_KEYS ? Object.keys(o) : undefined;
  if (keys) {
    if (n.minProperties !== undefined && keys.length < n.minProperties)
      fail(ctx, path, `must have at least ${n.minProperties} field${n.minProperties === 1 ? '' : 's'}`);
    if (n.maxProperties !== undefined && keys.length > n.maxProperties)
      fail(ctx, path, `must have at most ${n.maxProperties} field${n.maxProperties === 1 ? '' : 's'}`);
  }
  if (n.required) for (const r of n.required) if (o[r] === undefined) fail(ctx, path, 'Required value', r);
  if (!keys) return;
  const props = n.props;
  const ap = n.ap;
  for (let i = 0; i < keys.length; i++) {
    if (ctx.n >= ctx.limit) return;
    const k = keys[i] as string;
    const child = props?.get(k) ?? ap;
    if (child) {
      path.push(k);
      check(child, o[k], path, ctx);
      path.pop();
    } else if (n.closed) {
      fail(ctx, path, ctx.errors && `unknown field ${JSON.stringify(k)}`, k);
    }
  }
}

function checkCombinators(n: Node, v: unknown, path: Seg[], ctx: Ctx): void {
  if (n.allOf) for (const sub of n.allOf) check(sub, v, path, ctx);
  if (ctx.n >= ctx.limit) return;
  if (n.anyOf && !n.anyOf.some((sub) => matches(sub, v, path))) {
    const req = n.anyOfRequired;
    fail(ctx, path, req.length ? `must set one of ${req.join(', ')}` : 'must match at least one of the allowed shapes');
  }
  if (n.oneOf) {
    let matched = 0;
    for (const sub of n.oneOf) if (matches(sub, v, path) && ++matched > 1) break;
    if (matched !== 1) {
      const req = n.oneOfRequired;
      fail(ctx, path, req.length ? `only one of ${req.join(', ')} may be set` : 'must match exactly one of the allowed shapes');
    }
  }
  if (n.not && matches(n.not, v, path)) fail(ctx, path, 'is not allowed in this form');
}

const compiled = new WeakMap<object, Node>();

/** The compiled form of a schema, made once per schema object. */
function nodeFor(schema: JSONSchemaProps): Node {
  if (!schema || typeof schema !== 'object') return new Node(schema);
  let n = compiled.get(schema);
  if (!n) {
    n = new Node(schema);
    compiled.set(schema, n);
  }
  return n;
}

/** Validate a value against a structural schema; paths are relative to `basePath`. */
export function validateAgainstSchema(schema: JSONSchemaProps, value: unknown, basePath: readonly Seg[] = [], limit = 50): SchemaError[] {
  const ctx: Ctx = { errors: [], n: 0, limit };
  check(nodeFor(schema), value, [...basePath], ctx);
  return ctx.errors ?? [];
}

export { dns1123LabelProblem, dns1123SubdomainProblem };

const STRING_MAPS = ['labels', 'annotations'] as const;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const bodySchemas = new WeakMap<JSONSchemaProps, Node>();

/** The CRD's schema without the envelope fields (checked above), compiled once per schema. */
function bodySchema(schema: JSONSchemaProps): Node {
  let top = bodySchemas.get(schema);
  if (!top) {
    const body = { ...schema, properties: { ...(schema.properties ?? {}) } };
    delete body.properties.apiVersion;
    delete body.properties.kind;
    delete body.properties.metadata;
    top = new Node(body);
    bodySchemas.set(schema, top);
  }
  return top;
}

interface Keys {
  group: string;
  version: string;
  /** "group/Kind", the key of SchemaIndex.kinds */
  groupKind: string;
  /** "group/Kind/version", the key of SchemaIndex.versions */
  key: string;
}

/** apiVersion -> kind -> the index keys: made once per pair (not per object), kept small. */
const keyCache = new Map<string, Map<string, Keys>>();
let keyCount = 0;

function keysOf(apiVersion: string, kind: string): Keys {
  let byKind = keyCache.get(apiVersion);
  let k = byKind?.get(kind);
  if (!k) {
    if (keyCount >= 1000) {
      keyCache.clear();
      keyCount = 0;
      byKind = undefined;
    }
    const { group, version } = parseApiVersion(apiVersion);
    k = { group, version, groupKind: `${group}/${kind}`, key: schemaKey(group, kind, version) };
    if (!byKind) keyCache.set(apiVersion, (byKind = new Map()));
    byKind.set(kind, k);
    keyCount++;
  }
  return k;
}

function servedVersions(schemas: SchemaIndex, group: string, kind: string, versions: readonly string[]): string {
  return (
    versions
      .filter((x) => schemas.versions.get(schemaKey(group, kind, x))?.served)
      .map((x) => `${group}/${x}`)
      .join(', ') || 'none'
  );
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
    for (const key of STRING_MAPS) {
      const v = m[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'object' || Array.isArray(v)) {
        err(`metadata/${key}`, 'must be a map of strings');
        continue;
      }
      const map = v as Record<string, unknown>;
      for (const k of Object.keys(map)) {
        const val = map[k];
        if (typeof val !== 'string') err(`metadata/${key}`, `the value of ${JSON.stringify(k)} must be a string, not ${typeName(val)} (quote it)`);
        else if (key === 'labels' && (val.length > 63 || !LABEL_VALUE.test(val))) err(`metadata/${key}`, `${JSON.stringify(val)} is not a valid label value`);
      }
    }
  }
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return errors;
  const kind = o.kind;
  const { group, version, groupKind, key } = keysOf(o.apiVersion, kind);
  if (!schemas.groups.has(group)) return errors;
  const versions = schemas.kinds.get(groupKind);
  if (!versions) {
    err('kind', `kind ${kind} is not served by ${group}`);
    return errors;
  }
  const v = schemas.versions.get(key);
  if (!v) {
    err('apiVersion', `version ${version} of ${kind} is not served; use ${servedVersions(schemas, group, kind, versions)}`);
    return errors;
  }
  if (!v.served) {
    err('apiVersion', `version ${version} of ${kind} is no longer served; use ${servedVersions(schemas, group, kind, versions)}`);
    return errors;
  }
  if (v.deprecated) err('apiVersion', v.deprecationWarning ?? `${o.apiVersion} ${kind} is deprecated`, 'warning');
  if (v.schema) {
    // The body: the object without apiVersion, kind and metadata (keys in the same order).
    const body: Record<string, unknown> = {};
    for (const k of Object.keys(o)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') body[k] = o[k];
    const ctx: Ctx = { errors, n: 0, limit: 50 };
    check(bodySchema(v.schema), body, [], ctx);
  }
  return errors;
}
