/**
 * What a form will change, in words: each write's resource, action and the field paths
 * that differ. Without YAML (preview.ts adds the text): the form shows this list at once,
 * and loads the YAML serializer for the preview below it. Pure.
 */
import { friendlyName, resourceId } from '../resources';
import { startFrom } from './objects';
import { changedPaths, type FormWrite } from './writes';

export interface WriteSummary {
  /** resourceId(): "group/Kind/namespace/name". */
  id: string;
  /** "Kind namespace/name". */
  title: string;
  action: FormWrite['action'];
  /** Field paths that change ("spec/http[0]/route"); ["/"] for a new object. */
  changed: string[];
}

export function summarizeWrite(w: FormWrite): WriteSummary {
  const base = w.base ? startFrom(w.base) : undefined;
  return { id: resourceId(w.object), title: friendlyName(w.object), action: w.action, changed: base ? changedPaths(base, w.object) : ['/'] };
}
