/**
 * `meshboard graph` on S5 (Bookinfo on ambient with the Gateway API) written as a GitOps
 * folder: multi-document YAML, a JSON file, a `kind: List`, nested folders. The graph
 * facts a user checks (ingress, waypoint, 90/10, HBONE mTLS, denials with their
 * enforcement points), --namespaces, the SVG, bad input; the JSON equals what
 * GET /api/graph answers (lib/server/graph.ts meshGraph) for a cluster holding the same
 * objects; and the built command (lib/cli/meshboard.mjs) spawned on a folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { GraphResponse } from '../contracts/graph';
import { parseGraphParams, type GatewayNode, type GraphEdge, type WaypointNode } from '../istio/graph';
import { s5Objects } from '../istio/graph/test/fixtures';
import type { K8sObject } from '../istio/types';
import type { ClusterCache } from '../k8s/cache';
import { meshGraph } from '../server/graph';
import { startTelemetry } from '../server/prometheus';
import { GRAPH_USAGE, graphMain, graphOfFiles, parseGraphArgs } from './graph';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, 'meshboard.mjs');
let tmp = '';

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** A small second namespace, out of the mesh, that calls productpage (env URL). */
const shop: K8sObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'cart', namespace: 'shop' },
    spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 8080 }] },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'cart', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'cart' } },
      template: {
        metadata: { labels: { app: 'cart', version: 'v1' } },
        spec: { containers: [{ name: 'cart', image: 'cart:1', env: [{ name: 'PRODUCTS_URL', value: 'http://productpage.bookinfo:9080' }] }] },
      },
    },
  },
];

/** The objects as a GitOps folder: per kind a file, Deployments as JSON, Services as a List, some nested. */
function writeFolder(dir: string, objects: readonly K8sObject[]): void {
  const byKind = new Map<string, K8sObject[]>();
  for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o]);
  for (const [kind, list] of byKind) {
    if (kind === 'Deployment') for (const d of list) write(`${dir}/apps/${d.metadata.namespace}-${d.metadata.name}.json`, JSON.stringify(d, null, 2));
    else if (kind === 'Service') write(`${dir}/services.yaml`, stringify({ apiVersion: 'v1', kind: 'List', items: list }));
    else write(`${dir}/${kind === 'Namespace' ? '' : 'mesh/'}${kind.toLowerCase()}.yaml`, `# ${kind}s\n${list.map((o) => stringify(o)).join('---\n')}`);
  }
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await graphMain(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const edgesBetween = (g: GraphResponse, source: string, target: string): GraphEdge[] => g.edges.filter((e) => e.source === source && e.target === target);
const edgeBetween = (g: GraphResponse, source: string, target: string): GraphEdge => {
  const l = edgesBetween(g, source, target);
  if (l.length !== 1) throw new Error(`expected one edge ${source} -> ${target}, found ${l.length}`);
  return l[0]!;
};
const GW = 'gw:bookinfo/bookinfo-gateway-istio';

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'meshboard-graph-'));
  writeFolder('s5', [...s5Objects(), ...shop]);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('meshboard graph -f FOLDER (S5 as a GitOps folder)', () => {
  let g: GraphResponse;
  beforeAll(async () => {
    const r = await run('-f', path.join(tmp, 's5'), '--namespaces', 'bookinfo');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    g = JSON.parse(r.stdout) as GraphResponse;
  });

  it('reads every file of the folder: YAML documents, JSON Deployments, the List of Services', () => {
    // Deployments (JSON) give the versions, the List gives the services.
    expect(g.nodes.filter((n) => n.kind === 'version').map((n) => n.id)).toEqual(
      expect.arrayContaining([
        'ver:bookinfo/productpage/v1',
        'ver:bookinfo/reviews/v1',
        'ver:bookinfo/reviews/v2',
        'ver:bookinfo/reviews/v3',
        'ver:bookinfo/ratings/v1',
      ]),
    );
    expect(g.nodes.filter((n) => n.kind === 'service').map((n) => n.id)).toEqual(
      expect.arrayContaining(['svc:bookinfo/productpage', 'svc:bookinfo/reviews', 'svc:bookinfo/ratings']),
    );
  });

  it('draws the Gateway API ingress and its route to productpage', () => {
    expect(g.nodes.find((n) => n.id === GW)).toMatchObject({
      kind: 'gateway',
      api: 'gateway-api',
      role: 'ingress',
      gateways: ['Gateway bookinfo/bookinfo-gateway'],
    } satisfies Partial<GatewayNode>);
    expect(edgeBetween(g, GW, 'svc:bookinfo/productpage')).toMatchObject({
      kind: 'gateway-route',
      weight: 100,
      via: { httpRoute: 'HTTPRoute bookinfo/bookinfo', listener: 'http' },
      security: { state: 'mtls', hbone: true },
    });
  });

  it('draws the waypoint as a node with the services it serves', () => {
    expect(g.nodes.find((n) => n.id === 'wp:bookinfo/waypoint')).toMatchObject({
      kind: 'waypoint',
      traffic: 'service',
      serves: ['svc:bookinfo/productpage', 'svc:bookinfo/reviews'],
    } satisfies Partial<WaypointNode>);
    expect(edgesBetween(g, 'wp:bookinfo/waypoint', 'svc:bookinfo/reviews').map((e) => e.kind)).toEqual(['waypoint']);
  });

  it('splits reviews 90/10, applied by the waypoint', () => {
    const v1 = edgeBetween(g, 'svc:bookinfo/reviews', 'svc:bookinfo/reviews-v1');
    const v2 = edgeBetween(g, 'svc:bookinfo/reviews', 'svc:bookinfo/reviews-v2');
    expect([v1.weight, v2.weight]).toEqual([90, 10]);
    expect(v1.appliedBy).toMatchObject({ by: 'waypoint', enforcer: 'Gateway bookinfo/waypoint' });
  });

  it('shows HBONE mTLS on every edge between ambient workloads', () => {
    const traffic = g.edges.filter((e) => e.kind !== 'waypoint' && e.source !== 'ver:shop/cart/v1');
    expect(traffic.length).toBeGreaterThan(10);
    for (const e of traffic) expect(e.security, e.id).toMatchObject({ state: 'mtls', hbone: true });
  });

  it('shows the denials with the policy and the enforcement point', () => {
    expect(edgeBetween(g, 'ver:bookinfo/reviews/v1', 'svc:bookinfo/ratings').authz).toMatchObject({
      decision: 'deny',
      enforcedBy: 'ztunnel',
      policy: 'AuthorizationPolicy bookinfo/ratings-get-only',
    });
    const curl = edgeBetween(g, 'ver:bookinfo/curl', 'svc:bookinfo/productpage').authz!;
    expect(curl).toMatchObject({ decision: 'deny', enforcedBy: 'ztunnel' });
    expect(curl.steps?.map((s) => s.at)).toEqual(['waypoint', 'ztunnel']);
  });

  it('attaches the findings of the same files, and says there is no telemetry', () => {
    expect(g.meta.prometheus.status).toBe('off');
    expect(g.meta.observed).toBe(false);
    expect(g.meta.findings.count).toBeGreaterThan(0);
    expect(g.nodes.find((n) => n.id === 'svc:bookinfo/details')?.findings?.length ?? 0).toBeGreaterThan(0);
  });

  it('--namespaces keeps those namespaces and their direct neighbours only', async () => {
    // bookinfo: the shop caller is a neighbour (it calls productpage), the shop service is not.
    expect(g.meta.namespaces).toEqual(['bookinfo']);
    expect(g.nodes.some((n) => n.id === 'ver:shop/cart/v1')).toBe(true);
    expect(g.nodes.some((n) => n.id === 'svc:shop/cart')).toBe(false);
    const only = JSON.parse((await run('-f', path.join(tmp, 's5'), '--namespaces=shop')).stdout) as GraphResponse;
    expect(
      only.nodes
        .filter((n) => n.kind !== 'namespace')
        .map((n) => n.id)
        .sort(),
    ).toEqual(['svc:bookinfo/productpage', 'svc:shop/cart', 'ver:shop/cart/v1']);
    expect(edgeBetween(only, 'ver:shop/cart/v1', 'svc:bookinfo/productpage').security?.state).toBe('plaintext');
    const all = JSON.parse((await run('-f', path.join(tmp, 's5'))).stdout) as GraphResponse;
    expect(all.nodes.length).toBeGreaterThan(g.nodes.length);
  });
});

describe('meshboard graph -o svg', () => {
  let svg = '';
  beforeAll(async () => {
    const r = await run('-f', path.join(tmp, 's5'), '--namespaces', 'bookinfo', '-o', 'svg');
    expect(r.code).toBe(0);
    svg = r.stdout;
  });

  it('is one self-contained SVG document', () => {
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|<image|<foreignObject|href=|@import|url\((?!#)/i);
  });

  it('names every node and writes the marks as text: weights, mTLS, denials, the namespace', () => {
    for (const label of ['bookinfo-gateway-istio', 'waypoint', 'productpage', 'reviews v1', 'reviews v2', 'ratings v1', 'curl'])
      expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('>ingress gateway (Gateway API)</text>');
    expect(svg).toContain('waypoint · for service');
    expect(svg).toMatch(/>90% · mTLS \(HBONE\)/);
    expect(svg).toMatch(/>10% · mTLS \(HBONE\)/);
    expect(svg).toMatch(/DENY at ztunnel/);
    expect(svg).toContain('namespace bookinfo · ambient');
    // Each node is drawn once, and each drawn edge has a path.
    const nodes = [...svg.matchAll(/<g class="node node-[a-z]+" data-id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(nodes).size).toBe(nodes.length);
    expect(nodes).toContain(GW);
    expect([...svg.matchAll(/<g class="edge [^"]+" data-id="[^"]+"><title>[^<]*<\/title><path d="M[\d.]+,[\d.]+ L/g)].length).toBeGreaterThan(15);
  });

  it('escapes what it writes', async () => {
    write(
      'odd/svc.yaml',
      stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'odd', namespace: 'x', annotations: { a: '<b>' } },
        spec: { selector: { app: 'odd' }, ports: [{ port: 80 }] },
      }),
    );
    write(
      'odd/vs.yaml',
      stringify({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'odd', namespace: 'x' },
        spec: { hosts: ['odd'], http: [{ match: [{ uri: { prefix: '/a&b<c>' } }], route: [{ destination: { host: 'odd' } }] }] },
      }),
    );
    write(
      'odd/deploy.yaml',
      stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'odd', namespace: 'x' },
        spec: {
          selector: { matchLabels: { app: 'odd' } },
          template: { metadata: { labels: { app: 'odd', version: 'v1' } }, spec: { containers: [{ name: 'odd' }] } },
        },
      }),
    );
    const r = await run('-f', path.join(tmp, 'odd'), '-o', 'svg');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('/a&b<c>');
    expect(r.stdout).toContain('/a&amp;b&lt;c&gt;');
  });
});

describe('meshboard graph: bad input and usage', () => {
  it('reports broken YAML as file:line:column and exits 2', async () => {
    write('bad/ok.yaml', stringify(shop[1]));
    write('bad/broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels: {a: b\n');
    const r = await run('-f', path.join(tmp, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+: /);
  });

  it('reports broken JSON with its position too', async () => {
    write('badjson/d.json', '{\n  "apiVersion": "apps/v1",\n  "kind": "Deployment",\n  "metadata": {"name": "x",}\n  oops\n}\n');
    const r = await run('-f', path.join(tmp, 'badjson'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/d\.json:\d+:\d+: /);
  });

  it('exits 2 with the usage on an unknown flag, a bad format or namespace, and without files', async () => {
    for (const argv of [['--bogus', '-f', 'x'], ['-f', 'x', '-o', 'png'], ['-f', 'x', '--namespaces', 'Not_A_Namespace'], []]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('Usage: meshboard graph');
    }
    expect((await run('--bogus')).stderr).toMatch(/^meshboard: unknown flag: --bogus$/m);
    expect((await run('-f', path.join(tmp, 'nope'))).stderr).toMatch(/nope: cannot read: no such file or directory/);
  });

  it('warns on stderr, and only there, when a namespace has no Namespace object in the files', async () => {
    write('nons/svc.yaml', stringify(shop[1]));
    const r = await run('-f', path.join(tmp, 'nons'));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('warning: no Namespace object for shop in the files: drawn as namespaces without labels (no sidecar injection, not ambient)\n');
    expect((JSON.parse(r.stdout) as GraphResponse).nodes.map((n) => n.id)).toEqual(['ns:shop', 'svc:shop/cart']);
  });

  it('says in --help what happens without Pods, Namespaces or Services', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(GRAPH_USAGE);
    expect(r.stdout).toMatch(/No Pods[^.]*: workloads come from the Deployments/);
    expect(r.stdout).toMatch(/No Namespace objects/);
    expect(parseGraphArgs(['graph', 'a', '-f', 'b', '--namespaces', 'x,y', '--namespaces=z', '-o', 'svg'])).toMatchObject({
      files: ['a', 'b'],
      namespaces: ['x', 'y', 'z'],
      output: 'svg',
    });
  });
});

describe('the same JSON as GET /api/graph', () => {
  /**
   * A cluster cache holding `objects`, as lib/server/graph.ts reads one (revision, objects,
   * mesh config, CRDs, change events, the kinds it may not list): meshGraph and its
   * findings run unchanged.
   */
  function cacheOf(objects: K8sObject[]): ClusterCache {
    return {
      revision: 1,
      allObjects: () => objects.filter((o) => o.kind !== 'Secret'),
      // The console's Secrets are names only, kept apart; files without any read as a console that may not list them.
      secretNames: () => objects.filter((o) => o.kind === 'Secret'),
      secretsReadable: () => objects.some((o) => o.kind === 'Secret'),
      meshConfigMap: () => undefined,
      istioCrds: () => [],
      istioCrdsVersion: () => '',
      getStatus: () => ({ forbidden: [] }),
      subscribe: () => () => {},
    } as unknown as ClusterCache;
  }
  /** Timings differ from run to run. */
  const untimed = (g: GraphResponse) => ({
    ...g,
    meta: { ...g.meta, buildMs: 0, findings: { ...g.meta.findings, ms: 0 }, prometheus: { status: g.meta.prometheus.status } },
  });

  it.each([
    ['S5 as the demo seeds it (gateway, waypoint and ztunnel-captured pods)', true, 'bookinfo'],
    ['S5 as files only (no pods, no gateway Deployments), every namespace', false, ''],
  ])('%s', async (_title, live, namespaces) => {
    const objects = s5Objects({ live });
    const dir = `same-${live ? 'live' : 'files'}`;
    writeFolder(dir, objects);
    const params = parseGraphParams({ namespaces });
    const api = await meshGraph(cacheOf(structuredClone(objects)), params, { telemetry: startTelemetry(params, undefined, {}) });
    // Findings as the console computes them for a cluster: no synthetic istio-ingressgateway.
    const { graph: files } = graphOfFiles({
      files: [path.join(tmp, dir)],
      namespaces: params.namespaces,
      versionLabels: params.versionLabels,
      namespace: 'default',
      defaultResources: false,
    });
    expect(api.meta.prometheus.status).toBe('off');
    expect(files.meta.prometheus.status).toBe('off');
    expect(api.edges.length).toBeGreaterThan(15);
    expect(api.meta.findings.count).toBeGreaterThan(0);
    expect(untimed(files)).toEqual(untimed(api));
    // And byte for byte once serialized, as both answer.
    expect(JSON.stringify(untimed(files))).toBe(JSON.stringify(untimed(api)));
  });
});

describe('the built command (node lib/cli/meshboard.mjs graph)', { timeout: 120_000 }, () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8', timeout: 110_000 });

  it('draws a folder as JSON and as an SVG file, and exits 2 on a bad flag', () => {
    const json = cli('graph', '-f', 's5', '--namespaces', 'bookinfo', '-o', 'json');
    expect(json.status, json.stderr).toBe(0);
    const g = JSON.parse(json.stdout) as GraphResponse;
    expect(edgesBetween(g, 'svc:bookinfo/reviews', 'svc:bookinfo/reviews-v1').map((e) => e.weight)).toEqual([90]);
    expect(g.nodes.some((n) => n.id === 'wp:bookinfo/waypoint')).toBe(true);
    const svg = cli('graph', 's5', '-o', 'svg', '--output-file', 'mesh.svg');
    expect(svg.status, svg.stderr).toBe(0);
    expect(svg.stdout).toBe('');
    expect(readFileSync(path.join(tmp, 'mesh.svg'), 'utf8')).toContain('>bookinfo-gateway-istio</text>');
    const bad = cli('graph', '-f', 's5', '--colour');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown flag: --colour');
    expect(bad.stderr).toContain('Usage: meshboard graph');
    const help = cli('--help');
    expect(help.stdout).toContain('meshboard graph --help');
  });
});
