/**
 * The scope of the mesh a form reads (/api/mesh?scope=&namespaces=), without zod: the
 * browser imports this to build the query string; the route's zod schema
 * (lib/contracts/forms.ts meshQuerySchema) parses it on the server.
 */

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

/** The query string of a scope, as the browser sends it (the inverse of meshQuerySchema). */
export function meshScopeQuery(s: MeshScope): Record<string, string | undefined> {
  if (s.scope === 'all') return {};
  return { scope: s.scope, namespaces: s.namespaces.length ? [...s.namespaces].sort().join(',') : undefined };
}
