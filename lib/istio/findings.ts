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

export function compareFindings(a: Finding, b: Finding): number {
  return LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.resource.localeCompare(b.resource) || a.code.localeCompare(b.code) || (a.path ?? '').localeCompare(b.path ?? '');
}
