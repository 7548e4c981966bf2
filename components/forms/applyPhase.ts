/**
 * The states of a form's dry run and apply (components/forms/ApplyFlow), as plain data so
 * the rules can be tested without a browser:
 *
 *  - a dry run, its review and its failure belong to the exact writes that were sent
 *    (with their fingerprint); once the form's writes differ, they are void — Apply can
 *    only ever send writes the API server accepted in a dry run, and a review never pairs
 *    old results with new writes;
 *  - an apply (in flight or failed) is never void: its writes were sent;
 *  - while a dry run or an apply is in flight, during the review and after a failed apply,
 *    the form's inputs are locked.
 */
import type { FormWrite } from '@/lib/istio/forms/writes';
import type { K8sObject } from '@/lib/istio/types';

export interface AppliedWrite {
  action: FormWrite['action'];
  title: string;
  href?: string;
  resourceVersion?: string;
}

export type Step = 'dry-run' | 'apply';

/** What was sent (or is being sent): the writes and their fingerprint. */
export interface Batch {
  writes: readonly FormWrite[];
  fingerprint: string;
}

export type Phase =
  | { kind: 'edit'; /** Why an earlier dry run was dropped, if one was. */ notice?: string }
  | ({ kind: 'busy'; step: Step; index: number } & Batch)
  | ({ kind: 'review'; results: K8sObject[] } & Batch)
  | ({ kind: 'failed'; step: Step; index: number; error: unknown; done: AppliedWrite[] } & Batch);

/** Identity of a list of writes: what is sent, in order (resourceVersions included). */
export function writesFingerprint(writes: readonly FormWrite[]): string {
  return JSON.stringify(writes.map((w) => [w.action, w.object]));
}

/** Is this phase about a dry run of writes other than the form's current ones? */
export function isVoid(phase: Phase, fingerprint: string): boolean {
  if (phase.kind === 'edit') return false;
  if ((phase.kind === 'busy' || phase.kind === 'failed') && phase.step === 'apply') return false;
  return phase.fingerprint !== fingerprint;
}

export const STALE_DRY_RUN = 'What the form would write changed during the dry run, so its result was dropped. Run the dry run again.';

/**
 * The phase as the form shows it now: a void dry run shows as editing (saying why when a
 * dry run in flight or under review was dropped), and its result is never offered for apply.
 */
export function currentPhase(phase: Phase, fingerprint: string): Phase {
  if (!isVoid(phase, fingerprint)) return phase;
  return phase.kind === 'failed' ? { kind: 'edit' } : { kind: 'edit', notice: STALE_DRY_RUN };
}

export type Lock = 'open' | 'locked' | 'busy';

/**
 * Whether the form's inputs (and its target pickers) can change: open while editing or
 * after a refused dry run; locked during the review and after a failed apply (reload the
 * form); busy while requests are in flight.
 */
export function lockOf(phase: Phase): Lock {
  if (phase.kind === 'busy') return 'busy';
  if (phase.kind === 'review') return 'locked';
  if (phase.kind === 'failed' && phase.step === 'apply') return 'locked';
  return 'open';
}
