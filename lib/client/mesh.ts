/**
 * Data for the forms (Mesh tasks): the mesh the builders read, and the TLS secret names
 * a gateway can use. A form works on a snapshot: its writes start from the objects it
 * was opened with, so a change made meanwhile by someone else makes the server refuse
 * the write (409) instead of being overwritten. The snapshot is fetched when a form opens
 * (nothing is kept once no form shows it) and refreshed only on purpose: after an apply,
 * or "reload". Background refreshes never touch it (see formsKeys).
 */
import { queryOptions } from '@tanstack/react-query';
import type { MeshResponse, TlsSecretsResponse } from '../contracts/forms';
import { meshScopeQuery, type MeshScope } from '../contracts/meshScope';
import { apiFetch } from './api';
import { formsKeys } from './keys';

export const meshQuery = (context: string, scope: MeshScope) =>
  queryOptions({
    queryKey: formsKeys.mesh(context, scope),
    queryFn: ({ signal }) => apiFetch<MeshResponse>('/api/mesh', { context, query: meshScopeQuery(scope), signal }),
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

export const tlsSecretsQuery = (context: string, namespace: string) =>
  queryOptions({
    queryKey: formsKeys.secrets(context, namespace),
    queryFn: () => apiFetch<TlsSecretsResponse>('/api/secrets', { context, query: { namespace } }),
    staleTime: 30_000,
    retry: (n, e) => n < 2 && (e as { status?: number }).status !== 403,
  });
