/**
 * A finding is what every check produces: schema validation, cross-resource analysis,
 * removed APIs. The editor turns findings into markers (path -> range through
 * yaml.ts), the graph into badges, the CLI into lines or JSON.
 */
export type FindingLevel = 'Error' | 'Warning' | 'Info';

export interface Finding {
  /** IST0101-style code where istioctl analyze has the same check, MB0001-style for Meshboard's own. */
  code: string;
  level: FindingLevel;
  message: string;
  /** "Kind namespace/name" (or "Kind name"), as istioctl prints it. */
  resource: string;
  /** Field path inside the resource, e.g. "spec/http[0]/route[1]/destination/subset". */
  path?: string;
}

export const LEVEL_ORDER: Record<FindingLevel, number> = { Error: 0, Warning: 1, Info: 2 };

/** Plain code-unit order (as istioctl sorts): no locale collation, which is slow to set up and varies by locale. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
    cmp(a.resource, b.resource) ||
    cmp(a.code, b.code) ||
    cmp(a.path ?? '', b.path ?? '') ||
    cmp(a.message, b.message)
  );
}

/** "Kind ns/name" or "Kind name" back into its parts. */
export function parseResourceName(resource: string): { kind: string; namespace?: string; name: string } | undefined {
  const m = /^(\S+) (?:([^/\s]+)\/)?(\S+)$/.exec(resource.trim());
  if (!m) return undefined;
  return { kind: m[1]!, namespace: m[2], name: m[3]! };
}

export interface FindingCounts {
  Error: number;
  Warning: number;
  Info: number;
}

/** Counts per resource ("Kind ns/name"). */
export function countByResource(findings: readonly Finding[]): Map<string, FindingCounts> {
  const m = new Map<string, FindingCounts>();
  for (const f of findings) {
    let c = m.get(f.resource);
    if (!c) m.set(f.resource, (c = { Error: 0, Warning: 0, Info: 0 }));
    c[f.level]++;
  }
  return m;
}

/** Findings grouped by namespace (other cluster-scoped resources under ""), then by level, sorted. */
export function groupByNamespace(findings: readonly Finding[]): Array<{ namespace: string; byLevel: Record<FindingLevel, Finding[]> }> {
  const m = new Map<string, Record<FindingLevel, Finding[]>>();
  for (const f of [...findings].sort(compareFindings)) {
    const r = parseResourceName(f.resource);
    // A Namespace's own findings belong with the namespace.
    const ns = r?.kind === 'Namespace' ? r.name : (r?.namespace ?? '');
    let g = m.get(ns);
    if (!g) m.set(ns, (g = { Error: [], Warning: [], Info: [] }));
    g[f.level].push(f);
  }
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, byLevel]) => ({ namespace, byLevel }));
}
