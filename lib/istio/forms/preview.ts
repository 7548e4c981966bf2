/**
 * What a form will change, for the read-only preview and the diff: each write as YAML
 * before (the live object, without server-owned fields) and after, with the field paths
 * that differ. Pure.
 */
import { toYaml, toYamlStream } from '../yaml';
import { startFrom } from './objects';
import { summarizeWrite, type WriteSummary } from './summary';
import type { BuildResult, FormWrite } from './writes';

export interface WritePreview extends WriteSummary {
  /** YAML of the live object (absent for create). */
  before?: string;
  /** YAML of what will be sent. */
  after: string;
}

export function previewWrite(w: FormWrite): WritePreview {
  const base = w.base ? startFrom(w.base) : undefined;
  return { ...summarizeWrite(w), ...(base ? { before: toYaml(base) } : {}), after: toYaml(w.object) };
}

export function previewWrites(result: Pick<BuildResult, 'writes'>): WritePreview[] {
  return result.writes.map(previewWrite);
}

/** All objects the form writes, as one multi-document YAML stream (the read-only preview). */
export function previewYaml(result: Pick<BuildResult, 'writes'>): string {
  return toYamlStream(result.writes.map((w) => w.object));
}
