/**
 * The editor's save as plain data (components/editor/EditorWorkbench), like the forms'
 * apply phases: what the user is doing (editing, reviewing a dry run, resolving a
 * conflict), what is in flight, and what the last write told us. Pure; the write itself
 * is lib/client/resourceWrite.ts.
 *
 *  - Any edit of the text voids a review and the server's earlier complaints.
 *  - A write refused with 409 (changed meanwhile) or 404 on a replace (deleted meanwhile)
 *    is a conflict with three panes, never an overwrite.
 *  - A write refused with 400/422 maps the server's causes to lines.
 *  - A write without an answer that says it was refused (network, the API server
 *    unreachable or timing out) has an unknown outcome: the change may have been
 *    stored. The editor says so and asks to reload before applying again, so nothing is
 *    applied twice on top of itself.
 */
import type { K8sObject } from '../types';
import { threeWayMerge, type MergeConflict } from './merge';
import type { EditorProblem } from './validate';

export interface EditorBase {
  resourceVersion: string;
  text: string;
}

export type EditorPhase =
  | { kind: 'edit' }
  | { kind: 'review'; original: string; modified: string; warnings: string[] }
  | { kind: 'conflict'; current?: K8sObject; mineText: string; conflicts: MergeConflict[] };

export interface EditorSession {
  text: string;
  base: EditorBase;
  phase: EditorPhase;
  busy: '' | 'review' | 'apply';
  notice: string;
  /** Problems the API server reported for the text (400/422 causes), on their lines. */
  serverProblems: EditorProblem[];
  /** The last refused (or unanswered) write, shown while editing. */
  serverError: unknown;
  /** The last apply got no answer: it may or may not have been stored. */
  outcomeUnknown: boolean;
}

/** How a failed write reads, decided by the caller from the HTTP error (lib/client/resourceWrite.ts). */
export type WriteFailure =
  | { kind: 'conflict'; current?: K8sObject }
  | { kind: 'invalid'; problems: EditorProblem[]; error: unknown }
  | { kind: 'unknown'; error: unknown }
  | { kind: 'refused'; error: unknown };

export type EditorAction =
  | { type: 'typed'; text: string }
  | { type: 'review-started' }
  | { type: 'reviewed'; original: string; modified: string; warnings: string[] }
  | { type: 'back-to-editing' }
  | { type: 'apply-started' }
  | { type: 'applied'; object: K8sObject; text: string; notice: string }
  | { type: 'write-failed'; step: 'review' | 'apply'; failure: WriteFailure; parse: (text: string) => K8sObject | undefined }
  | { type: 'carry-over'; parse: (text: string) => K8sObject | undefined; editText: (o: K8sObject) => string }
  | { type: 'take-current'; editText: (o: K8sObject) => string }
  | { type: 'restore-draft'; text: string; base?: EditorBase }
  | { type: 'replace-text'; text: string; notice?: string };

export function initialSession(text: string, resourceVersion: string): EditorSession {
  return { text, base: { resourceVersion, text }, phase: { kind: 'edit' }, busy: '', notice: '', serverProblems: [], serverError: null, outcomeUnknown: false };
}

/** What the editor says after an apply without an answer. */
export function unknownOutcomeMessage(isEdit: boolean): string {
  return isEdit
    ? 'No answer from the API server about this change: it may or may not have been stored. Applying again is safe: the write carries the resourceVersion your edit started from, so if the change was stored the API server refuses a second one and shows you what is live.'
    : 'No answer from the API server about this create: the resource may or may not exist now. Creating again is safe: if it was created, the API server answers that it already exists.';
}

function edited(s: EditorSession, text: string): EditorSession {
  if (text === s.text) return s;
  return { ...s, text, serverProblems: [], serverError: null, phase: s.phase.kind === 'review' ? { kind: 'edit' } : s.phase };
}

export function editorSession(s: EditorSession, a: EditorAction): EditorSession {
  switch (a.type) {
    case 'typed':
      return edited(s, a.text);
    case 'replace-text':
      return { ...edited(s, a.text), ...(a.notice !== undefined ? { notice: a.notice } : {}) };
    case 'restore-draft':
      return { ...edited(s, a.text), ...(a.base ? { base: a.base } : {}) };
    case 'review-started':
      return { ...s, busy: 'review', notice: '' };
    case 'reviewed':
      return { ...s, busy: '', phase: { kind: 'review', original: a.original, modified: a.modified, warnings: a.warnings } };
    case 'back-to-editing':
      return { ...s, phase: { kind: 'edit' } };
    case 'apply-started':
      return { ...s, busy: 'apply', outcomeUnknown: false };
    case 'applied':
      return {
        ...s,
        busy: '',
        text: a.text,
        base: { resourceVersion: a.object.metadata.resourceVersion ?? '', text: a.text },
        phase: { kind: 'edit' },
        notice: a.notice,
        serverProblems: [],
        serverError: null,
        outcomeUnknown: false,
      };
    case 'write-failed': {
      const f = a.failure;
      const idle = { ...s, busy: '' as const };
      if (f.kind === 'conflict') {
        const mine = a.parse(s.text);
        const baseObj = a.parse(s.base.text);
        const conflicts = f.current && mine && baseObj ? threeWayMerge(baseObj, f.current, mine).conflicts : [];
        return { ...idle, phase: { kind: 'conflict', current: f.current, mineText: s.text, conflicts } };
      }
      const phase = a.step === 'apply' ? ({ kind: 'edit' } as const) : s.phase;
      if (f.kind === 'invalid') return { ...idle, phase, serverProblems: f.problems, serverError: f.error };
      if (f.kind === 'unknown' && a.step === 'apply') return { ...idle, phase, serverError: f.error, outcomeUnknown: true, notice: '' };
      return { ...idle, phase, serverError: f.error };
    }
    case 'carry-over': {
      if (s.phase.kind !== 'conflict' || !s.phase.current) return s;
      const mine = a.parse(s.phase.mineText);
      const baseObj = a.parse(s.base.text);
      if (!mine || !baseObj) return s;
      const current = s.phase.current;
      const currentText = a.editText(current);
      const { merged } = threeWayMerge(baseObj, a.parse(currentText)!, mine);
      return {
        ...s,
        base: { resourceVersion: current.metadata.resourceVersion ?? '', text: currentText },
        text: a.editText(merged),
        phase: { kind: 'edit' },
        serverProblems: [],
        serverError: null,
        notice: `Your change now sits on top of resourceVersion ${current.metadata.resourceVersion}. Review and apply again.`,
      };
    }
    case 'take-current': {
      if (s.phase.kind !== 'conflict') return s;
      const current = s.phase.current;
      const next = current ? { base: { resourceVersion: current.metadata.resourceVersion ?? '', text: a.editText(current) }, text: a.editText(current) } : {};
      return { ...s, ...next, phase: { kind: 'edit' }, serverProblems: [], serverError: null };
    }
  }
}
