/**
 * Known callers of the graph, for the caller-restriction form: "with this draft
 * AuthorizationPolicy, which of the workloads we know would be allowed or denied?"
 *
 *   callerOf(node) -> AuthzCaller | undefined
 *   previewCallers(resources, graph, target) -> CallerPreview[]
 *   previewCaller(resources, caller, target) -> { connection, decision }
 *     one caller (also used by the caller-restriction form for its own caller list)
 *
 * `resources` may hold a draft (e.g. the edited policy added or replaced); `graph`
 * supplies the callers (gateways, versions, workloads; 'unknown' stands for a caller
 * outside the mesh). Each caller's identity reaches the target only over Istio mTLS,
 * so the connection is evaluated first (edgeSecurity) with the same resources. Pure.
 */
import type { Labels } from '../labels';
import type { MeshResources } from '../resources';
import { authorizePath, type AuthzCaller, type AuthzDecision, type AuthzRequest, type WaypointRef } from '../security/authz';
import { edgeSecurity, type EdgeSecurity, type EdgeSecurityState } from '../security/mtls';
import type { GraphNode, MeshGraph } from './types';

export function callerOf(n: GraphNode): AuthzCaller | undefined {
  switch (n.kind) {
    case 'gateway':
      return { namespace: n.identity.namespace, serviceAccount: n.identity.serviceAccount, labels: n.selector, inMesh: true, name: n.label, mode: 'proxy' };
    case 'version':
    case 'workload':
      return {
        namespace: n.namespace,
        serviceAccount: n.serviceAccounts.length === 1 ? n.serviceAccounts[0] : undefined,
        labels: n.labels,
        inMesh: n.inMesh,
        name: n.label,
        mode: n.dataPlane.mode,
      };
    case 'unknown':
      return { external: true, name: 'caller outside the mesh' };
    default:
      return undefined;
  }
}

export interface CallerPreview {
  /** Graph node id of the caller. */
  caller: string;
  label: string;
  connection: EdgeSecurityState;
  decision: AuthzDecision;
}

export interface PreviewTarget {
  namespace: string;
  labels?: Labels;
  /** Defaults to true. */
  inMesh?: boolean;
  /** Host the callers address (for DestinationRule lookup), e.g. "sample.ns.svc.cluster.local". */
  host?: string;
  /** Service port (DestinationRule port settings). */
  port?: number;
  /** Workload port and other known request attributes. */
  request?: AuthzRequest;
  /** The target's data plane (sidecar by default). */
  mode?: 'sidecar' | 'ambient' | 'none' | 'proxy';
  /** The waypoint traffic to the target's Service goes through (ambient), and that Service. */
  waypoint?: WaypointRef;
  service?: { namespace: string; name: string };
}

/**
 * One caller against the target: the connection first (edgeSecurity: the caller's
 * identity reaches the target only over Istio mTLS), then the AuthorizationPolicies.
 */
export function previewCaller(resources: MeshResources, caller: AuthzCaller, target: PreviewTarget): { connection: EdgeSecurity; decision: AuthzDecision } {
  const inMesh = target.inMesh ?? true;
  const mode = target.mode ?? (inMesh ? 'sidecar' : 'none');
  const client =
    'external' in caller
      ? { namespace: target.namespace, inMesh: false, mode: 'none' as const }
      : { namespace: caller.namespace ?? target.namespace, labels: caller.labels, inMesh: caller.inMesh, mode: caller.mode };
  const connection = edgeSecurity(resources, {
    client,
    destination: { host: target.host ?? '', port: target.port },
    server: { namespace: target.namespace, labels: target.labels, inMesh, port: target.request?.port, mode },
  });
  // Ingress gateways and callers outside the mesh do not go through the Service's waypoint.
  const viaWaypoint = target.waypoint && !('external' in caller) && caller.inMesh && caller.mode !== 'proxy';
  const decision = authorizePath(resources, {
    caller: 'external' in caller ? caller : { ...caller, mtls: connection.state === 'mtls' },
    target: { namespace: target.namespace, labels: target.labels, inMesh, mode },
    request: target.request,
    ...(viaWaypoint ? { waypoint: target.waypoint, service: target.service } : {}),
  });
  return { connection, decision };
}

/** Every caller node of the graph (the target's own workloads excluded), sorted by id; 'unknown' always included. */
export function previewCallers(resources: MeshResources, graph: MeshGraph, target: PreviewTarget): CallerPreview[] {
  const out: CallerPreview[] = [];
  const nodes = [...graph.nodes];
  if (!nodes.some((n) => n.kind === 'unknown')) nodes.push({ id: 'unknown', kind: 'unknown', label: 'unknown', refs: [] });
  for (const n of nodes) {
    const caller = callerOf(n);
    if (!caller) continue;
    const isSelf =
      (n.kind === 'version' || n.kind === 'workload') &&
      n.namespace === target.namespace &&
      target.labels &&
      Object.entries(target.labels).every(([k, v]) => n.labels[k] === v) &&
      Object.keys(target.labels).length > 0;
    if (isSelf) continue;
    const { connection, decision } = previewCaller(resources, caller, target);
    out.push({ caller: n.id, label: n.label, connection: connection.state, decision });
  }
  return out.sort((a, b) => (a.caller < b.caller ? -1 : a.caller > b.caller ? 1 : 0));
}
