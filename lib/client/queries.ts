/** queryOptions factories: key and fetcher kept together. */
import { queryOptions } from '@tanstack/react-query';
import type { Finding } from '../istio/findings';
import type { K8sObject } from '../istio/types';
import type {
  ClusterStatus,
  ConfigListResponse,
  ContextsResponse,
  KindSummary,
  OverviewResponse,
  OverviewTrafficResponse,
  ResourceResponse,
  SessionResponse,
} from '../contracts/api';
import { resourceApiPath as resourcePath } from '../istio/address';
import { apiFetch } from './api';
import { keys } from './keys';

// Watches keep data fresh, so cached data stays valid until an event says otherwise.
const LIVE = { staleTime: 5 * 60_000 };

export const contextsQuery = () => queryOptions({ queryKey: keys.contexts(), queryFn: () => apiFetch<ContextsResponse>('/api/contexts'), staleTime: 60_000 });

export const overviewQuery = (context: string) =>
  queryOptions({ queryKey: keys.overview(context), queryFn: () => apiFetch<OverviewResponse>('/api/overview', { context }), ...LIVE });

/** Request rate and error share per namespace (Prometheus), refreshed every 30 s while shown. */
export const overviewTrafficQuery = (window = '5m') =>
  queryOptions({
    queryKey: keys.overviewTraffic(window),
    queryFn: () => apiFetch<OverviewTrafficResponse>('/api/overview/traffic', { query: { window } }),
    staleTime: 15_000,
    refetchInterval: 30_000,
  });

export const configQuery = (context: string) =>
  queryOptions({ queryKey: keys.config(context), queryFn: () => apiFetch<ConfigListResponse>('/api/config', { context }), ...LIVE });

export const resourceQuery = (context: string, t: { group: string; version: string; plural: string }, namespace: string, name: string) =>
  queryOptions({
    queryKey: keys.resource(context, t.group, t.plural, namespace, name, t.version),
    queryFn: () => apiFetch<ResourceResponse>(resourcePath(t, namespace, name), { context }),
    ...LIVE,
    retry: (n, e) => n < 2 && (e as { status?: number }).status !== 404 && (e as { status?: number }).status !== 403,
  });

export const accessQuery = (context: string, verb: string, group: string, resource: string, namespace?: string, name?: string) =>
  queryOptions({
    queryKey: keys.access(context, verb, group, resource, namespace, name),
    queryFn: () => apiFetch<{ allowed: boolean; reason?: string }>('/api/access', { context, query: { verb, group, resource, namespace, name } }),
    staleTime: 60_000,
  });

export const kindsQuery = (context: string) =>
  queryOptions({ queryKey: keys.kinds(context), queryFn: () => apiFetch<{ status: ClusterStatus; kinds: KindSummary[] }>('/api/kinds', { context }), ...LIVE });

export interface AnalysisResponse {
  status: ClusterStatus;
  findings: Finding[];
  ms: number;
  revision: number;
}

export const analysisQuery = (context: string) =>
  queryOptions({ queryKey: keys.analysisOfCluster(context), queryFn: () => apiFetch<AnalysisResponse>('/api/analyze', { context }), ...LIVE });

/** Findings about one edited object in the context of the live cluster. */
export const editAnalysisQuery = (context: string, object: K8sObject | undefined) =>
  queryOptions({
    queryKey: keys.analysisOfEdit(context, object),
    queryFn: () => apiFetch<{ findings: Finding[] }>('/api/analyze', { method: 'POST', body: { object }, context }),
    enabled: !!object,
    staleTime: 30_000,
  });

export const sessionQuery = (context: string) =>
  queryOptions({
    queryKey: ['session', context] as const,
    queryFn: () => apiFetch<SessionResponse>('/api/session', { context: context || undefined }),
    staleTime: 60_000,
    retry: false,
  });

export const signIn = (token: string) => apiFetch<SessionResponse>('/api/session', { method: 'POST', body: { token } });
export const signOut = () => apiFetch<{ signedOut: boolean }>('/api/session', { method: 'DELETE' });
