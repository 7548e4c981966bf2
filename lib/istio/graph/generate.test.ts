import { describe, expect, it } from 'vitest';
import { buildGraph } from './build';
import { generateMesh } from './generate';
import { filterGraph, graphHash } from './transform';

describe('generateMesh', () => {
  const small = generateMesh({ services: 30, namespaces: 3, seed: 7 });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(generateMesh({ services: 30, namespaces: 3, seed: 7 }))).toBe(JSON.stringify(small));
    expect(JSON.stringify(generateMesh({ services: 30, namespaces: 3, seed: 8 }).observed)).not.toBe(JSON.stringify(small.observed));
  });

  it('makes about three versions per service and one observed caller sample per version', () => {
    expect(small.stats).toEqual({ namespaces: 3, services: 30, versions: 90, observedSamples: 90 + 3 + 3 * 2 });
    expect(small.resources.services).toHaveLength(31); // + the ingress gateway Service
    expect(small.resources.deployments).toHaveLength(91);
  });

  it('builds into the graph the generator describes', () => {
    const g = buildGraph(small.resources, { observed: small.observed });
    const kinds = (k: string) => g.nodes.filter((n) => n.kind === k).length;
    expect([kinds('namespace'), kinds('gateway'), kinds('service'), kinds('version'), kinds('external')]).toEqual([4, 1, 30, 90, 3]);
    expect(g.edges.filter((e) => e.kind === 'gateway-route')).toHaveLength(3);
    expect(g.edges.filter((e) => e.kind === 'route')).toHaveLength(90);
    // Calls come from the env URLs (one per version) and from every version of the first service of each
    // namespace to its database (svc-0000, -0001, -0002 have 2, 3 and 4 versions).
    const calls = g.edges.filter((e) => e.kind === 'call');
    expect(calls.filter((e) => e.target.startsWith('svc:'))).toHaveLength(90);
    expect(calls.filter((e) => e.target.startsWith('ext:')).map((e) => e.source)).toEqual([
      'ver:mesh-00/svc-0000/v1', 'ver:mesh-00/svc-0000/v2',
      'ver:mesh-01/svc-0001/v1', 'ver:mesh-01/svc-0001/v2', 'ver:mesh-01/svc-0001/v3',
      'ver:mesh-02/svc-0002/v1', 'ver:mesh-02/svc-0002/v2', 'ver:mesh-02/svc-0002/v3', 'ver:mesh-02/svc-0002/v4',
    ]);
    expect(calls.filter((e) => e.target.startsWith('svc:')).every((e) => e.basis?.includes('env'))).toBe(true);
    // Declared calls are all observed; the three undeclared calls (svc-0005, -0015, -0025) are observed-only.
    expect(g.edges.filter((e) => e.kind === 'observed' && e.source.startsWith('ver:')).map((e) => e.source)).toEqual([
      'ver:mesh-02/svc-0005/v1', 'ver:mesh-00/svc-0015/v1', 'ver:mesh-01/svc-0025/v1',
    ].sort());
    expect(calls.filter((e) => e.target.startsWith('svc:')).every((e) => e.observed && (e.metrics?.rps ?? -1) >= 0)).toBe(true);
    expect(g.edges.every((e) => e.security)).toBe(true);
    // Telemetry on declared edges does not change the layout hash; only the observed-only edges do.
    expect(graphHash(buildGraph(small.resources))).toBe(graphHash(filterGraph(g, { traffic: 'declared' })));
    expect(graphHash(buildGraph(small.resources))).not.toBe(graphHash(g));
  });
});
