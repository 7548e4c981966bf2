/**
 * Test-only helpers: load scenario and Bookinfo YAML from e2e/fixtures. Uses node:fs,
 * so it must never be imported by application code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayWorkloadObjects, podsFor, s5Manifests } from '../../../../e2e/cluster/demo-data';
import { buildGatewayApiModel } from '../../gatewayapi';
import { indexResources, isK8sObject } from '../../resources';
import type { K8sObject } from '../../types';
import { nonEmptyDocuments, parseYamlDocuments } from '../../yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Objects of a fixture file, relative to e2e/fixtures; `namespace` fills in a missing metadata.namespace. */
export function loadFixture(rel: string, namespace?: string): K8sObject[] {
  const text = readFileSync(path.join(repoRoot, 'e2e/fixtures', rel), 'utf8');
  const parsed = parseYamlDocuments(text);
  if (parsed.errors.length) throw new Error(`${rel}: ${parsed.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`);
  const out: K8sObject[] = [];
  for (const d of nonEmptyDocuments(parsed)) {
    if (!isK8sObject(d.value)) continue;
    const o = d.value;
    if (namespace && !o.metadata.namespace && o.kind !== 'Namespace') o.metadata.namespace = namespace;
    out.push(o);
  }
  return out;
}

/** The ingress gateway the demo seeder adds: Deployment + Service in istio-system. */
export function ingressGatewayObjects(serviceAccount = 'istio-ingressgateway-service-account'): K8sObject[] {
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
      spec: {
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { serviceAccountName: serviceAccount, containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
      spec: {
        selector: labels,
        ports: [
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    },
  ];
}

/**
 * Scenario S5 as the demo seeds it (e2e/cluster/demo-data.ts): the files only (a GitOps
 * folder), or `live` with what controllers would add: the gateway and waypoint
 * Deployments/Services, and Pods as the injector, istio-cni and ReplicaSets make them.
 */
export function s5Objects(opts: { live?: boolean; namespace?: string } = {}): K8sObject[] {
  const ns = opts.namespace ?? 'bookinfo';
  const files = s5Manifests((rel) => loadFixture(rel), ns) as K8sObject[];
  if (!opts.live) return files;
  const model = buildGatewayApiModel(indexResources(files));
  const controller = model.gateways.filter((g) => g.istio === 'ingress' || g.istio === 'waypoint').flatMap((g) => gatewayWorkloadObjects(g)) as K8sObject[];
  const all = [...files, ...controller];
  const nsObj = all.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
  const pods = all.filter((o) => o.kind === 'Deployment').flatMap((d) => podsFor(d as never, nsObj as never)) as K8sObject[];
  return [...all, ...pods];
}
