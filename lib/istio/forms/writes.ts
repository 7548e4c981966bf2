/**
 * What a form builder returns and how its writes are made: the result shape (writes,
 * warnings, field errors), a create/replace/nothing decision per object, the mesh as it
 * would be after the writes, and the changed field paths for a summary. Pure.
 */
import type { z } from 'zod';
import { indexResources, resourceId, type MeshResources } from '../resources';
import type { K8sObject } from '../types';
import { deepEqual, startFrom, type AnyK8sObject } from './objects';
import { toFieldIssues, type FieldIssue } from './issues';

export type WriteAction = 'create' | 'replace';

export interface FormWrite {
  action: WriteAction;
  /** The object to send: the whole object for create, the whole edited object for replace (PUT). */
  object: K8sObject;
  /** The live object a replace starts from (for the diff); absent for create. */
  base?: K8sObject;
}

export interface FormWarning {
  /** Stable code, e.g. "MTLS_STRICT_CLIENT_NO_SIDECAR". */
  code: string;
  message: string;
}

export interface BuildResult {
  writes: FormWrite[];
  warnings: FormWarning[];
  /** Field errors when the state did not pass the form's schema; then `writes` is empty. */
  errors: FieldIssue[];
}

/** Validate `state` with `schema`; on failure return the errors as a result with nothing to write. */
export function checkState<S>(schema: z.ZodType<S>, state: unknown): { ok: true; state: S } | { ok: false; result: BuildResult } {
  const parsed = schema.safeParse(state);
  if (parsed.success) return { ok: true, state: parsed.data };
  return { ok: false, result: { writes: [], warnings: [], errors: toFieldIssues(parsed.error) } };
}

/**
 * Add a write for `next`: a create when there is no live object, a replace when the
 * live object differs, nothing when the edit changes nothing.
 */
export function pushWrite(writes: FormWrite[], next: AnyK8sObject, live: AnyK8sObject | undefined): void {
  if (!live) {
    writes.push({ action: 'create', object: next as K8sObject });
    return;
  }
  if (deepEqual(startFrom(live), next)) return;
  writes.push({ action: 'replace', object: next as K8sObject, base: live as K8sObject });
}

/** Every object of a MeshResources, in kind order. */
export function allObjects(r: MeshResources): AnyK8sObject[] {
  return [
    ...r.namespaces,
    ...r.services,
    ...r.deployments,
    ...r.pods,
    ...r.virtualServices,
    ...r.destinationRules,
    ...r.gateways,
    ...r.serviceEntries,
    ...r.sidecars,
    ...r.peerAuthentications,
    ...r.authorizationPolicies,
    ...r.gatewayClasses,
    ...r.k8sGateways,
    ...r.httpRoutes,
    ...r.grpcRoutes,
    ...r.tcpRoutes,
    ...r.tlsRoutes,
    ...r.referenceGrants,
    ...r.others,
  ] as AnyK8sObject[];
}

/**
 * The mesh as it would be after `writes`: each written object replaces the live one of
 * the same id, or is added. A new MeshResources object, so cached evaluations
 * (lib/istio/security) see the change. For "after" previews and tests.
 */
export function withWrites(r: MeshResources, writes: readonly FormWrite[]): MeshResources {
  const next = new Map<string, AnyK8sObject>();
  for (const w of writes) next.set(resourceId(w.object), w.object);
  const out: AnyK8sObject[] = [];
  for (const o of allObjects(r)) {
    const id = resourceId(o);
    const replaced = next.get(id);
    out.push(replaced ?? o);
    next.delete(id);
  }
  out.push(...next.values());
  return indexResources(out as K8sObject[], r.meshConfig);
}

/** Field paths ("spec/http[0]/route") where `next` differs from `base`, for a change summary. */
export function changedPaths(base: unknown, next: unknown, prefix = ''): string[] {
  if (deepEqual(base, next)) return [];
  const bothObjects = base && next && typeof base === 'object' && typeof next === 'object' && Array.isArray(base) === Array.isArray(next);
  if (!bothObjects) return [prefix || '/'];
  if (Array.isArray(base)) {
    const n = next as unknown[];
    if (base.length !== n.length) return [prefix || '/'];
    return base.flatMap((x, i) => changedPaths(x, n[i], `${prefix}[${i}]`));
  }
  const b = base as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(n)])];
  return keys.flatMap((k) => changedPaths(b[k], n[k], prefix ? `${prefix}/${k}` : k));
}
