'use client';
/** Expose a service through an ingress Gateway: hosts, HTTP/HTTPS, redirect, path prefixes, timeout, retries. */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { tlsSecretsQuery } from '@/lib/client/mesh';
import {
  buildExpose, credentialNamespaceOf, findGateway, freeName, getInitExpose, listGatewayChoices, servicePortChoices,
  type ExposeState,
} from '@/lib/istio/forms';
import type { K8sObject } from '@/lib/istio/types';
import { ApplyFlow } from './ApplyFlow';
import { CheckboxField, FieldErrors, IssuesProvider, RadioGroup, Section, SelectField, StringListField, TextField } from './fields';
import { FormPage, type FormProps } from './FormPage';
import { RouteOptionsFields } from './RouteOptionsFields';
import { ServiceTargetForm } from './targets';
import s from './forms.module.css';

export function ExposeForm(props: FormProps) {
  return <ServiceTargetForm props={props} prompt="Choose the service to expose." Body={ExposeBody} />;
}

function ExposeBody({ context, resources, onApplied, onReload, namespace, service }: FormProps & { namespace: string; service: string }) {
  const [state, setState] = useState<ExposeState>(() => getInitExpose({ resources, namespace, service }));
  const set = (patch: Partial<ExposeState>) => setState((x) => ({ ...x, ...patch }));
  const choices = useMemo(() => listGatewayChoices(resources), [resources]);
  const chosen = choices.find((c) => c.namespace === state.gateway.namespace && c.name === state.gateway.name);
  const gateway = state.gateway;
  const credentialNs = useMemo(() => credentialNamespaceOf({ gateway }, resources), [gateway, resources]);
  const secretsQ = useQuery({ ...tlsSecretsQuery(context, credentialNs), enabled: state.https });
  const forbidden = (secretsQ.error as { status?: number } | null)?.status === 403;
  const secretObjects = useMemo<K8sObject[] | undefined>(
    () => secretsQ.data?.names.map((name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: credentialNs }, type: 'kubernetes.io/tls' })),
    [secretsQ.data, credentialNs],
  );
  const result = useMemo(() => buildExpose(state, { resources, secrets: secretObjects }), [state, resources, secretObjects]);
  const ports = servicePortChoices(resources, namespace, service);
  const gatewayKey = `${state.gateway.namespace}/${state.gateway.name}`;

  const chooseMode = (mode: 'existing' | 'new') => {
    if (mode === state.gateway.mode) return;
    if (mode === 'existing') {
      const first = choices.find((c) => c.namespace === namespace) ?? choices[0];
      set({ gateway: { mode, namespace: first?.namespace ?? namespace, name: first?.name ?? '' } });
    } else {
      set({ gateway: { mode, namespace, name: freeName(`${service}-gateway`, resources.gateways, namespace) } });
    }
  };

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload}>
        <Section title="What to expose">
          <div className={s.grid}>
            <SelectField
              path="port"
              label="Service port"
              value={String(state.port)}
              options={(ports.some((p) => p.port === state.port) ? ports : [{ port: state.port }, ...ports]).map((p) => ({ value: String(p.port), label: `${p.port}${'name' in p && p.name ? ` (${p.name})` : ''}` }))}
              onChange={(v) => set({ port: Number(v) })}
            />
            <TextField path="virtualServiceName" label="VirtualService" value={state.virtualServiceName} onChange={(virtualServiceName) => set({ virtualServiceName })} hint={resources.virtualServices.some((v) => v.metadata.namespace === namespace && v.metadata.name === state.virtualServiceName) ? 'Exists: its hosts, gateway and routes to this service are edited; other routes stay.' : 'Will be created.'} />
          </div>
          <StringListField path="hosts" label="Host names clients use" itemLabel="Host" values={state.hosts} onChange={(hosts) => set({ hosts })} placeholder="app.example.com" />
        </Section>

        <Section title="Gateway">
          <RadioGroup
            path="gateway.mode"
            label="Listen on"
            value={state.gateway.mode}
            onChange={chooseMode}
            options={[
              { value: 'existing', label: 'An existing Gateway' },
              { value: 'new', label: 'A new Gateway (selector istio: ingressgateway)' },
            ]}
          />
          {state.gateway.mode === 'existing' ? (
            <div className={s.grid}>
              <SelectField
                path="gateway.name"
                label="Gateway"
                value={gatewayKey}
                options={[...(chosen ? [] : [{ value: gatewayKey, label: state.gateway.name ? gatewayKey : 'Choose a gateway…' }]), ...choices.map((c) => ({ value: `${c.namespace}/${c.name}`, label: `${c.namespace}/${c.name}` }))]}
                onChange={(v) => {
                  const [gns = '', gname = ''] = v.split('/');
                  set({ gateway: { mode: 'existing', namespace: gns, name: gname } });
                }}
                hint={
                  chosen ? (
                    <span data-testid="gateway-workloads">
                      Selects {Object.entries(chosen.selector).map(([k, v]) => `${k}=${v}`).join(', ') || 'nothing'}:{' '}
                      {chosen.workloads.length ? chosen.workloads.join(', ') : 'no known ingress workload'}. Serves {chosen.hosts.join(', ') || 'no hosts yet'}.
                    </span>
                  ) : undefined
                }
              />
            </div>
          ) : (
            <div className={s.grid}>
              <TextField path="gateway.namespace" label="Namespace of the new Gateway" value={state.gateway.namespace} onChange={(v) => set({ gateway: { ...state.gateway, namespace: v } })} />
              <TextField path="gateway.name" label="Name of the new Gateway" value={state.gateway.name} onChange={(v) => set({ gateway: { ...state.gateway, name: v } })} hint={findGateway(resources, state.gateway.namespace, state.gateway.name) ? 'A Gateway of that name exists.' : undefined} />
            </div>
          )}
          <CheckboxField path="http" label="HTTP on port 80" checked={state.http} onChange={(http) => set({ http, ...(http ? {} : { httpsRedirect: false }) })} />
          <CheckboxField path="https" label="HTTPS on port 443 (TLS terminated at the gateway)" checked={state.https} onChange={(https) => set({ https, ...(https ? {} : { httpsRedirect: false }) })} />
          {state.https && (
            <div className={s.grid}>
              <TextField
                path="credentialName"
                label="TLS secret (credentialName)"
                value={state.credentialName}
                list="tls-secrets"
                onChange={(credentialName) => set({ credentialName })}
                hint={
                  <span data-testid="secret-hint">
                    {forbidden
                      ? `You may not list secrets in ${credentialNs} (Kubernetes RBAC), so none can be offered: type the name of the kubernetes.io/tls secret.`
                      : secretsQ.data
                        ? secretsQ.data.names.length
                          ? `TLS secrets in ${credentialNs}, where the gateway workload reads them: ${secretsQ.data.names.join(', ')}.`
                          : `There is no TLS secret in ${credentialNs} yet; type the name of the one you will create there.`
                        : secretsQ.isError
                          ? `Could not list the secrets of ${credentialNs}: ${(secretsQ.error as Error).message}`
                          : `Looking for TLS secrets in ${credentialNs}…`}
                  </span>
                }
              />
              <datalist id="tls-secrets">
                {(secretsQ.data?.names ?? []).map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
            </div>
          )}
          <CheckboxField path="httpsRedirect" label="Redirect HTTP to HTTPS" checked={state.httpsRedirect} onChange={(httpsRedirect) => set({ httpsRedirect })} />
        </Section>

        <Section title="Paths">
          {state.routes.map((r, i) => (
            <div className={s.rowItem} key={i} data-testid={`route-${i}`}>
              <TextField path={`routes.${i}.prefix`} label={`Path prefix ${i + 1}`} value={r.prefix} onChange={(prefix) => set({ routes: state.routes.map((x, j) => (j === i ? { ...x, prefix } : x)) })} />
              <TextField
                path={`routes.${i}.rewrite`}
                label={`Rewrite to (optional) ${i + 1}`}
                value={r.rewrite ?? ''}
                onChange={(rewrite) => set({ routes: state.routes.map((x, j) => (j === i ? { prefix: x.prefix, ...(rewrite ? { rewrite } : {}) } : x)) })}
              />
              <button type="button" className={s.small} onClick={() => set({ routes: state.routes.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className={s.small} onClick={() => set({ routes: [...state.routes, { prefix: '/' }] })} data-testid="add-routes">
            Add a path
          </button>
          <FieldErrors id="routes-err" path="routes" />
        </Section>

        <Section title="Route options (optional)">
          <RouteOptionsFields value={state} onChange={(v) => setState((x) => ({ ...x, timeout: v.timeout, retries: v.retries }))} />
        </Section>
      </ApplyFlow>
    </IssuesProvider>
  );
}

export function ExposePage() {
  return <FormPage job="expose">{(p) => <ExposeForm {...p} />}</FormPage>;
}
