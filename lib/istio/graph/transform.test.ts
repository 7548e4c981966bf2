import { describe, expect, it } from 'vitest';
import type { Finding } from '../findings';
import { indexResources } from '../resources';
import { buildGraph } from './build';
import { ingressGatewayObjects, loadFixture } from './test/fixtures';
import { attachFindings, collapseVersions, filterGraph, findNodes, graphHash, neighborhood, pathConcerns } from './transform';
import type { MeshGraph } from './types';

const s3 = buildGraph(indexResources([...loadFixture('scenarios/s3-microsvc-mtls-authz.yaml'), ...ingressGatewayObjects()]), {
  observed: {
    window: '5m',
    samples: [
      {
        source: { workload: 'caller', namespace: 'microsvc-sample' },
        destination: { service: 'sample.microsvc-sample.svc.cluster.local', workload: 'sample', namespace: 'microsvc-sample' },
        protocol: 'http',
        rps: 3,
        errorRps: 0,
      },
    ],
  },
});
const bookinfo = buildGraph(
  indexResources([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } } },
    ...loadFixture('istio/bookinfo.yaml', 'default'),
    ...loadFixture('istio/destination-rule-all.yaml', 'default'),
    ...loadFixture('istio/virtual-service-reviews-50-v3.yaml', 'default'),
  ]),
);
const nodeIds = (g: MeshGraph) => g.nodes.map((n) => n.id);

describe('filterGraph', () => {
  it('hides kinds and removes their edges; hiding boxes keeps their contents', () => {
    const g = filterGraph(s3, { hideKinds: ['gateway'] });
    expect(nodeIds(g)).not.toContain('gw:istio-system/istio-ingressgateway');
    expect(nodeIds(g)).not.toContain('ns:istio-system');
    expect(g.edges.some((e) => e.kind === 'gateway-route')).toBe(false);
    const noBoxes = filterGraph(s3, { hideKinds: ['namespace'] });
    expect(noBoxes.nodes.every((n) => n.kind !== 'namespace' && n.parent === undefined)).toBe(true);
    expect(noBoxes.edges).toHaveLength(s3.edges.length);
  });

  it('hides namespaces and names (substring or /regex/)', () => {
    expect(nodeIds(filterGraph(s3, { hideNamespaces: ['istio-system'] }))).toEqual(nodeIds(s3).filter((id) => !id.includes('istio-system')));
    const noEl = filterGraph(s3, { hideNames: ['EL-CALLER'] });
    expect(nodeIds(noEl)).not.toContain('wl:microsvc-sample/el-caller');
    const regex = filterGraph(s3, { hideNames: ['/^svc:.*sample$/'] });
    expect(nodeIds(regex)).not.toContain('svc:microsvc-sample/sample');
    expect(nodeIds(regex)).toContain('svc:microsvc-sample/caller');
  });

  it('keeps edges by kind or by traffic and can drop isolated nodes', () => {
    expect(filterGraph(s3, { edgeKinds: ['call'] }).edges.map((e) => e.id)).toEqual(['call:ver:microsvc-sample/caller/v1->svc:microsvc-sample/sample']);
    const both = filterGraph(s3, { traffic: 'both' });
    expect(both.edges.map((e) => e.id)).toEqual([
      'call:ver:microsvc-sample/caller/v1->svc:microsvc-sample/sample',
      'route:svc:microsvc-sample/sample->ver:microsvc-sample/sample/v1',
    ]);
    expect(filterGraph(s3, { traffic: 'observed-only' }).edges).toEqual([]);
    expect(filterGraph(s3, { traffic: 'declared-only' }).edges.every((e) => !e.observed)).toBe(true);
    const isolated = filterGraph(s3, { traffic: 'both', hideIsolated: true });
    expect(nodeIds(isolated)).toEqual(['ns:microsvc-sample', 'svc:microsvc-sample/sample', 'ver:microsvc-sample/caller/v1', 'ver:microsvc-sample/sample/v1']);
  });

  it('does not change its input', () => {
    const before = JSON.stringify(s3);
    filterGraph(s3, { hideKinds: ['namespace', 'service'], hideIsolated: true });
    expect(JSON.stringify(s3)).toBe(before);
  });
});

describe('findNodes and neighborhood', () => {
  it('finds by id, label, namespace or host', () => {
    expect(findNodes(s3, 'sample.microsvc-sample.svc')).toEqual(['svc:microsvc-sample/sample']);
    expect(findNodes(s3, 'el-')).toEqual(['wl:microsvc-sample/el-caller']);
    expect(findNodes(s3, '/^gw:/')).toEqual(['gw:istio-system/istio-ingressgateway']);
    expect(findNodes(s3, '  ')).toEqual([]);
  });

  it('focuses on the nodes around a selection', () => {
    const n = neighborhood(s3, ['svc:microsvc-sample/sample'], 1);
    expect(nodeIds(n)).toEqual([
      'gw:istio-system/istio-ingressgateway',
      'ns:istio-system',
      'ns:microsvc-sample',
      'svc:microsvc-sample/sample',
      'ver:microsvc-sample/caller/v1',
      'ver:microsvc-sample/sample/v1',
    ]);
    expect(n.edges).toHaveLength(3);
    expect(nodeIds(neighborhood(s3, ['svc:microsvc-sample/sample'], 0))).toEqual(['ns:microsvc-sample', 'svc:microsvc-sample/sample']);
  });
});

describe('collapseVersions', () => {
  it('folds versions into their service and merges parallel edges', () => {
    const c = collapseVersions(s3);
    expect(c.nodes.some((n) => n.kind === 'version')).toBe(false);
    expect(c.edges.map((e) => e.id)).toEqual([
      'call:svc:microsvc-sample/caller->svc:microsvc-sample/sample',
      'gateway-route:gw:istio-system/istio-ingressgateway->svc:microsvc-sample/caller',
      'gateway-route:gw:istio-system/istio-ingressgateway->svc:microsvc-sample/sample',
    ]);
    expect(c.edges[0]).toMatchObject({ declared: true, observed: true, metrics: { rps: 3 }, authz: { decision: 'allow' } });
    // el-caller belongs to no service and stays.
    expect(nodeIds(c)).toContain('wl:microsvc-sample/el-caller');
  });

  it('drops service -> own version routes (Bookinfo reviews 50/50)', () => {
    const c = collapseVersions(bookinfo);
    expect(c.edges).toEqual([]);
    expect(c.nodes.filter((n) => n.kind === 'service').map((n) => n.id)).toEqual([
      'svc:default/details',
      'svc:default/productpage',
      'svc:default/ratings',
      'svc:default/reviews',
    ]);
  });
});

describe('graphHash', () => {
  it('is stable under reordering and ignores metrics, security and findings', () => {
    const h = graphHash(s3);
    expect(h).toMatch(/^[0-9a-f]{14}$/);
    expect(graphHash({ ...s3, nodes: [...s3.nodes].reverse(), edges: [...s3.edges].reverse() })).toBe(h);
    const noisy = { ...s3, edges: s3.edges.map((e) => ({ ...e, metrics: { rps: 999 }, security: undefined })) };
    expect(graphHash(noisy)).toBe(h);
    expect(graphHash(attachFindings(s3, [{ code: 'X', level: 'Error', message: 'm', resource: 'Service microsvc-sample/sample' }]))).toBe(h);
  });

  it('changes when the structure changes', () => {
    const h = graphHash(s3);
    expect(graphHash(filterGraph(s3, { hideNames: ['el-caller'] }))).not.toBe(h);
    expect(graphHash({ ...s3, nodes: s3.nodes.map((n) => (n.id === 'ver:microsvc-sample/caller/v1' ? { ...n, parent: undefined } : n)) })).not.toBe(h);
    expect(graphHash(bookinfo)).not.toBe(h);
  });
});

describe('attachFindings', () => {
  const findings: Finding[] = [
    {
      code: 'IST0101',
      level: 'Error',
      message: 'subset missing',
      resource: 'VirtualService default/reviews',
      path: 'spec/http[0]/route[1]/destination/subset',
    },
    { code: 'MB0001', level: 'Info', message: 'hosts note', resource: 'VirtualService default/reviews', path: 'spec/hosts' },
    { code: 'MB0002', level: 'Warning', message: 'dr', resource: 'DestinationRule default/reviews' },
    { code: 'MB0003', level: 'Warning', message: 'deployment', resource: 'Deployment default/reviews-v3' },
    { code: 'MB0004', level: 'Error', message: 'nothing here', resource: 'Gateway nowhere/x' },
  ];
  const g = attachFindings(bookinfo, findings);
  const edge = (id: string) => g.edges.find((e) => e.id === id)!;

  it('attaches by resource and by route path', () => {
    const toV1 = edge('route:svc:default/reviews->ver:default/reviews/v1#vs:default/reviews/http[0]/route[0]');
    const toV3 = edge('route:svc:default/reviews->ver:default/reviews/v3#vs:default/reviews/http[0]/route[1]');
    expect(toV1.findings?.map((f) => f.code)).toEqual(['MB0002', 'MB0001']);
    expect(toV1.findingLevel).toBe('Warning');
    expect(toV3.findings?.map((f) => f.code)).toEqual(['IST0101', 'MB0002', 'MB0001']);
    expect(toV3.findingLevel).toBe('Error');
    const svc = g.nodes.find((n) => n.id === 'svc:default/reviews')!;
    expect(svc.findings?.map((f) => f.code)).toEqual(['IST0101', 'MB0002', 'MB0001']);
    expect(g.nodes.find((n) => n.id === 'ver:default/reviews/v3')!.findings?.map((f) => f.code)).toEqual(['MB0003']);
    expect(g.nodes.filter((n) => n.findings?.some((f) => f.code === 'MB0004'))).toEqual([]);
  });

  it('attaches security and authorization resources to the edges they decide', () => {
    const withAp = attachFindings(s3, [
      { code: 'X', level: 'Warning', message: 'policy', resource: 'AuthorizationPolicy microsvc-sample/to-sample' },
      { code: 'Y', level: 'Info', message: 'mesh mtls', resource: 'PeerAuthentication istio-system/default' },
    ]);
    const denied = withAp.edges.find((e) => e.id.startsWith('gateway-route:') && e.target === 'svc:microsvc-sample/sample')!;
    expect(denied.findings?.map((f) => f.code)).toEqual(['X', 'Y']);
    const toCaller = withAp.edges.find((e) => e.id.startsWith('gateway-route:') && e.target === 'svc:microsvc-sample/caller')!;
    expect(toCaller.findings?.map((f) => f.code)).toEqual(['Y']);
    expect(withAp.nodes.find((n) => n.id === 'ns:microsvc-sample')!.findings?.map((f) => f.code)).toEqual(['Y']);
  });

  it('replaces earlier findings and leaves the input unchanged', () => {
    const again = attachFindings(g, []);
    expect(again.nodes.some((n) => n.findings)).toBe(false);
    expect(bookinfo.nodes.some((n) => n.findings)).toBe(false);
  });

  it('decides whether a path concerns a route', () => {
    expect(pathConcerns('spec/http[0]/route[1]', 'spec/http[0]/route[1]/weight')).toBe(true);
    expect(pathConcerns('spec/http[0]/route[1]', 'spec/http[0]/route[0]/weight')).toBe(false);
    expect(pathConcerns('spec/http[0]/route[1]', 'spec/http[1]')).toBe(false);
    expect(pathConcerns('spec/http[0]/route[1]', 'spec/http[0]/timeout')).toBe(true);
    expect(pathConcerns('spec/tcp[0]/route[0]', 'spec/http[0]/route[0]')).toBe(true);
    expect(pathConcerns(undefined, 'spec/http[3]')).toBe(true);
  });
});
