/**
 * The Overview's picture of each namespace beyond counts: its mTLS posture, its findings
 * by level, its traffic (when Prometheus answers). Pure; the data-plane mode comes from
 * lib/istio/dataplane.ts through NamespaceSummary.
 */
import { parseResourceName, type Finding, type FindingLevel } from './findings';
import type { ObservedTraffic } from './graph/observed';
import type { MeshResources } from './resources';
import { effectiveMtls, type PeerMode } from './security/mtls';

export interface NamespaceMtls {
  /** What a workload without a workload-level policy gets. */
  mode: PeerMode;
  /** "STRICT, from PeerAuthentication istio-system/default (mesh-wide)" */
  reason: string;
  /** The PeerAuthentication that decides it, "PeerAuthentication ns/name", if any. */
  resource?: string;
  /** Workload-level PeerAuthentications in the namespace (they may set another mode). */
  workloadPolicies: number;
}

export function namespaceMtls(resources: MeshResources, namespace: string): NamespaceMtls {
  const m = effectiveMtls(resources, { namespace });
  const workloadPolicies = resources.peerAuthentications.filter(
    (p) =>
      p.metadata.namespace === namespace &&
      Object.keys((p.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {}).length > 0,
  ).length;
  return { mode: m.mode, reason: m.reason, ...(m.source.resource ? { resource: m.source.resource } : {}), workloadPolicies };
}

export type LevelCounts = Record<FindingLevel, number>;

/** Findings per namespace of their resource ("" for cluster-scoped resources); a Namespace's own findings count for it. */
export function findingsByNamespace(findings: readonly Finding[]): Map<string, LevelCounts> {
  const out = new Map<string, LevelCounts>();
  for (const f of findings) {
    const r = parseResourceName(f.resource);
    const ns = r ? (r.kind === 'Namespace' ? r.name : (r.namespace ?? '')) : '';
    let c = out.get(ns);
    if (!c) out.set(ns, (c = { Error: 0, Warning: 0, Info: 0 }));
    c[f.level]++;
  }
  return out;
}

export interface NamespaceTraffic {
  /** Requests per second into the namespace's services (HTTP and gRPC). */
  rps: number;
  /** Of those, per second, failed (5xx or gRPC status != 0). */
  errorRps: number;
  /** errorRps / rps; undefined without requests. */
  errorShare?: number;
}

/** Request rate and error share per destination namespace. */
export function trafficByNamespace(observed: ObservedTraffic): Record<string, NamespaceTraffic> {
  const out: Record<string, NamespaceTraffic> = {};
  for (const s of observed.samples) {
    if (s.protocol === 'tcp' || !s.rps) continue;
    const ns = s.destination.serviceNamespace ?? s.destination.namespace;
    if (!ns) continue;
    const t = (out[ns] ??= { rps: 0, errorRps: 0 });
    t.rps += s.rps;
    t.errorRps += s.errorRps ?? 0;
  }
  for (const t of Object.values(out)) if (t.rps > 0) t.errorShare = t.errorRps / t.rps;
  return out;
}
