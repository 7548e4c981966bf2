'use client';
/** Traffic shifting between a service's versions: weights, canary steps, timeout, retries, fault injection. */
import { useMemo, useState } from 'react';
import {
  applyCanaryStep, buildTrafficShifting, canarySteps, findDestinationRule, findRoutingVirtualServices, getInitTrafficShifting, guessCanaryPair,
  type TrafficShiftingState,
} from '@/lib/istio/forms';
import { friendlyName } from '@/lib/istio/resources';
import { ApplyFlow } from './ApplyFlow';
import { FieldErrors, IssuesProvider, NumberField, Section, TextField } from './fields';
import { FormPage, type FormProps } from './FormPage';
import { RouteOptionsFields } from './RouteOptionsFields';
import { NamespacePicker, Picker, Pickers, ServicePicker, useTarget } from './targets';
import s from './forms.module.css';

export function TrafficForm(props: FormProps) {
  const t = useTarget();
  const ns = t.get('ns');
  const service = t.get('service');
  return (
    <>
      <Pickers>
        <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined, service: undefined })} />
        {ns && <ServicePicker resources={props.resources} namespace={ns} value={service} onChange={(v) => t.set({ service: v || undefined })} />}
      </Pickers>
      {ns && service ? <TrafficBody key={`${ns}/${service}`} {...props} namespace={ns} service={service} /> : <div className="empty">Choose the service whose traffic you want to shift.</div>}
    </>
  );
}

function TrafficBody({ context, resources, onApplied, onReload, namespace, service }: FormProps & { namespace: string; service: string }) {
  const [state, setState] = useState<TrafficShiftingState>(() => getInitTrafficShifting({ resources, namespace, service }));
  const result = useMemo(() => buildTrafficShifting(state, { resources }), [state, resources]);
  const guess = guessCanaryPair(state);
  const [pair, setPair] = useState<{ from: string; to: string }>(() => guess ?? { from: '', to: '' });
  const vs = findRoutingVirtualServices(resources, namespace, service)[0];
  const dr = findDestinationRule(resources, namespace, service);
  const total = state.subsets.reduce((a, x) => a + (Number.isNaN(x.weight) ? 0 : x.weight), 0);
  const names = state.subsets.map((x) => x.name);
  const setVersionLabel = (versionLabel: string) => {
    const fresh = getInitTrafficShifting({ resources, namespace, service, versionLabel });
    setState((x) => ({ ...fresh, timeout: x.timeout, retries: x.retries, fault: x.fault }));
  };

  return (
    <IssuesProvider issues={result.errors}>
      <Section title="Versions and weights">
        <p className={s.hint} data-testid="traffic-owners">
          Routing: {vs ? `edits ${friendlyName(vs)} in place (only its route to ${service})` : `creates VirtualService ${namespace}/${state.virtualServiceName}`}. Subsets:{' '}
          {dr ? `extends ${friendlyName(dr)} (existing subsets stay)` : `creates DestinationRule ${namespace}/${state.destinationRuleName}`}.
        </p>
        <div className={s.grid}>
          <TextField path="versionLabel" label="Label that tells versions apart" value={state.versionLabel} onChange={setVersionLabel} hint="Found on the service's workloads, e.g. version or release." />
        </div>
        <table className="list" data-testid="subsets">
          <thead>
            <tr>
              <th>Subset</th>
              <th>Pods with labels</th>
              <th>Weight (%)</th>
            </tr>
          </thead>
          <tbody>
            {state.subsets.map((x, i) => (
              <tr key={i} data-testid={`subset-${x.name}`}>
                <td>
                  <TextField path={`subsets.${i}.name`} label={`Name of subset ${i + 1}`} value={x.name} onChange={(name) => setState((st) => ({ ...st, subsets: st.subsets.map((y, j) => (j === i ? { ...y, name } : y)) }))} />
                </td>
                <td className="mono">
                  {Object.entries(x.labels).map(([k, v]) => `${k}=${v}`).join(', ')}
                  <FieldErrors id={`subset-${i}-labels-err`} path={`subsets.${i}.labels`} />
                </td>
                <td>
                  <NumberField path={`subsets.${i}.weight`} label={`Weight of ${x.name || `subset ${i + 1}`}`} min={0} max={100} value={x.weight} onChange={(weight) => setState((st) => ({ ...st, subsets: st.subsets.map((y, j) => (j === i ? { ...y, weight } : y)) }))} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={2}>Total</td>
              <td data-testid="weights-total" className={total === 100 ? s.ok : s.denied}>
                {total}%
              </td>
            </tr>
          </tfoot>
        </table>
        <FieldErrors id="subsets-err" path="subsets" />
        {state.subsets.length >= 2 && (
          <div className={s.pickers} style={{ marginTop: 10 }} data-testid="canary">
            <Picker label="Stable" value={pair.from} options={names} onChange={(from) => setPair((p) => ({ ...p, from }))} placeholder="Choose…" testId="canary-from" />
            <Picker label="Canary" value={pair.to} options={names} onChange={(to) => setPair((p) => ({ ...p, to }))} placeholder="Choose…" testId="canary-to" />
            {canarySteps.map((step) => (
              <button
                key={step.join('/')}
                type="button"
                disabled={!pair.from || !pair.to || pair.from === pair.to}
                onClick={() => setState((st) => applyCanaryStep(st, step, pair.from, pair.to))}
                data-testid={`canary-${step[0]}-${step[1]}`}
              >
                {step[0]}/{step[1]}
              </button>
            ))}
          </div>
        )}
      </Section>

      <Section title="Route options (optional)">
        <RouteOptionsFields value={state} onChange={(v) => setState((st) => ({ ...st, timeout: v.timeout, retries: v.retries, fault: v.fault }))} withFault />
      </Section>

      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload} />
    </IssuesProvider>
  );
}

export function TrafficPage() {
  return <FormPage job="traffic">{(p) => <TrafficForm {...p} />}</FormPage>;
}
