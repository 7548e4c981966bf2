import { describe, expect, it } from 'vitest';
import { buildGraph } from '@/lib/istio/graph';
import { loadFixture } from '@/lib/istio/graph/test/fixtures';
import type { GraphEdge, MeshGraph, ServiceNode } from '@/lib/istio/graph/types';
import { indexResources } from '@/lib/istio/resources';
import {
  apiQuery,
  applyView,
  benchSource,
  DEFAULT_PAIRS,
  findMatches,
  parsePairs,
  prometheusChoice,
  readViewState,
  suggestVersionLabels,
  viewParams,
  type GraphViewState,
  type ViewProblem,
} from './view';
import { edgeLabelParts, formatBytes, formatPercent, formatRate } from './format';
import { formLinks, refHref, resourcesBehind } from './links';

const qs = (s: string) => new URLSearchParams(s);

describe('view state in the URL', () => {
  it('reads every parameter, with defaults', () => {
    expect(readViewState(qs(''))).toEqual({
      namespaces: [],
      window: '5m',
      versionLabels: undefined,
      node: undefined,
      edge: undefined,
      find: '',
      hide: [],
      hideKinds: [],
      hideNs: [],
      traffic: 'all',
      fold: false,
      prometheus: undefined,
    });
    const s = readViewState(
      qs(
        'namespaces=a,b,a&window=1h&versionLabels=app:version,component:release&node=svc:a/x&edge=e1&find=rev&hide=x,%2Fy%2F&hideKinds=version,bogus&hideNs=kube-system&traffic=mismatch&fold=1&prometheus=http://127.0.0.1:9090',
      ),
    );
    expect(s).toMatchObject({
      namespaces: ['a', 'b'],
      window: '1h',
      versionLabels: 'app:version,component:release',
      node: 'svc:a/x',
      edge: undefined,
      find: 'rev',
      hide: ['x', '/y/'],
      hideKinds: ['version'],
      hideNs: ['kube-system'],
      traffic: 'mismatch',
      fold: true,
      prometheus: 'http://127.0.0.1:9090',
    });
  });

  it("falls back to the shell's ns= and ignores unknown traffic filters", () => {
    expect(readViewState(qs('ns=shop&traffic=nope'))).toMatchObject({ namespaces: ['shop'], traffic: 'all' });
    expect(readViewState(qs('ns=shop&namespaces=sample'))).toMatchObject({ namespaces: ['sample'] });
  });

  it('leaves out, and reports, what the API would refuse', () => {
    const problems: ViewProblem[] = [];
    const s = readViewState(qs('namespaces=shop,Bad_NS,a"}&window=5 minutes&versionLabels=app:version,bad key:x&find=x'), problems);
    expect(s).toMatchObject({ namespaces: ['shop'], window: '5m', versionLabels: undefined, find: 'x' });
    expect(problems.map((p) => p.param)).toEqual(['namespaces', 'namespaces', 'window', 'versionLabels']);
    expect(problems.map((p) => p.message).join('; ')).toContain('invalid window "5 minutes"');
    const more: ViewProblem[] = [];
    expect(readViewState(qs('window=90d&versionLabels=a:b:c'), more)).toMatchObject({ window: '5m', versionLabels: undefined });
    expect(more.map((p) => p.message)).toEqual(['invalid window "90d": at most 30d', 'invalid versionLabels pair "a:b:c": use appKey:versionKey']);
    const none: ViewProblem[] = [];
    readViewState(qs('namespaces=a,b&window=30d&versionLabels=app.kubernetes.io/name:app.kubernetes.io/version'), none);
    expect(none).toEqual([]);
  });

  it('uses a Prometheus URL from a link only once confirmed, or when it is the one saved for the context', () => {
    const none = new Set<string>();
    expect(prometheusChoice(undefined, undefined, none)).toEqual({ use: undefined, ask: undefined });
    expect(prometheusChoice(undefined, 'http://127.0.0.1:9090', none)).toEqual({ use: 'http://127.0.0.1:9090', ask: undefined });
    expect(prometheusChoice('http://evil.svc:1', 'http://127.0.0.1:9090', none)).toEqual({ use: 'http://127.0.0.1:9090', ask: 'http://evil.svc:1' });
    expect(prometheusChoice('http://evil.svc:1', undefined, new Set(['http://evil.svc:1']))).toEqual({ use: 'http://evil.svc:1' });
    expect(prometheusChoice('http://127.0.0.1:9090', 'http://127.0.0.1:9090', none)).toEqual({ use: 'http://127.0.0.1:9090' });
  });

  it('writes only what differs from the defaults, and node/edge exclusively', () => {
    expect(viewParams({ namespaces: ['a', 'b'], window: '5m', traffic: 'all', fold: false })).toEqual({
      namespaces: 'a,b',
      ns: undefined,
      window: undefined,
      traffic: undefined,
      fold: undefined,
    });
    expect(viewParams({ node: 'svc:a/x' })).toEqual({ node: 'svc:a/x', edge: undefined });
    expect(viewParams({ edge: 'e1' })).toEqual({ node: undefined, edge: 'e1' });
    expect(viewParams({ hide: [], hideKinds: ['external'], window: '1h' })).toEqual({ hide: undefined, hideKinds: 'external', window: '1h' });
  });

  it('round-trips through the URL', () => {
    const s: GraphViewState = {
      namespaces: ['x'],
      window: '15m',
      versionLabels: 'component:release',
      node: undefined,
      edge: 'e',
      find: 'a',
      hide: ['b'],
      hideKinds: ['unknown'],
      hideNs: ['y'],
      traffic: 'observed',
      fold: true,
      prometheus: undefined,
    };
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(viewParams(s))) if (v) p.set(k, v);
    expect(readViewState(p)).toEqual(s);
  });

  it('asks the API only for what the server computes', () => {
    const s = readViewState(qs('namespaces=a&window=1h&node=n&find=x&prometheus=http://127.0.0.1:1'));
    expect(apiQuery(s)).toEqual({ namespaces: 'a', window: '1h', versionLabels: undefined, prometheus: 'http://127.0.0.1:1' });
  });
});

const s4 = () => buildGraph(indexResources(loadFixture('scenarios/s4-user-service-canary.yaml')));
const s2 = () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } } };
  return buildGraph(
    indexResources([
      ns,
      ...loadFixture('istio/bookinfo.yaml', 'default'),
      ...loadFixture('istio/destination-rule-all.yaml', 'default'),
      ...loadFixture('scenarios/s2-bookinfo-external-mysql.yaml'),
    ]),
  );
};

describe('version label pairs', () => {
  it('offers component/release for S4, counting the workloads that carry it', () => {
    const pairs = suggestVersionLabels(s4(), parsePairs(undefined));
    expect(pairs.map((p) => p.pair)).toEqual([...DEFAULT_PAIRS, 'component:release']);
    expect(pairs.find((p) => p.pair === 'component:release')?.count).toBe(2);
  });

  it('keeps the pairs in use first', () => {
    expect(suggestVersionLabels({ nodes: [] }, ['x:y']).map((p) => p.pair)).toEqual(['x:y', ...DEFAULT_PAIRS]);
    expect(parsePairs('a:b, c:d')).toEqual(['a:b', 'c:d']);
  });
});

describe('applyView', () => {
  const base = { hide: [], hideKinds: [], traffic: 'all' as const, fold: false, namespaces: [] };

  it('leaves out namespace boxes with nothing in them unless asked for', () => {
    const g = s4();
    const withEmpty: MeshGraph = {
      ...g,
      nodes: [
        ...g.nodes,
        { ...(g.nodes.find((n) => n.kind === 'namespace')! as object), id: 'ns:kube-system', label: 'kube-system', namespace: 'kube-system' } as never,
      ],
    };
    expect(applyView(withEmpty, base).nodes.map((n) => n.id)).not.toContain('ns:kube-system');
    expect(applyView(withEmpty, { ...base, namespaces: ['kube-system'] }).nodes.map((n) => n.id)).toContain('ns:kube-system');
  });

  it('hides names and kinds, folds versions', () => {
    const g = s2();
    const hidden = applyView(g, { ...base, hide: ['ratings'] });
    expect(hidden.nodes.some((n) => n.id.includes('ratings'))).toBe(false);
    expect(hidden.edges.some((e) => e.target.includes('ratings'))).toBe(false);
    const noDefault = applyView(g, { ...base, hideNs: ['default'] });
    expect(noDefault.nodes.some((n) => n.namespace === 'default')).toBe(false);
    const noVersions = applyView(g, { ...base, hideKinds: ['version'] });
    expect(noVersions.nodes.some((n) => n.kind === 'version')).toBe(false);
    const folded = applyView(g, { ...base, fold: true });
    expect(folded.nodes.some((n) => n.kind === 'version')).toBe(false);
    expect(folded.nodes.find((n) => n.id === 'svc:default/reviews')).toBeDefined();
  });

  it('returns the same graph when nothing applies (stable identity for the layout)', () => {
    const g = s2();
    const v = applyView(g, base);
    for (const n of v.nodes) expect(g.nodes).toContain(n);
    expect(v.edges).toBe(g.edges);
  });

  it('finds by name, namespace or host, without namespace boxes', () => {
    expect(findMatches(s2(), 'reviews').sort()).toEqual(['svc:default/reviews', 'ver:default/reviews/v1', 'ver:default/reviews/v2', 'ver:default/reviews/v3']);
    expect(findMatches(s2(), 'mysqldb.example.com')).toEqual(['ext:se/default/mysql-external']);
    expect(findMatches(s2(), '   ')).toEqual([]);
  });
});

describe('labels', () => {
  it('formats rates, percentages and throughput', () => {
    expect([formatRate(12.0000004), formatRate(3.95), formatRate(0.25), formatRate(1500), formatRate(0)]).toEqual([
      '12 req/s',
      '4 req/s',
      '0.3 req/s',
      '1.5k req/s',
      '0 req/s',
    ]);
    expect([formatPercent(0.05000011), formatPercent(0.025), formatPercent(0.5), formatPercent(0.0004), formatPercent(0)]).toEqual([
      '5%',
      '2.5%',
      '50%',
      '<0.1%',
      '0%',
    ]);
    expect([formatBytes(2048), formatBytes(4096), formatBytes(20_000), formatBytes(3_500_000), formatBytes(12)]).toEqual([
      '2.0 kB/s',
      '4.1 kB/s',
      '20 kB/s',
      '3.5 MB/s',
      '12 B/s',
    ]);
  });

  it('puts weight, rate, errors and bytes on edges; implicit routes show no weight', () => {
    const e = (x: Partial<GraphEdge>) => edgeLabelParts({ kind: 'route', ...x } as GraphEdge);
    expect(e({ weight: 100, metrics: { rps: 12, errorRatio: 0.05 } })).toEqual(['100%', '12 req/s', '5% err']);
    expect(e({ weight: 100, implicit: true, metrics: { rps: 2, errorRatio: 0 } })).toEqual(['2 req/s']);
    expect(e({ metrics: { tcpBytesPerSec: 2048 } })).toEqual(['2.0 kB/s']);
    expect(e({ weight: 50 })).toEqual(['50%']);
  });
});

describe('links', () => {
  it('maps "Kind ns/name" to the resource page', () => {
    expect(refHref('VirtualService default/reviews')).toBe('/config/networking.istio.io/v1/virtualservices/default/reviews');
    expect(refHref({ resource: 'AuthorizationPolicy microsvc-sample/to-sample', path: 'spec' })).toBe(
      '/config/security.istio.io/v1/authorizationpolicies/microsvc-sample/to-sample',
    );
    expect(refHref('Deployment shop/user-service-v2')).toBe('/config/apps/v1/deployments/shop/user-service-v2');
    expect(refHref('Service default/reviews')).toBe('/config/core/v1/services/default/reviews');
    expect(refHref('Namespace shop')).toBe('/config/core/v1/namespaces/-/shop');
    expect(refHref('Frobnicator a/b')).toBeUndefined();
  });

  it('offers the forms for a service, a version, a namespace and an external host', () => {
    const g = s2();
    const lookup = (id: string) => g.nodes.find((n) => n.id === id);
    const svc = lookup('svc:default/reviews') as ServiceNode;
    expect(formLinks(svc, lookup)).toEqual([
      { label: 'Traffic shifting', href: '/forms/traffic?ns=default&service=reviews' },
      { label: 'Expose through a gateway', href: '/forms/expose?ns=default&service=reviews' },
      { label: 'mTLS', href: '/forms/mtls?ns=default' },
      { label: 'Restrict callers', href: '/forms/callers?ns=default&workload=reviews-v1' },
    ]);
    expect(formLinks(lookup('ver:default/reviews/v3')!).map((l) => l.href)).toEqual([
      '/forms/callers?ns=default&workload=reviews-v3',
      '/forms/injection?ns=default',
      '/forms/mtls?ns=default',
    ]);
    expect(formLinks(lookup('ns:default')!).map((l) => l.href)).toEqual([
      '/forms/injection?ns=default',
      '/forms/mtls?ns=default',
      '/forms/serviceentry?ns=default',
    ]);
    expect(formLinks(lookup('ext:se/default/mysql-external')!)).toEqual([
      { label: 'Edit ServiceEntry', href: '/forms/serviceentry?ns=default&name=mysql-external' },
    ]);
  });

  it('lists the resources behind an edge: its refs, the mTLS policies and the deciding AuthorizationPolicy', () => {
    const refs = resourcesBehind({
      id: 'e',
      kind: 'call',
      source: 'a',
      target: 'b',
      badges: [],
      declared: true,
      observed: false,
      evidence: [],
      refs: [{ resource: 'Deployment ns/a', path: 'spec/template/spec/containers[0]/env[0]' }],
      security: {
        state: 'mtls',
        reason: '',
        server: { mode: 'STRICT', level: 'mesh', resource: 'PeerAuthentication istio-system/default', inMesh: true },
        client: { mode: 'ISTIO_MUTUAL', level: 'auto', auto: true },
      },
      authz: { decision: 'deny', policy: 'AuthorizationPolicy ns/to-b', reason: '' },
    });
    expect(refs).toEqual([
      { resource: 'Deployment ns/a', path: 'spec/template/spec/containers[0]/env[0]' },
      { resource: 'PeerAuthentication istio-system/default' },
      { resource: 'AuthorizationPolicy ns/to-b' },
    ]);
  });
});

describe('benchmark data source', () => {
  const origin = 'http://127.0.0.1:3000';
  it('accepts paths on this server only', () => {
    expect(benchSource(null, origin)).toEqual({ url: '/bench-data/graph.json' });
    expect(benchSource('/bench-data/other.json?x=1', origin)).toEqual({ url: '/bench-data/other.json?x=1' });
    for (const src of [
      'http://evil.example/graph.json',
      '//evil.example/graph.json',
      '/\\evil.example/x',
      'javascript:alert(1)',
      'data:application/json,{}',
      'bench-data/graph.json',
      'http://127.0.0.1:3000/x',
    ]) {
      expect(benchSource(src, origin), src).toHaveProperty('error');
    }
  });
});
