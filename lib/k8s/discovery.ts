/**
 * Which mesh kinds (Istio's and the Gateway API's) and versions the connected cluster serves, read from its
 * CustomResourceDefinitions (with their schemas), or from API discovery when the
 * user may not read CRDs. Nothing here is a hard-coded list of versions.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { CORE_KINDS, isMeshGroup, preferredVersion } from '../istio/kinds';
import { kubeRequest } from './request';
import { KubeApiError } from './errors';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export interface DiscoveredKind {
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  served: string[];
  storage?: string;
  preferred: string;
  /** version -> deprecation warning, for versions the CRD marks deprecated */
  deprecated: Record<string, string>;
  /** version -> openAPIV3Schema, when the CRDs were readable */
  schemas?: Record<string, unknown>;
  source: 'crd' | 'discovery';
}

export interface CrdLike {
  metadata: { name: string; resourceVersion?: string };
  status?: { conditions?: Array<{ type: string; status: string }> };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      deprecated?: boolean;
      deprecationWarning?: string;
      schema?: { openAPIV3Schema?: unknown };
    }>;
  };
}

/** Pure: the mesh kinds (Istio's and the Gateway API's) described by a list of CRDs. */
export function kindsFromCrds(crds: CrdLike[]): DiscoveredKind[] {
  const out: DiscoveredKind[] = [];
  for (const c of crds) {
    if (!c?.spec || !isMeshGroup(c.spec.group)) continue;
    // A CRD that is not Established yet (or no longer) serves nothing.
    const established = c.status?.conditions?.find((x) => x.type === 'Established');
    if (established && established.status !== 'True') continue;
    const served = c.spec.versions.filter((v) => v.served).map((v) => v.name);
    const preferred = preferredVersion(served);
    if (!preferred) continue;
    const deprecated: Record<string, string> = {};
    const schemas: Record<string, unknown> = {};
    for (const v of c.spec.versions) {
      if (v.deprecated) deprecated[v.name] = v.deprecationWarning ?? `${c.spec.group}/${v.name} ${c.spec.names.kind} is deprecated`;
      if (v.schema?.openAPIV3Schema) schemas[v.name] = v.schema.openAPIV3Schema;
    }
    out.push({
      group: c.spec.group,
      kind: c.spec.names.kind,
      plural: c.spec.names.plural,
      namespaced: c.spec.scope === 'Namespaced',
      served,
      storage: c.spec.versions.find((v) => v.storage)?.name,
      preferred,
      deprecated,
      schemas,
      source: 'crd',
    });
  }
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
}

export const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** Fallback when CRDs cannot be read: /apis group discovery. */
export async function discoverViaApis(kc: KubeConfig): Promise<DiscoveredKind[]> {
  const groups = await kubeRequest<{ groups: Array<{ name: string; versions: Array<{ version: string }>; preferredVersion?: { version: string } }> }>(kc, {
    path: '/apis',
  });
  const byKind = new Map<string, DiscoveredKind>();
  for (const g of groups.groups.filter((g) => isMeshGroup(g.name))) {
    for (const v of g.versions) {
      const list = await kubeRequest<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>(kc, { path: `/apis/${g.name}/${v.version}` });
      for (const r of list.resources) {
        if (r.name.includes('/')) continue; // subresources
        const key = `${g.name}/${r.kind}`;
        const k = byKind.get(key) ?? {
          group: g.name,
          kind: r.kind,
          plural: r.name,
          namespaced: r.namespaced,
          served: [],
          preferred: '',
          deprecated: {},
          source: 'discovery' as const,
        };
        k.served.push(v.version);
        byKind.set(key, k);
      }
    }
  }
  const out = [...byKind.values()];
  for (const k of out) k.preferred = preferredVersion(k.served) ?? k.served[0]!;
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
}

export async function discoverIstioKinds(kc: KubeConfig): Promise<{ kinds: DiscoveredKind[]; crdsReadable: boolean }> {
  try {
    const list = await kubeRequest<{ items: CrdLike[] }>(kc, { path: CRD_PATH });
    return { kinds: kindsFromCrds(list.items), crdsReadable: true };
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 403) return { kinds: await discoverViaApis(kc), crdsReadable: false };
    throw e;
  }
}

/** The Kubernetes kinds the console watches besides Istio's. */
/** The Secrets a gateway credential can be, as istioctl narrows them (istiod_analyze.go): not Helm releases, not service-account tokens. */
export const SECRET_FIELD_SELECTOR = 'type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token';

export const CORE_TYPES: ResourceType[] = CORE_KINDS.map((k) => ({
  group: k.group,
  version: k.versions[0]!,
  kind: k.kind,
  plural: k.plural,
  namespaced: k.namespaced,
}));

export function typeOf(k: DiscoveredKind): ResourceType {
  return { group: k.group, version: k.preferred, kind: k.kind, plural: k.plural, namespaced: k.namespaced };
}

/** "/apis/networking.istio.io/v1/virtualservices" (all namespaces) or with a namespace. */
export function collectionPath(t: { group: string; version: string; plural: string; namespaced: boolean }, namespace?: string): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  return t.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${t.plural}` : `${base}/${t.plural}`;
}

export function objectPath(t: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(t, namespace)}/${encodeURIComponent(name)}`;
}

/** Version-independent key of a type: lib/istio/address.ts. */
export { typeKey } from '../istio/address';
