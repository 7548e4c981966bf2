/** The review of a mesh change on the scenarios: resources, graph, findings, decisions. */
import { describe, expect, it } from 'vitest';
import { ingressGatewayObjects, loadFixture } from '../graph/test/fixtures';
import type { K8sObject, VirtualService } from '../types';
import { reviewChange } from './diff';
import { reviewMarkdown } from './report';
import { graphDiffSvg } from './svg';

const S4_LABELS: Array<[string, string]> = [
  ['app', 'version'],
  ['component', 'release'],
];

function s4Canary(objects: K8sObject[], stable: number, canary: number, canarySubset = 'canary'): K8sObject[] {
  return objects.map((o) => {
    if (o.kind !== 'VirtualService') return o;
    const vs = structuredClone(o) as VirtualService;
    vs.spec!.http![0]!.route = [
      { destination: { host: 'user-service', subset: 'stable' }, weight: stable },
      { destination: { host: 'user-service', subset: canarySubset }, weight: canary },
    ];
    return vs as K8sObject;
  });
}

describe('S4 90/10', () => {
  const base = loadFixture('scenarios/s4-user-service-canary.yaml');
  const head = s4Canary(base, 90, 10);
  const r = reviewChange(base, head, { versionLabels: S4_LABELS });

  it('changes only the VirtualService, as an update with both versions', () => {
    expect(r.resources.map((c) => [c.resource, c.action])).toEqual([['VirtualService shop/user-service-vs', 'update']]);
    expect(r.resources[0]!.before).not.toContain('weight');
    expect(r.resources[0]!.after).toContain('weight: 90');
    expect(r.namespaces).toEqual(['shop']);
  });

  it('shows the weight change to v2 and the new route to v3', () => {
    const v2 = r.graph.edges.find((e) => e.target === 'ver:shop/user-service/v2')!;
    expect(v2).toMatchObject({ status: 'changed', changes: [{ field: 'weight', before: '100', after: '90' }] });
    const v3 = r.graph.edges.find((e) => e.target === 'ver:shop/user-service/v3')!;
    expect(v3).toMatchObject({ status: 'added', weight: 10 });
    expect(r.routes).toEqual(['user-service -> user-service v2: weight 100 -> 90', 'user-service -> user-service v3: added (weight 10)']);
    expect(r.graph.nodesAdded).toEqual([]);
    expect(r.graph.nodesRemoved).toEqual([]);
  });

  it('introduces and resolves no findings, and changes no decision', () => {
    expect(r.findings.introduced).toEqual([]);
    expect(r.findings.resolved).toEqual([]);
    expect(r.decisions).toEqual([]);
  });

  it('a route to a subset that does not exist introduces an Error finding on the VirtualService', () => {
    const bad = reviewChange(base, s4Canary(base, 90, 10, 'v9'), { versionLabels: S4_LABELS });
    expect(bad.findings.introduced.some((f) => f.level === 'Error' && f.resource === 'VirtualService shop/user-service-vs')).toBe(true);
    expect(bad.resources[0]!.findings.length).toBeGreaterThan(0);
  });
});

describe('S3 without to-sample', () => {
  const base = [...loadFixture('scenarios/s3-microsvc-mtls-authz.yaml'), ...ingressGatewayObjects()];
  const head = base.filter((o) => !(o.kind === 'AuthorizationPolicy' && o.metadata.name === 'to-sample'));
  const r = reviewChange(base, head);

  it('deletes the policy', () => {
    expect(r.resources.map((c) => [c.resource, c.action])).toEqual([['AuthorizationPolicy microsvc-sample/to-sample', 'delete']]);
    expect(r.resources[0]!.after).toBeUndefined();
  });

  it('says gateway -> sample goes from denied to allowed', () => {
    expect(r.decisions).toContain('istio-ingressgateway -> sample: denied by to-sample -> allowed');
    const e = r.graph.edges.find((x) => x.source === 'gw:istio-system/istio-ingressgateway' && x.target === 'svc:microsvc-sample/sample')!;
    expect(e).toMatchObject({ status: 'changed', changes: [{ field: 'authz', before: 'denied by to-sample', after: 'allowed' }] });
  });

  it('keeps caller -> sample allowed (now by no policy)', () => {
    expect(r.decisions).toContain('caller v1 -> sample: allowed by to-sample -> allowed');
    expect(r.routes).toEqual([]);
  });
});

describe('report', () => {
  const base = loadFixture('scenarios/s4-user-service-canary.yaml');
  const r = reviewChange(base, s4Canary(base, 90, 10), { versionLabels: S4_LABELS });

  it('draws the changed edges and their endpoints only', () => {
    const svg = graphDiffSvg(r.graph)!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('weight 100 → 90');
    expect(svg).toContain('added, weight 10');
    expect(svg.match(/data-node=/g)).toHaveLength(3);
    expect(svg).not.toContain('app-gateway');
  });

  it('prints Markdown with the route change and no findings', () => {
    const md = reviewMarkdown(r, { svgPath: 'review.svg' });
    expect(md).toContain('1 resource (1 changed) in shop; findings: 0 introduced, 0 resolved');
    expect(md).toContain('- changed: VirtualService shop/user-service-vs');
    expect(md).toContain('- user-service -> user-service v2: weight 100 -> 90');
    expect(md).toContain('![changed part of the graph](review.svg)');
    expect(md).not.toContain('introduces an Error');
  });
});

describe('a new HTTPS Gateway where neither side holds Secrets (files from Git)', () => {
  const base = loadFixture('scenarios/s4-user-service-canary.yaml');
  const gateway = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'shop' },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } }],
    },
  } as K8sObject;
  const credential = (r: ReturnType<typeof reviewChange>) => r.findings.introduced.filter((f) => f.message.includes('credentialName'));
  it('introduces no "credentialName not found": the Secret is not in the files, and that says nothing', () => {
    expect(credential(reviewChange(base, [...base, gateway]))).toEqual([]);
  });
  it('does once a Secret is among the files, and the one named is not', () => {
    const other = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-cert', namespace: 'istio-system' }, type: 'Opaque' } as K8sObject;
    expect(credential(reviewChange([...base, other], [...base, other, gateway])).map((f) => f.message)).toEqual([
      'Referenced credentialName not found: "shop-cert"',
    ]);
  });
});
