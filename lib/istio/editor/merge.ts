/**
 * Carry a user's edit onto a version someone else changed meanwhile: a three-way
 * merge of plain JSON values (base = what the edit started from, current = what the
 * server has now, mine = the user's edit). Fields only one side changed merge
 * cleanly; fields both changed differently are conflicts, resolved to the user's
 * value and reported so the UI can show them. Pure.
 */
import { deepEqual } from '../util';
import { formatPath, type FieldPath } from '../fieldPath';

export interface MergeConflict {
  path: string;
  base: unknown;
  current: unknown;
  mine: unknown;
}

export interface MergeResult<T> {
  merged: T;
  conflicts: MergeConflict[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Server-owned metadata: always taken from the current version. */
const SERVER_FIELDS = new Set(['resourceVersion', 'managedFields', 'generation', 'uid', 'creationTimestamp', 'selfLink']);

function mergeValue(base: unknown, current: unknown, mine: unknown, path: FieldPath, conflicts: MergeConflict[]): unknown {
  if (deepEqual(mine, base)) return current;
  if (deepEqual(current, base) || deepEqual(current, mine)) return mine;
  if (isPlainObject(base) && isPlainObject(current) && isPlainObject(mine)) return mergeObject(base, current, mine, path, conflicts);
  if (base === undefined && isPlainObject(current) && isPlainObject(mine)) return mergeObject({}, current, mine, path, conflicts);
  if (Array.isArray(base) && Array.isArray(current) && Array.isArray(mine)) {
    const merged = mergeNamedList(base, current, mine, path, conflicts);
    if (merged) return merged;
  }
  conflicts.push({ path: formatPath(path), base, current, mine });
  return mine;
}

function mergeObject(
  base: Record<string, unknown>,
  current: Record<string, unknown>,
  mine: Record<string, unknown>,
  path: FieldPath,
  conflicts: MergeConflict[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(current), ...Object.keys(mine), ...Object.keys(base)]);
  for (const k of keys) {
    if (path.length === 1 && path[0] === 'metadata' && SERVER_FIELDS.has(k)) {
      if (current[k] !== undefined) out[k] = current[k];
      continue;
    }
    const v = mergeValue(base[k], current[k], mine[k], [...path, k], conflicts);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Lists whose items all have a unique `name` (subsets, http routes with names,
 * ports) merge item by item; other lists merge as whole values.
 */
function mergeNamedList(base: unknown[], current: unknown[], mine: unknown[], path: FieldPath, conflicts: MergeConflict[]): unknown[] | undefined {
  const named = (l: unknown[]) =>
    l.every((x) => isPlainObject(x) && typeof x.name === 'string') && new Set(l.map((x) => (x as { name: string }).name)).size === l.length;
  if (!named(base) || !named(current) || !named(mine)) return undefined;
  const byName = (l: unknown[]) => new Map(l.map((x) => [(x as { name: string }).name, x]));
  const b = byName(base);
  const c = byName(current);
  const m = byName(mine);
  const order: string[] = [];
  for (const x of [...mine, ...current]) {
    const n = (x as { name: string }).name;
    if (!order.includes(n)) order.push(n);
  }
  const out: unknown[] = [];
  for (const n of order) {
    const v = mergeValue(b.get(n), c.get(n), m.get(n), [...path, n], conflicts);
    if (v !== undefined) out.push(v);
  }
  return out;
}

export function threeWayMerge<T>(base: T, current: T, mine: T): MergeResult<T> {
  const conflicts: MergeConflict[] = [];
  const merged = mergeValue(base, current, mine, [], conflicts) as T;
  return { merged, conflicts };
}
