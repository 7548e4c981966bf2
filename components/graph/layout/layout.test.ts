import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '@/lib/istio/graph';
import { generateMesh } from '@/lib/istio/generate';
import { ingressGatewayObjects, loadFixture } from '@/lib/istio/graph/test/fixtures';
import type { MeshGraph } from '@/lib/istio/graph/types';
import { indexResources } from '@/lib/istio/resources';
import { absoluteRect, boundsOf, MeshLayouter, quickLayout, toLayoutInput, type ElkLike, type LayoutInput, type LayoutResult } from './layout';
import { NODE_SIZE, NS_PADDING } from './sizes';

const demo = (): MeshGraph =>
  buildGraph(
    indexResources([
      ...ingressGatewayObjects(),
      ...loadFixture('scenarios/s1-sample-grpc-mysql.yaml'),
      ...loadFixture('scenarios/s3-microsvc-mtls-authz.yaml'),
      ...loadFixture('scenarios/s4-user-service-canary.yaml'),
    ]),
  );

type Rect = { id: string; x: number; y: number; w: number; h: number };

/** Absolute rectangles of every node (children offset by their box). */
function rects(input: LayoutInput, r: LayoutResult): Rect[] {
  const out: Rect[] = [];
  for (const n of input.nodes) {
    const p = r.positions[n.id];
    if (!p) throw new Error(`no position for ${n.id}`);
    if (n.kind === 'namespace') {
      out.push({ id: n.id, x: p.x, y: p.y, w: r.boxes[n.id]!.width, h: r.boxes[n.id]!.height });
      continue;
    }
    const box = n.parent ? r.positions[n.parent] : undefined;
    const size = NODE_SIZE[n.kind];
    out.push({ id: n.id, x: p.x + (box?.x ?? 0), y: p.y + (box?.y ?? 0), w: size.width, h: size.height });
  }
  return out;
}

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function checkGeometry(input: LayoutInput, r: LayoutResult): void {
  const all = rects(input, r);
  const byId = new Map(all.map((x) => [x.id, x]));
  for (const n of input.nodes) {
    if (n.kind === 'namespace' || !n.parent) continue;
    const me = byId.get(n.id)!;
    const box = byId.get(n.parent)!;
    // Inside its namespace box, below the title.
    expect(me.x).toBeGreaterThanOrEqual(box.x + NS_PADDING.left - 0.5);
    expect(me.y).toBeGreaterThanOrEqual(box.y + NS_PADDING.top - 0.5);
    expect(me.x + me.w).toBeLessThanOrEqual(box.x + box.w + 0.5);
    expect(me.y + me.h).toBeLessThanOrEqual(box.y + box.h + 0.5);
  }
  const leaves = all.filter((x) => !x.id.startsWith('ns:'));
  for (let i = 0; i < leaves.length; i++)
    for (let j = i + 1; j < leaves.length; j++) expect(overlap(leaves[i]!, leaves[j]!), `${leaves[i]!.id} overlaps ${leaves[j]!.id}`).toBe(false);
  const boxes = all.filter((x) => x.id.startsWith('ns:'));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!), `${boxes[i]!.id} overlaps ${boxes[j]!.id}`).toBe(false);
}

describe('MeshLayouter', () => {
  it('places every node inside its namespace box, without overlaps', async () => {
    const input = toLayoutInput(demo());
    const r = await new MeshLayouter(new ELK() as unknown as ElkLike).layout(input);
    checkGeometry(input, r);
    expect(r.stats.groups).toBe(4); // istio-system, sample, microsvc-sample, shop
  });

  it('puts a service and the versions only it selects side by side (one block)', async () => {
    const input = toLayoutInput(demo());
    const r = await new MeshLayouter(new ELK() as unknown as ElkLike).layout(input);
    const svc = r.positions['svc:sample/service-a']!;
    const ver = r.positions['ver:sample/service-a/v1']!;
    expect(ver.x).toBeGreaterThan(svc.x + NODE_SIZE.service.width);
    expect(Math.abs(ver.y + NODE_SIZE.version.height / 2 - (svc.y + NODE_SIZE.service.height / 2))).toBeLessThan(1);
  });

  it('lays out again only the namespace that changed', async () => {
    const graph = demo();
    const layouter = new MeshLayouter(new ELK() as unknown as ElkLike);
    const input = toLayoutInput(graph);
    const first = await layouter.layout(input);
    expect(first.stats).toMatchObject({ elkRuns: 5, cachedGroups: 0 });
    const again = await layouter.layout(input);
    expect(again.stats).toMatchObject({ elkRuns: 0, cachedGroups: 5 }); // 4 boxes + the top level
    expect(again.positions).toEqual(first.positions);
    // One call less in microsvc-sample: that box (and the top level) only.
    const changed: LayoutInput = {
      nodes: input.nodes,
      edges: input.edges.filter((e) => !(e.source === 'ver:microsvc-sample/caller/v1' && e.target === 'svc:microsvc-sample/sample')),
    };
    const third = await layouter.layout(changed);
    // microsvc-sample again, and the top level unless that box kept its size.
    expect(third.stats.cachedGroups).toBeGreaterThanOrEqual(3);
    expect(third.stats.elkRuns).toBeGreaterThanOrEqual(1);
    expect(third.stats.elkRuns + third.stats.cachedGroups).toBe(5);
    for (const id of ['svc:sample/service-a', 'ver:sample/service-b/v1', 'ext:se/sample/mysql']) expect(third.positions[id]).toEqual(first.positions[id]);
  });

  it('packs many namespaces instead of spreading them over many layers', async () => {
    const mesh = generateMesh({ services: 60, namespaces: 12, versions: 3, seed: 3 });
    const input = toLayoutInput(buildGraph(mesh.resources, { observed: mesh.observed }));
    const r = await new MeshLayouter(new ELK() as unknown as ElkLike).layout(input);
    checkGeometry(input, r);
    expect(r.width / r.height).toBeLessThan(4);
  });

  it('lays out nodes outside any box and empty boxes', async () => {
    const input: LayoutInput = {
      nodes: [
        { id: 'ns:empty', kind: 'namespace' },
        { id: 'unknown', kind: 'unknown' },
        { id: 'ext:host/api.example.com', kind: 'external' },
      ],
      edges: [{ source: 'unknown', target: 'ext:host/api.example.com' }],
    };
    const r = await new MeshLayouter(new ELK() as unknown as ElkLike).layout(input);
    checkGeometry(input, r);
    expect(r.boxes['ns:empty']).toEqual({ width: 220, height: 72 });
  });
});

describe('quickLayout', () => {
  it('places every node without overlaps, in linear time', () => {
    const input = toLayoutInput(demo());
    checkGeometry(input, quickLayout(input));
    const mesh = generateMesh({ services: 1000, namespaces: 20, versions: 3, seed: 1 });
    const big = toLayoutInput(buildGraph(mesh.resources));
    const t0 = performance.now();
    const r = quickLayout(big);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(Object.keys(r.positions)).toHaveLength(big.nodes.length);
  });
});

describe('absolute rectangles from the layout', () => {
  it('offsets nodes inside a box by the box, matches the whole layout, and bounds any subset', async () => {
    const g = demo();
    const input = toLayoutInput(g);
    const r = await new MeshLayouter(new ELK() as unknown as ElkLike).layout(input);
    const expected = new Map(rects(input, r).map((x) => [x.id, x]));
    for (const n of input.nodes) {
      const a = absoluteRect(n, r)!;
      const e = expected.get(n.id)!;
      expect([a.x, a.y, a.width, a.height], n.id).toEqual([e.x, e.y, e.w, e.h]);
    }
    const all = boundsOf(input.nodes.map((n) => absoluteRect(n, r)!))!;
    expect(all.x).toBeGreaterThanOrEqual(0);
    expect(all.y).toBeGreaterThanOrEqual(0);
    expect(all.x + all.width).toBeLessThanOrEqual(r.width + 0.5);
    expect(all.y + all.height).toBeLessThanOrEqual(r.height + 0.5);
    const inBox = input.nodes.find((n) => n.parent && n.kind !== 'namespace')!;
    const box = absoluteRect(
      input.nodes.find((n) => n.id === inBox.parent)!,
      r,
    )!;
    const b = boundsOf([absoluteRect(inBox, r)!])!;
    expect(b.x).toBeGreaterThan(box.x);
    expect(b.y).toBeGreaterThan(box.y);
    expect(boundsOf([])).toBeUndefined();
    // Without its box in the layout (namespace boxes hidden), a node is placed absolutely.
    expect(absoluteRect({ id: 'x', kind: 'service', parent: 'ns:gone' }, { ...r, positions: { ...r.positions, x: { x: 5, y: 7 } } })).toEqual({
      x: 5,
      y: 7,
      width: NODE_SIZE.service.width,
      height: NODE_SIZE.service.height,
    });
  });
});
