'use client';
/**
 * View state the node and edge components read without going through their data
 * (so a zoom step or a search does not recreate thousands of node objects): level of
 * detail, find matches, whether telemetry is shown. Each component subscribes to the
 * one value it needs, so only those whose value changed re-render.
 */
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';

export type Detail = 'full' | 'low' | 'min';

/** Zoom thresholds: below LOW_ZOOM no edge labels or badges; below MIN_ZOOM nodes are plain blocks. */
export const LOW_ZOOM = 0.4;
export const MIN_ZOOM = 0.22;

export function detailFor(zoom: number): Detail {
  return zoom < MIN_ZOOM ? 'min' : zoom < LOW_ZOOM ? 'low' : 'full';
}

export interface CanvasViewState {
  detail: Detail;
  /** Ids matching the find box (empty: no search). */
  matches: ReadonlySet<string>;
  /** Prometheus data is merged, so "no traffic" means something. */
  telemetry: boolean;
}

export class CanvasStore {
  private state: CanvasViewState = { detail: 'full', matches: new Set(), telemetry: false };
  private readonly listeners = new Set<() => void>();

  get = (): CanvasViewState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  set(patch: Partial<CanvasViewState>): void {
    const next = { ...this.state, ...patch };
    if (next.detail === this.state.detail && next.matches === this.state.matches && next.telemetry === this.state.telemetry) return;
    this.state = next;
    for (const l of this.listeners) l();
  }
}

export const CanvasStoreContext = createContext<CanvasStore | null>(null);

function useCanvasValue<T>(select: (s: CanvasViewState) => T): T {
  const store = useContext(CanvasStoreContext);
  const get = useCallback(() => select(store ? store.get() : { detail: 'full', matches: new Set(), telemetry: false }), [store, select]);
  return useSyncExternalStore(store ? store.subscribe : noopSubscribe, get, get);
}

const noopSubscribe = () => () => {};
const selectDetail = (s: CanvasViewState) => s.detail;
const selectTelemetry = (s: CanvasViewState) => s.telemetry;

export const useDetail = (): Detail => useCanvasValue(selectDetail);
export const useTelemetry = (): boolean => useCanvasValue(selectTelemetry);

/** 'match' when the find box matches this node, 'dim' when it matches others, undefined without a search. */
export function useFindState(id: string): 'match' | 'dim' | undefined {
  const select = useCallback((s: CanvasViewState) => (s.matches.size === 0 ? undefined : s.matches.has(id) ? 'match' : 'dim'), [id]);
  return useCanvasValue(select);
}
