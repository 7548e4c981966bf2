'use client';
/**
 * Unsaved edits, kept in the browser per context and resource, so a reload or a
 * crash loses nothing. A draft remembers the resourceVersion it was based on.
 */
export interface Draft {
  text: string;
  /** resourceVersion the edit started from ('' for a new resource). */
  baseResourceVersion: string;
  /** YAML of the version the edit started from (for the conflict view). */
  baseText: string;
  savedAt: string;
}

const PREFIX = 'meshboard:draft:';

export function draftKey(context: string, resource: string): string {
  return `${PREFIX}${context}:${resource}`;
}

export function loadDraft(key: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(key);
    if (!raw) return null;
    const d = JSON.parse(raw) as Draft;
    return typeof d.text === 'string' ? d : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, d: Omit<Draft, 'savedAt'>): void {
  try {
    window.localStorage.setItem(key, JSON.stringify({ ...d, savedAt: new Date().toISOString() }));
  } catch {
    /* storage full or disabled: editing still works */
  }
}

export function clearDraft(key: string): void {
  try {
    window.localStorage.removeItem(key);
  } catch {
    /* ignore */
  }
}
