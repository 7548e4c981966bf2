'use client';
/**
 * Windowing for long tables with rows of one fixed height: only the rows in the
 * scroll container's view (plus an overscan) are rendered, with spacer rows above and
 * below so the scrollbar is right. Lists up to `threshold` rows render every row
 * (find-in-page and screen readers' table navigation then see all of them).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface RowWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
  windowed: boolean;
}

export function computeWindow(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan: number, threshold: number): RowWindow {
  if (count <= threshold) return { start: 0, end: count, padTop: 0, padBottom: 0, windowed: false };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { start: first, end: last, padTop: first * rowHeight, padBottom: (count - last) * rowHeight, windowed: true };
}

export function useWindowedRows(count: number, opts: { rowHeight: number; overscan?: number; threshold?: number; headerHeight?: number }) {
  const { rowHeight, overscan = 12, threshold = 200, headerHeight = 0 } = opts;
  const ref = useRef<HTMLDivElement | null>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(read);
    };
    read();
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(onScroll);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);
  const win = computeWindow(count, rowHeight, Math.max(0, view.top - headerHeight), view.height, overscan, threshold);

  /** Scroll so that row `index` is in view (keyboard navigation). */
  const scrollToRow = useCallback(
    (index: number) => {
      const el = ref.current;
      if (!el) return;
      const top = headerHeight + index * rowHeight;
      if (top < el.scrollTop + headerHeight) el.scrollTop = top - headerHeight;
      else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    },
    [rowHeight, headerHeight],
  );
  return { ref, ...win, scrollToRow };
}

/** Focus something after the render that mounts it: set the target, the effect runs the focus. */
export function usePendingFocus(): (find: () => HTMLElement | null | undefined) => void {
  const pending = useRef<(() => HTMLElement | null | undefined) | null>(null);
  const [, setTick] = useState(0);
  useEffect(() => {
    const f = pending.current;
    if (!f) return;
    const el = f();
    if (el) {
      pending.current = null;
      el.focus({ preventScroll: true });
    }
  });
  return useCallback((find) => {
    pending.current = find;
    setTick((t) => t + 1);
  }, []);
}
