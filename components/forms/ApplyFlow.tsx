'use client';
/**
 * The one way a form writes: what it will write as read-only YAML (updated as you type)
 * -> a server-side dry run of every write -> the diff of each against what is live ->
 * apply, in order. A replace carries the resourceVersion the form was opened with, so a
 * change made meanwhile is a 409: the user is told to reload the form, nothing is
 * overwritten. When a write fails after others succeeded, the flow says exactly which.
 */
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ApiRequestError } from '@/lib/client/api';
import { createObject, replaceObject } from '@/lib/client/mutations';
import { kindsQuery } from '@/lib/client/queries';
import { useLinkParams } from '@/lib/client/selection';
import type { KindSummary } from '@/lib/contracts/api';
import { editText, forEditing } from '@/lib/istio/editor/display';
import { previewWrites, type BuildResult, type FormWrite } from '@/lib/istio/forms';
import { friendlyName } from '@/lib/istio/resources';
import type { K8sObject } from '@/lib/istio/types';
import { toYamlStream } from '@/lib/istio/yaml';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { resourceHref } from '@/components/resources/links';
import s from './forms.module.css';
import { typeOfObject } from './jobs';

const YamlDiff = dynamic(() => import('@/components/editor/MonacoYamlEditor').then((m) => m.YamlDiff), { ssr: false, loading: () => <div className="empty">Loading diff…</div> });

export interface AppliedWrite {
  action: FormWrite['action'];
  title: string;
  href?: string;
  resourceVersion?: string;
}

type Phase =
  | { kind: 'edit' }
  | { kind: 'busy'; step: 'dry-run' | 'apply'; index: number }
  | { kind: 'review'; results: K8sObject[] }
  | { kind: 'failed'; step: 'dry-run' | 'apply'; index: number; error: unknown; done: AppliedWrite[] };

function hrefOf(o: K8sObject, kinds: readonly KindSummary[]): string | undefined {
  const t = typeOfObject(o, kinds);
  return t ? resourceHref({ ...t, namespace: o.metadata.namespace, name: o.metadata.name }) : undefined;
}

/** An object as a person reads it: server-owned metadata left out, apiVersion/kind/metadata/spec first. */
function forReading(o: K8sObject): K8sObject {
  const { apiVersion, kind, metadata, ...rest } = forEditing(o);
  return { apiVersion, kind, metadata, ...rest };
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
}

export function ApplyFlow({ context, result, onApplied, onReload }: ApplyFlowProps) {
  const link = useLinkParams();
  const kindsQ = useQuery(kindsQuery(context));
  const kinds = useMemo(() => kindsQ.data?.kinds ?? [], [kindsQ.data]);
  const [phase, setPhase] = useState<Phase>({ kind: 'edit' });
  const { writes, warnings, errors } = result;
  const invalid = errors.length > 0;
  const fingerprint = useMemo(() => JSON.stringify(writes.map((w) => [w.action, w.object])), [writes]);
  const previews = useMemo(() => previewWrites({ writes }), [writes]);
  const yaml = useMemo(() => toYamlStream(writes.map((w) => forReading(w.object))), [writes]);
  const versions = writes.filter((w) => w.action === 'replace').map((w) => `${friendlyName(w.object)} ${w.object.metadata.resourceVersion ?? '?'}`);

  // Any change to what would be written ends a review (a failed apply stays until reload).
  useEffect(() => {
    setPhase((p) => (p.kind === 'failed' && p.step === 'apply' ? p : { kind: 'edit' }));
  }, [fingerprint]);

  const send = (w: FormWrite, dryRun: boolean) => {
    const t = typeOfObject(w.object, kinds);
    if (!t) {
      return Promise.reject(new ApiRequestError({ status: 400, reason: 'BadRequest', message: `The cluster does not serve ${w.object.apiVersion} ${w.object.kind}.` }));
    }
    const ns = w.object.metadata.namespace;
    return w.action === 'create' ? createObject(context, t, ns, w.object, { dryRun }) : replaceObject(context, t, ns, w.object.metadata.name, w.object, { dryRun });
  };

  const dryRun = async () => {
    const results: K8sObject[] = [];
    for (let i = 0; i < writes.length; i++) {
      setPhase({ kind: 'busy', step: 'dry-run', index: i });
      try {
        results.push((await send(writes[i]!, true)).object);
      } catch (error) {
        setPhase({ kind: 'failed', step: 'dry-run', index: i, error, done: [] });
        return;
      }
    }
    setPhase({ kind: 'review', results });
  };

  const apply = async () => {
    const done: AppliedWrite[] = [];
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i]!;
      setPhase({ kind: 'busy', step: 'apply', index: i });
      try {
        const out = (await send(w, false)).object;
        done.push({ action: w.action, title: friendlyName(out), href: hrefOf(out, kinds), resourceVersion: out.metadata.resourceVersion });
      } catch (error) {
        setPhase({ kind: 'failed', step: 'apply', index: i, error, done });
        return;
      }
    }
    setPhase({ kind: 'edit' });
    onApplied(done);
  };

  const busy = phase.kind === 'busy';
  const failedApply = phase.kind === 'failed' && phase.step === 'apply';

  return (
    <div data-testid="apply-flow">
      {invalid && (
        <div className="banner error" data-testid="form-errors">
          <div className="title">
            {errors.length === 1 ? 'One problem' : `${errors.length} problems`} to fix before anything can be written
          </div>
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
        <div className="empty" data-testid="form-preview-empty">Fix the problems above to see what would be written.</div>
      ) : writes.length === 0 ? (
        <div className="empty" data-testid="form-preview-empty">Nothing to change: what is live already says this.</div>
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
          <pre className="yaml" data-testid="form-preview" aria-label="YAML that will be written">
            {yaml}
          </pre>
          {versions.length > 0 && (
            <div className={s.hint} data-testid="form-preview-versions">
              Updates are sent with the resourceVersion this form started from ({versions.join(', ')}): if someone changes them meanwhile, the API server refuses the write instead of losing their change.
            </div>
          )}
        </>
      )}

      <div className="row" style={{ margin: '10px 0' }}>
        <button type="button" className="primary" data-testid="dry-run-button" disabled={invalid || writes.length === 0 || busy || phase.kind === 'review' || failedApply || kindsQ.isLoading} onClick={dryRun}>
          {busy && phase.step === 'dry-run' ? 'Checking with the API server…' : 'Dry run and review'}
        </button>
        {phase.kind === 'review' && (
          <>
            <button type="button" className="primary" data-testid="apply-button" onClick={apply}>
              Apply {writes.length === 1 ? 'this change' : `these ${writes.length} changes`}
            </button>
            <button type="button" onClick={() => setPhase({ kind: 'edit' })}>
              Back to the form
            </button>
          </>
        )}
        {busy && phase.step === 'apply' && <span className="muted">Applying {phase.index + 1} of {writes.length}…</span>}
      </div>

      {phase.kind === 'failed' && (
        <FailurePanel phase={phase} writes={writes} onReload={onReload} link={link} />
      )}

      {phase.kind === 'review' && (
        <div data-testid="review-panel">
          <div className="banner ok">The API server accepted {writes.length === 1 ? 'this change' : `all ${writes.length} changes`} in a dry run; nothing is written yet. Left: live now. Right: after the change.</div>
          {writes.map((w, i) => (
            <div key={friendlyName(w.object)} data-testid="write-diff">
              <h3 className={s.diffTitle}>
                {w.action === 'create' ? 'Create' : 'Update'} {friendlyName(w.object)}
              </h3>
              <YamlDiff original={w.base ? editText(w.base) : ''} modified={editText(phase.results[i] ?? w.object)} height={Math.min(420, 80 + 19 * editText(phase.results[i] ?? w.object).split('\n').length)} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function FailurePanel({ phase, writes, onReload, link }: { phase: Extract<Phase, { kind: 'failed' }>; writes: FormWrite[]; onReload: () => void; link: (h: string) => string }) {
  const failed = writes[phase.index];
  const title = failed ? friendlyName(failed.object) : 'a resource';
  const conflict = isConflict(phase.error);
  const notTried = writes.slice(phase.index + 1).map((w) => friendlyName(w.object));
  return (
    <div data-testid="apply-failure">
      {conflict ? (
        <div className="banner error" role="alert" data-testid="conflict-message">
          <div className="title">
            {title} {(phase.error as ApiRequestError).body.reason === 'AlreadyExists' ? 'was created by someone else' : 'changed on the server'} after this form was opened
          </div>
          The {phase.step === 'dry-run' ? 'dry run' : 'write'} was refused because the form started from an older state
          {failed?.object.metadata.resourceVersion ? ` (resourceVersion ${failed.object.metadata.resourceVersion})` : ''}; nothing of it was overwritten. Reload the form to start from the current version, then apply again.
        </div>
      ) : (
        <ErrorBox error={phase.error} title={`The API server refused ${phase.step === 'dry-run' ? 'the dry run of' : ''} ${title}`} />
      )}
      {phase.step === 'apply' && (
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
          ) : (
            <div>Nothing was written.</div>
          )}
          <div>
            Not applied: {title} (refused){notTried.length ? `, ${notTried.join(', ')} (not tried)` : ''}.
          </div>
        </div>
      )}
      <button type="button" onClick={onReload} data-testid="reload-form">
        Reload the form from the cluster
      </button>
    </div>
  );
}
