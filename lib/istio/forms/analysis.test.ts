/**
 * What a form writes must pass the validation engine (lib/istio/analysis) without new
 * findings: each form is built on a scenario, its writes applied to the scenario's
 * objects, and analyze() run before and after.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexResources } from '../resources';
import type { K8sObject } from '../types';
import { buildCallers, getInitCallers } from './callers';
import type { BuildResult } from './writes';
import { buildExpose, getInitExpose } from './expose';
import { buildInjection, getInitInjection } from './injection';
import { buildMtls, getInitMtls } from './mtls';
import { buildServiceEntry, getInitServiceEntry } from './serviceEntry';
import { applyCanaryStep, buildTrafficShifting, getInitTrafficShifting } from './trafficShifting';
import { newFindings, testkit, S1, S3, S4, TLS_SECRET } from './testkit';

const { loadObjects } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

const ingress: K8sObject[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: {
      selector: { matchLabels: { istio: 'ingressgateway' } },
      template: {
        metadata: { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
        spec: { serviceAccountName: 'istio-ingressgateway-service-account', containers: [{ name: 'istio-proxy' }] },
      },
    },
  },
];

function scenario(file: string, opts: { without?: (o: K8sObject) => boolean; extra?: K8sObject[] } = {}) {
  const objects = [...loadObjects(file).filter((o) => !opts.without?.(o)), ...(opts.extra ?? [])];
  return { objects, r: indexResources(objects) };
}

function expectClean(objects: K8sObject[], res: BuildResult) {
  expect(res.errors).toEqual([]);
  expect(res.writes.length).toBeGreaterThan(0);
  const found = newFindings(objects, res.writes);
  expect(found.written).toEqual([]);
  expect(found.elsewhere).toEqual([]);
}

describe('what the forms write passes analysis without new findings', () => {
  it('mTLS: STRICT for namespace sample (S1)', () => {
    const { objects, r } = scenario(S1);
    expectClean(objects, buildMtls({ ...getInitMtls({ resources: r, scope: 'namespace', namespace: 'sample' }), mode: 'STRICT' }, { resources: r }));
  });

  it('mTLS: workload policy with port-level modes and a client DestinationRule (S1)', () => {
    const { objects, r } = scenario(S1);
    const s = getInitMtls({ resources: r, scope: 'workload', namespace: 'sample', workload: { name: 'service-b-v1' } });
    expectClean(
      objects,
      buildMtls(
        { ...s, mode: 'STRICT', portLevel: [{ port: 9090, mode: 'PERMISSIVE' }], clientTls: { enabled: true, host: 'service-b.sample.svc.cluster.local' } },
        { resources: r },
      ),
    );
  });

  it('expose: HTTP + HTTPS with redirect, prefix route with rewrite, timeout and retries on an existing gateway (S4)', () => {
    // The certificate lives where the ingress workload reads it (without it: IST0101, rightly).
    const { objects, r } = scenario(S4, { extra: [...ingress, ...loadObjects(TLS_SECRET)] });
    const init = getInitExpose({ resources: r, namespace: 'shop', service: 'user-service', gateway: { namespace: 'shop', name: 'app-gateway' } });
    expectClean(
      objects,
      buildExpose(
        {
          ...init,
          hosts: ['users.example.com'],
          https: true,
          credentialName: 'users-cert',
          httpsRedirect: true,
          routes: [{ prefix: '/api', rewrite: '/' }],
          timeout: '10s',
          retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
        },
        { resources: r },
      ),
    );
  });

  it('expose: a new gateway (S3 caller)', () => {
    const { objects, r } = scenario(S3, { extra: ingress });
    const init = getInitExpose({ resources: r, namespace: 'microsvc-sample', service: 'caller' });
    expectClean(
      objects,
      buildExpose(
        { ...init, hosts: ['api.example.com'], gateway: { mode: 'new', namespace: 'microsvc-sample', name: 'api-gateway' }, virtualServiceName: 'caller-api' },
        { resources: r },
      ),
    );
  });

  it('ServiceEntry: the MySQL entry, TCP MESH_EXTERNAL with its CIDR (S1)', () => {
    const { objects, r } = scenario(S1, { without: (o) => o.kind === 'ServiceEntry' });
    expectClean(
      objects,
      buildServiceEntry(
        {
          ...getInitServiceEntry({ resources: r, namespace: 'sample', name: 'mysql' }),
          hosts: ['rds.dev.example.local'],
          addresses: ['10.0.0.1/32'],
          ports: [{ number: 3306, protocol: 'TCP', name: 'mysql' }],
          resolution: 'STATIC',
          endpoints: [{ address: '10.0.0.1' }],
        },
        { resources: r },
      ),
    );
  });

  it('ServiceEntry: an HTTPS API resolved by DNS, exported to its namespace', () => {
    const { objects, r } = scenario(S1);
    expectClean(
      objects,
      buildServiceEntry(
        {
          ...getInitServiceEntry({ resources: r, namespace: 'sample', name: 'payments' }),
          hosts: ['api.payments.example.com'],
          ports: [{ number: 443, protocol: 'HTTPS', name: '' }],
          resolution: 'DNS',
          exportTo: ['.'],
        },
        { resources: r },
      ),
    );
  });

  it('traffic shifting: 90/10 stable/canary with timeout, retries and fault injection (S4)', () => {
    const { objects, r } = scenario(S4);
    const init = getInitTrafficShifting({ resources: r, namespace: 'shop', service: 'user-service' });
    const s = {
      ...applyCanaryStep(init, [90, 10], 'stable', 'canary'),
      timeout: '5s',
      retries: { attempts: 2 },
      fault: { delay: { fixedDelay: '100ms', percentage: 5 } },
    };
    expectClean(objects, buildTrafficShifting(s, { resources: r }));
  });

  it('sidecar injection: namespace label and a workload override (S3)', () => {
    const { objects, r } = scenario(S3);
    const init = getInitInjection({ resources: r, namespace: 'microsvc-sample' });
    const s = {
      ...init,
      namespaceInjection: 'enabled' as const,
      workloads: init.workloads.map((w) => (w.name === 'el-caller' ? { ...w, inject: 'false' as const } : { ...w, inject: 'default' as const })),
    };
    expectClean(objects, buildInjection(s, { resources: r }));
  });

  it('caller restrictions: a new policy for caller, from its own namespace (S3)', () => {
    const { objects, r } = scenario(S3);
    const s = { ...getInitCallers({ resources: r, namespace: 'microsvc-sample', workload: { name: 'caller' } }), namespaces: ['microsvc-sample'] };
    expectClean(objects, buildCallers(s, { resources: r }));
  });

  it('caller restrictions: editing to-sample to also admit the ingress gateway (S3)', () => {
    const { objects, r } = scenario(S3);
    const init = getInitCallers({ resources: r, namespace: 'microsvc-sample', workload: { name: 'sample' } });
    expectClean(
      objects,
      buildCallers({ ...init, serviceAccounts: [{ namespace: 'istio-system', name: 'istio-ingressgateway-service-account' }] }, { resources: r }),
    );
  });
});
