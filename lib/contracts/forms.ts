/**
 * Shapes of the endpoints behind the forms (Mesh tasks): the mesh as the form builders
 * read it, and the names of TLS secrets a gateway can use. Shared by the route handlers
 * and the browser.
 */
import { z } from 'zod';
import { DNS1123_LABEL as DNS_LABEL } from '../istio/names';
import type { MeshResources } from '../istio/resources';
import type { ClusterStatus } from './api';
import { MESH_SCOPES, type MeshScope } from './meshScope';

export { MESH_SCOPES, meshScopeQuery, type MeshScope, type MeshScopeKind } from './meshScope';

export const meshQuerySchema = z
  .object({
    namespaces: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(63).regex(DNS_LABEL, 'each namespace must be a DNS label'))),
    scope: z.enum(MESH_SCOPES, { error: `scope must be one of ${MESH_SCOPES.join(', ')}` }).optional(),
  })
  .transform(({ namespaces, scope }): MeshScope => ({
    scope: scope ?? (namespaces.length ? 'namespaces' : 'all'),
    namespaces: [...new Set(namespaces)].sort(),
  }));

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
