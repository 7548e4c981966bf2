/**
 * Host names as istioctl's analyzers resolve them, and the service registry they look
 * destinations up in: Kubernetes Services (visible per the networking.istio.io/exportTo
 * annotation) and ServiceEntry hosts (visible per spec.exportTo), keyed by
 * "scope/fqdn" so that a lookup is a few map reads. Pure.
 */
import type { K8sObject } from '../types';
import { hostsOverlap } from '../hosts';
import { asArray, asLabels, asRecord, nsOf, specOf, str, type AnalysisContext, type Labels } from './context';

export const EXPORT_ALL = '*';
export const EXPORT_LOCAL = '.';

/** A short name (no dot, not a wildcard) becomes name.namespace.svc.cluster.local; anything else stays. */
export function toFqdn(namespace: string, host: string, domainSuffix = 'svc.cluster.local'): string {
  if (!host.startsWith('*') && !host.includes('.')) return `${host}.${namespace}.${domainSuffix}`;
  return host;
}

/** "name.namespace.svc.<domain>" -> {name, namespace}; undefined for other hosts. */
export function parseFqdn(host: string, domainSuffix = 'svc.cluster.local'): { name: string; namespace: string } | undefined {
  return parseFqdnIn(host, domainSuffix) ?? (domainSuffix === 'svc.cluster.local' ? undefined : parseFqdnIn(host, 'svc.cluster.local'));
}

function parseFqdnIn(host: string, suffix: string): { name: string; namespace: string } | undefined {
  // "name.namespace." + suffix: the suffix, a dot before it, and two non-empty labels.
  const end = host.length - suffix.length - 1;
  if (end < 3 || host.charCodeAt(end) !== 46 || !host.endsWith(suffix)) return undefined;
  const dot = host.indexOf('.');
  if (dot <= 0 || dot >= end - 1 || host.indexOf('.', dot + 1) !== end) return undefined;
  return { name: host.slice(0, dot), namespace: host.slice(dot + 1, end) };
}

export function isExportToAll(exportTo: readonly string[] | undefined): boolean {
  return !exportTo || exportTo.length === 0 || exportTo.includes(EXPORT_ALL);
}

/** The strings of a list (the list itself when it holds nothing else: callers only read it). */
export function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return v.filter((x): x is string => typeof x === 'string');
  return v as string[];
}

export interface RegistryPort {
  number: number;
  name: string;
  protocol: string;
}

export interface RegistryEntry {
  kind: 'Service' | 'ServiceEntry';
  obj: K8sObject;
  hosts: string[];
  ports: RegistryPort[];
  /** ServiceEntry workloadSelector labels (Services have none here, as in istioctl). */
  workloadSelector?: Labels;
  /** Kubernetes Service selector (used by Meshboard's own checks only). */
  serviceSelector?: Labels;
}

export class HostRegistry {
  /** Every put, in order (scope, fqdn, entry, ...): "scope/fqdn" -> entry is built from it when needed. */
  private readonly puts: Array<string | RegistryEntry> = [];
  private exactMemo?: Map<string, RegistryEntry>;
  /** scope -> fqdn -> entry: a lookup reads it without building a key. */
  private readonly byScope = new Map<string, Map<string, RegistryEntry>>();
  /** A scope or host with a "/" in it: "scope/fqdn" keys could then meet, so lookups read `exact`. */
  private slashed = false;
  private readonly wildcards: Array<{ scope: string; host: string; entry: RegistryEntry }> = [];

  constructor(private readonly domainSuffix: string) {}

  /** "scope/fqdn" -> entry (for wildcard matching, and for lookups when a "/" makes keys ambiguous). */
  private get exact(): Map<string, RegistryEntry> {
    if (!this.exactMemo) {
      const m = new Map<string, RegistryEntry>();
      const p = this.puts;
      for (let i = 0; i < p.length; i += 3) m.set(`${p[i] as string}/${p[i + 1] as string}`, p[i + 2] as RegistryEntry);
      this.exactMemo = m;
    }
    return this.exactMemo;
  }

  private put(scope: string, fqdn: string, entry: RegistryEntry): void {
    this.puts.push(scope, fqdn, entry);
    this.exactMemo = undefined;
    let m = this.byScope.get(scope);
    if (!m) this.byScope.set(scope, (m = new Map()));
    m.set(fqdn, entry);
    if (scope.includes('/') || fqdn.includes('/')) this.slashed = true;
    if (fqdn.startsWith('*')) this.wildcards.push({ scope, host: fqdn, entry });
  }

  /** Short names spelled out, by namespace (a mesh looks the same names up many times). */
  private readonly fqdns = new Map<string, Map<string, string>>();

  private fqdn(namespace: string, host: string): string {
    if (host.startsWith('*') || host.includes('.')) return host;
    let m = this.fqdns.get(namespace);
    if (!m) this.fqdns.set(namespace, (m = new Map()));
    let f = m.get(host);
    if (f === undefined) m.set(host, (f = toFqdn(namespace, host, this.domainSuffix)));
    return f;
  }

  /** The entry at "scope/fqdn". */
  private at(scope: string, fqdn: string): RegistryEntry | undefined {
    if (this.slashed) return this.exact.get(`${scope}/${fqdn}`);
    // Without a "/" in any scope or host, "scope/fqdn" is found exactly when (scope, fqdn) is.
    return this.byScope.get(scope)?.get(fqdn);
  }

  add(scope: string, namespace: string, host: string, entry: RegistryEntry): void {
    const f = this.fqdn(namespace, host);
    this.put(scope, f, entry);
    // Index services under the default domain as well when a custom one is set.
    if (this.domainSuffix !== 'svc.cluster.local' && !host.includes('.') && !host.startsWith('*')) {
      this.put(scope, toFqdn(namespace, host), entry);
    }
  }

  /**
   * istioctl's GetDestinationHost: the entry a resource in `sourceNs` (with its own
   * exportTo) sees for `host`, or undefined.
   */
  lookup(sourceNs: string, exportTo: readonly string[] | undefined, host: string): RegistryEntry | undefined {
    const f = this.fqdn(sourceNs, host);
    const all = this.at(EXPORT_ALL, f);
    if (all) return all;
    if (!exportTo || exportTo.length === 0) {
      const s = this.at(sourceNs, f);
      if (s) return s;
    } else {
      for (let e of exportTo) {
        if (e === EXPORT_LOCAL) e = sourceNs;
        const s = this.at(e, f);
        if (s) return s;
      }
    }
    const plain = host.startsWith('*') ? host.slice(1) : host;
    for (const w of this.wildcards) {
      if (w.scope !== EXPORT_ALL && w.scope !== sourceNs) continue;
      if (plain.endsWith(w.host.slice(1))) return w.entry;
    }
    return undefined;
  }

  /** Every entry whose host overlaps `pattern` (for wildcard DestinationRule hosts), ignoring scope. */
  matchingAny(pattern: string): RegistryEntry[] {
    const out = new Set<RegistryEntry>();
    for (const [key, e] of this.exact) {
      const h = key.slice(key.indexOf('/') + 1);
      if (hostsOverlap(pattern, h)) out.add(e);
    }
    return [...out];
  }
}

function servicePorts(spec: Record<string, unknown>): RegistryPort[] {
  return asArray(spec.ports).map((p) => {
    const r = asRecord(p);
    return { number: Number(r.port ?? 0), name: str(r.name), protocol: str(r.protocol) };
  });
}

function seEntryPorts(spec: Record<string, unknown>): RegistryPort[] {
  return asArray(spec.ports).map((p) => {
    const r = asRecord(p);
    return { number: Number(r.number ?? 0), name: str(r.name), protocol: str(r.protocol) };
  });
}

/** The registry of Services and ServiceEntries, built once per analysis. */
export function hostRegistry(ctx: AnalysisContext): HostRegistry {
  return ctx.cached('hostRegistry', () => {
    const reg = new HostRegistry(ctx.domainSuffix);
    for (const se of ctx.istio('ServiceEntry')) {
      const spec = specOf(se);
      const ns = nsOf(se);
      const hosts = stringList(spec.hosts);
      const exportTo = stringList(spec.exportTo);
      const entry: RegistryEntry = {
        kind: 'ServiceEntry',
        obj: se,
        hosts,
        ports: seEntryPorts(spec),
        workloadSelector: asLabels(asRecord(spec.workloadSelector).labels),
      };
      for (const h of hosts) {
        if (exportTo.length === 0) {
          reg.add(EXPORT_ALL, ns, h, entry);
          continue;
        }
        for (const e of exportTo) {
          if (e === EXPORT_ALL) {
            reg.add(EXPORT_ALL, ns, h, entry);
            break;
          }
          reg.add(e === EXPORT_LOCAL ? ns : e, ns, h, entry);
        }
      }
    }
    for (const svc of ctx.core('Service')) {
      const spec = specOf(svc);
      const ns = nsOf(svc);
      const name = svc.metadata.name;
      const entry: RegistryEntry = {
        kind: 'Service',
        obj: svc,
        hosts: [toFqdn(ns, name, ctx.domainSuffix)],
        ports: servicePorts(spec),
        serviceSelector: asLabels(spec.selector),
      };
      const anno = svc.metadata.annotations?.['networking.istio.io/exportTo'];
      const scopes = anno ? anno.split(',').map((s) => (s.trim() === EXPORT_LOCAL ? ns : s.trim())) : [EXPORT_ALL];
      for (const scope of scopes) reg.add(scope, ns, name, entry);
    }
    return reg;
  });
}

/** Gateway server hosts visible from `namespace` ("ns/host", "./host", "*\/host" as Istio reads them). */
export function gatewayHostsForNamespace(serverHosts: readonly string[], gatewayNs: string, vsNamespace: string): string[] {
  const out: string[] = [];
  for (const h of serverHosts) {
    const i = h.indexOf('/');
    if (i < 0) {
      out.push(h);
      continue;
    }
    let ns = h.slice(0, i);
    const host = h.slice(i + 1);
    if (ns === '.') ns = gatewayNs;
    if (ns === '*' || ns === vsNamespace) out.push(host);
  }
  return out;
}
