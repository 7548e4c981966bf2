import { describe, expect, it } from 'vitest';
import { analyze } from './analysis';
import { generateMesh } from './generate';
import { buildGraph } from './graph/build';
import { filterGraph, graphHash } from './graph/transform';
import type { Deployment } from './types';

describe('generateMesh (the one synthetic mesh of tests and benchmarks)', () => {
  const small = generateMesh({ services: 30, namespaces: 3, seed: 7 });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(generateMesh({ services: 30, namespaces: 3, seed: 7 }))).toBe(JSON.stringify(small));
    expect(JSON.stringify(generateMesh({ services: 30, namespaces: 3, seed: 8 }).observed)).not.toBe(JSON.stringify(small.observed));
  });

  it('sized by resources: exactly that many objects, about 200 per namespace, the same for the same size', () => {
    const a = generateMesh(1200);
    expect(a.objects).toHaveLength(1200);
    expect(a.stats.namespaces).toBe(6);
    expect(JSON.stringify(generateMesh(1200).objects)).toBe(JSON.stringify(a.objects));
    const namespaces = new Set(a.objects.filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.namespace));
    expect(namespaces.size).toBe(6);
  });

  it('spreads the services over the namespaces, one or two versions each, one observed sample per caller version', () => {
    expect(small.stats.services).toBe(30);
    expect(small.resources.services).toHaveLength(31); // + the ingress gateway Service
    expect(small.resources.deployments).toHaveLength(small.stats.versions + 1);
    expect(small.stats.versions).toBeGreaterThanOrEqual(30);
    expect(small.stats.versions).toBeLessThanOrEqual(60);
    for (const ns of ['team-0', 'team-1', 'team-2']) expect(small.resources.services.filter((s) => s.metadata.namespace === ns)).toHaveLength(10);
    const callerVersions = small.resources.deployments.filter((d: Deployment) =>
      d.spec?.template?.spec?.containers?.[0]?.env?.some((e) => e.name === 'DEPENDENCY_URL'),
    ).length;
    // + 3 undeclared calls (every tenth service) + per namespace the ingress and the partner API.
    expect(small.stats.observedSamples).toBe(callerVersions + 3 + 3 * 2);
  });

  it('builds into the graph the generator describes', () => {
    const g = buildGraph(small.resources, { observed: small.observed });
    const kinds = (k: string) => g.nodes.filter((n) => n.kind === k).length;
    expect([kinds('namespace'), kinds('gateway'), kinds('service'), kinds('version'), kinds('external')]).toEqual([4, 1, 30, small.stats.versions, 3]);
    // Each namespace's Gateway has an HTTP and an HTTPS server for svc-0; team-1 has a second VirtualService on that host.
    expect(g.edges.filter((e) => e.kind === 'gateway-route')).toHaveLength(3 * 2 + small.planted.duplicateGatewayHost!);
    // Calls come from the env URLs (every version) and from AuthorizationPolicy principals; svc-0 calls the partner API.
    const calls = g.edges.filter((e) => e.kind === 'call');
    const fromEnv = calls.filter((e) => e.target.startsWith('svc:') && e.basis?.includes('env'));
    expect(fromEnv).toHaveLength(small.stats.versions);
    expect(fromEnv.every((e) => e.observed && (e.metrics?.rps ?? -1) >= 0)).toBe(true);
    expect(
      calls
        .filter((e) => e.target.startsWith('ext:'))
        .every((e) => /^ver:team-\d\/svc-0\/v\d$/.test(e.source) && e.target === `ext:se/${e.source.split(/[:/]/)[1]}/external-api`),
    ).toBe(true);
    expect(calls.filter((e) => e.target.startsWith('ext:')).length).toBe(
      small.resources.deployments.filter((d) => d.metadata.name.startsWith('svc-0-')).length,
    );
    // The undeclared calls are observed-only edges.
    expect(g.edges.filter((e) => e.kind === 'observed' && e.source.startsWith('ver:'))).toHaveLength(3);
    expect(g.edges.every((e) => e.security)).toBe(true);
    // Telemetry on declared edges does not change the layout hash; only the observed-only edges do.
    expect(graphHash(buildGraph(small.resources))).toBe(graphHash(filterGraph(g, { traffic: 'declared' })));
    expect(graphHash(buildGraph(small.resources))).not.toBe(graphHash(g));
  });

  it('the planted mistakes are found by the analyzers', () => {
    const mesh = generateMesh(2000);
    const count = (code: string) => analyze(mesh.objects).filter((f) => f.code === code).length;
    expect([mesh.planted.mtlsConflict, mesh.planted.duplicateGatewayHost, mesh.planted.unknownDrHost]).toEqual([2, 1, 1]);
    expect(count('MB0003')).toBe(mesh.planted.mtlsConflict); // DISABLE under STRICT
    expect(count('MB0004')).toBe(2 * mesh.planted.duplicateGatewayHost!); // both VirtualServices claiming the gateway host
    expect(count('IST0174')).toBe(mesh.planted.unknownDrHost);
    expect(count('IST0101')).toBeGreaterThanOrEqual(mesh.planted.missingHost! + mesh.planted.gatewayNoWorkload!);
  });
});
