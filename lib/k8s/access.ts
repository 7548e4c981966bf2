/**
 * What one person may read, at the granularity RBAC grants (namespace, API group,
 * resource, resourceNames), from SelfSubjectRulesReview asked as that person once per
 * namespace. The shared watch cache is filtered with it (scoped.ts); writes never rely
 * on it: they go to the API server with the person's own credentials. Server-only.
 */
import 'server-only';
import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sObject } from '../istio/types';
import { CORE_TYPES } from './discovery';
import { kubeRequest } from './request';

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

const READ_VERBS = new Set(['get', 'list', 'watch', '*']);

function ruleReads(r: ResourceRule, group: string, plural: string, name: string): boolean {
  if (!r.verbs.some((v) => READ_VERBS.has(v))) return false;
  if (!(r.apiGroups ?? []).some((g) => g === '*' || g === group)) return false;
  if (!(r.resources ?? []).some((x) => x === '*' || x === plural)) return false;
  return !r.resourceNames?.length || r.resourceNames.includes(name);
}

export class AccessRules {
  /** kind name -> [group, plural] of the kinds the console knows. */
  private readonly plurals = new Map<string, Array<[string, string]>>();

  constructor(
    /** Rules per namespace, as SelfSubjectRulesReview returned them for it. */
    readonly byNamespace: ReadonlyMap<string, readonly ResourceRule[]>,
    kinds: ReadonlyArray<{ group: string; kind: string; plural: string }>,
    /** Rules that hold outside any namespace (from the review of an arbitrary namespace). */
    readonly cluster: readonly ResourceRule[] = [],
    /** Identifies the rules: equal keys, equal answers (for memoized views). */
    readonly key = JSON.stringify([...byNamespace.entries()]),
  ) {
    for (const k of [...CORE_TYPES, ...kinds, { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions' }]) {
      const list = this.plurals.get(k.kind) ?? [];
      if (!list.some(([g, p]) => g === k.group && p === k.plural)) list.push([k.group, k.plural]);
      this.plurals.set(k.kind, list);
    }
  }

  /** May the person read this object (get or list it)? */
  canRead(group: string, plural: string, namespace: string | undefined, name: string): boolean {
    // A cluster-scoped object is authorized with no namespace, except a Namespace, which
    // a RoleBinding in that namespace may grant.
    const rules =
      namespace !== undefined
        ? (this.byNamespace.get(namespace) ?? this.cluster)
        : plural === 'namespaces' && group === ''
          ? (this.byNamespace.get(name) ?? this.cluster)
          : this.cluster;
    return rules.some((r) => ruleReads(r, group, plural, name));
  }

  canSee(o: K8sObject): boolean {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
    const plural = this.plurals.get(o.kind)?.find(([g]) => g === group)?.[1];
    if (!plural) return false;
    return this.canRead(group, plural, o.kind === 'Namespace' ? undefined : o.metadata.namespace, o.metadata.name);
  }

  /** For findings, which name only a Kind: any kind of that name the person may read. */
  canSeeKind(kind: string, namespace: string | undefined, name: string): boolean {
    return (this.plurals.get(kind) ?? []).some(([g, p]) => this.canRead(g, p, kind === 'Namespace' ? undefined : namespace, name));
  }
}

async function rulesIn(kc: KubeConfig, namespace: string): Promise<ResourceRule[]> {
  const out = await kubeRequest<{ status?: { resourceRules?: ResourceRule[]; incomplete?: boolean } }>(kc, {
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
  });
  return out.status?.resourceRules ?? [];
}

/** Ask the API server, as the person (`kc`), what they may do in each namespace. */
export async function fetchAccessRules(
  kc: KubeConfig,
  namespaces: readonly string[],
  kinds: ReadonlyArray<{ group: string; kind: string; plural: string }>,
): Promise<AccessRules> {
  const byNamespace = new Map<string, ResourceRule[]>();
  const queue = [...namespaces];
  const worker = async () => {
    for (let ns = queue.shift(); ns !== undefined; ns = queue.shift()) byNamespace.set(ns, await rulesIn(kc, ns));
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  // Cluster-wide grants show up in every namespace's review; those of a namespace that
  // does not exist are exactly the cluster-wide ones.
  const cluster = await rulesIn(kc, 'meshboard-no-such-namespace-0');
  const sorted = new Map([...byNamespace.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return new AccessRules(sorted, kinds, cluster);
}
