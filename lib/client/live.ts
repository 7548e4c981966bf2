'use client';
/**
 * Subscribes to /api/events for the selected context and keeps TanStack Query's
 * cache current: list rows and open resources update in place; summaries that are
 * computed on the server are refetched (debounced). Exposes the connection state.
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import type { ClusterStatus, ConfigListResponse, ResourceResponse, ServerEvent } from '../contracts/api';
import { apiUrl } from './api';
import { formsKeys, keys } from './keys';
import { parseTypeKey } from '../istio/address';
import { applyToConfigList, applyToObject } from './reducers';

export interface LiveState {
  /** Our own server's event stream is open. */
  stream: 'connecting' | 'open' | 'closed';
  /** The cluster's API server, as the server's watch cache sees it. */
  cluster?: ClusterStatus;
  /** The server cut our stream off because we fell behind; we reloaded and reconnected. */
  resync?: { reason: string; at: string };
}

let state: LiveState = { stream: 'connecting' };
const listeners = new Set<() => void>();
function setState(s: Partial<LiveState>) {
  state = { ...state, ...s };
  listeners.forEach((l) => l());
}

export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
    () => state,
  );
}

/**
 * After a gap in what we heard (our server or the API server was away): refetch everything
 * of the context — except the forms' mesh snapshots, which are only marked stale. A form's
 * input, dry run and apply report are built on its snapshot; replacing it under them would
 * lose them, so the form says the cluster may have changed and offers a reload instead.
 */
export function refreshAfterGap(qc: QueryClient, context: string): void {
  void qc.invalidateQueries({ queryKey: keys.cluster(context) });
  void qc.invalidateQueries({ queryKey: formsKeys.meshAll(context), refetchType: 'none' });
}

function applyEvent(qc: QueryClient, context: string, ev: ServerEvent, refetchLater: (key: readonly unknown[]) => void) {
  if (ev.type === 'status') {
    const was = state.cluster;
    setState({ cluster: ev.status });
    qc.setQueryData(keys.status(context), ev.status);
    // Back after an outage: refetch everything of this context once.
    if (was && !was.connected && ev.status.connected) refreshAfterGap(qc, context);
    return;
  }
  if (ev.type === 'reset') return; // handled by the connection (it reconnects)
  if (ev.type === 'kinds') {
    refetchLater(keys.config(context));
    return;
  }
  if (ev.type === 'reanalyze') {
    // Findings show in the analysis views and as badges on the graph and the overview.
    refetchLater(keys.analysis(context));
    refetchLater(keys.graph(context));
    refetchLater(keys.overview(context));
    return;
  }
  qc.setQueryData<ConfigListResponse>(keys.config(context), (old) => (old ? applyToConfigList(old, ev) : old));
  const { group, plural } = parseTypeKey(ev.typeKey);
  // Open resources, in whichever version each view asked for.
  const prefix = keys.resourceAnyVersion(context, group, plural, ev.object.metadata.namespace ?? '-', ev.object.metadata.name);
  for (const [key, data] of qc.getQueriesData<ResourceResponse>({ queryKey: prefix })) {
    if (!data) continue;
    const next = applyToObject(data.object, ev);
    if (next === undefined) void qc.invalidateQueries({ queryKey: key });
    else if (next !== 'unchanged') qc.setQueryData<ResourceResponse>(key, { object: next });
  }
  refetchLater(keys.overview(context));
  refetchLater(keys.graph(context));
  refetchLater(keys.analysis(context));
}

export function useLiveEvents(context: string | undefined): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!context) return;
    const pending = new Map<string, readonly unknown[]>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refetchLater = (key: readonly unknown[]) => {
      pending.set(JSON.stringify(key), key);
      if (!timer)
        timer = setTimeout(() => {
          timer = null;
          for (const k of pending.values()) void qc.invalidateQueries({ queryKey: k });
          pending.clear();
        }, 300);
    };
    setState({ stream: 'connecting', cluster: undefined, resync: undefined });
    let es: EventSource | null = null;
    let closed = false;
    let resyncTimer: ReturnType<typeof setTimeout> | null = null;
    const connect = (afterReset: boolean) => {
      const source = new EventSource(apiUrl('/api/events', context));
      es = source;
      let wasOpen = afterReset;
      source.onopen = () => {
        setState({ stream: 'open' });
        // Reconnected after our server went away or cut us off: what we hold may be stale.
        if (wasOpen) refreshAfterGap(qc, context);
        wasOpen = true;
      };
      source.onerror = () => setState({ stream: source.readyState === EventSource.CLOSED ? 'closed' : 'connecting' });
      source.onmessage = (m) => {
        let ev: ServerEvent;
        try {
          ev = JSON.parse(m.data as string) as ServerEvent;
        } catch {
          return; // a malformed event must not break the stream
        }
        if (ev.type === 'reset') {
          // We fell behind and the server dropped changes meant for us: reconnect, then
          // reload everything of the context (on open), and say so.
          source.close();
          setState({ stream: 'connecting', resync: { reason: ev.reason, at: new Date().toISOString() } });
          resyncTimer = setTimeout(() => {
            resyncTimer = null;
            if (!closed) connect(true);
          }, 500);
          // The notice stays long enough to be read, then goes.
          const at = state.resync?.at;
          setTimeout(() => {
            if (state.resync?.at === at) setState({ resync: undefined });
          }, 20_000);
          return;
        }
        try {
          applyEvent(qc, context, ev, refetchLater);
        } catch {
          /* one bad event must not break the stream */
        }
      };
    };
    connect(false);
    return () => {
      closed = true;
      es?.close();
      if (timer) clearTimeout(timer);
      if (resyncTimer) clearTimeout(resyncTimer);
    };
  }, [context, qc]);
}
