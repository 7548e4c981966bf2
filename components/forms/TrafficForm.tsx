'use client';
/** Traffic shifting between a service's versions: weights, canary steps, timeout, retries, fault injection. */
import { useMemo, useState } from 'react';
import { findMeshHttpRoutes, trafficApiFor } from '@/lib/istio/forms/meshRoute';
import {
  applyCanaryStep,
  buildTrafficShifting,
  canarySteps,
  findDestinationRule,
  findRoutingVirtualServices,
  getInitTrafficShifting,
  guessCanaryPair,
  type TrafficShiftingState,
} from '@/lib/istio/forms/trafficShifting';
import { friendlyName } from '@/lib/istio/resources';
import { ApplyFlow } from './ApplyFlow';
import { FieldErrors, IssuesProvider, NumberField, Section, TextField } from './fields';
import type { FormProps } from './FormPage';
import { RouteOptionsFields } from './RouteOptionsFields';
import { Picker, ServiceTargetForm } from './targets';
import s from './forms.module.css';

export function TrafficForm(props: FormProps) {
  return <ServiceTargetForm props={props} prompt="Choose the service whose traffic you want to shift." Body={TrafficBody} />;
}

/** The canary pair, by position in the subset list: renaming a subset keeps it in the pair. -1: none. */
type Pair = { from: number; to: number };

function guessPair(state: TrafficShiftingState): Pair {
  const names = state.subsets.map((x) => x.name);
  const g = guessCanaryPair(state);
  return g ? { from: names.indexOf(g.from), to: names.indexOf(g.to) } : { from: -1, to: -1 };
}

function TrafficBody({ context, resources, onApplied, onReload, namespace, service }: FormProps & { namespace: string; service: string }) {
  const [state, setState] = useState<TrafficShiftingState>(() => getInitTrafficShifting({ resources, namespace, service }));
  const result = useMemo(() => buildTrafficShifting(state, { resources }), [state, resources]);
  const [pair, setPair] = useState<Pair>(() => guessPair(state));
  // The version label is typed freely and takes effect on Enter or when the field is left:
  // re-reading the subsets on every keystroke would throw away what was typed so far.
  const [labelDraft, setLabelDraft] = useState(state.versionLabel);
  const vs = useMemo(() => findRoutingVirtualServices(resources, namespace, service)[0], [resources, namespace, service]);
  const dr = useMemo(() => findDestinationRule(resources, namespace, service), [resources, namespace, service]);
  const httpRoute = useMemo(() => findMeshHttpRoutes(resources, namespace, service)[0], [resources, namespace, service]);
  const api = useMemo(() => trafficApiFor(resources, namespace, service), [resources, namespace, service]);
  const gatewayApi = state.api === 'HTTPRoute';
  const total = state.subsets.reduce((a, x) => a + (Number.isNaN(x.weight) ? 0 : x.weight), 0);
  const names = state.subsets.map((x) => x.name);
  const from = names[pair.from] ?? '';
  const to = names[pair.to] ?? '';
  const pairUsable = !!from && !!to && from !== to;

  const commitVersionLabel = () => {
    const versionLabel = labelDraft.trim();
    setLabelDraft(versionLabel);
    if (versionLabel === state.versionLabel) return;
    const fresh = getInitTrafficShifting({ resources, namespace, service, versionLabel });
    // A subset that stays (same name, same pod labels) keeps the weight typed for it.
    const subsets = fresh.subsets.map((x) => {
      const before = state.subsets.find((y) => y.name === x.name && JSON.stringify(y.labels) === JSON.stringify(x.labels));
      return before ? { ...x, weight: before.weight } : x;
    });
    const next: TrafficShiftingState = { ...fresh, subsets, timeout: state.timeout, retries: state.retries, fault: state.fault };
    setState(next);
    setPair(guessPair(next));
  };

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload}>
        <Section title="Versions and weights">
          {gatewayApi ? (
            <p className={s.hint} data-testid="traffic-owners">
              Routing (Gateway API: {api.reason}):{' '}
              {httpRoute
                ? `edits ${friendlyName(httpRoute)} in place (only the backends and timeout of its catch-all rule)`
                : `creates HTTPRoute ${namespace}/${state.httpRouteName} with parentRef Service ${service}`}
              . Versions are backend Services; no DestinationRule is written.
            </p>
          ) : (
            <p className={s.hint} data-testid="traffic-owners">
              Routing:{' '}
              {vs ? `edits ${friendlyName(vs)} in place (only its route to ${service})` : `creates VirtualService ${namespace}/${state.virtualServiceName}`}.
              Subsets: {dr ? `extends ${friendlyName(dr)} (existing subsets stay)` : `creates DestinationRule ${namespace}/${state.destinationRuleName}`}.
            </p>
          )}
          <div className={s.grid}>
            <TextField
              path="versionLabel"
              label="Label that tells versions apart"
              value={labelDraft}
              onChange={setLabelDraft}
              onBlur={commitVersionLabel}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  commitVersionLabel();
                }
              }}
              hint={
                labelDraft.trim() !== state.versionLabel
                  ? 'Press Enter (or leave the field) to look for versions by this label.'
                  : "Found on the service's workloads, e.g. version or release."
              }
            />
          </div>
          <table className="list" data-testid="subsets">
            <thead>
              <tr>
                <th>{gatewayApi ? 'Backend Service' : 'Subset'}</th>
                <th>Pods with labels</th>
                <th>Weight (%)</th>
              </tr>
            </thead>
            <tbody>
              {state.subsets.map((x, i) => (
                <tr key={i} data-testid={`subset-${x.name}`}>
                  <td>
                    <TextField
                      path={`subsets.${i}.name`}
                      label={gatewayApi ? `Backend Service ${i + 1}` : `Name of subset ${i + 1}`}
                      value={x.name}
                      onChange={(name) => setState((st) => ({ ...st, subsets: st.subsets.map((y, j) => (j === i ? { ...y, name } : y)) }))}
                    />
                  </td>
                  <td className="mono">
                    {Object.entries(x.labels)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(', ')}
                    <FieldErrors id={`subset-${i}-labels-err`} path={`subsets.${i}.labels`} />
                  </td>
                  <td>
                    <NumberField
                      path={`subsets.${i}.weight`}
                      label={`Weight of ${x.name || `subset ${i + 1}`}`}
                      min={0}
                      max={100}
                      value={x.weight}
                      onChange={(weight) => setState((st) => ({ ...st, subsets: st.subsets.map((y, j) => (j === i ? { ...y, weight } : y)) }))}
                    />
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
              <Picker
                label="Stable"
                value={from}
                options={names}
                onChange={(v) => setPair((p) => ({ ...p, from: names.indexOf(v) }))}
                placeholder="Choose…"
                testId="canary-from"
              />
              <Picker
                label="Canary"
                value={to}
                options={names}
                onChange={(v) => setPair((p) => ({ ...p, to: names.indexOf(v) }))}
                placeholder="Choose…"
                testId="canary-to"
              />
              {canarySteps.map((step) => (
                <button
                  key={step.join('/')}
                  type="button"
                  disabled={!pairUsable}
                  onClick={() => setState((st) => applyCanaryStep(st, step, from, to))}
                  data-testid={`canary-${step[0]}-${step[1]}`}
                >
                  {step[0]}/{step[1]}
                </button>
              ))}
            </div>
          )}
        </Section>

        <Section title="Route options (optional)">
          {gatewayApi && (
            <p className={s.hint}>An HTTPRoute of the Gateway API&apos;s standard channel has a request timeout, but no retries or fault injection.</p>
          )}
          <RouteOptionsFields
            value={state}
            onChange={(v) => setState((st) => ({ ...st, timeout: v.timeout, retries: v.retries, fault: v.fault }))}
            withFault={!gatewayApi}
          />
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}
