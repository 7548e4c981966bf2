/**
 * One-shot read of everything the analyzers look at in a live cluster (for
 * `meshboard analyze --context NAME`): namespaces, services, deployments, pods, every
 * served Istio kind, the mesh config, and what istioctl's analyzers read besides
 * (ANALYSIS_TYPES: Secrets, the istio ConfigMaps, Nodes, webhook configurations, CRDs).
 * Kinds the user may not list are skipped, and said so (skipped, unreadKinds).
 * Every kind is listed at once, each in pages (limit/continue, as kubectl does), so a
 * big cluster is read in a few round trips without one huge response.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { K8sObject, MeshConfig } from '../istio/types';
import { meshConfigFromConfigMap } from '../istio/meshconfig';
import { apiVersionOf, unreadKindName } from '../istio/kinds';
import { collectionPath, CORE_TYPES, discoverIstioKinds, SECRET_FIELD_SELECTOR, typeKey, typeOf, type ResourceType } from './discovery';
import { KubeApiError } from './errors';
import { kubeConfigFor } from './kubeconfig';
import { kubeRequest } from './request';

export interface ClusterSnapshot {
  objects: K8sObject[];
  meshConfig?: MeshConfig;
  /** Kinds that could not be listed (RBAC), as "group/plural". */
  skipped: string[];
  /** The same kinds as AnalyzeOptions.unreadKinds spells them ("Secret", "group/Kind"). */
  unreadKinds: string[];
  /** The context read, and its namespace from the kubeconfig (if it sets one). */
  context: string;
  namespace?: string;
}

/** Objects per page: big enough for few round trips, small enough to parse as they come. */
export const PAGE_SIZE = 500;

interface ListPage {
  items: K8sObject[];
  metadata?: { continue?: string };
}

/** A kind to list, and how istioctl narrows it. */
interface ListedType extends ResourceType {
  /** List one namespace only. */
  namespace?: string;
  fieldSelector?: string;
  /** Keep only the objects this accepts. */
  keep?: (o: K8sObject) => boolean;
  /** Drop what no analyzer reads, as the page comes in. */
  trim?: (o: K8sObject) => void;
}

const LEADER_ELECTION = 'control-plane.alpha.kubernetes.io/leader';

/**
 * The Kubernetes kinds istioctl's analyzers read besides CORE_TYPES, narrowed as
 * istioctl narrows them (pkg/config/analysis/local/istiod_analyze.go): Secrets but not
 * Helm releases or service-account tokens; ConfigMaps of istio-system named istio*
 * (the mesh config, the injector's values), without leader-election records.
 */
export const ANALYSIS_TYPES: readonly ListedType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    namespaced: true,
    fieldSelector: SECRET_FIELD_SELECTOR,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    namespaced: true,
    namespace: 'istio-system',
    keep: (o) => o.metadata.name.startsWith('istio') && !o.metadata.annotations?.[LEADER_ELECTION],
  },
  // Node labels (locality); their status (images, conditions) is most of a Node.
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, trim: (o) => void ((o as { status?: unknown }).status = undefined) },
  { group: 'admissionregistration.k8s.io', version: 'v1', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: false },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    plural: 'validatingwebhookconfigurations',
    namespaced: false,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    // The analyzers read group, names and annotations; the schemas are most of a CRD.
    trim: (o) => {
      for (const v of (o.spec as { versions?: Array<{ schema?: unknown }> } | undefined)?.versions ?? []) v.schema = undefined;
    },
  },
];

async function listAll(kc: KubeConfig, t: ListedType, into: K8sObject[]): Promise<void> {
  const apiVersion = apiVersionOf(t.group, t.version);
  let token: string | undefined;
  do {
    const page: ListPage = await kubeRequest<ListPage>(kc, {
      path: collectionPath(t, t.namespace),
      query: { limit: PAGE_SIZE, continue: token, fieldSelector: t.fieldSelector },
      timeoutMs: 60_000,
    });
    for (const o of page.items) {
      if (t.keep && !t.keep(o)) continue;
      o.apiVersion = apiVersion;
      o.kind = t.kind;
      // No reader of a snapshot looks at them, and they are often the biggest part of an
      // object: let them go now rather than carry them through the analysis. (Set, not
      // deleted: the metadata keeps its shape, and property reads stay fast.)
      if (o.metadata.managedFields) o.metadata.managedFields = undefined;
      t.trim?.(o);
      into.push(o);
    }
    token = page.metadata?.continue || undefined;
  } while (token);
}

export async function loadClusterResources(contextName?: string): Promise<ClusterSnapshot> {
  const { kc, context } = kubeConfigFor(contextName);
  const { kinds } = await discoverIstioKinds(kc);
  const types: ListedType[] = [...CORE_TYPES, ...ANALYSIS_TYPES, ...kinds.map(typeOf)];
  const objects: K8sObject[] = [];
  const skipped: string[] = [];
  const unreadKinds: string[] = [];
  await Promise.all(
    types.map(async (t) => {
      try {
        await listAll(kc, t, objects);
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 403)) throw e;
        skipped.push(typeKey(t));
        unreadKinds.push(unreadKindName(t.group, t.kind));
      }
    }),
  );
  skipped.sort();
  unreadKinds.sort();
  const meshConfigMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'istio-system' && o.metadata.name === 'istio');
  let meshConfig: MeshConfig | undefined;
  try {
    meshConfig = meshConfigFromConfigMap(meshConfigMap ?? (await kubeRequest<K8sObject>(kc, { path: '/api/v1/namespaces/istio-system/configmaps/istio' })));
  } catch {
    /* no mesh config, or not readable: defaults apply */
  }
  return { objects, meshConfig, skipped, unreadKinds, context, namespace: kc.getContextObject(context)?.namespace || undefined };
}
