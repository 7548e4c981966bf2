'use client';
/** Writes through the HTTP API. Each returns the server's answer or throws ApiRequestError. */
import type { K8sObject } from '../istio/types';
import { resourceApiPath as resourcePath } from '../istio/address';
import { apiFetch } from './api';

export interface TypeRef {
  group: string;
  version: string;
  plural: string;
}

export function createObject(context: string, t: TypeRef, namespace: string | undefined, object: K8sObject, opts: { dryRun?: boolean } = {}) {
  return apiFetch<{ object: K8sObject; dryRun: boolean }>(resourcePath(t, namespace ?? '-'), {
    method: 'POST',
    body: object,
    context,
    query: { dryRun: opts.dryRun ? 'true' : undefined },
  });
}

export function replaceObject(context: string, t: TypeRef, namespace: string | undefined, name: string, object: K8sObject, opts: { dryRun?: boolean } = {}) {
  return apiFetch<{ object: K8sObject; dryRun: boolean }>(resourcePath(t, namespace ?? '-', name), {
    method: 'PUT',
    body: object,
    context,
    query: { dryRun: opts.dryRun ? 'true' : undefined },
  });
}

export function deleteObject(
  context: string,
  t: TypeRef,
  namespace: string | undefined,
  name: string,
  opts: { dryRun?: boolean; resourceVersion?: string } = {},
) {
  return apiFetch<{ deleted: unknown }>(resourcePath(t, namespace ?? '-', name), {
    method: 'DELETE',
    context,
    query: { dryRun: opts.dryRun ? 'true' : undefined, resourceVersion: opts.resourceVersion },
  });
}
