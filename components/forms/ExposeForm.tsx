'use client';
/** Expose a service through an ingress Gateway: hosts, HTTP/HTTPS, redirect, path prefixes, timeout, retries. */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { tlsSecretsQuery } from '@/lib/client/mesh';
import { freeName } from '@/lib/istio/forms/objects';
import {
  buildExpose,
  credentialNamespaceOf,
  defaultExposeApi,
  findGateway,
  getInitExpose,
  listGatewayChoices,
  servicePortChoices,
  type ExposeState,
} from '@/lib/istio/forms/expose';
import { listGatewayApiChoices } from '@/lib/istio/forms/exposeGatewayApi';
import type { K8sObject } from '@/lib/istio/types';
import { ApplyFlow } from './ApplyFlow';
import { CheckboxField, FieldErrors, IssuesProvider, RadioGroup, Section, SelectField, StringListField, TextField } from './fields';
import type { FormProps } from './FormPage';
import { RouteOptionsFields } from './RouteOptionsFields';
import { ServiceTargetForm } from './targets';
import s from './forms.module.css';

export function ExposeForm(props: FormProps) {
  return <ServiceTargetForm props={props} prompt="Choose the service to expose." Body={ExposeBody} />;
}

function ExposeBody({ context, resources, onApplied, onReload, namespace, service }: FormProps & { namespace: string; service: string }) {
  const [state, setState] = useState<ExposeState>(() => getInitExpose({ resources, namespace, service }));
  const set = (patch: Partial<ExposeState>) => setState((x) => ({ ...x, ...patch }));
  const gwApi = state.api === 'gateway-api';
  const suggested = useMemo(() => defaultExposeApi(resources, namespace, service), [resources, namespace, service]);
  const istioChoices = useMemo(() => listGatewayChoices(resources), [resources]);
  const apiChoices = useMemo(() => listGatewayApiChoices(resources), [resources]);
  const choices = gwApi ? apiChoices : istioChoices;
  const chosen = istioChoices.find((c) => c.namespace === state.gateway.namespace && c.name === state.gateway.name);
  const chosenApi = apiChoices.find((c) => c.namespace === state.gateway.namespace && c.name === state.gateway.name);
  const gateway = state.gateway;
  // Gateway API: certificateRefs name a Secret in the Gateway's namespace.
  const credentialNs = useMemo(() => (gwApi ? gateway.namespace : credentialNamespaceOf({ gateway }, resources)), [gwApi, gateway, resources]);
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
      set({ gateway: { mode, namespace, name: freeName(`${service}-gateway`, gwApi ? resources.k8sGateways : resources.gateways, namespace) } });
    }
  };
  const chooseApi = (api: 'istio' | 'gateway-api') => {
    if (api === (state.api ?? 'istio')) return;
    const next = getInitExpose({ resources, namespace, service, api });
    setState(next.hosts.length ? next : { ...next, hosts: state.hosts });
  };

  return (
    <IssuesProvider issues={result.errors}>
      <ApplyFlow context={context} result={result} onApplied={onApplied} onReload={onReload}>
        <Section title="How">
          <RadioGroup
            path="api"
            label="Write"
            value={state.api ?? 'istio'}
            onChange={chooseApi}
            options={[
              { value: 'istio', label: 'Istio Gateway + VirtualService' },
              { value: 'gateway-api', label: 'Gateway API Gateway + HTTPRoute' },
            ]}
            hint={
              <span data-testid="api-hint">
                Suggested: {suggested.api === 'gateway-api' ? 'Gateway API' : 'Istio'}, because {suggested.reason}.
              </span>
            }
          />
        </Section>

        <Section title="What to expose">
          <div className={s.grid}>
            <SelectField
              path="port"
              label="Service port"
              value={String(state.port)}
              options={(ports.some((p) => p.port === state.port) ? ports : [{ port: state.port }, ...ports]).map((p) => ({
                value: String(p.port),
                label: `${p.port}${'name' in p && p.name ? ` (${p.name})` : ''}`,
              }))}
              onChange={(v) => set({ port: Number(v) })}
            />
            {gwApi ? (
              <TextField
                path="httpRouteName"
                label="HTTPRoute"
                value={state.httpRouteName ?? ''}
                onChange={(httpRouteName) => set({ httpRouteName })}
                hint={
                  resources.httpRoutes.some((v) => v.metadata.namespace === namespace && v.metadata.name === state.httpRouteName)
                    ? 'Exists: its hostnames, parentRef to the Gateway and rules to this service are edited; other rules stay.'
                    : 'Will be created.'
                }
              />
            ) : (
              <TextField
                path="virtualServiceName"
                label="VirtualService"
                value={state.virtualServiceName}
                onChange={(virtualServiceName) => set({ virtualServiceName })}
                hint={
                  resources.virtualServices.some((v) => v.metadata.namespace === namespace && v.metadata.name === state.virtualServiceName)
                    ? 'Exists: its hosts, gateway and routes to this service are edited; other routes stay.'
                    : 'Will be created.'
                }
              />
            )}
          </div>
          <StringListField
            path="hosts"
            label={gwApi ? 'Host names clients use (none: any host the listener takes)' : 'Host names clients use'}
            itemLabel="Host"
            values={state.hosts}
            onChange={(hosts) => set({ hosts })}
            placeholder="app.example.com"
          />
        </Section>

        <Section title="Gateway">
          <RadioGroup
            path="gateway.mode"
            label="Listen on"
            value={state.gateway.mode}
            onChange={chooseMode}
            options={[
              { value: 'existing', label: 'An existing Gateway' },
              { value: 'new', label: gwApi ? 'A new Gateway (gatewayClassName istio)' : 'A new Gateway (selector istio: ingressgateway)' },
            ]}
          />
          {state.gateway.mode === 'existing' ? (
            <div className={s.grid}>
              <SelectField
                path="gateway.name"
                label="Gateway"
                value={gatewayKey}
                options={[
                  ...(chosen ? [] : [{ value: gatewayKey, label: state.gateway.name ? gatewayKey : 'Choose a gateway…' }]),
                  ...choices.map((c) => ({ value: `${c.namespace}/${c.name}`, label: `${c.namespace}/${c.name}` })),
                ]}
                onChange={(v) => {
                  const [gns = '', gname = ''] = v.split('/');
                  set({ gateway: { mode: 'existing', namespace: gns, name: gname } });
                }}
                hint={
                  gwApi ? (
                    chosenApi ? (
                      <span data-testid="gateway-listeners">Listeners: {chosenApi.listeners.join('; ') || 'none'}.</span>
                    ) : undefined
                  ) : chosen ? (
                    <span data-testid="gateway-workloads">
                      Selects{' '}
                      {Object.entries(chosen.selector)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ') || 'nothing'}
                      : {chosen.workloads.length ? chosen.workloads.join(', ') : 'no known ingress workload'}. Serves{' '}
                      {chosen.hosts.join(', ') || 'no hosts yet'}.
                    </span>
                  ) : undefined
                }
              />
            </div>
          ) : (
            <div className={s.grid}>
              <TextField
                path="gateway.namespace"
                label="Namespace of the new Gateway"
                value={state.gateway.namespace}
                onChange={(v) => set({ gateway: { ...state.gateway, namespace: v } })}
              />
              <TextField
                path="gateway.name"
                label="Name of the new Gateway"
                value={state.gateway.name}
                onChange={(v) => set({ gateway: { ...state.gateway, name: v } })}
                hint={
                  (
                    gwApi
                      ? resources.k8sGateways.some((g) => g.metadata.namespace === state.gateway.namespace && g.metadata.name === state.gateway.name)
                      : findGateway(resources, state.gateway.namespace, state.gateway.name)
                  )
                    ? 'A Gateway of that name exists.'
                    : undefined
                }
              />
            </div>
          )}
          {gwApi && state.gateway.mode === 'new' && state.gateway.namespace !== namespace && (
            <RadioGroup
              path="allowedFrom"
              label={`The route lives in ${namespace}, the Gateway in ${state.gateway.namespace || '…'}: its listeners must admit routes from ${namespace}`}
              value={state.allowedFrom ?? 'Selector'}
              onChange={(allowedFrom) => set({ allowedFrom })}
              options={[
                { value: 'Selector', label: `Only from ${namespace} (allowedRoutes.namespaces.from: Selector)` },
                { value: 'All', label: 'From every namespace (from: All)' },
              ]}
            />
          )}
          <CheckboxField
            path="http"
            label="HTTP on port 80"
            checked={state.http}
            onChange={(http) => set({ http, ...(http ? {} : { httpsRedirect: false }) })}
          />
          <CheckboxField
            path="https"
            label="HTTPS on port 443 (TLS terminated at the gateway)"
            checked={state.https}
            onChange={(https) => set({ https, ...(https ? {} : { httpsRedirect: false }) })}
          />
          {state.https && (
            <div className={s.grid}>
              <TextField
                path="credentialName"
                label={gwApi ? 'TLS secret (certificateRefs)' : 'TLS secret (credentialName)'}
                value={state.credentialName}
                list="tls-secrets"
                onChange={(credentialName) => set({ credentialName })}
                hint={
                  <span data-testid="secret-hint">
                    {forbidden
                      ? `You may not list secrets in ${credentialNs} (Kubernetes RBAC), so none can be offered: type the name of the kubernetes.io/tls secret.`
                      : secretsQ.data
                        ? secretsQ.data.names.length
                          ? `TLS secrets in ${credentialNs}, where the gateway ${gwApi ? 'reads them' : 'workload reads them'}: ${secretsQ.data.names.join(', ')}.`
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
          <CheckboxField
            path="httpsRedirect"
            label="Redirect HTTP to HTTPS"
            checked={state.httpsRedirect}
            onChange={(httpsRedirect) => set({ httpsRedirect })}
          />
        </Section>

        <Section title="Paths">
          {state.routes.map((r, i) => (
            <div className={s.rowItem} key={i} data-testid={`route-${i}`}>
              {gwApi && (
                <SelectField
                  path={`routes.${i}.match`}
                  label={`Match ${i + 1}`}
                  value={r.match ?? 'PathPrefix'}
                  options={[
                    { value: 'PathPrefix', label: 'Path prefix' },
                    { value: 'Exact', label: 'Exact path' },
                  ]}
                  onChange={(match) =>
                    set({
                      routes: state.routes.map((x, j) =>
                        j === i ? { prefix: x.prefix, ...(x.rewrite ? { rewrite: x.rewrite } : {}), ...(match === 'Exact' ? { match } : {}) } : x,
                      ),
                    })
                  }
                />
              )}
              <TextField
                path={`routes.${i}.prefix`}
                label={gwApi && r.match === 'Exact' ? `Path ${i + 1}` : `Path prefix ${i + 1}`}
                value={r.prefix}
                onChange={(prefix) => set({ routes: state.routes.map((x, j) => (j === i ? { ...x, prefix } : x)) })}
              />
              <TextField
                path={`routes.${i}.rewrite`}
                label={`Rewrite to (optional) ${i + 1}`}
                value={r.rewrite ?? ''}
                onChange={(rewrite) =>
                  set({
                    routes: state.routes.map((x, j) =>
                      j === i ? { prefix: x.prefix, ...(x.match ? { match: x.match } : {}), ...(rewrite ? { rewrite } : {}) } : x,
                    ),
                  })
                }
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
