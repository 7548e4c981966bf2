/**
 * Stage 7 of buildGraph: what each waypoint serves. A "waypoint" edge links a waypoint
 * node to every Service (service-addressed traffic) and workload node (workload-addressed
 * traffic) whose traffic it takes, as lib/istio/dataplane.ts binds them. Pure.
 */
import type { BuildContext } from '../context';
import type { WaypointNode, WaypointUse } from '../types';

export function waypointServes(ctx: BuildContext): void {
  const link = (use: WaypointUse | undefined, targetId: string, resource: string) => {
    if (use?.state !== 'bound' || !use.node) return;
    const wp = ctx.nodes.get(use.node) as WaypointNode | undefined;
    if (!wp) return;
    if (!wp.serves.includes(targetId)) wp.serves.push(targetId);
    ctx.addEdge({
      id: `waypoint:${wp.id}->${targetId}`,
      kind: 'waypoint',
      source: wp.id,
      target: targetId,
      badges: [],
      declared: true,
      observed: false,
      evidence: [use.reason],
      refs: [{ resource }, { resource: wp.gateway, group: 'gateway.networking.k8s.io' }],
    });
  };
  for (const s of ctx.services) link(s.node.waypoint, s.node.id, `Service ${s.node.namespace}/${s.node.name}`);
  for (const g of ctx.groups.values()) link(g.node.waypoint, g.id, g.node.refs[0]?.resource ?? g.id);
  for (const n of ctx.nodes.values()) if (n.kind === 'waypoint') n.serves.sort();
}
