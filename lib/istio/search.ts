/** The global search (Ctrl/Cmd-K): entries from what the console knows, and ranking by a typed query. Pure. */

export type SearchKind = 'resource' | 'namespace' | 'service' | 'workload' | 'finding' | 'form';

export interface SearchEntry {
  kind: SearchKind;
  /** What is matched first and shown in bold. */
  title: string;
  /** Shown after the title; matched too (namespace, kind, finding text). */
  detail: string;
  /** Where Enter goes (path and query, without context/namespace). */
  href: string;
}

export const SEARCH_KIND_LABEL: Record<SearchKind, string> = {
  resource: 'Istio config',
  namespace: 'Namespace',
  service: 'Service',
  workload: 'Workload',
  finding: 'Finding',
  form: 'Mesh task',
};

/**
 * Score of one entry for a query: every space-separated term must occur in the title
 * or the detail. Title prefix beats title substring beats a match in the detail only;
 * shorter titles first. Undefined when the entry does not match.
 */
export function scoreEntry(e: SearchEntry, terms: readonly string[]): number | undefined {
  const title = e.title.toLowerCase();
  const detail = e.detail.toLowerCase();
  let score = 0;
  for (const t of terms) {
    const at = title.indexOf(t);
    if (at === 0) score += 300;
    else if (at > 0) score += title[at - 1] === '-' || title[at - 1] === '.' || title[at - 1] === '/' ? 200 : 100;
    else if (detail.includes(t)) score += 10;
    else return undefined;
  }
  return score - Math.min(title.length, 99) / 100;
}

export function searchEntries(entries: readonly SearchEntry[], query: string, limit = 50): SearchEntry[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return entries.slice(0, limit);
  const hits: Array<{ e: SearchEntry; s: number; i: number }> = [];
  entries.forEach((e, i) => {
    const s = scoreEntry(e, terms);
    if (s !== undefined) hits.push({ e, s, i });
  });
  hits.sort((a, b) => b.s - a.s || a.i - b.i);
  return hits.slice(0, limit).map((h) => h.e);
}
