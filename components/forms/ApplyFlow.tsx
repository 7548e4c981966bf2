'use client';
/**
 * The one way a form writes: what it will write as read-only YAML (updated as you type)
 * -> a server-side dry run of every write -> the diff of each against what is live ->
 * apply, in order. The form's inputs (its children here) are locked from the dry run on:
 * the review holds the exact writes that were dry-run, and Apply sends those, never
 * anything edited meanwhile (applyPhase). A replace carries the resourceVersion the form
 * was opened with, so a change made meanwhile is a 409: the user is told to reload the
 * form, nothing is overwritten. When a write fails after others succeeded, the flow says
 * exactly which; when the answer never came, it says the outcome is unknown.
 */
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError } from '@/lib/client/api';
import { createObject, replaceObject } from '@/lib/client/mutations';
import { kindsQuery } from '@/lib/client/queries';
import { useLinkParams } from '@/lib/client/selection';
import type { KindSummary } from '@/lib/contracts/api';
import type { BuildResult, FormWrite } from '@/lib/istio/forms/writes';
import { summarizeWrite } from '@/lib/istio/forms/summary';
import { friendlyName } from '@/lib/istio/resources';
import type { K8sObject } from '@/lib/istio/types';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { ProposeButton } from '@/components/proposals/ProposeButton';
import { resourcePageHref as resourceHref } from '@/lib/istio/address';
import { notSent, outcomeUnknown } from '@/lib/client/writeOutcome';
import { SlowNotice } from '@/components/ui/SlowNotice';
import { currentPhase, isVoid, lockOf, writesFingerprint, type AppliedWrite, type Phase } from './applyPhase';
import { useFormLock } from './lock';
import s from './forms.module.css';
import { typeOfObject } from './catalog';

export type { AppliedWrite } from './applyPhase';

const YamlDiff = dynamic(() => import('@/components/editor/MonacoYamlEditor').then((m) => m.YamlDiff), {
  ssr: false,
  loading: () => <div className="empty">Loading diff…</div>,
});

function hrefOf(o: K8sObject, kinds: readonly KindSummary[]): string | undefined {
  const t = typeOfObject(o, kinds);
  return t ? resourceHref({ ...t, namespace: o.metadata.namespace, name: o.metadata.name }) : undefined;
}

type YamlText = typeof import('./yamlText');

/** The YAML module (./yamlText), loaded the first time `needed` is true; undefined until it is there. */
function useYamlText(needed: boolean): YamlText | undefined {
  const [mod, setMod] = useState<YamlText | undefined>(undefined);
  useEffect(() => {
    if (!needed || mod) return;
    let live = true;
    void import('./yamlText').then((m) => live && setMod(m));
    return () => {
      live = false;
    };
  }, [needed, mod]);
  return mod;
}

function isConflict(e: unknown): e is ApiRequestError {
  return e instanceof ApiRequestError && e.status === 409;
}

export interface ApplyFlowProps {
  context: string;
  result: BuildResult;
  /** Called after every write succeeded (the page refreshes its snapshot and shows the summary). */
  onApplied: (applied: AppliedWrite[]) => void;
  /** Start again from what is live now. */
  onReload: () => void;
  /** The form's inputs: locked from the dry run until the user goes back to editing. */
  children?: React.ReactNode;
  /** Read-only parts shown below the inputs (previews): never locked. */
  readOnly?: React.ReactNode;
}

export function ApplyFlow({ context, result, onApplied, onReload, children, readOnly }: ApplyFlowProps) {
  const link = useLinkParams();
  const kindsQ = useQuery(kindsQuery(context));
  const kinds = useMemo(() => kindsQ.data?.kinds ?? [], [kindsQ.data]);
  const [stored, setPhase] = useState<Phase>({ kind: 'edit' });
  /** Bumped by every dry run and by going back to editing: an older run's answers are dropped. */
  const run = useRef(0);
  const { warnings, errors } = result;
  const fingerprint = useMemo(() => writesFingerprint(result.writes), [result.writes]);
  const phase = currentPhase(stored, fingerprint);
  // While a dry run is in flight or reviewed, what is shown is what was sent.
  const writes: readonly FormWrite[] = phase.kind === 'edit' ? result.writes : phase.writes;
  const invalid = phase.kind === 'edit' && errors.length > 0;
  const previews = useMemo(() => writes.map(summarizeWrite), [writes]);
  const yamlText = useYamlText(!invalid && writes.length > 0);
  const yaml = useMemo(() => yamlText?.readingYaml(writes.map((w) => w.object)), [yamlText, writes]);
  const versions = writes.filter((w) => w.action === 'replace').map((w) => `${friendlyName(w.object)} ${w.object.metadata.resourceVersion ?? '?'}`);
  const lock = lockOf(phase);
  const { setLock } = useFormLock();

  useEffect(() => setLock(lock), [lock, setLock]);
  useEffect(() => () => setLock('open'), [setLock]);
  // A dry run of writes the form no longer has is over: its late answers are dropped.
  useEffect(() => {
    if (isVoid(stored, fingerprint)) {
      run.current++;
      setPhase(currentPhase(stored, fingerprint));
    }
  }, [stored, fingerprint]);

  const send = (w: FormWrite, dryRun: boolean) => {
    const t = typeOfObject(w.object, kinds);
    if (!t) {
      return Promise.reject(
        new ApiRequestError({ status: 400, reason: 'BadRequest', message: `The cluster does not serve ${w.object.apiVersion} ${w.object.kind}.` }),
      );
    }
    const ns = w.object.metadata.namespace;
    return w.action === 'create'
      ? createObject(context, t, ns, w.object, { dryRun })
      : replaceObject(context, t, ns, w.object.metadata.name, w.object, { dryRun });
  };

  const dryRun = async () => {
    const id = ++run.current;
    const batch = { writes: result.writes, fingerprint };
    const results: K8sObject[] = [];
    for (let i = 0; i < batch.writes.length; i++) {
      setPhase({ kind: 'busy', step: 'dry-run', index: i, ...batch });
      try {
        const out = (await send(batch.writes[i]!, true)).object;
        if (run.current !== id) return;
        results.push(out);
      } catch (error) {
        if (run.current !== id) return;
        setPhase({ kind: 'failed', step: 'dry-run', index: i, error, done: [], ...batch });
        return;
      }
    }
    setPhase({ kind: 'review', results, ...batch });
  };

  const backToEditing = () => {
    run.current++;
    setPhase({ kind: 'edit' });
  };

  const apply = () => {
    if (phase.kind !== 'review') return;
    // Exactly the writes the API server accepted in the dry run.
    void applyFrom({ writes: phase.writes, fingerprint: phase.fingerprint }, 0, []);
  };

  // A write that was not sent (the API server could not be reached): nothing of it
  // changed, so sending it again (and the ones after it) is safe.
  const retryNotSent = () => {
    if (phase.kind !== 'failed' || phase.step !== 'apply' || !notSent(phase.error)) return;
    void applyFrom({ writes: phase.writes, fingerprint: phase.fingerprint }, phase.index, [...phase.done]);
  };

  const applyFrom = async (batch: { writes: readonly FormWrite[]; fingerprint: string }, start: number, done: AppliedWrite[]) => {
    run.current++;
    for (let i = start; i < batch.writes.length; i++) {
      const w = batch.writes[i]!;
      setPhase({ kind: 'busy', step: 'apply', index: i, ...batch });
      try {
        const out = (await send(w, false)).object;
        done.push({ action: w.action, title: friendlyName(out), href: hrefOf(out, kinds), resourceVersion: out.metadata.resourceVersion });
      } catch (error) {
        setPhase({ kind: 'failed', step: 'apply', index: i, error, done, ...batch });
        return;
      }
    }
    setPhase({ kind: 'edit' });
    onApplied(done);
  };

  const busy = phase.kind === 'busy';
  const failedApply = phase.kind === 'failed' && phase.step === 'apply';
  const count = (n: number, one: string, many: string) => (n === 1 ? one : many.replace('#', String(n)));

  return (
    <>
      <fieldset className={s.lock} disabled={lock !== 'open'} data-testid="form-fields">
        {children}
      </fieldset>
      {readOnly}

      <div data-testid="apply-flow">
        {phase.kind === 'edit' && phase.notice && (
          <div className="banner info" role="status" data-testid="dry-run-dropped">
            {phase.notice}
          </div>
        )}
        {invalid && (
          <div className="banner error" data-testid="form-errors">
            <div className="title">{errors.length === 1 ? 'One problem' : `${errors.length} problems`} to fix before anything can be written</div>
            <ul>
              {[...new Set(errors.map((e) => e.message))].map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}

        {warnings.length > 0 && (
          <div className="banner warn" data-testid="form-warnings">
            <div className="title">Before you apply</div>
            <ul>
              {warnings.map((w, i) => (
                <li key={`${w.code}-${i}`} data-code={w.code}>
                  {w.message}
                </li>
              ))}
            </ul>
          </div>
        )}

        <h2>What will be written</h2>
        {invalid ? (
          <div className="empty" data-testid="form-preview-empty">
            Fix the problems above to see what would be written.
          </div>
        ) : writes.length === 0 ? (
          <div className="empty" data-testid="form-preview-empty">
            Nothing to change: what is live already says this.
          </div>
        ) : (
          <>
            <ul className={s.writeList} data-testid="write-summary">
              {previews.map((p) => (
                <li key={p.id} data-action={p.action}>
                  <b>{p.action === 'create' ? 'Create' : 'Update'}</b> {p.title}
                  {p.action === 'replace' && <span className="muted"> — changes {p.changed.join(', ')}</span>}
                </li>
              ))}
            </ul>
            {yaml === undefined ? (
              <div className="empty">Loading the YAML…</div>
            ) : (
              <pre className="yaml" data-testid="form-preview" aria-label="YAML that will be written">
                {yaml}
              </pre>
            )}
            {versions.length > 0 && (
              <div className={s.hint} data-testid="form-preview-versions">
                Updates are sent with the resourceVersion this form started from ({versions.join(', ')}): if someone changes them meanwhile, the API server
                refuses the write instead of losing their change.
              </div>
            )}
          </>
        )}

        <div className="row" style={{ margin: '10px 0' }}>
          <button
            type="button"
            className="primary"
            data-testid="dry-run-button"
            disabled={invalid || writes.length === 0 || (phase.kind !== 'edit' && phase.kind !== 'failed') || failedApply || kindsQ.isLoading}
            onClick={dryRun}
          >
            {busy && phase.step === 'dry-run' ? 'Checking with the API server…' : 'Dry run and review'}
          </button>
          {busy && phase.step === 'dry-run' && (
            <button type="button" onClick={backToEditing} data-testid="cancel-dry-run">
              Cancel
            </button>
          )}
          {phase.kind === 'review' && (
            <>
              <button type="button" className="primary" data-testid="apply-button" onClick={apply}>
                Apply {count(writes.length, 'this change', 'these # changes')}
              </button>
              <ProposeButton
                context={context}
                getChanges={() => phase.writes.map((w) => ({ action: w.action === 'replace' ? 'update' : 'create', object: w.object }))}
              />
              <button type="button" onClick={backToEditing} data-testid="back-to-editing">
                Back to editing
              </button>
            </>
          )}
          {busy && phase.step === 'apply' && (
            <span className="muted">
              Applying {phase.index + 1} of {writes.length}…
            </span>
          )}
          {busy && <SlowNotice key={`${phase.step}-${phase.index}`} what="The API server" />}
        </div>
        {phase.kind === 'review' && (
          <div className={s.hint} data-testid="form-locked">
            The form is locked while you review: Apply sends exactly what was dry-run. To change something, go back to editing.
          </div>
        )}

        {phase.kind === 'failed' && <FailurePanel phase={phase} onReload={onReload} onRetry={retryNotSent} link={link} />}

        {phase.kind === 'review' && (
          <div data-testid="review-panel">
            <div className="banner ok">
              The API server accepted {count(writes.length, 'this change', 'all # changes')} in a dry run; nothing is written yet. Left: live now. Right: after
              the change.
            </div>
            {!yamlText && <div className="empty">Loading the diff…</div>}
            {yamlText &&
              phase.writes.map((w, i) => {
                const { editText } = yamlText;
                const after = editText(phase.results[i] ?? w.object);
                return (
                  <div key={friendlyName(w.object)} data-testid="write-diff">
                    <h3 className={s.diffTitle}>
                      {w.action === 'create' ? 'Create' : 'Update'} {friendlyName(w.object)}
                    </h3>
                    <YamlDiff original={w.base ? editText(w.base) : ''} modified={after} height={Math.min(420, 80 + 19 * after.split('\n').length)} />
                  </div>
                );
              })}
          </div>
        )}
      </div>
    </>
  );
}

function FailurePanel({
  phase,
  onReload,
  onRetry,
  link,
}: {
  phase: Extract<Phase, { kind: 'failed' }>;
  onReload: () => void;
  onRetry: () => void;
  link: (h: string) => string;
}) {
  const { writes } = phase;
  const failed = writes[phase.index];
  const title = failed ? friendlyName(failed.object) : 'a resource';
  const conflict = isConflict(phase.error);
  const dry = phase.step === 'dry-run';
  // Without an answer, a write may have been stored (a dry run never stores anything).
  const unknown = !dry && outcomeUnknown(phase.error);
  const unsent = notSent(phase.error);
  const notTried = writes.slice(phase.index + 1).map((w) => friendlyName(w.object));
  return (
    <div data-testid="apply-failure">
      {conflict ? (
        <div className="banner error" role="alert" data-testid="conflict-message">
          <div className="title">
            {title} {(phase.error as ApiRequestError).body.reason === 'AlreadyExists' ? 'was created by someone else' : 'changed on the server'} after this form
            was opened
          </div>
          The {dry ? 'dry run' : 'write'} was refused because the form started from an older state
          {failed?.object.metadata.resourceVersion ? ` (resourceVersion ${failed.object.metadata.resourceVersion})` : ''}; nothing of it was overwritten. Reload
          the form to start from the current version, then apply again.
        </div>
      ) : unknown ? (
        <div className="banner error" role="alert" data-testid="outcome-unknown">
          <div className="title">No answer about {title}: it may or may not have been written</div>
          The request was sent, but the connection failed before the API server&apos;s answer arrived
          {phase.error instanceof Error && phase.error.message ? ` (${phase.error.message})` : ''}. Reload the form to see what is stored now before trying
          again.
        </div>
      ) : unsent ? (
        <div className="banner error" role="alert" data-testid="not-sent">
          <div className="title">
            {dry ? 'The dry run' : 'The write'} of {title} was not sent: the API server could not be reached
          </div>
          {phase.error instanceof Error && phase.error.message ? phase.error.message : ''}. Nothing of it reached the API server, so nothing changed. Try again
          once it is back.
        </div>
      ) : (
        <ErrorBox error={phase.error} title={dry ? `The API server refused the dry run of ${title}` : `The API server refused ${title}`} />
      )}
      {!dry && (
        <div className="banner warn" data-testid="partial-result">
          {phase.done.length > 0 ? (
            <>
              <div className="title">Applied before the failure:</div>
              <ul>
                {phase.done.map((d) => (
                  <li key={d.title}>{d.href ? <Link href={link(d.href)}>{d.title}</Link> : d.title}</li>
                ))}
              </ul>
            </>
          ) : unknown ? null : (
            <div>Nothing was written.</div>
          )}
          {unknown ? (
            <div>
              Unknown: {title} (no answer; it may have been written){notTried.length ? `. Not applied: ${notTried.join(', ')} (not tried)` : ''}.
            </div>
          ) : (
            <div>
              Not applied: {title} ({unsent ? 'not sent' : 'refused'}){notTried.length ? `, ${notTried.join(', ')} (not tried)` : ''}.
            </div>
          )}
        </div>
      )}
      {unknown && (
        <div className="muted" data-testid="unknown-advice">
          Reloading reads what the API server stored. Applying again from the reloaded form is safe: a write based on the old version is refused, never applied
          twice.
        </div>
      )}
      <div className="row">
        {unsent && !dry && (
          <button type="button" className="primary" onClick={onRetry} data-testid="retry-apply">
            Try again
          </button>
        )}
        <button type="button" onClick={onReload} data-testid="reload-form">
          {unknown ? 'Re-check: reload the form from the cluster' : 'Reload the form from the cluster'}
        </button>
      </div>
    </div>
  );
}
