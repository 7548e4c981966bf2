/**
 * Shapes of the endpoints behind the forms (Mesh tasks): the mesh as the form builders
 * read it, and the names of TLS secrets a gateway can use. Shared by the route handlers
 * and the browser.
 */
import { z } from 'zod';
import type { MeshResources } from '../istio/resources';
import type { ClusterStatus } from './api';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** ?namespaces=a,b (empty: every namespace). */
export const meshQuerySchema = z.object({
  namespaces: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(63).regex(DNS_LABEL, 'each namespace must be a DNS label'))),
});

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
