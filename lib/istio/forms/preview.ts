/**
 * What a form will change, for the read-only preview and the diff: each write as YAML
 * before (the live object, without server-owned fields) and after, with the field paths
 * that differ. Pure.
 */
import { friendlyName, resourceId } from '../resources';
import { toYaml, toYamlStream } from '../yaml';
import { startFrom } from './objects';
import { changedPaths, type BuildResult, type FormWrite } from './writes';

export interface WritePreview {
  /** resourceId(): "group/Kind/namespace/name". */
  id: string;
  /** "Kind namespace/name". */
  title: string;
  action: FormWrite['action'];
  /** YAML of the live object (absent for create). */
  before?: string;
  /** YAML of what will be sent. */
  after: string;
  /** Field paths that change ("spec/http[0]/route"); ["/"] for a new object. */
  changed: string[];
}

export function previewWrite(w: FormWrite): WritePreview {
  const base = w.base ? startFrom(w.base) : undefined;
  return {
    id: resourceId(w.object),
    title: friendlyName(w.object),
    action: w.action,
    ...(base ? { before: toYaml(base) } : {}),
    after: toYaml(w.object),
    changed: base ? changedPaths(base, w.object) : ['/'],
  };
}

export function previewWrites(result: Pick<BuildResult, 'writes'>): WritePreview[] {
  return result.writes.map(previewWrite);
}

/** All objects the form writes, as one multi-document YAML stream (the read-only preview). */
export function previewYaml(result: Pick<BuildResult, 'writes'>): string {
  return toYamlStream(result.writes.map((w) => w.object));
}
