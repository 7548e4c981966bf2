'use client';
/** Caller restrictions: an ALLOW AuthorizationPolicy on a workload, with a preview of the known callers. */
import { useMemo, useState } from 'react';
import {
  buildCallers,
  callerEnforcement,
  findOwningAuthorizationPolicy,
  findOwningWaypointPolicy,
  getInitCallers,
  previewCallers,
  sortCallerPreviews,
  type CallersState,
} from '@/lib/istio/forms/callers';
import { listWorkloads } from '@/lib/istio/forms/mesh';
import { friendlyName } from '@/lib/istio/resources';
import { ApplyFlow } from './ApplyFlow';
import { FieldErrors, IssuesProvider, Section, TextField } from './fields';
import type { FormProps } from './FormPage';
import { missingTarget, NamespacePicker, namespaceNames, Picker, Pickers, TargetMissing, useTarget, WorkloadPicker } from './targets';
import s from './forms.module.css';

const PREVIEW_ROWS = 20;

export function CallersForm(props: FormProps) {
  const t = useTarget();
  const ns = t.get('ns');
  const workload = t.get('workload');
  const missing = props.pending ? null : missingTarget(props.resources, { ns, workload });
  return (
    <>
      <Pickers>
        <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined, workload: undefined })} />
        {ns && <WorkloadPicker resources={props.resources} namespace={ns} value={workload} onChange={(v) => t.set({ workload: v || undefined })} />}
      </Pickers>
      {props.pending ??
        (missing ? (
          <TargetMissing>{missing}</TargetMissing>
        ) : ns && workload ? (
          <CallersBody key={`${props.snapshot}/${ns}/${workload}`} {...props} namespace={ns} workload={workload} />
        ) : (
          <div className="empty">Choose the workload to protect.</div>
        ))}
    </>
  );
}

function CallersBody({ context, resources, onApplied, onReload, namespace, workload }: FormProps & { namespace: string; workload: string }) {
  const workloads = useMemo(() => listWorkloads(resources), [resources]);
  const [state, setState] = useState<CallersState>(() => {
    const w = workloads.find((x) => x.namespace === namespace && x.name === workload);
    return getInitCallers({ resources, namespace, workload: { name: workload, ...(w?.kind === 'Pod' ? { selector: w.labels } : {}) } });
  });
  const result = useMemo(() => buildCallers(state, { resources }), [state, resources]);
  const preview = useMemo(
    () => (result.errors.length ? [] : sortCallerPreviews(previewCallers(state, resources), namespace)),
    [state, resources, result.errors.length, namespace],
  );
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? preview : preview.slice(0, PREVIEW_ROWS);
  const allowedCount = preview.filter((p) => p.allowed).length;
  const onWaypoint = state.attach === 'waypoint' && !!state.service;
  const owner = onWaypoint
    ? findOwningWaypointPolicy(resources, namespace, state.service!)
    : findOwningAuthorizationPolicy(resources, namespace, state.workload.selector);
  const enforcement = useMemo(() => callerEnforcement(resources, namespace, state.workload.selector), [resources, namespace, state.workload.selector]);
  const [nsToAdd, setNsToAdd] = useState('');
  const [saToAdd, setSaToAdd] = useState('');
  const accounts = useMemo(() => [...new Set(workloads.map((w) => `${w.namespace}/${w.serviceAccount}`))].sort(), [workloads]);
  const namespaces = useMemo(() => namespaceNames(resources), [resources]);
  const set = (patch: Partial<CallersState>) => setState((x) => ({ ...x, ...patch }));

  const previewSection = (
    <Section title="Known callers after this change" testId="caller-preview-section">
      {result.errors.length ? (
        <div className="muted">Fix the problems of the form to see who would be allowed.</div>
      ) : (
        <>
          <p className={s.hint} data-testid="caller-summary">
            {allowedCount} of {preview.length} known callers allowed (every workload of the mesh, and the ingress gateway).
          </p>
          <table className="list" data-testid="caller-preview">
            <thead>
              <tr>
                <th>Caller</th>
                <th>Decision</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr
                  key={p.label}
                  data-testid={`caller-${p.caller.namespace}-${p.caller.name}`}
                  data-decision={p.allowed ? (p.certain ? 'allowed' : 'conditional') : 'denied'}
                >
                  <td>{p.label}</td>
                  <td className={p.allowed ? (p.certain ? s.ok : s.maybe) : s.denied}>
                    {p.allowed ? (p.certain ? 'allowed' : 'allowed for some requests') : 'denied'}
                  </td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.length > PREVIEW_ROWS && (
            <button type="button" className={s.small} onClick={() => setShowAll((v) => !v)} data-testid="caller-preview-all">
              {showAll ? 'Show fewer' : `Show all ${preview.length} callers`}
            </button>
          )}
        </>
      )}
    </Section>
  );

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload} readOnly={previewSection}>
        <Section title={`Who may call ${workload}`}>
          {enforcement.kind !== 'sidecar' && (
            <p className={s.hint} data-testid="callers-enforcement" data-enforcement={enforcement.kind}>
              Ambient mode: {enforcement.reason.replace(/\.$/, '')}.
            </p>
          )}
          <p className={s.hint} data-testid="callers-owner">
            {owner
              ? `Edits ${friendlyName(owner)} in place.`
              : onWaypoint
                ? `Creates an ALLOW AuthorizationPolicy with targetRefs Service ${state.service}, enforced by its waypoint.`
                : `Creates an ALLOW AuthorizationPolicy for the pods with ${Object.entries(state.workload.selector)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}.`}{' '}
            Every caller not listed here is denied. Namespaces and service accounts are read from the caller&apos;s mTLS certificate.
          </p>
          {!owner && (
            <div className={s.grid}>
              <TextField
                path="policyName"
                label="Name of the new AuthorizationPolicy"
                value={state.policyName}
                onChange={(policyName) => set({ policyName })}
              />
            </div>
          )}
          <fieldset className={s.fieldset} data-testid="allowed-namespaces">
            <legend>Namespaces whose workloads may call</legend>
            <div className={s.chips}>
              {state.namespaces.map((n, i) => (
                <span key={`${n}-${i}`} className="badge info" data-testid={`allowed-ns-${n}`}>
                  {n}{' '}
                  <button
                    type="button"
                    className={s.small}
                    aria-label={`Remove namespace ${n}`}
                    onClick={() => set({ namespaces: state.namespaces.filter((_, j) => j !== i) })}
                  >
                    ×
                  </button>
                  <FieldErrors id={`ns-${i}-err`} path={`namespaces.${i}`} />
                </span>
              ))}
              {state.namespaces.length === 0 && <span className="muted">none</span>}
            </div>
            <div className={s.rowItem}>
              <Picker
                label="Add a namespace"
                value={nsToAdd}
                options={namespaces.filter((n) => !state.namespaces.includes(n))}
                onChange={setNsToAdd}
                placeholder="Choose…"
                testId="add-namespace-pick"
              />
              <button
                type="button"
                className={s.small}
                disabled={!nsToAdd}
                data-testid="add-namespace"
                onClick={() => {
                  set({ namespaces: [...state.namespaces, nsToAdd] });
                  setNsToAdd('');
                }}
              >
                Add
              </button>
            </div>
            <FieldErrors id="namespaces-err" path="namespaces" />
          </fieldset>
          <fieldset className={s.fieldset} data-testid="allowed-accounts">
            <legend>Service accounts that may call (from any namespace)</legend>
            {state.serviceAccounts.map((sa, i) => (
              <div className={s.rowItem} key={i}>
                <TextField
                  path={`serviceAccounts.${i}.namespace`}
                  label={`Namespace of service account ${i + 1}`}
                  value={sa.namespace}
                  onChange={(v) => set({ serviceAccounts: state.serviceAccounts.map((x, j) => (j === i ? { ...x, namespace: v } : x)) })}
                />
                <TextField
                  path={`serviceAccounts.${i}.name`}
                  label={`Service account ${i + 1}`}
                  value={sa.name}
                  onChange={(v) => set({ serviceAccounts: state.serviceAccounts.map((x, j) => (j === i ? { ...x, name: v } : x)) })}
                />
                <button type="button" className={s.small} onClick={() => set({ serviceAccounts: state.serviceAccounts.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              </div>
            ))}
            <div className={s.rowItem}>
              <Picker
                label="Add a known service account"
                value={saToAdd}
                options={accounts}
                onChange={setSaToAdd}
                placeholder="Choose…"
                testId="add-account-pick"
              />
              <button
                type="button"
                className={s.small}
                disabled={!saToAdd}
                onClick={() => {
                  const [ans = '', aname = ''] = saToAdd.split('/');
                  set({ serviceAccounts: [...state.serviceAccounts, { namespace: ans, name: aname }] });
                  setSaToAdd('');
                }}
              >
                Add
              </button>
              <button type="button" className={s.small} onClick={() => set({ serviceAccounts: [...state.serviceAccounts, { namespace: '', name: '' }] })}>
                Type one
              </button>
            </div>
          </fieldset>
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}
