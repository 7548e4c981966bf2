'use client';
/**
 * Light / dark theme. The choice ('system', 'light' or 'dark') is kept in localStorage;
 * the effective theme is `data-theme` on <html>, set before the first paint by
 * THEME_BOOT_SCRIPT (no flash) and kept in step with prefers-color-scheme while the
 * choice is 'system'. CSS variables in app/globals.css do the rest; Monaco and the
 * graph's canvas read the effective theme with useTheme().
 */
import { useCallback, useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';
export const THEME_KEY = 'meshboard-theme';

/** Inline in <head>: runs before the body paints. Kept tiny and dependency-free. */
export const THEME_BOOT_SCRIPT = `(function(){try{var c=localStorage.getItem('${THEME_KEY}');var m=window.matchMedia('(prefers-color-scheme: dark)');var a=function(){var ch=localStorage.getItem('${THEME_KEY}');document.documentElement.dataset.theme=ch==='light'||ch==='dark'?ch:(m.matches?'dark':'light')};a();m.addEventListener('change',a);window.__meshboardTheme=a;}catch(e){document.documentElement.dataset.theme='light'}})();`;

declare global {
  interface Window {
    __meshboardTheme?: () => void;
  }
}

function subscribeTheme(cb: () => void): () => void {
  const mo = new MutationObserver(cb);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  window.addEventListener('storage', cb);
  return () => {
    mo.disconnect();
    window.removeEventListener('storage', cb);
  };
}

const readTheme = (): Theme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');
const readChoice = (): ThemeChoice => {
  try {
    const c = localStorage.getItem(THEME_KEY);
    return c === 'light' || c === 'dark' ? c : 'system';
  } catch {
    return 'system';
  }
};

/** The effective theme ('light' on the server). */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribeTheme, readTheme, () => 'light');
}

export function useThemeChoice(): [ThemeChoice, (c: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribeTheme, readChoice, () => 'system' as ThemeChoice);
  const set = useCallback((c: ThemeChoice) => {
    try {
      if (c === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, c);
    } catch {
      /* storage off: the choice lasts for this page only */
    }
    if (window.__meshboardTheme) window.__meshboardTheme();
    else document.documentElement.dataset.theme = c === 'system' ? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : c;
  }, []);
  return [choice, set];
}

/** A CSS variable's current value (for canvas drawing, which cannot use var()). */
export function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
