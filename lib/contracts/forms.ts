/**
 * Shapes of the endpoints behind the forms (Mesh tasks): the mesh as the form builders
 * read it, and the names of TLS secrets a gateway can use. Shared by the route handlers
 * and the browser.
 */
import { z } from 'zod';
import { DNS1123_LABEL as DNS_LABEL } from '../istio/names';
import type { MeshResources } from '../istio/resources';
import type { ClusterStatus } from './api';


/**
 * How much of the mesh a form needs (?scope=&namespaces=a,b). Every Namespace object and
 * the mesh config always come along; "the root namespace" is the mesh config's (istio-system).
 *  - all: every object (the default without namespaces);
 *  - namespaces: every object of the listed namespaces and the root namespace (the default
 *    with namespaces; with none listed, only the root namespace);
 *  - workloads: Istio configuration of every namespace, but Services, Deployments and Pods
 *    only of the listed namespaces and the root namespace — for forms that check their
 *    changes against the mesh's configuration but only look at their own workloads.
 */
export const MESH_SCOPES = ['all', 'namespaces', 'workloads'] as const;
export type MeshScopeKind = (typeof MESH_SCOPES)[number];

export interface MeshScope {
  scope: MeshScopeKind;
  namespaces: string[];
}

export const meshQuerySchema = z
  .object({
    namespaces: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.string().max(63).regex(DNS_LABEL, 'each namespace must be a DNS label'))),
    scope: z.enum(MESH_SCOPES, { error: `scope must be one of ${MESH_SCOPES.join(', ')}` }).optional(),
  })
  .transform(({ namespaces, scope }): MeshScope => ({ scope: scope ?? (namespaces.length ? 'namespaces' : 'all'), namespaces: [...new Set(namespaces)].sort() }));

/** The query string of a scope, as the browser sends it (the inverse of meshQuerySchema). */
export function meshScopeQuery(s: MeshScope): Record<string, string | undefined> {
  if (s.scope === 'all') return {};
  return { scope: s.scope, namespaces: s.namespaces.length ? [...s.namespaces].sort().join(',') : undefined };
}

export interface MeshResponse {
  status: ClusterStatus;
  /** Objects from the watch cache (managedFields removed), grouped as the builders read them. */
  resources: MeshResources;
}

/** ?namespace=istio-system */
export const secretsQuerySchema = z.object({
  namespace: z.string({ error: 'namespace is required' }).max(63).regex(DNS_LABEL, 'namespace must be a DNS label'),
});

export interface TlsSecretsResponse {
  namespace: string;
  /** Names of the namespace's kubernetes.io/tls Secrets, sorted. Never their data. */
  names: string[];
}
