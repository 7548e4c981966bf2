/**
 * Shared helpers of the security evaluation: resource naming, Istio's "oldest wins"
 * ordering, exportTo visibility, wildcard matching, and a per-MeshResources index so
 * that evaluating thousands of edges does not rescan every policy each time.
 *
 * The index is cached in a WeakMap keyed by the MeshResources object and is rebuilt
 * automatically when one of the arrays it reads is replaced or changes length.
 * Callers that edit a resource in place (same array, same length) should pass a new
 * MeshResources object (e.g. `{ ...resources }`) to get fresh results. Pure.
 */
import { fqdn, parseServiceFqdn } from '../hosts';
import type { MeshResources } from '../resources';
import {
  DEFAULT_ROOT_NAMESPACE,
  DEFAULT_TRUST_DOMAIN,
  type AuthorizationPolicy,
  type DestinationRule,
  type K8sObject,
  type PeerAuthentication,
  type ServiceEntry,
} from '../types';

/** Namespace of a namespaced object ("default" when the manifest leaves it out, as kubectl does). */
export function nsOf(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace || 'default';
}

/** "Kind namespace/name", the form used in findings, with the default namespace filled in. */
export function refOf(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind} ${nsOf(o)}/${o.metadata.name}`;
}

export function rootNamespaceOf(r: Pick<MeshResources, 'meshConfig'>): string {
  return r.meshConfig?.rootNamespace || DEFAULT_ROOT_NAMESPACE;
}

export function trustDomainOf(r: Pick<MeshResources, 'meshConfig'>): string {
  return r.meshConfig?.trustDomain || DEFAULT_TRUST_DOMAIN;
}

type Meta = { metadata: K8sObject['metadata'] };

/** Istio picks the oldest resource when several apply equally; ties (or no timestamps) go by namespace/name. */
export function oldestFirst(a: Meta, b: Meta): number {
  const ta = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : Number.POSITIVE_INFINITY;
  const tb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : Number.POSITIVE_INFINITY;
  if (ta !== tb) return (Number.isNaN(ta) ? Infinity : ta) < (Number.isNaN(tb) ? Infinity : tb) ? -1 : 1;
  return nsOf(a).localeCompare(nsOf(b)) || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * Is a resource of `ownerNs` with `exportTo` visible from `fromNs`? Empty or missing
 * exportTo means "*" (Istio's default); "." is the owner's namespace; "~" is nobody.
 */
export function exportedTo(exportTo: readonly string[] | undefined, ownerNs: string, fromNs: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  for (const e of exportTo) {
    if (e === '*') return true;
    if (e === '.' && ownerNs === fromNs) return true;
    if (e === fromNs) return true;
  }
  return false;
}

/** Istio string match for principals, namespaces, paths, hosts: exact, "*", "prefix*", "*suffix". */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

export function isEmptyRecord(r: Record<string, string> | undefined): boolean {
  return !r || Object.keys(r).length === 0;
}

/* ---- index ---- */

export interface DrEntry {
  dr: DestinationRule;
  namespace: string;
  /** spec.host completed against the DR's namespace. */
  host: string;
}

export interface SecurityIndex {
  rootNamespace: string;
  trustDomain: string;
  autoMtls: boolean;
  /** PeerAuthentications per namespace, oldest first. */
  peerAuthn: Map<string, PeerAuthentication[]>;
  /** DestinationRules per namespace, oldest first. */
  destinationRules: Map<string, DrEntry[]>;
  /** The same, per namespace: exact hosts in a map, wildcard hosts in a list (both oldest first). */
  destinationRulesByHost: Map<string, { exact: Map<string, DrEntry[]>; wildcard: DrEntry[] }>;
  /** AuthorizationPolicies per namespace, sorted by name. */
  authzPolicies: Map<string, AuthorizationPolicy[]>;
  /** ServiceEntries by lower-case host. */
  serviceEntriesByHost: Map<string, ServiceEntry[]>;
  wildcardServiceEntries: Array<{ host: string; se: ServiceEntry }>;
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

function buildIndex(r: MeshResources): SecurityIndex {
  const peerAuthn = group([...r.peerAuthentications].sort(oldestFirst), nsOf);
  const drs = [...r.destinationRules].sort(oldestFirst).map((dr) => ({ dr, namespace: nsOf(dr), host: fqdn(dr.spec?.host ?? '', nsOf(dr)) }));
  const destinationRules = group(drs, (d) => d.namespace);
  const destinationRulesByHost = new Map<string, { exact: Map<string, DrEntry[]>; wildcard: DrEntry[] }>();
  for (const [ns, entries] of destinationRules) {
    const exact = new Map<string, DrEntry[]>();
    const wildcard: DrEntry[] = [];
    for (const e of entries) {
      if (e.host.startsWith('*')) wildcard.push(e);
      else {
        const l = exact.get(e.host);
        if (l) l.push(e);
        else exact.set(e.host, [e]);
      }
    }
    destinationRulesByHost.set(ns, { exact, wildcard });
  }
  const authzPolicies = group(
    [...r.authorizationPolicies].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)),
    nsOf,
  );
  const serviceEntriesByHost = new Map<string, ServiceEntry[]>();
  const wildcardServiceEntries: Array<{ host: string; se: ServiceEntry }> = [];
  for (const se of r.serviceEntries) {
    for (const h of se.spec?.hosts ?? []) {
      const host = fqdn(h, nsOf(se));
      if (host.startsWith('*')) wildcardServiceEntries.push({ host, se });
      else {
        const l = serviceEntriesByHost.get(host);
        if (l) l.push(se);
        else serviceEntriesByHost.set(host, [se]);
      }
    }
  }
  return {
    rootNamespace: rootNamespaceOf(r),
    trustDomain: trustDomainOf(r),
    autoMtls: r.meshConfig?.enableAutoMtls !== false,
    peerAuthn,
    destinationRules,
    destinationRulesByHost,
    authzPolicies,
    serviceEntriesByHost,
    wildcardServiceEntries,
  };
}

function fingerprint(r: MeshResources): unknown[] {
  return [
    r.peerAuthentications,
    r.peerAuthentications.length,
    r.destinationRules,
    r.destinationRules.length,
    r.authorizationPolicies,
    r.authorizationPolicies.length,
    r.serviceEntries,
    r.serviceEntries.length,
    r.meshConfig,
  ];
}

const cache = new WeakMap<MeshResources, { fp: unknown[]; index: SecurityIndex }>();

export function securityIndex(r: MeshResources): SecurityIndex {
  const fp = fingerprint(r);
  const hit = cache.get(r);
  if (hit && hit.fp.length === fp.length && hit.fp.every((v, i) => v === fp[i])) return hit.index;
  const index = buildIndex(r);
  cache.set(r, { fp, index });
  return index;
}

/** Namespace that owns `host`: a Kubernetes service's namespace, or the namespaces of the ServiceEntries declaring it. */
export function hostNamespaces(idx: SecurityIndex, host: string): string[] {
  const svc = parseServiceFqdn(host);
  const out: string[] = [];
  if (svc) out.push(svc.namespace);
  for (const se of idx.serviceEntriesByHost.get(host) ?? []) out.push(nsOf(se));
  return [...new Set(out)];
}
