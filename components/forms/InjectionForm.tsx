'use client';
/** Sidecar injection: the namespace label and per-workload overrides, with the pods that need a restart. */
import { useMemo, useState } from 'react';
import { findNamespace } from '@/lib/istio/forms/mesh';
import {
  buildInjection,
  getInitInjection,
  podsNeedingRestart,
  unknownNamespaceMessage,
  type InjectionState,
  type WorkloadOverride,
} from '@/lib/istio/forms/injection';
import { ApplyFlow } from './ApplyFlow';
import { IssuesProvider, RadioGroup, Section, SelectField, TextField } from './fields';
import type { FormProps } from './FormPage';
import { NamespacePicker, Pickers, TargetMissing, useTarget } from './targets';
import s from './forms.module.css';

const OVERRIDES: ReadonlyArray<{ value: WorkloadOverride; label: string }> = [
  { value: 'default', label: 'Follow the namespace' },
  { value: 'true', label: 'Always inject (sidecar.istio.io/inject: "true")' },
  { value: 'false', label: 'Never inject (sidecar.istio.io/inject: "false")' },
];

export function InjectionForm(props: FormProps) {
  const t = useTarget();
  const ns = t.get('ns');
  return (
    <>
      <Pickers>
        <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined })} />
      </Pickers>
      {props.pending ??
        (!ns ? (
          <div className="empty">Choose the namespace.</div>
        ) : !findNamespace(props.resources, ns) ? (
          // The form labels a namespace that exists; it never proposes to create one.
          <TargetMissing>{unknownNamespaceMessage(ns)}</TargetMissing>
        ) : (
          <InjectionBody key={`${props.snapshot}/${ns}`} {...props} namespace={ns} />
        ))}
    </>
  );
}

function InjectionBody({ context, resources, onApplied, onReload, namespace }: FormProps & { namespace: string }) {
  const [state, setState] = useState<InjectionState>(() => getInitInjection({ resources, namespace }));
  const result = useMemo(() => buildInjection(state, { resources }), [state, resources]);
  const restarts = useMemo(() => (result.errors.length ? [] : podsNeedingRestart(state, resources)), [state, resources, result.errors.length]);
  const set = (patch: Partial<InjectionState>) => setState((x) => ({ ...x, ...patch }));

  const restartSection = (
    <Section title="Pods that need a restart to pick this up" testId="restart-section">
      {restarts.length === 0 ? (
        <div className="muted" data-testid="restart-none">
          None: every pod of {namespace} already {result.writes.length ? 'matches the new setting' : 'matches this setting'}.
        </div>
      ) : (
        <table className="list" data-testid="restart-list">
          <thead>
            <tr>
              <th>Pod</th>
              <th>Workload</th>
              <th>Why</th>
              <th>How</th>
            </tr>
          </thead>
          <tbody>
            {restarts.map((p) => (
              <tr key={p.name} data-testid={`restart-${p.name}`}>
                <td className="mono">{p.name}</td>
                <td>{p.owner ?? '—'}</td>
                <td>{p.reason}</td>
                <td>
                  {p.restart === 'rollout' ? (
                    'replaced by the rollout this change starts'
                  ) : p.owner ? (
                    <code>
                      kubectl rollout restart deployment/{p.owner} -n {namespace}
                    </code>
                  ) : (
                    <code>
                      kubectl delete pod {p.name} -n {namespace}
                    </code>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload} readOnly={restartSection}>
        <Section title={`Namespace ${namespace}`}>
          <RadioGroup
            path="namespaceInjection"
            label="Sidecar injection for new pods"
            value={state.namespaceInjection}
            onChange={(namespaceInjection) => set({ namespaceInjection })}
            options={[
              { value: 'enabled', label: 'Enabled (istio-injection=enabled)' },
              { value: 'revision', label: 'A control-plane revision (istio.io/rev)' },
              { value: 'disabled', label: 'Disabled (istio-injection=disabled)' },
              { value: 'unset', label: 'No label' },
            ]}
            hint="The two labels are never set together: istio-injection wins over istio.io/rev."
          />
          {state.namespaceInjection === 'revision' && (
            <div className={s.grid}>
              <TextField
                path="revision"
                label="Revision"
                value={state.revision}
                onChange={(revision) => set({ revision })}
                placeholder="e.g. canary or 1-24-0"
              />
            </div>
          )}
        </Section>

        <Section title="Workloads">
          {state.workloads.length === 0 ? (
            <div className="muted">No Deployments in {namespace}.</div>
          ) : (
            <table className="list" data-testid="injection-workloads">
              <thead>
                <tr>
                  <th>Deployment</th>
                  <th>Override (pod template label)</th>
                </tr>
              </thead>
              <tbody>
                {state.workloads.map((w, i) => (
                  <tr key={w.name} data-testid={`workload-${w.name}`}>
                    <td>{w.name}</td>
                    <td>
                      <SelectField
                        path={`workloads.${i}.inject`}
                        label={`Injection for ${w.name}`}
                        value={w.inject}
                        options={OVERRIDES}
                        onChange={(inject) => set({ workloads: state.workloads.map((x, j) => (j === i ? { ...x, inject } : x)) })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}
