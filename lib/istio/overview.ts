/** What the Overview and the Istio Config list show, derived from cached objects. Pure. */
import { namespaceDataPlane, observePod, podMeta, proxyRole, type DataPlaneMode } from './dataplane';
import { GATEWAY_API_KINDS, isGatewayApiGroup, isIstioGroup, ISTIO_KINDS, parseApiVersion } from './kinds';
import type { K8sObject, Pod } from './types';

export type InjectionState = 'enabled' | 'disabled' | 'revision' | 'none';

export interface NamespaceSummary {
  name: string;
  injection: InjectionState;
  /** istio.io/rev label, when injection is by revision. */
  revision?: string;
  labels: Record<string, string>;
  services: number;
  workloads: number;
  pods: number;
  podsWithSidecar: number;
  /** Pods (Istio's own proxies left out) by data-plane mode, from lib/istio/dataplane.ts. */
  podsByMode: Record<DataPlaneMode, number>;
  /** What a pod created there without labels of its own gets. */
  dataPlane: { mode: DataPlaneMode; reason: string; conflict?: string };
  /** Istio config objects per kind. */
  istioConfig: Record<string, number>;
  /** Gateway API objects per kind (gateway.networking.k8s.io). */
  gatewayApiConfig: Record<string, number>;
  terminating: boolean;
}

export function injectionOf(ns: K8sObject): { injection: InjectionState; revision?: string } {
  const l = ns.metadata.labels ?? {};
  if (l['istio-injection'] === 'enabled') return { injection: 'enabled' };
  if (l['istio-injection'] === 'disabled') return { injection: 'disabled' };
  if (l['istio.io/rev']) return { injection: 'revision', revision: l['istio.io/rev'] };
  return { injection: 'none' };
}

export function summarizeNamespaces(objects: readonly K8sObject[]): NamespaceSummary[] {
  const byNs = new Map<string, NamespaceSummary>();
  const ensure = (name: string): NamespaceSummary => {
    let s = byNs.get(name);
    if (!s) {
      s = {
        name,
        injection: 'none',
        labels: {},
        services: 0,
        workloads: 0,
        pods: 0,
        podsWithSidecar: 0,
        podsByMode: { sidecar: 0, ambient: 0, none: 0 },
        dataPlane: { mode: 'none', reason: 'no sidecar injection or ambient label on the namespace' },
        istioConfig: {},
        gatewayApiConfig: {},
        terminating: false,
      };
      byNs.set(name, s);
    }
    return s;
  };
  for (const o of objects) {
    if (o.kind === 'Namespace' && parseApiVersion(o.apiVersion).group === '') {
      const s = ensure(o.metadata.name);
      Object.assign(s, injectionOf(o));
      s.labels = o.metadata.labels ?? {};
      const dp = namespaceDataPlane(o.metadata.name, s.labels);
      s.dataPlane = { mode: dp.mode, reason: dp.reason, ...(dp.conflict ? { conflict: dp.conflict } : {}) };
      s.terminating = !!o.metadata.deletionTimestamp || (o.status as { phase?: string } | undefined)?.phase === 'Terminating';
    }
  }
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (!ns) continue;
    const s = ensure(ns);
    const { group } = parseApiVersion(o.apiVersion);
    if (group === '' && o.kind === 'Service') s.services++;
    else if (group === 'apps' && o.kind === 'Deployment') s.workloads++;
    else if (group === '' && o.kind === 'Pod') {
      s.pods++;
      const meta = podMeta(o as Pod);
      if (proxyRole(meta.labels, meta, undefined, ns)) continue;
      const mode = observePod(s.labels, meta).mode;
      s.podsByMode[mode]++;
      if (mode === 'sidecar') s.podsWithSidecar++;
    } else if (isIstioGroup(group)) s.istioConfig[o.kind] = (s.istioConfig[o.kind] ?? 0) + 1;
    else if (isGatewayApiGroup(group)) s.gatewayApiConfig[o.kind] = (s.gatewayApiConfig[o.kind] ?? 0) + 1;
  }
  return [...byNs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One row of the Istio Config list. */
export interface ConfigItem {
  /** Stable id: group/plural/namespace/name */
  id: string;
  group: string;
  kind: string;
  plural: string;
  name: string;
  namespace: string;
  /** The version served to us (preferred). */
  apiVersion: string;
  /** The version the resource was last written in (from managedFields), if known. */
  writtenApiVersion: string;
  created?: string;
  resourceVersion?: string;
}

/**
 * The apiVersion a resource was last written in: the newest managedFields entry of a
 * write to the main resource. The API server answers in whichever version we ask, so
 * this is the only record of the version the author used.
 */
export function writtenApiVersion(o: K8sObject): string {
  const mf = (o.metadata.managedFields ?? []) as Array<{ apiVersion?: string; time?: string; operation?: string; subresource?: string }>;
  let best: { apiVersion?: string; time?: string } | undefined;
  for (const m of mf) {
    if (m.subresource || !m.apiVersion) continue;
    if (!best || (m.time ?? '') >= (best.time ?? '')) best = m;
  }
  return best?.apiVersion ?? o.apiVersion;
}

export function configItemId(group: string, plural: string, namespace: string, name: string): string {
  return `${group}/${plural}/${namespace}/${name}`;
}

export function toConfigItem(o: K8sObject, plural: string): ConfigItem {
  const { group } = parseApiVersion(o.apiVersion);
  const ns = o.metadata.namespace ?? '';
  return {
    id: configItemId(group, plural, ns, o.metadata.name),
    group,
    kind: o.kind,
    plural,
    name: o.metadata.name,
    namespace: ns,
    apiVersion: o.apiVersion,
    writtenApiVersion: writtenApiVersion(o),
    created: o.metadata.creationTimestamp,
    resourceVersion: o.metadata.resourceVersion,
  };
}

/** "3d", "5h", "12m", "40s": the age column, like kubectl. */
export function age(created: string | undefined, now: number = Date.now()): string {
  if (!created) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export interface ConfigFilter {
  kinds?: string[];
  namespaces?: string[];
  text?: string;
}

const AMBIGUOUS = new Set(ISTIO_KINDS.map((k) => k.kind).filter((k) => GATEWAY_API_KINDS.some((g) => g.kind === k)));

/** The kind filter value of an item: "Kind", or "Kind.group" where the name alone is ambiguous (Gateway API "Gateway"). */
export function kindFilterValue(i: Pick<ConfigItem, 'kind' | 'group'>): string {
  return AMBIGUOUS.has(i.kind) && isGatewayApiGroup(i.group) ? `${i.kind}.${i.group}` : i.kind;
}

/** Does `k` ("Kind" or "Kind.group") select the item? A plain ambiguous name means Istio's kind. */
function kindSelects(k: string, i: Pick<ConfigItem, 'kind' | 'group'>): boolean {
  const dot = k.indexOf('.');
  if (dot >= 0) return i.kind === k.slice(0, dot) && i.group === k.slice(dot + 1);
  return i.kind === k && !(AMBIGUOUS.has(k) && isGatewayApiGroup(i.group));
}

export function filterConfigItems(items: readonly ConfigItem[], f: ConfigFilter): ConfigItem[] {
  const text = f.text?.trim().toLowerCase();
  return items.filter(
    (i) =>
      (!f.kinds?.length || f.kinds.some((k) => kindSelects(k, i))) &&
      (!f.namespaces?.length || f.namespaces.includes(i.namespace)) &&
      (!text || i.name.toLowerCase().includes(text) || i.namespace.toLowerCase().includes(text) || i.kind.toLowerCase().includes(text)),
  );
}

export function sortConfigItems(items: ConfigItem[]): ConfigItem[] {
  return items.sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The config list's sortable columns; the URL carries `?sort=<key>&dir=asc|desc`. */
export const CONFIG_SORT_KEYS = ['kind', 'name', 'namespace', 'apiVersion', 'age', 'findings'] as const;
export type ConfigSortKey = (typeof CONFIG_SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export function parseConfigSort(sort: string | null | undefined, dir: string | null | undefined): { key: ConfigSortKey; dir: SortDir } {
  const key = (CONFIG_SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as ConfigSortKey) : 'kind';
  return { key, dir: dir === 'desc' ? 'desc' : 'asc' };
}

/** Errors first, then warnings, then infos: a number that orders resources by how bad their findings are. */
export function findingsWeight(c: { Error: number; Warning: number; Info: number } | undefined): number {
  return c ? c.Error * 1e8 + c.Warning * 1e4 + c.Info : 0;
}

/**
 * A sorted copy of the config rows by one column. Ties fall back to kind, namespace,
 * name, so the order is stable whatever the input order. "age" ascending means newest
 * first (smallest age), as kubectl's AGE column reads; "findings" ascending means the
 * worst first, since that is what one sorts by findings for.
 */
export function sortConfigItemsBy(items: readonly ConfigItem[], key: ConfigSortKey, dir: SortDir, weight: (i: ConfigItem) => number = () => 0): ConfigItem[] {
  const sign = dir === 'desc' ? -1 : 1;
  const rows = items.map((i) => ({ i, n: key === 'findings' ? weight(i) : key === 'age' ? (i.created ? Date.parse(i.created) : 0) : 0 }));
  type Row = (typeof rows)[number];
  const base = (a: Row, b: Row) => a.i.kind.localeCompare(b.i.kind) || a.i.namespace.localeCompare(b.i.namespace) || a.i.name.localeCompare(b.i.name);
  const primary: (a: Row, b: Row) => number =
    key === 'name'
      ? (a, b) => a.i.name.localeCompare(b.i.name)
      : key === 'namespace'
        ? (a, b) => a.i.namespace.localeCompare(b.i.namespace)
        : key === 'apiVersion'
          ? (a, b) => a.i.writtenApiVersion.localeCompare(b.i.writtenApiVersion)
          : key === 'age' || key === 'findings'
            ? (a, b) => b.n - a.n
            : () => 0;
  return rows.sort((a, b) => sign * (primary(a, b) || base(a, b))).map((r) => r.i);
}
