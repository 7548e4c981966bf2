'use client';
/** A ServiceEntry for an external (or extra internal) system. */
import { useMemo, useState } from 'react';
import {
  buildServiceEntry,
  effectivePortNames,
  getInitServiceEntry,
  OPAQUE_PROTOCOLS,
  SE_LOCATIONS,
  SE_PROTOCOLS,
  SE_RESOLUTIONS,
  type ServiceEntryState,
} from '@/lib/istio/forms/serviceEntry';
import { ApplyFlow } from './ApplyFlow';
import { FieldErrors, IssuesProvider, NumberField, Section, SelectField, StringListField, TextField } from './fields';
import type { FormProps } from './FormPage';
import { missingTarget, NamespacePicker, Picker, Pickers, TargetMissing, useTarget } from './targets';
import s from './forms.module.css';

const RESOLUTION_HINT: Record<ServiceEntryState['resolution'], string> = {
  DNS: 'DNS: the sidecar resolves the host names (or the endpoints you list) itself.',
  STATIC: 'STATIC: traffic goes to the IP addresses of the endpoints you list.',
  NONE: 'NONE: traffic goes to the address the caller connected to (use with address blocks).',
};

export function ServiceEntryForm(props: FormProps) {
  const t = useTarget();
  const ns = t.get('ns');
  const name = t.get('name');
  const existing = props.resources.serviceEntries
    .filter((x) => x.metadata.namespace === ns)
    .map((x) => x.metadata.name)
    .sort();
  const missing = props.pending ? null : missingTarget(props.resources, { ns });
  return (
    <>
      <Pickers>
        <NamespacePicker resources={props.resources} value={ns} onChange={(v) => t.set({ ns: v || undefined, name: undefined })} />
        {ns && (
          <Picker
            label="ServiceEntry"
            value={existing.includes(name) ? name : ''}
            options={existing}
            onChange={(v) => t.set({ name: v || undefined })}
            placeholder="New ServiceEntry"
            testId="target-serviceentry"
          />
        )}
      </Pickers>
      {props.pending ??
        (missing ? (
          <TargetMissing>{missing}</TargetMissing>
        ) : ns ? (
          <ServiceEntryBody key={`${props.snapshot}/${ns}/${name}`} {...props} namespace={ns} name={existing.includes(name) ? name : undefined} />
        ) : (
          <div className="empty">Choose the namespace the entry belongs to.</div>
        ))}
    </>
  );
}

function ServiceEntryBody({ context, resources, onApplied, onReload, namespace, name }: FormProps & { namespace: string; name?: string }) {
  const [state, setState] = useState<ServiceEntryState>(() => {
    const init = getInitServiceEntry({ resources, namespace, name });
    return name ? init : { ...init, ports: [{ number: 443, protocol: 'HTTPS', name: '' }] };
  });
  const result = useMemo(() => buildServiceEntry(state, { resources }), [state, resources]);
  const set = (patch: Partial<ServiceEntryState>) => setState((x) => ({ ...x, ...patch }));
  const portNames = effectivePortNames(state.ports);
  const opaque = state.ports.some((p) => OPAQUE_PROTOCOLS.includes(p.protocol));

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload}>
        <Section title="The external system">
          <div className={s.grid}>
            {name ? (
              <p className={s.hint} data-testid="se-owner">
                Edits ServiceEntry {namespace}/{name} in place; fields this form does not show (workloadSelector, subjectAltNames, endpoint labels) stay.
              </p>
            ) : (
              <TextField
                path="name"
                label="Name of the ServiceEntry"
                value={state.name}
                onChange={(v) => set({ name: v })}
                placeholder="e.g. mysql"
                hint={
                  resources.serviceEntries.some((x) => x.metadata.namespace === namespace && x.metadata.name === state.name)
                    ? `A ServiceEntry ${state.name} exists in ${namespace}: applying replaces its hosts, ports and endpoints. Choose it above to start from its settings.`
                    : undefined
                }
              />
            )}
          </div>
          <StringListField
            path="hosts"
            label="Host names"
            itemLabel="Host"
            values={state.hosts}
            onChange={(hosts) => set({ hosts })}
            placeholder="db.example.com"
          />
          <StringListField
            path="addresses"
            label="Addresses (IP addresses or CIDR blocks)"
            itemLabel="Address"
            values={state.addresses}
            onChange={(addresses) => set({ addresses })}
            placeholder="10.0.0.1/32"
          />
          <div className={opaque ? 'banner info' : s.hint} data-testid="tcp-rule">
            <b>The TCP rule:</b> a sidecar picks a ServiceEntry by the HTTP Host header or the TLS SNI. Plain TCP (a database, MONGO) carries neither, so the
            host name cannot select the entry — only the destination address can. TCP entries therefore need the service&apos;s addresses as CIDR blocks (e.g.
            10.0.0.1/32).
          </div>
        </Section>

        <Section title="Ports">
          {state.ports.map((p, i) => (
            <div className={s.rowItem} key={i} data-testid={`port-${i}`}>
              <NumberField
                path={`ports.${i}.number`}
                label={`Port ${i + 1}`}
                value={p.number}
                onChange={(number) => set({ ports: state.ports.map((x, j) => (j === i ? { ...x, number } : x)) })}
              />
              <SelectField
                path={`ports.${i}.protocol`}
                label={`Protocol of port ${i + 1}`}
                value={p.protocol}
                options={SE_PROTOCOLS.map((v) => ({ value: v, label: v }))}
                onChange={(protocol) => set({ ports: state.ports.map((x, j) => (j === i ? { ...x, protocol } : x)) })}
              />
              <TextField
                path={`ports.${i}.name`}
                label={`Name of port ${i + 1}`}
                value={p.name}
                placeholder={portNames[i]}
                onChange={(pn) => set({ ports: state.ports.map((x, j) => (j === i ? { ...x, name: pn } : x)) })}
              />
              <button type="button" className={s.small} onClick={() => set({ ports: state.ports.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className={s.small}
            onClick={() => set({ ports: [...state.ports, { number: Number.NaN, protocol: 'TCP', name: '' }] })}
            data-testid="add-ports"
          >
            Add a port
          </button>
          <FieldErrors id="ports-err" path="ports" />
        </Section>

        <Section title="Where it is and how it is found">
          <div className={s.grid}>
            <SelectField
              path="location"
              label="Location"
              value={state.location}
              options={SE_LOCATIONS.map((v) => ({
                value: v,
                label: v === 'MESH_EXTERNAL' ? 'MESH_EXTERNAL — outside the mesh' : 'MESH_INTERNAL — part of the mesh',
              }))}
              onChange={(location) => set({ location })}
            />
            <SelectField
              path="resolution"
              label="Resolution"
              value={state.resolution}
              options={SE_RESOLUTIONS.map((v) => ({ value: v, label: v }))}
              onChange={(resolution) => set({ resolution })}
              hint={RESOLUTION_HINT[state.resolution]}
            />
          </div>
          {state.resolution !== 'NONE' && (
            <fieldset className={s.fieldset} data-testid="endpoints">
              <legend>Endpoints{state.resolution === 'DNS' ? ' (optional: host names or IPs to resolve instead of the hosts)' : ''}</legend>
              {state.endpoints.map((e, i) => (
                <div className={s.rowItem} key={i}>
                  <TextField
                    path={`endpoints.${i}.address`}
                    label={`Endpoint ${i + 1}`}
                    value={e.address}
                    onChange={(address) => set({ endpoints: state.endpoints.map((x, j) => (j === i ? { ...x, address } : x)) })}
                  />
                  <button type="button" className={s.small} onClick={() => set({ endpoints: state.endpoints.filter((_, j) => j !== i) })}>
                    Remove
                  </button>
                </div>
              ))}
              <button type="button" className={s.small} onClick={() => set({ endpoints: [...state.endpoints, { address: '' }] })} data-testid="add-endpoints">
                Add an endpoint
              </button>
            </fieldset>
          )}
          <FieldErrors id="endpoints-err" path="endpoints" />
          <StringListField
            path="exportTo"
            label="Visible to (exportTo; none: every namespace)"
            itemLabel="Namespace"
            values={state.exportTo}
            onChange={(exportTo) => set({ exportTo })}
            placeholder=". (this namespace), * or a name"
          />
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}
