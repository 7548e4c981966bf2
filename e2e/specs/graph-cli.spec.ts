/**
 * `meshboard graph` against the real API server: scenario S5 (with the gateway,
 * waypoint and pods the controllers would add) applied to a fresh namespace, the
 * cluster dumped with kubectl into a folder (one `kind: List` per call, as `kubectl get
 * -o yaml` writes it), the built command run on that folder, and its JSON compared with
 * what the running console answers on GET /api/graph for the same namespace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { GraphResponse } from '../../lib/contracts/graph';
import { buildGatewayApiModel } from '../../lib/istio/gatewayapi';
import { indexResources } from '../../lib/istio/resources';
import type { K8sObject } from '../../lib/istio/types';
import { gatewayWorkloadObjects, podsFor, s5Manifests } from '../cluster/demo-data';
import { readManifests, remapNamespaces } from '../cluster/seed';
import { test, expect } from '../fixtures';

const REPO = path.resolve(__dirname, '..', '..');

/** What may differ between two answers for the same objects: timings, telemetry, and findings about other namespaces (other tests write too). */
function comparable(g: GraphResponse) {
  const { buildMs: _b, prometheus: _p, observed: _o, window: _w, findings, ...meta } = g.meta as GraphResponse['meta'] & { window?: string };
  return {
    nodes: g.nodes,
    edges: g.edges.map(({ metrics: _m, observed: _x, ...e }) => e),
    meta: { ...meta, findings: { count: findings.count, attached: findings.attached } },
  };
}

test.describe('meshboard graph on a dump of the cluster', () => {
  test('draws what GET /api/graph draws for the same objects (S5 in a fresh namespace)', async ({ kubectl, uniq, request }) => {
    test.setTimeout(240_000);
    const ns = uniq('s5-cli');
    // S5 as the seeder makes it (e2e/cluster/seed.ts): the files, then what istiod's controllers
    // and the ReplicaSets would add (owned by the Gateways, so they need their uids), then the pods.
    const files = remapNamespaces(
      s5Manifests((rel) => readManifests(path.join(REPO, 'e2e', 'fixtures', rel)), ns),
      { bookinfo: ns },
    );
    const apply = (objs: Array<{ kind: string }>) => kubectl(['apply', '-f', '-'], objs.map((o) => stringify(o)).join('---\n'));
    // GatewayClasses are cluster-wide and already seeded.
    await apply(files.filter((o) => o.kind !== 'GatewayClass'));
    const gateways = (JSON.parse(await kubectl(['get', 'gateways.gateway.networking.k8s.io', '-n', ns, '-o', 'json'])) as { items: K8sObject[] }).items;
    const applied = [
      ...files.filter((o) => !(o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io'))),
      ...gateways,
    ] as unknown as K8sObject[];
    const controller = buildGatewayApiModel(indexResources(applied))
      .gateways.filter((g) => g.istio === 'ingress' || g.istio === 'waypoint')
      .flatMap((g) => gatewayWorkloadObjects(g as never)) as typeof files;
    const nsObj = files.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    const pods = [...files, ...controller].filter((o) => o.kind === 'Deployment').flatMap((d) => podsFor(d, nsObj));
    await apply([...controller, ...pods]);

    const dir = mkdtempSync(path.join(tmpdir(), 'meshboard-graph-e2e-'));
    const out = `${dir}.json`;
    try {
      const meshKinds = (await kubectl(['api-resources', '-o', 'name']))
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => /\.istio\.io$|\.gateway\.networking\.k8s\.io$/.test(s));
      expect(meshKinds).toEqual(expect.arrayContaining(['virtualservices.networking.istio.io', 'httproutes.gateway.networking.k8s.io']));

      const dump = async () => {
        writeFileSync(path.join(dir, 'core.yaml'), await kubectl(['get', 'namespaces,services,pods,deployments', '-A', '-o', 'yaml']));
        writeFileSync(path.join(dir, 'mesh.yaml'), await kubectl(['get', meshKinds.join(','), '-A', '-o', 'yaml']));
        const cm = await kubectl.raw(['get', 'configmap', 'istio', '-n', 'istio-system', '-o', 'yaml']);
        if (cm.code === 0) writeFileSync(path.join(dir, 'mesh-config.yaml'), cm.stdout);
      };
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(REPO, 'lib', 'cli', 'meshboard.mjs'), 'graph', ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });

      // The console's watch cache follows the apply within moments: compare until it has.
      await expect(async () => {
        await dump();
        const r = cli('-f', dir, '--namespaces', ns, '--no-default-resources', '--output-file', out);
        expect(r.status, r.stderr).toBe(0);
        const files = JSON.parse(readFileSync(out, 'utf8')) as GraphResponse;
        const res = await request.get(`/api/graph?namespaces=${ns}`);
        expect(res.status()).toBe(200);
        const api = (await res.json()) as GraphResponse;
        // The facts first (clearer failures), then everything.
        expect(files.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([`gw:${ns}/bookinfo-gateway-istio`, `wp:${ns}/waypoint`, `ver:${ns}/reviews/v1`]));
        expect(
          files.edges
            .filter((e) => e.source === `svc:${ns}/reviews` && e.target.startsWith(`svc:${ns}/reviews-v`))
            .map((e) => e.weight)
            .sort(),
        ).toEqual([10, 90]);
        expect(files.edges.find((e) => e.source === `ver:${ns}/reviews/v1` && e.target === `svc:${ns}/ratings`)?.authz).toMatchObject({
          decision: 'deny',
          enforcedBy: 'ztunnel',
        });
        expect(comparable(files)).toEqual(comparable(api));
      }).toPass({ timeout: 120_000, intervals: [1_000, 2_000, 5_000] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { force: true });
    }
  });
});
