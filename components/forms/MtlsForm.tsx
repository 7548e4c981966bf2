'use client';
/** mTLS for the mesh, a namespace or a workload (and per port), with the client side optional. */
import { Fragment, useMemo, useState } from 'react';
import { containerPortsOf, listWorkloads } from '@/lib/istio/forms/mesh';
import { withWrites } from '@/lib/istio/forms/writes';
import {
  buildMtls,
  findOwningPeerAuthentication,
  getInitMtls,
  mtlsTargetOf,
  MTLS_MODES,
  type MtlsFormMode,
  type MtlsScope,
  type MtlsState,
} from '@/lib/istio/forms/mtls';
import { friendlyName } from '@/lib/istio/resources';
import { effectiveMtls } from '@/lib/istio/security';
import { ApplyFlow } from './ApplyFlow';
import { CheckboxField, IssuesProvider, NumberField, RadioGroup, Section, SelectField, TextField } from './fields';
import type { FormProps } from './FormPage';
import { mtlsScopeOf } from './catalog';
import { missingTarget, NamespacePicker, Pickers, TargetMissing, useFormTarget, useTarget, WorkloadPicker } from './targets';
import s from './forms.module.css';

const MODE_LABELS: Record<MtlsFormMode, string> = {
  STRICT: 'STRICT — only mTLS',
  PERMISSIVE: 'PERMISSIVE — mTLS and plaintext',
  DISABLE: 'DISABLE — plaintext only',
  UNSET: 'UNSET — inherit',
};
const MODE_OPTIONS = MTLS_MODES.map((m) => ({ value: m, label: MODE_LABELS[m] }));

/** "STRICT, from X (mesh-wide)" -> "from X (mesh-wide)": the mode is shown on its own. */
function source(reason: string, mode: string): string {
  return reason.startsWith(`${mode}, `) ? reason.slice(mode.length + 2) : reason;
}

export function MtlsForm(props: FormProps) {
  const t = useTarget();
  const target = useFormTarget();
  const { ns, workload } = target;
  const scope: MtlsScope = mtlsScopeOf(target);
  const ready = scope === 'mesh' || (scope === 'namespace' && !!ns) || (scope === 'workload' && !!ns && !!workload);
  const missing = props.pending || scope === 'mesh' ? null : missingTarget(props.resources, { ns, workload: scope === 'workload' ? workload : undefined });
  return (
    <>
      <Pickers>
        <RadioGroup
          path="scope"
          label="Applies to"
          value={scope}
          onChange={(v) => t.set({ scope: v, ...(v === 'mesh' ? { workload: undefined } : {}) })}
          options={[
            { value: 'mesh', label: 'The whole mesh' },
            { value: 'namespace', label: 'A namespace' },
            { value: 'workload', label: 'A workload' },
          ]}
        />
        {scope !== 'mesh' && <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined, workload: undefined })} />}
        {scope === 'workload' && ns && (
          <WorkloadPicker resources={props.resources} namespace={ns} value={workload} onChange={(v) => t.set({ workload: v || undefined })} />
        )}
      </Pickers>
      {props.pending ??
        (missing ? (
          <TargetMissing>{missing}</TargetMissing>
        ) : ready ? (
          <MtlsBody key={`${props.snapshot}/${scope}/${ns}/${workload}`} {...props} scope={scope} namespace={ns} workload={workload} />
        ) : (
          <div className="empty">Choose {scope === 'workload' && ns ? 'the workload' : 'the namespace'} to configure.</div>
        ))}
    </>
  );
}

function MtlsBody({
  context,
  resources,
  onApplied,
  onReload,
  scope,
  namespace,
  workload,
}: FormProps & { scope: MtlsScope; namespace: string; workload: string }) {
  const chosen = useMemo(
    () => (scope === 'workload' && workload ? listWorkloads(resources, namespace).find((x) => x.name === workload) : undefined),
    [resources, scope, namespace, workload],
  );
  const [state, setState] = useState<MtlsState>(() =>
    getInitMtls({
      resources,
      scope,
      namespace,
      ...(workload ? { workload: { name: workload, ...(chosen?.kind === 'Pod' ? { selector: chosen.labels } : {}) } } : {}),
    }),
  );
  const result = useMemo(() => buildMtls(state, { resources }), [state, resources]);
  const { scope: stateScope, namespace: stateNamespace, workload: stateWorkload } = state;
  const target = useMemo(
    () => mtlsTargetOf({ scope: stateScope, namespace: stateNamespace, workload: stateWorkload }, resources),
    [stateScope, stateNamespace, stateWorkload, resources],
  );
  const before = effectiveMtls(resources, target);
  const afterMesh = useMemo(() => (result.writes.length ? withWrites(resources, result.writes) : undefined), [resources, result.writes]);
  const after = afterMesh ? effectiveMtls(afterMesh, target) : undefined;
  const { owner } = findOwningPeerAuthentication(resources, state.scope, state.namespace, state.workload?.selector);
  const set = (patch: Partial<MtlsState>) => setState((x) => ({ ...x, ...patch }));
  const where = scope === 'mesh' ? 'the whole mesh' : scope === 'namespace' ? `namespace ${namespace}` : `workload ${namespace}/${workload}`;
  const containerPorts = useMemo(() => containerPortsOf(chosen), [chosen]);

  const ports = [...new Set([...containerPorts, ...state.portLevel.map((p) => p.port).filter((p) => Number.isInteger(p) && p > 0)])].sort((a, b) => a - b);

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload}>
        <Section title={`Server side: what ${where} accepts`}>
          <dl className={s.facts}>
            <dt>Effective now</dt>
            <dd data-testid="effective-mtls">
              <b>{before.mode}</b> — {source(before.reason, before.mode)}
            </dd>
            {after && (
              <>
                <dt>After this change</dt>
                <dd data-testid="effective-after">
                  <b>{after.mode}</b> — {source(after.reason, after.mode)}
                </dd>
              </>
            )}
            {scope === 'workload' &&
              ports.map((port) => {
                const now = effectiveMtls(resources, { ...target, port });
                const next = afterMesh ? effectiveMtls(afterMesh, { ...target, port }) : undefined;
                return (
                  <Fragment key={port}>
                    <dt>Port {port}</dt>
                    <dd data-testid={`effective-port-${port}`}>
                      <b>{now.mode}</b> — {source(now.reason, now.mode)}
                      {next && (next.mode !== now.mode || next.reason !== now.reason) ? (
                        <>
                          {' '}
                          → <b>{next.mode}</b> — {source(next.reason, next.mode)}
                        </>
                      ) : null}
                    </dd>
                  </Fragment>
                );
              })}
            <dt>Policy</dt>
            <dd data-testid="mtls-policy">
              {owner ? `edits ${friendlyName(owner)} in place` : `creates PeerAuthentication ${state.namespace}/${state.policyName || '…'} when a mode is set`}
            </dd>
          </dl>
          <div className={s.grid}>
            <SelectField
              path="mode"
              label="Mode"
              value={state.mode}
              options={MODE_OPTIONS}
              onChange={(mode) => set({ mode })}
              hint="UNSET inherits from the namespace, then the mesh; Istio's default is PERMISSIVE."
            />
            {!owner && (
              <TextField path="policyName" label="Name of the new PeerAuthentication" value={state.policyName} onChange={(policyName) => set({ policyName })} />
            )}
          </div>
          {scope === 'workload' && (
            <fieldset className={s.fieldset} data-testid="port-level">
              <legend>Per port (container port of the workload){containerPorts.length ? `: ${containerPorts.join(', ')}` : ''}</legend>
              {state.portLevel.map((p, i) => (
                <div className={s.rowItem} key={i}>
                  <NumberField
                    path={`portLevel.${i}.port`}
                    label={`Port ${i + 1}`}
                    value={p.port}
                    onChange={(port) => set({ portLevel: state.portLevel.map((x, j) => (j === i ? { ...x, port } : x)) })}
                  />
                  <SelectField
                    path={`portLevel.${i}.mode`}
                    label={`Mode on port ${i + 1}`}
                    value={p.mode}
                    options={MODE_OPTIONS}
                    onChange={(mode) => set({ portLevel: state.portLevel.map((x, j) => (j === i ? { ...x, mode } : x)) })}
                  />
                  <button type="button" className={s.small} onClick={() => set({ portLevel: state.portLevel.filter((_, j) => j !== i) })}>
                    Remove
                  </button>
                </div>
              ))}
              <button
                type="button"
                className={s.small}
                onClick={() =>
                  set({
                    portLevel: [
                      ...state.portLevel,
                      { port: containerPorts.find((p) => !state.portLevel.some((x) => x.port === p)) ?? Number.NaN, mode: 'PERMISSIVE' },
                    ],
                  })
                }
              >
                Add a port setting
              </button>
            </fieldset>
          )}
        </Section>

        <Section title="Client side (optional)">
          <CheckboxField
            path="clientTls.enabled"
            label="Also make clients use Istio mTLS (DestinationRule trafficPolicy.tls: ISTIO_MUTUAL)"
            checked={state.clientTls.enabled}
            onChange={(enabled) => set({ clientTls: { ...state.clientTls, enabled } })}
            hint="Usually unnecessary: with auto mTLS, sidecars already send mTLS to servers that have one. Use it when a DestinationRule for these hosts sets its own TLS."
          />
          {state.clientTls.enabled && (
            <div className={s.grid}>
              <TextField
                path="clientTls.host"
                label="Host the clients call"
                value={state.clientTls.host}
                onChange={(host) => set({ clientTls: { ...state.clientTls, host } })}
              />
            </div>
          )}
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}
