/**
 * The graph's query: key under keys.graph(context) (so live changes invalidate it) and
 * the fetcher of GET /api/graph. The previous graph stays on screen while a new one
 * loads (another window, namespaces, label pairs) and while a live refetch runs; each
 * result carries the request it answers (`request`), so the page can tell a graph kept
 * on screen from the one it asked for.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { GraphQuery, GraphResponse } from '../contracts/graph';
import { apiFetch } from './api';
import { keys } from './keys';

export type GraphResult = GraphResponse & { request: GraphQuery & { context: string } };

export const graphQuery = (context: string, params: GraphQuery) =>
  queryOptions({
    queryKey: [...keys.graph(context), params] as const,
    queryFn: async ({ signal }): Promise<GraphResult> => ({
      ...(await apiFetch<GraphResponse>('/api/graph', { context, query: { ...params }, signal })),
      request: { ...params, context },
    }),
    placeholderData: keepPreviousData,
    // Config changes come through live events; telemetry moves on by itself: refresh rates every 30 s.
    staleTime: 15_000,
    refetchInterval: (q) => (q.state.data?.meta.prometheus.status === 'off' ? false : 30_000),
    retry: (n, e) => n < 2 && ![400, 403, 404].includes((e as { status?: number }).status ?? 0),
  });
