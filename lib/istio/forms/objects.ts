/**
 * Objects as the form builders make them: copies, a replacement's starting point from
 * the live object, new objects, minimal output (compact), free names, and "a, b and c".
 * Pure.
 */
import type { K8sObject } from '../types';
import { deepEqual } from '../util';

/** Any Kubernetes object, whatever its spec type. */
export type AnyK8sObject = K8sObject<object>;

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export { deepEqual };

/**
 * The starting point of a replacement: a copy of the live object without what the
 * server owns and a form must not send back (status, managedFields). Labels,
 * annotations, resourceVersion (so the server refuses a concurrent change) and every
 * spec field stay.
 */
export function startFrom<T extends AnyK8sObject>(live: T): T {
  const copy = clone(live);
  delete copy.status;
  delete copy.metadata.managedFields;
  return copy;
}

export function newObject<T extends AnyK8sObject>(apiVersion: string, kind: string, name: string, namespace: string | undefined, spec?: T['spec']): T {
  const obj: AnyK8sObject = { apiVersion, kind, metadata: namespace === undefined ? { name } : { name, namespace } };
  if (spec !== undefined) obj.spec = spec;
  return obj as T;
}

/**
 * Remove undefined values, empty objects and empty arrays, recursively. Used on the
 * parts a form builds, never on a whole live object (a user's own "{}" stays theirs).
 */
export function compact<T>(v: T): T {
  if (Array.isArray(v)) {
    return v.map((x) => compact(x)).filter((x) => !isEmptyValue(x)) as unknown as T;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const c = compact(x);
      if (!isEmptyValue(c)) out[k] = c;
    }
    return out as T;
  }
  return v;
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** Set `obj[key]` to a compacted value, or delete the key when the value is empty. */
export function setOrDelete(obj: Record<string, unknown>, key: string, value: unknown): void {
  const c = compact(value);
  if (isEmptyValue(c)) delete obj[key];
  else obj[key] = c;
}

export function sameName(a: AnyK8sObject, name: string, namespace: string | undefined): boolean {
  return a.metadata.name === name && (a.metadata.namespace ?? undefined) === namespace;
}

/** A name not used by any of `taken` (in that namespace): `base`, then base-2, base-3 ... */
export function freeName(base: string, taken: readonly AnyK8sObject[], namespace: string): string {
  const used = new Set(taken.filter((o) => o.metadata.namespace === namespace).map((o) => o.metadata.name));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** "a, b and c" */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
