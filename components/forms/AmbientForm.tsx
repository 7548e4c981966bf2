'use client';
/** Ambient mode: enroll a namespace or a service's workloads, a waypoint and istio.io/use-waypoint, with what changes for each workload. */
import { useMemo, useState } from 'react';
import { ambientWorkloadChanges, buildAmbient, getInitAmbient, namespaceWaypoints, type AmbientState } from '@/lib/istio/forms/ambient';
import { findNamespace } from '@/lib/istio/forms/mesh';
import { unknownNamespaceMessage } from '@/lib/istio/forms/injection';
import { dataPlaneModel, MODE_TEXT } from '@/lib/istio/dataplane';
import { ApplyFlow } from './ApplyFlow';
import { CheckboxField, IssuesProvider, RadioGroup, Section, SelectField, TextField } from './fields';
import type { FormProps } from './FormPage';
import { missingTarget, NamespacePicker, Pickers, ServicePicker, TargetMissing, useTarget } from './targets';
import s from './forms.module.css';

export function AmbientForm(props: FormProps) {
  const t = useTarget();
  const ns = t.get('ns');
  const service = t.get('service');
  const missing = props.pending
    ? null
    : ns && !findNamespace(props.resources, ns)
      ? unknownNamespaceMessage(ns)
      : missingTarget(props.resources, { ns, service });
  return (
    <>
      <Pickers>
        <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined, service: undefined })} />
        {ns && <ServicePicker resources={props.resources} namespace={ns} value={service} onChange={(v) => t.set({ service: v || undefined })} />}
      </Pickers>
      {props.pending ??
        (missing ? (
          <TargetMissing>{missing}</TargetMissing>
        ) : ns ? (
          <AmbientBody key={`${props.snapshot}/${ns}/${service}`} {...props} namespace={ns} service={service} />
        ) : (
          <div className="empty">Choose the namespace (and, to enroll only one service, the service).</div>
        ))}
    </>
  );
}

function AmbientBody({ context, resources, onApplied, onReload, namespace, service }: FormProps & { namespace: string; service: string }) {
  const [state, setState] = useState<AmbientState>(() => getInitAmbient({ resources, namespace, ...(service ? { service } : {}) }));
  const result = useMemo(() => buildAmbient(state, { resources }), [state, resources]);
  const changes = useMemo(() => (result.errors.length ? [] : ambientWorkloadChanges(state, resources)), [state, resources, result.errors.length]);
  const waypoints = useMemo(() => namespaceWaypoints(resources, namespace), [resources, namespace]);
  const nsDp = useMemo(() => dataPlaneModel(resources).namespace(namespace), [resources, namespace]);
  const set = (patch: Partial<AmbientState>) => setState((x) => ({ ...x, ...patch }));
  const setWaypoint = (patch: Partial<AmbientState['waypoint']>) => setState((x) => ({ ...x, waypoint: { ...x.waypoint, ...patch } }));
  const target = state.scope === 'namespace' ? `namespace ${namespace}` : `Service ${namespace}/${state.service}`;

  const changeSection = (
    <Section title="What changes for the workloads" testId="ambient-changes-section">
      {result.errors.length ? (
        <div className="muted">Fix the problems of the form to see what changes.</div>
      ) : changes.length === 0 ? (
        <div className="muted" data-testid="ambient-changes-none">
          No Deployments in scope.
        </div>
      ) : (
        <table className="list" data-testid="ambient-changes">
          <thead>
            <tr>
              <th>Workload</th>
              <th>Now</th>
              <th>After</th>
              <th>What happens</th>
              <th>How</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.workload} data-testid={`ambient-change-${c.name}`} data-restart={c.restart}>
                <td>{c.workload}</td>
                <td title={c.beforeReason}>{MODE_TEXT[c.before]}</td>
                <td title={c.afterReason}>{MODE_TEXT[c.after]}</td>
                <td>{c.summary}</td>
                <td>
                  {c.restart === 'manual' ? (
                    <code>
                      kubectl rollout restart deployment/{c.name} -n {namespace}
                    </code>
                  ) : c.restart === 'rollout' ? (
                    'replaced by the rollout this change starts'
                  ) : (
                    '—'
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
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload} readOnly={changeSection}>
        <Section title={`Data plane of ${target}`}>
          <p className={s.hint} data-testid="ambient-now">
            Namespace {namespace} now: {MODE_TEXT[nsDp.mode]} ({nsDp.reason}){nsDp.conflict ? `; ${nsDp.conflict}` : ''}.
          </p>
          {service && (
            <RadioGroup
              path="scope"
              label="Enroll"
              value={state.scope}
              onChange={(scope) => set({ scope, service: scope === 'service' ? service : '' })}
              options={[
                { value: 'namespace', label: `The whole namespace ${namespace} (namespace labels)` },
                { value: 'service', label: `Only the workloads of ${service} (pod-template labels, and the Service's use-waypoint)` },
              ]}
            />
          )}
          <CheckboxField
            path="enroll"
            label={`Run ${target} in ambient mode (istio.io/dataplane-mode=ambient; sidecar injection removed)`}
            checked={state.enroll}
            onChange={(enroll) => set({ enroll })}
            hint="ztunnel captures running pods without a restart; pods that run a sidecar keep it until they are restarted."
          />
        </Section>
        <Section title="Waypoint (L7: HTTP routing, L7 authorization, telemetry)">
          <RadioGroup
            path="waypoint.mode"
            label="Waypoint"
            value={state.waypoint.mode}
            onChange={(mode) =>
              setWaypoint({
                mode,
                ...(mode === 'existing' && waypoints[0] && !waypoints.some((w) => w.name === state.waypoint.name) ? { name: waypoints[0].name } : {}),
              })
            }
            options={[
              { value: 'none', label: 'No change (L4 only through ztunnel, unless a waypoint is already used)' },
              ...(waypoints.length ? [{ value: 'existing' as const, label: `Use an existing waypoint of ${namespace}` }] : []),
              { value: 'new', label: 'Create a waypoint (what istioctl waypoint apply writes) and use it' },
            ]}
          />
          {state.waypoint.mode === 'existing' && (
            <div className={s.grid}>
              <SelectField
                path="waypoint.name"
                label="Existing waypoint"
                value={state.waypoint.name}
                onChange={(name) => setWaypoint({ name })}
                options={waypoints.map((w) => ({ value: w.name, label: `${w.name} (for ${w.traffic} traffic)` }))}
              />
            </div>
          )}
          {state.waypoint.mode === 'new' && (
            <div className={s.grid}>
              <TextField path="waypoint.name" label="Name of the new waypoint" value={state.waypoint.name} onChange={(name) => setWaypoint({ name })} />
              <SelectField
                path="waypoint.for"
                label="Traffic it takes (istio.io/waypoint-for)"
                value={state.waypoint.for}
                onChange={(f) => setWaypoint({ for: f })}
                options={[
                  { value: 'service', label: 'service (traffic addressed to Services; the default)' },
                  { value: 'workload', label: 'workload (traffic addressed to pods)' },
                  { value: 'all', label: 'all' },
                ]}
              />
            </div>
          )}
          {state.waypoint.mode !== 'none' && (
            <p className={s.hint} data-testid="ambient-use-waypoint">
              Sets istio.io/use-waypoint={state.waypoint.name} on{' '}
              {state.scope === 'namespace' ? `namespace ${namespace} (as --enroll-namespace does)` : `Service ${namespace}/${state.service}`}.
            </p>
          )}
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}
