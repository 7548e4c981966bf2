/**
 * Security and authorization of graph edges, computed from the graph's own nodes (so
 * edges added later, e.g. from telemetry, get the same treatment) and the resources.
 *
 * - Caller: a gateway calls with its identity (workload service account, or for an
 *   unresolved gateway Istio's default install identity); a version/workload node with
 *   its namespace, labels, service account (when unique) and sidecar; "unknown" and
 *   external nodes without identity. A 'route' edge (service -> version) has no single
 *   caller: security is evaluated for a mesh client in the service's namespace and no
 *   authorization is given.
 * - Target: a service stands for the versions its selector picks (narrowed to the
 *   edge's subset through the DestinationRule); results per version are combined:
 *   the worst security state wins, and authorization that differs by version is
 *   'conditional' with each version's decision in the reason.
 * - Ambient: each side's data-plane mode (sidecar, ambient, none, or an Istio proxy)
 *   decides the connection (HBONE between ztunnels, sidecars and proxies). Traffic to a
 *   Service whose waypoint takes it goes through the waypoint (ingress gateways only with
 *   istio.io/ingress-use-waypoint=true; callers outside the mesh never), so
 *   authorization is the waypoint's decision then the destination's (authorizePath), each
 *   with its enforcement point; otherwise the destination's sidecar or ztunnel decides.
 * Pure apart from per-annotator memoisation.
 */
import { matchesLabels } from '../labels';
import type { MeshResources } from '../resources';
import { authorizePath, type AuthzDecision, type WaypointRef } from '../security/authz';
import { rootNamespaceOf } from '../security/common';
import { edgeSecurity, findDestinationRule, type EdgeSecurity, type EdgeSecurityState, type PeerDataPlane } from '../security/mtls';
import type {
  EdgeAuthzInfo,
  EdgeSecurityInfo,
  ExternalNode,
  GatewayNode,
  GraphEdge,
  GraphNode,
  NamespaceNode,
  ServiceNode,
  VersionNode,
  WaypointNode,
  WorkloadNode,
} from './types';

type WorkloadLike = VersionNode | WorkloadNode;

interface Client {
  namespace?: string;
  labels?: Record<string, string>;
  serviceAccount?: string;
  inMesh: boolean;
  external: boolean;
  mode: PeerDataPlane;
  /** An ingress gateway: bypasses Service waypoints unless the Service asks otherwise. */
  ingress?: boolean;
}

interface ServerTarget {
  key: string;
  label: string;
  namespace: string;
  labels: Record<string, string>;
  inMesh: boolean;
  mode: PeerDataPlane;
  port?: number;
}

const WORST: Record<EdgeSecurityState, number> = { mtls: 0, tls: 1, plaintext: 2, conflict: 3 };

export interface EdgeAnnotator {
  annotate(edge: GraphEdge): void;
}

function isWorkloadLike(n: GraphNode | undefined): n is WorkloadLike {
  return !!n && (n.kind === 'version' || n.kind === 'workload');
}

export function createAnnotator(resources: MeshResources, nodes: ReadonlyMap<string, GraphNode>): EdgeAnnotator {
  const root = rootNamespaceOf(resources);
  const secCache = new Map<string, EdgeSecurity>();
  const authzCache = new Map<string, AuthzDecision>();
  // Client labels only matter for DestinationRules with a workloadSelector.
  const labelsMatterForTls = resources.destinationRules.some((d) => !!d.spec?.workloadSelector);

  /** What security depends on for a client: namespace, sidecar, and (rarely) labels. */
  function secKey(c: Client): string {
    if (c.external) return 'external';
    return `${c.namespace ?? ''}|${c.mode}${labelsMatterForTls ? `|${JSON.stringify(c.labels ?? {})}` : ''}`;
  }

  const nsMode = (ns: string | undefined): PeerDataPlane => {
    const n = ns ? (nodes.get(`ns:${ns}`) as NamespaceNode | undefined) : undefined;
    return n?.dataPlane.mode ?? 'sidecar';
  };
  /** What authorization depends on for a client: its mTLS identity (labels never reach the server). */
  function idKey(c: Client, mtls: boolean): string {
    if (c.external || !c.inMesh || !mtls) return 'no-identity';
    return `${c.namespace ?? '?'}|${c.serviceAccount ?? '?'}`;
  }

  function clientOf(n: GraphNode | undefined): Client | undefined {
    if (!n) return undefined;
    switch (n.kind) {
      case 'gateway': {
        const g = n as GatewayNode;
        return {
          namespace: g.identity.namespace,
          labels: g.selector,
          serviceAccount: g.identity.serviceAccount,
          inMesh: true,
          external: false,
          mode: 'proxy',
          ingress: g.role === 'ingress',
        };
      }
      case 'version':
      case 'workload':
        return {
          namespace: n.namespace,
          labels: n.labels,
          serviceAccount: n.serviceAccounts.length === 1 ? n.serviceAccounts[0] : undefined,
          inMesh: n.inMesh,
          external: false,
          mode: n.dataPlane.mode,
        };
      case 'service': {
        // A 'route' edge has no single caller: a mesh client of the service's namespace.
        const mode = nsMode(n.namespace);
        return { namespace: n.namespace, inMesh: true, external: false, mode: mode === 'none' ? 'sidecar' : mode };
      }
      case 'unknown':
      case 'external':
        return { inMesh: false, external: true, mode: 'none' };
      default:
        return undefined;
    }
  }

  function workloadPort(svc: ServiceNode | undefined, port: number | undefined): number | undefined {
    if (!svc) return port;
    const p = port === undefined ? (svc.ports.length === 1 ? svc.ports[0] : undefined) : svc.ports.find((x) => x.port === port);
    return p?.workloadPort ?? port;
  }

  function serverOf(n: WorkloadLike, port: number | undefined): ServerTarget {
    return { key: n.id, label: n.label, namespace: n.namespace, labels: n.labels, inMesh: n.inMesh, mode: n.dataPlane.mode, port };
  }

  function targetsOf(edge: GraphEdge, client: Client): { servers: ServerTarget[]; host: string; svc?: ServiceNode } | { external: ExternalNode } | undefined {
    const t = nodes.get(edge.target);
    if (!t) return undefined;
    if (t.kind === 'external') return { external: t };
    if (t.kind === 'version' || t.kind === 'workload') {
      const svcId = edge.source.startsWith('svc:') ? edge.source : t.services[0];
      const svc = svcId ? (nodes.get(svcId) as ServiceNode | undefined) : undefined;
      const host = svc?.host ?? `${t.label}.${t.namespace}`;
      return { servers: [serverOf(t, workloadPort(svc, edge.port))], host, svc };
    }
    if (t.kind === 'gateway') {
      const ns = t.identity.namespace ?? root;
      return { servers: [{ key: t.id, label: t.label, namespace: ns, labels: t.selector, inMesh: true, mode: 'proxy', port: edge.port }], host: t.label };
    }
    if (t.kind === 'service') {
      let members = t.versions.map((id) => nodes.get(id)).filter(isWorkloadLike);
      if (edge.subset) {
        const dr = findDestinationRule(resources, { fromNamespace: client.namespace ?? t.namespace, fromLabels: client.labels, host: t.host });
        const labels = dr?.entry.dr.spec?.subsets?.find((s) => s.name === edge.subset)?.labels;
        if (labels) members = members.filter((m) => matchesLabels(labels, m.labels));
      }
      const port = workloadPort(t, edge.port);
      if (members.length) return { servers: members.map((m) => serverOf(m, port)), host: t.host, svc: t };
      // No workload known: judge by the namespace's data-plane mode.
      const nsNode = nodes.get(`ns:${t.namespace}`) as NamespaceNode | undefined;
      const mode = nsNode?.dataPlane.mode ?? 'none';
      return {
        servers: [{ key: t.id, label: t.label, namespace: t.namespace, labels: t.selector ?? {}, inMesh: mode !== 'none', mode, port }],
        host: t.host,
        svc: t,
      };
    }
    return undefined;
  }

  /** The waypoint a call from `client` to `svc` goes through, if any. */
  function waypointFor(client: Client, svc: ServiceNode | undefined): WaypointRef | undefined {
    const w = svc?.waypoint;
    if (!svc || w?.state !== 'bound' || !w.node) return undefined;
    if (client.external || client.mode === 'none') return undefined;
    if (client.ingress && !svc.ingressUsesWaypoint) return undefined;
    const node = nodes.get(w.node) as WaypointNode | undefined;
    if (!node) return undefined;
    return { namespace: node.namespace, name: node.name, serviceAccount: node.serviceAccount };
  }

  function toInfo(s: EdgeSecurity): EdgeSecurityInfo {
    return {
      state: s.state,
      reason: s.reason,
      ...(s.hbone ? { hbone: true } : {}),
      server: s.server ? { mode: s.server.mode, level: s.server.source.level, resource: s.server.source.resource, inMesh: s.server.inMesh } : undefined,
      client: { mode: s.client.mode, level: s.client.source.level, resource: s.client.source.resource, auto: s.client.auto },
    };
  }

  function annotate(edge: GraphEdge): void {
    const client = clientOf(nodes.get(edge.source));
    if (!client) return;
    const targets = targetsOf(edge, client);
    if (!targets) return;
    const clientSide = { namespace: client.namespace ?? root, labels: client.labels, inMesh: client.inMesh && !client.external, mode: client.mode };

    if ('external' in targets) {
      const ext = targets.external;
      const host = ext.hosts[0] ?? ext.addresses[0] ?? ext.label;
      const port = edge.port ?? ext.ports[0]?.number;
      const proto = ext.ports.find((p) => p.number === port)?.protocol ?? ext.ports[0]?.protocol;
      const key = `${secKey(client)}|ext|${ext.id}|${port}`;
      let sec = secCache.get(key);
      if (!sec) {
        sec = edgeSecurity(resources, { client: clientSide, destination: { host, port }, server: { external: true, protocol: proto } });
        secCache.set(key, sec);
      }
      edge.security = toInfo(sec);
      return;
    }

    const results: Array<{ server: ServerTarget; sec: EdgeSecurity; authz?: AuthzDecision }> = [];
    for (const server of targets.servers) {
      const sKey = `${secKey(client)}|${server.key}|${targets.host}|${edge.subset ?? ''}|${edge.port ?? ''}|${server.port ?? ''}`;
      let sec = secCache.get(sKey);
      if (!sec) {
        sec = edgeSecurity(resources, {
          client: clientSide,
          destination: { host: targets.host, subset: edge.subset, port: edge.port },
          server: { namespace: server.namespace, labels: server.labels, inMesh: server.inMesh, port: server.port, mode: server.mode },
        });
        secCache.set(sKey, sec);
      }
      let authz: AuthzDecision | undefined;
      if (!edge.source.startsWith('svc:')) {
        const mtls = sec.state === 'mtls';
        const host = edge.kind === 'gateway-route' && edge.via?.hosts?.length === 1 && !edge.via.hosts[0]?.includes('*') ? edge.via.hosts[0] : undefined;
        const waypoint = waypointFor(client, targets.svc);
        const aKey = `${idKey(client, mtls)}|${server.key}|${server.mode}|${server.port ?? ''}|${host ?? ''}|${waypoint ? `${waypoint.namespace}/${waypoint.name}|${targets.svc?.id}` : ''}`;
        authz = authzCache.get(aKey);
        if (!authz) {
          const caller = client.external
            ? { external: true as const }
            : { namespace: client.namespace, serviceAccount: client.serviceAccount, labels: client.labels, inMesh: client.inMesh, mtls };
          authz = authorizePath(resources, {
            caller,
            target: { namespace: server.namespace, labels: server.labels, inMesh: server.inMesh, mode: server.mode === 'proxy' ? 'proxy' : server.mode },
            request: { port: server.port, host },
            ...(waypoint && targets.svc ? { waypoint, service: { namespace: targets.svc.namespace, name: targets.svc.name } } : {}),
          });
          authzCache.set(aKey, authz);
        }
      }
      results.push({ server, sec, authz });
    }
    if (!results.length) return;

    // Security: the worst state over the target versions.
    let worst = results[0]!;
    for (const r of results) if (WORST[r.sec.state] > WORST[worst.sec.state]) worst = r;
    const info = toInfo(worst.sec);
    if (results.length > 1 && results.some((r) => r.sec.state !== worst.sec.state)) info.reason = `to ${worst.server.label}: ${info.reason}`;
    edge.security = info;

    const decisions = results.filter((r) => r.authz) as Array<{ server: ServerTarget; authz: AuthzDecision }>;
    if (!decisions.length) return;
    const first = decisions[0]!;
    let authz: EdgeAuthzInfo;
    const where = (d: AuthzDecision): Partial<EdgeAuthzInfo> => ({
      ...(d.enforcedBy ? { enforcedBy: d.enforcedBy } : {}),
      ...(d.enforcer ? { enforcer: d.enforcer } : {}),
      ...(d.steps ? { steps: d.steps } : {}),
      ...(d.notes?.length ? { notes: d.notes } : {}),
    });
    if (decisions.every((d) => d.authz.decision === first.authz.decision && d.authz.policy === first.authz.policy)) {
      authz = { decision: first.authz.decision, policy: first.authz.policy, reason: first.authz.reason, ...where(first.authz) };
    } else if (decisions.every((d) => d.authz.decision === first.authz.decision)) {
      authz = {
        decision: first.authz.decision,
        policy: first.authz.policy,
        reason: decisions.map((d) => `${d.server.label}: ${d.authz.reason}`).join('; '),
        ...where(first.authz),
      };
    } else {
      const deciding = decisions.find((d) => d.authz.decision !== 'allow') ?? first;
      authz = {
        decision: 'conditional',
        policy: deciding.authz.policy,
        reason: `depends on the version reached: ${decisions.map((d) => `${d.server.label} ${d.authz.decision}${d.authz.policy ? ` (${d.authz.policy})` : ''}`).join(', ')}`,
        ...where(deciding.authz),
      };
    }
    edge.authz = authz;
  }

  return { annotate };
}
