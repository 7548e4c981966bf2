'use client';
/**
 * Edit or create one Istio resource as YAML: parse -> local validation (schema the
 * cluster serves, envelope, removed APIs) -> cross-resource analysis -> server-side
 * dry run (causes mapped to lines) -> diff against the live object -> apply with
 * the resourceVersion the edit started from. A concurrent change is a conflict with
 * three panes, never an overwrite. Unsaved edits survive reloads as drafts.
 */
import dynamic from 'next/dynamic';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { KindSummary } from '@/lib/contracts/api';
import { clearDraft, draftKey, loadDraft, saveDraft, type Draft } from '@/lib/client/drafts';
import { accessQuery, editAnalysisQuery } from '@/lib/client/queries';
import { useResourceWrite, writeFailure } from '@/lib/client/resourceWrite';
import { notSent } from '@/lib/client/writeOutcome';
import { useKindSchemas } from '@/lib/client/schemas';
import { useLinkParams } from '@/lib/client/selection';
import { convertLegacyPolicy } from '@/lib/istio/convert';
import { editText } from '@/lib/istio/editor/display';
import { editorSession, initialSession, unknownOutcomeMessage } from '@/lib/istio/editor/session';
import { findingsToProblems, validateEditorText, withApiVersion } from '@/lib/istio/editor/validate';
import { apiVersionOf, parseApiVersion } from '@/lib/istio/kinds';
import type { K8sObject } from '@/lib/istio/types';
import { parseYamlDocuments, rangeOfPath, toYamlStream } from '@/lib/istio/yaml';
import { ErrorBox } from '@/components/ui/ErrorBox';
import { SlowNotice } from '@/components/ui/SlowNotice';
import { groupSegment, objectKeyOf, resourcePageHref as resourceHref } from '@/lib/istio/address';
import { ConflictView } from './ConflictView';
import { ProblemsPanel } from './ProblemsPanel';
import { ProposeButton } from '@/components/proposals/ProposeButton';

const MonacoYamlEditor = dynamic(() => import('./MonacoYamlEditor'), { ssr: false, loading: () => <div className="empty">Loading editor…</div> });
const YamlDiff = dynamic(() => import('./MonacoYamlEditor').then((m) => m.YamlDiff), { ssr: false, loading: () => <div className="empty">Loading diff…</div> });

export type WorkbenchTarget =
  | { mode: 'edit'; group: string; version: string; plural: string; namespace: string | undefined; name: string; live: K8sObject }
  | { mode: 'create'; namespace: string; initialText: string };

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function parseObject(text: string): K8sObject | undefined {
  const d = parseYamlDocuments(text).documents.find((x) => x.value && typeof x.value === 'object');
  return d?.value as K8sObject | undefined;
}

export function EditorWorkbench({ context, target, kinds, focusPath }: { context: string; target: WorkbenchTarget; kinds: KindSummary[]; focusPath?: string }) {
  const router = useRouter();
  const link = useLinkParams();
  const isEdit = target.mode === 'edit';
  const storageKey = draftKey(context, isEdit ? objectKeyOf(target) : `new/${target.namespace}`);

  const initialText = isEdit ? editText(target.live) : target.initialText;
  const [session, dispatch] = useReducer(editorSession, undefined, () =>
    initialSession(initialText, isEdit ? (target.live.metadata.resourceVersion ?? '') : ''),
  );
  const { text, base, phase, serverProblems, serverError, busy, notice } = session;
  const setText = useCallback((t: string) => dispatch({ type: 'typed', text: t }), []);
  const [pendingDraft, setPendingDraft] = useState<Draft | null>(null);
  const revealRef = useRef<(line: number, col: number, endLine?: number, endCol?: number) => void>(() => {});

  // Offer a draft left by an earlier visit (reload, crash) when it differs from what is live.
  useEffect(() => {
    const d = loadDraft(storageKey);
    if (d && d.text !== initialText) setPendingDraft(d);
    // Only on first load of this resource.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [storageKey]);

  // Keep the draft current while typing. Not once the text was handed to another page
  // (opened in the current version): a save still pending from the last keystroke must
  // not overwrite the draft that page restores.
  const handedOver = useRef(false);
  useEffect(() => {
    if (pendingDraft) return; // don't overwrite a draft the user has not decided about
    const t = setTimeout(() => {
      if (handedOver.current) return;
      if (text !== base.text) saveDraft(storageKey, { text, baseResourceVersion: base.resourceVersion, baseText: base.text });
      else clearDraft(storageKey);
    }, 300);
    return () => clearTimeout(t);
  }, [text, base, storageKey, pendingDraft]);

  const debounced = useDebounced(text, 250);
  const draftObject = useMemo(() => parseObject(debounced), [debounced]);
  const { group: textGroup, version: textVersion } = parseApiVersion(
    typeof draftObject?.apiVersion === 'string' ? draftObject.apiVersion : isEdit ? apiVersionOf(target.group, target.version) : '',
  );
  const textKind = typeof draftObject?.kind === 'string' ? draftObject.kind : isEdit ? target.live.kind : '';
  const kindInfo = kinds.find((k) => k.group === textGroup && k.kind === textKind);
  const schemas = useKindSchemas(context, isEdit ? target.group : textGroup, isEdit ? target.live.kind : textKind);
  const namespace = target.namespace;

  const expectations = useMemo(
    () => ({
      mode: target.mode,
      group: isEdit ? target.group : undefined,
      version: isEdit ? target.version : undefined,
      kind: isEdit ? target.live.kind : undefined,
      name: isEdit ? target.name : undefined,
      namespace,
      namespaced: kindInfo?.namespaced ?? true,
    }),
    [target, isEdit, namespace, kindInfo],
  );
  const validation = useMemo(() => validateEditorText(debounced, schemas.index, expectations), [debounced, schemas.index, expectations]);

  // The object to send: namespace from the page, resourceVersion from the edit's base.
  const toOutgoing = useCallback(
    (o: K8sObject | undefined): K8sObject | undefined => {
      if (!o || !o.metadata || typeof o.metadata !== 'object') return undefined;
      const metadata = { ...o.metadata, ...(kindInfo?.namespaced !== false && namespace ? { namespace } : {}) };
      if (isEdit) metadata.resourceVersion = base.resourceVersion;
      else delete metadata.resourceVersion;
      return { ...o, metadata };
    },
    [namespace, isEdit, base.resourceVersion, kindInfo],
  );
  const outgoing = useMemo(() => toOutgoing(validation.object), [toOutgoing, validation.object]);

  // Cross-resource findings for this object, from the server's view of the cluster.
  const analysisInput = validation.problems.some((p) => p.source === 'yaml' || p.source === 'envelope') ? undefined : outgoing;
  const analysis = useQuery(editAnalysisQuery(context, analysisInput));
  const analysisProblems = useMemo(
    () =>
      analysis.data && analysisInput
        ? findingsToProblems(
            validation.parsed,
            analysis.data.findings.filter((f) => f.code !== 'IST0106'),
          )
        : [],
    [analysis.data, analysisInput, validation.parsed],
  );
  const problems = useMemo(() => [...validation.problems, ...analysisProblems, ...serverProblems], [validation.problems, analysisProblems, serverProblems]);

  const { write, recreate: recreateObject } = useResourceWrite(context, { target: isEdit ? target : undefined, kinds, namespace });
  const failed = (step: 'review' | 'apply', e: unknown) =>
    dispatch({ type: 'write-failed', step, failure: writeFailure(e, { isEdit, text }), parse: parseObject });

  // Review and apply check the text as it is now, not the debounced copy the markers show.
  const current = () => {
    const v = validateEditorText(text, schemas.index, expectations);
    return { v, obj: toOutgoing(v.object) };
  };

  const review = async () => {
    const { v, obj } = current();
    if (v.blocking || serverProblems.length > 0 || !obj) {
      const first = v.problems.find((p) => p.severity === 'error') ?? serverProblems[0];
      if (first) revealRef.current(first.startLine, first.startColumn);
      return;
    }
    dispatch({ type: 'review-started' });
    try {
      const r = await write(true, obj);
      const warnings = problems.filter((p) => p.severity !== 'error' && p.source === 'analysis').map((p) => `${p.code}: ${p.message}`);
      dispatch({ type: 'reviewed', original: isEdit ? base.text : '', modified: editText(r.object), warnings });
    } catch (e) {
      failed('review', e);
    }
  };

  const apply = async () => {
    const { v, obj } = current();
    if (v.blocking || !obj) return;
    dispatch({ type: 'apply-started' });
    try {
      const r = await write(false, obj);
      clearDraft(storageKey);
      if (isEdit) {
        // The page's copy of the live object is this one now (the watch confirms it shortly).
        dispatch({
          type: 'applied',
          object: r.object,
          text: editText(r.object),
          notice: `Applied. The API server stored resourceVersion ${r.object.metadata.resourceVersion}.`,
        });
      } else {
        const { group, version } = parseApiVersion(r.object.apiVersion);
        const k = kinds.find((x) => x.group === group && x.kind === r.object.kind);
        router.push(
          link(resourceHref({ group, version, plural: k?.plural ?? '', namespace: r.object.metadata.namespace, name: r.object.metadata.name }), {
            created: '1',
          }),
        );
      }
    } catch (e) {
      failed('apply', e);
    }
  };

  const carryOver = () => dispatch({ type: 'carry-over', parse: parseObject, editText });

  const recreate = async () => {
    if (phase.kind !== 'conflict' || !isEdit) return;
    const mine = parseObject(phase.mineText);
    if (!mine) return;
    dispatch({ type: 'apply-started' });
    try {
      const r = await recreateObject(mine);
      clearDraft(storageKey);
      dispatch({
        type: 'applied',
        object: r.object,
        text: editText(r.object),
        notice: `Created again with your content (resourceVersion ${r.object.metadata.resourceVersion}).`,
      });
    } catch (e) {
      failed('apply', e);
    }
  };

  const takeCurrent = () => {
    if (phase.kind !== 'conflict') return;
    dispatch({ type: 'take-current', editText });
    clearDraft(storageKey);
  };

  const access = useQuery({
    ...accessQuery(
      context,
      isEdit ? 'update' : 'create',
      groupSegment(isEdit ? target.group : textGroup),
      isEdit ? target.plural : (kindInfo?.plural ?? ''),
      namespace,
      isEdit ? target.name : undefined,
    ),
    enabled: isEdit || !!kindInfo,
  });
  const readOnly = access.data ? !access.data.allowed : false;

  const actions = {
    'use-preferred-version': isEdit
      ? {
          // The API server stores whichever served version we write through: open the
          // resource in the current version and save there (the text carries over as a draft).
          label: `Open in ${kindInfo?.preferred ?? 'current version'}`,
          run: () => {
            if (!kindInfo) return;
            const to = apiVersionOf(target.group, kindInfo.preferred);
            const key = draftKey(context, objectKeyOf(target));
            handedOver.current = true;
            saveDraft(key, { text: withApiVersion(text, to), baseResourceVersion: base.resourceVersion, baseText: withApiVersion(base.text, to) });
            router.push(
              link(resourceHref({ group: target.group, version: kindInfo.preferred, plural: target.plural, namespace: target.namespace, name: target.name })),
            );
          },
        }
      : {
          label: 'Use current version',
          run: () => {
            if (kindInfo) setText(withApiVersion(text, apiVersionOf(textGroup, kindInfo.preferred)));
          },
        },
    'convert-legacy': {
      label: 'Convert',
      run: () => {
        const o = validation.object;
        if (!o) return;
        const r = convertLegacyPolicy(o);
        dispatch({
          type: 'replace-text',
          text: toYamlStream(r.objects),
          notice: `Converted to ${r.objects.map((x) => `${x.kind} ${x.metadata.namespace ?? ''}/${x.metadata.name}`).join(', ')}. ${r.notes.join(' ')}`,
        });
      },
    },
  };

  const liveMoved = isEdit && target.live.metadata.resourceVersion !== base.resourceVersion && phase.kind !== 'conflict';
  const modelUri = `file:///meshboard/${encodeURIComponent(context)}/${storageKey.replace(/[^a-zA-Z0-9/._-]/g, '_')}.yaml`;
  const jsonSchema = schemas.jsonSchema(textVersion || (isEdit ? target.version : ''));
  const schemaBinding = useMemo(
    () => (jsonSchema ? { uri: `meshboard://schemas/${textGroup}/${textKind}/${textVersion}`, schema: jsonSchema } : undefined),
    [jsonSchema, textGroup, textKind, textVersion],
  );
  const counts = { error: problems.filter((p) => p.severity === 'error').length, warning: problems.filter((p) => p.severity === 'warning').length };

  return (
    <div data-testid="editor-workbench">
      {pendingDraft && (
        <div className="banner info" role="status" data-testid="draft-banner">
          <div className="title">You have unsaved changes from {new Date(pendingDraft.savedAt).toLocaleString()}.</div>
          <div className="row" style={{ marginTop: 6 }}>
            <button
              className="primary"
              onClick={() => {
                dispatch({
                  type: 'restore-draft',
                  text: pendingDraft.text,
                  base: pendingDraft.baseText ? { resourceVersion: pendingDraft.baseResourceVersion, text: pendingDraft.baseText } : undefined,
                });
                setPendingDraft(null);
              }}
            >
              Restore draft
            </button>
            <button
              onClick={() => {
                clearDraft(storageKey);
                setPendingDraft(null);
              }}
            >
              Discard draft
            </button>
          </div>
        </div>
      )}
      {readOnly && (
        <div className="banner warn" role="status" data-testid="readonly-banner">
          <div className="title">Read-only</div>
          Context <b>{context}</b> may not {isEdit ? 'update' : 'create'} {isEdit ? target.plural : (kindInfo?.plural ?? 'resources')} in namespace {namespace}{' '}
          (Kubernetes RBAC
          {access.data?.reason ? `: ${access.data.reason}` : ''}). Ask a cluster admin for write access, or switch context.
        </div>
      )}
      {liveMoved && (
        <div className="banner warn" role="status" data-testid="changed-banner">
          This resource changed on the server since your edit started (resourceVersion {base.resourceVersion} → {target.live.metadata.resourceVersion}).
          Applying will show both versions first.
        </div>
      )}
      {notice && (
        <div className="banner ok" role="status" data-testid="editor-notice">
          {notice}
        </div>
      )}
      {session.outcomeUnknown && phase.kind === 'edit' && (
        <div className="banner warn" role="alert" data-testid="editor-outcome-unknown">
          <div className="title">Outcome unknown</div>
          {unknownOutcomeMessage(isEdit)}
        </div>
      )}
      {serverError != null && phase.kind === 'edit' && (
        <ErrorBox
          error={serverError}
          title={
            session.outcomeUnknown
              ? 'No answer about the write'
              : notSent(serverError)
                ? 'Not sent: the API server could not be reached. Nothing changed; review and apply again once it is back'
                : readOnly
                  ? 'Not allowed'
                  : 'The API server refused the change'
          }
        />
      )}

      {phase.kind === 'conflict' ? (
        <ConflictView
          baseText={base.text}
          currentText={phase.current ? editText(phase.current) : ''}
          mineText={phase.mineText}
          currentVersion={phase.current?.metadata.resourceVersion}
          conflicts={phase.conflicts}
          deleted={!phase.current}
          onCarry={carryOver}
          onRecreate={recreate}
          onTakeCurrent={takeCurrent}
        />
      ) : (
        <>
          <div className="spread" style={{ marginBottom: 8 }}>
            <div className="row">
              <button className="primary" onClick={review} disabled={readOnly || busy !== '' || phase.kind === 'review'} data-testid="review-button">
                {busy === 'review' ? 'Checking with the API server…' : 'Review changes'}
              </button>
              {busy !== '' && <SlowNotice key={busy} what="The API server" />}
              {phase.kind === 'review' && (
                <>
                  <button className="primary" onClick={apply} disabled={readOnly || busy !== ''} data-testid="apply-button">
                    {busy === 'apply' ? 'Applying…' : isEdit ? 'Apply' : 'Create'}
                  </button>
                  <ProposeButton
                    context={context}
                    disabled={readOnly || busy !== ''}
                    getChanges={() => {
                      const { v, obj } = current();
                      return v.blocking || !obj ? undefined : [{ action: isEdit ? 'update' : 'create', object: obj }];
                    }}
                  />
                  <button onClick={() => dispatch({ type: 'back-to-editing' })}>Back to editing</button>
                </>
              )}
              {isEdit && text !== base.text && phase.kind === 'edit' && (
                <button onClick={() => setText(base.text)} data-testid="revert-button">
                  Revert my changes
                </button>
              )}
            </div>
            <span className="muted" data-testid="editor-status">
              {counts.error ? `${counts.error} error${counts.error > 1 ? 's' : ''}` : 'No errors'}
              {counts.warning ? `, ${counts.warning} warning${counts.warning > 1 ? 's' : ''}` : ''}
              {isEdit ? ` · based on resourceVersion ${base.resourceVersion}` : ''}
              {schemas.source !== 'loading' ? ` · schema: ${schemas.source === 'cluster' ? "the cluster's CRDs" : 'bundled Istio CRDs'}` : ''}
            </span>
          </div>
          {phase.kind === 'review' ? (
            <div data-testid="review-panel">
              <div className="banner ok">
                The API server accepted this change in a dry run. {isEdit ? 'Left: live now. Right: after your change.' : 'This is what will be created.'}
              </div>
              {phase.warnings.length > 0 && (
                <div className="banner warn">
                  <div className="title">Findings to consider before applying</div>
                  <ul>
                    {phase.warnings.map((w) => (
                      <li key={w}>{w}</li>
                    ))}
                  </ul>
                </div>
              )}
              <YamlDiff original={phase.original} modified={phase.modified} />
            </div>
          ) : (
            <MonacoYamlEditor
              value={text}
              onChange={setText}
              readOnly={readOnly}
              modelUri={modelUri}
              schema={schemaBinding}
              problems={problems}
              onReady={(api) => {
                revealRef.current = api.reveal;
                // Opened from a finding: select the field it is about.
                if (focusPath) {
                  const parsed = parseYamlDocuments(text);
                  const doc = parsed.documents[0];
                  if (doc) {
                    const r = rangeOfPath(doc.doc, parsed.lineCounter, focusPath);
                    api.reveal(r.startLine, r.startColumn, r.endLine, r.endColumn);
                  }
                }
              }}
            />
          )}
          <h2>Problems</h2>
          <ProblemsPanel problems={problems} onReveal={(l, c) => revealRef.current(l, c)} actions={actions} />
        </>
      )}
    </div>
  );
}
