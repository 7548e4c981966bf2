'use client';
/**
 * The view's context and namespace live in the URL (?context=&ns=), so a link shows
 * a teammate the same thing. Without ?context= the server's default context is used.
 */
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';
import { contextsQuery } from './queries';

export function useSelectedContext(): { context: string | undefined; setContext: (c: string) => void } {
  const params = useSearchParams();
  const { data } = useQuery(contextsQuery());
  const fromUrl = params.get('context') ?? undefined;
  const context = fromUrl ?? data?.current;
  const update = useUpdateParams();
  return { context, setContext: useCallback((c: string) => update({ context: c, ns: undefined }), [update]) };
}

export function useSelectedNamespace(): { namespace: string | undefined; setNamespace: (ns: string | undefined) => void } {
  const params = useSearchParams();
  const update = useUpdateParams();
  return { namespace: params.get('ns') || undefined, setNamespace: useCallback((ns: string | undefined) => update({ ns }), [update]) };
}

/**
 * The query last asked for with router.replace, until the URL shows it. Two updates in a
 * row (pick a namespace, then type a filter) must not start the second from the URL the
 * first has not replaced yet: on a busy machine the navigation lands later, and the second
 * update would undo the first.
 */
let pendingQuery: { pathname: string; qs: string; at: number } | undefined;
/** A navigation not shown after this long was overtaken (back button, a link): forget it. */
const PENDING_MS = 10_000;

export function useUpdateParams(): (changes: Record<string, string | undefined>) => void {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  if (pendingQuery && (pendingQuery.pathname !== pathname || pendingQuery.qs === params.toString() || Date.now() - pendingQuery.at > PENDING_MS))
    pendingQuery = undefined;
  return useCallback(
    (changes: Record<string, string | undefined>) => {
      const base = pendingQuery && pendingQuery.pathname === pathname && Date.now() - pendingQuery.at <= PENDING_MS ? pendingQuery.qs : params.toString();
      const p = new URLSearchParams(base);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') p.delete(k);
        else p.set(k, v);
      }
      const qs = p.toString();
      pendingQuery = { pathname, qs, at: Date.now() };
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname, params],
  );
}

/** Carry context and namespace over to links between pages. */
export function useLinkParams(): (href: string, extra?: Record<string, string | undefined>) => string {
  const params = useSearchParams();
  return useCallback(
    (href: string, extra: Record<string, string | undefined> = {}) => {
      const p = new URLSearchParams();
      const ctx = params.get('context');
      const ns = params.get('ns');
      if (ctx) p.set('context', ctx);
      if (ns) p.set('ns', ns);
      for (const [k, v] of Object.entries(extra)) {
        if (v === undefined || v === '') p.delete(k);
        else p.set(k, v);
      }
      const qs = p.toString();
      return qs ? `${href}${href.includes('?') ? '&' : '?'}${qs}` : href;
    },
    [params],
  );
}
