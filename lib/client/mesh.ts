/**
 * Data for the forms (Mesh tasks): the mesh the builders read, and the TLS secret names
 * a gateway can use. A form works on a snapshot: its writes start from the objects it
 * was opened with, so a change made meanwhile by someone else makes the server refuse
 * the write (409) instead of being overwritten. The snapshot is refreshed only on
 * purpose (after an apply, or "reload").
 */
import { queryOptions } from '@tanstack/react-query';
import type { MeshResponse, TlsSecretsResponse } from '../contracts/forms';
import { apiFetch } from './api';
import { keys } from './keys';

export const formsKeys = {
  all: (context: string) => [...keys.cluster(context), 'forms'] as const,
  mesh: (context: string) => [...formsKeys.all(context), 'mesh'] as const,
  secrets: (context: string, namespace: string) => [...formsKeys.all(context), 'secrets', namespace] as const,
};

export const meshQuery = (context: string) =>
  queryOptions({
    queryKey: formsKeys.mesh(context),
    queryFn: () => apiFetch<MeshResponse>('/api/mesh', { context }),
    staleTime: Infinity,
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
