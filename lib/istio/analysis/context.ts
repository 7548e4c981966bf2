/**
 * The analysis context: every input object indexed once (by group/kind, by name, by
 * namespace), the mesh config with its defaults, and lazily built shared indexes
 * (workloads, the service registry) so that each analyzer is a few map lookups per
 * resource rather than a scan of everything. Pure.
 */
import type { Finding } from '../findings';
import { friendlyName } from '../resources';
import { parseApiVersion } from '../kinds';
import type { K8sObject, MeshConfig, PodSpec } from '../types';
import { DEFAULT_ROOT_NAMESPACE } from '../types';
import { formatMessage, levelOf } from './messages';
import type { MeshNetworks } from './types';
import type { SchemaIndex } from '../schema/types';

export type Labels = Record<string, string>;

/** A pod, or a pod template standing for pods that are not in the input (GitOps repositories hold Deployments, not Pods). */
export interface Workload {
  kind: string;
  obj: K8sObject;
  name: string;
  namespace: string;
  labels: Labels;
  annotations: Labels;
  spec: PodSpec & Record<string, unknown>;
  /** True for a real Pod, false for a controller's template. */
  isPod: boolean;
}

export const CONTROLLER_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

export function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asLabels(v: unknown): Labels {
  const out: Labels = {};
  const r = asRecord(v);
  // Own enumerable keys in Object.entries' order, without its array of pairs.
  for (const k in r) {
    if (!Object.prototype.hasOwnProperty.call(r, k)) continue;
    const val = r[k];
    if (val !== undefined && val !== null) out[k] = typeof val === 'string' ? val : String(val);
  }
  return out;
}

export function nsOf(obj: K8sObject): string {
  const ns: unknown = obj.metadata.namespace;
  return typeof ns === 'string' ? ns : '';
}

export function groupOf(obj: K8sObject): string {
  return parseApiVersion(obj.apiVersion).group;
}

export function specOf(obj: K8sObject): Record<string, unknown> {
  return asRecord(obj.spec);
}

const gkKey = (group: string, kind: string) => `${group}/${kind}`;

/**
 * The Service and Pod istioctl adds with AddDefaultResources() (pkg/config/analysis/local/defaults.go):
 * an ingress gateway Service and a dummy Pod (an istio-proxy container without an image).
 */
export function defaultResources(namespace = 'istio-system', ingressService = 'istio-ingressgateway'): K8sObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${ingressService}-dummypod`, namespace, labels: { istio: 'ingressgateway' } },
      spec: { containers: [{ name: 'istio-proxy' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: ingressService, namespace },
      spec: {
        ports: [
          { name: 'http2', nodePort: 31380, port: 80, protocol: 'TCP', targetPort: 80 },
          { name: 'https', nodePort: 31390, port: 443, protocol: 'TCP', targetPort: 443 },
          { name: 'tcp', nodePort: 31400, port: 31400, protocol: 'TCP', targetPort: 31400 },
          { name: 'tls', nodePort: 31447, port: 15443, protocol: 'TCP', targetPort: 15443 },
        ],
        selector: { istio: 'ingressgateway' },
      },
    },
  ];
}

export interface ContextInit {
  objects: readonly K8sObject[];
  meshConfig?: MeshConfig;
  meshNetworks?: MeshNetworks;
  schemas?: SchemaIndex;
  now?: number;
  /** Objects added by the engine (istioctl's default resources), not written by the user. */
  defaults?: readonly K8sObject[];
  /** Input as written, for objects whose metadata the engine had to coerce (see normalizeObjects). */
  originals?: ReadonlyMap<K8sObject, unknown>;
  /** AnalyzeOptions.metadataOnlyKinds. */
  metadataOnlyKinds?: readonly string[];
}

export class AnalysisContext {
  readonly objects: readonly K8sObject[];
  readonly meshConfig: MeshConfig;
  readonly meshNetworks?: MeshNetworks;
  readonly rootNamespace: string;
  /** "svc.cluster.local" (or svc.<custom trust domain> when the mesh config sets one). */
  readonly domainSuffix: string;
  readonly schemas?: SchemaIndex;
  readonly now: number;
  /** Kinds whose objects hold metadata only (AnalyzeOptions.metadataOnlyKinds): their contents are unknown, not empty. */
  readonly metadataOnly: ReadonlySet<string>;
  private readonly byGk = new Map<string, K8sObject[]>();
  private readonly byName = new Map<string, K8sObject>();
  private readonly memo = new Map<string, unknown>();
  private readonly defaults: ReadonlySet<K8sObject>;
  private readonly originals: ReadonlyMap<K8sObject, unknown>;
  // The shared indexes below, built on first use (getters read in hot loops: no closure per read).
  private namespacesMemo?: Map<string, K8sObject>;
  private namespaceLabelsMemo?: Map<string, Labels | undefined>;
  private podsByNamespaceMemo?: Map<string, Workload[]>;
  private podsMemo?: Workload[];
  private workloadsMemo?: Workload[];
  private workloadsByNamespaceMemo?: Map<string, Workload[]>;
  private workloadsByPairMemo?: Map<string, Workload[]>;

  constructor(init: ContextInit) {
    this.objects = init.objects;
    this.meshConfig = init.meshConfig ?? {};
    this.meshNetworks = init.meshNetworks;
    this.schemas = init.schemas;
    this.now = init.now ?? Date.now();
    this.metadataOnly = new Set(init.metadataOnlyKinds ?? []);
    this.defaults = new Set(init.defaults ?? []);
    this.originals = init.originals ?? new Map();
    this.rootNamespace = str(this.meshConfig.rootNamespace) || DEFAULT_ROOT_NAMESPACE;
    const domain = str(this.meshConfig.clusterDomain) || str(this.meshConfig.trustDomain) || 'cluster.local';
    this.domainSuffix = `svc.${domain}`;
    // "group/Kind" once per apiVersion and kind (a mesh has a few dozen of them).
    const gks = new Map<string, Map<string, string>>();
    for (const o of init.objects) {
      let byKind = gks.get(o.apiVersion);
      if (!byKind) gks.set(o.apiVersion, (byKind = new Map()));
      let k = byKind.get(o.kind);
      if (k === undefined) byKind.set(o.kind, (k = gkKey(groupOf(o), o.kind)));
      let list = this.byGk.get(k);
      if (!list) this.byGk.set(k, (list = []));
      list.push(o);
      this.byName.set(`${k}/${nsOf(o)}/${o.metadata.name}`, o);
    }
  }

  /** The object as the user wrote it (schema validation reports what was written, not the coerced copy). */
  original(obj: K8sObject): unknown {
    return this.originals.get(obj) ?? obj;
  }

  /** True for the synthetic objects the engine added (not in the user's input). */
  isDefault(obj: K8sObject): boolean {
    return this.defaults.has(obj);
  }

  /** Objects of a kind in a group (any version). */
  list(group: string, kind: string): readonly K8sObject[] {
    return this.byGk.get(gkKey(group, kind)) ?? [];
  }

  /** Istio kinds live in several groups; this picks the usual one. */
  istio(kind: string): readonly K8sObject[] {
    return this.list(istioGroupOf(kind), kind);
  }

  core(kind: string): readonly K8sObject[] {
    return this.list(coreGroupOf(kind), kind);
  }

  find(group: string, kind: string, namespace: string, name: string): K8sObject | undefined {
    return this.byName.get(`${gkKey(group, kind)}/${namespace}/${name}`);
  }

  /** Compute something once per analysis run and share it between analyzers. */
  cached<T>(key: string, build: () => T): T {
    const hit = this.memo.get(key);
    if (hit !== undefined || this.memo.has(key)) return hit as T;
    const v = build();
    this.memo.set(key, v);
    return v;
  }

  /** Namespace objects by name. */
  get namespaces(): Map<string, K8sObject> {
    return (this.namespacesMemo ??= new Map(this.core('Namespace').map((n) => [n.metadata.name, n])));
  }

  /** A Namespace's labels (read once per namespace; callers do not change them). */
  namespaceLabels(ns: string): Labels | undefined {
    const memo = (this.namespaceLabelsMemo ??= new Map<string, Labels | undefined>());
    if (memo.has(ns)) return memo.get(ns);
    const n = this.namespaces.get(ns);
    const l = n ? asLabels(n.metadata.labels) : undefined;
    memo.set(ns, l);
    return l;
  }

  /** Real pods, by namespace. */
  get podsByNamespace(): Map<string, Workload[]> {
    return (this.podsByNamespaceMemo ??= groupBy(
      this.workloads.filter((w) => w.isPod),
      (w) => w.namespace,
    ));
  }

  get pods(): Workload[] {
    return (this.podsMemo ??= this.workloads.filter((w) => w.isPod));
  }

  /**
   * Pods, plus the pod templates of controllers (Deployment, StatefulSet, ...) whose pods
   * are not in the input. Checks that ask "does any workload match this selector" use this
   * so that a GitOps repository (no Pods) gives the same answer as a live cluster.
   */
  get workloads(): Workload[] {
    return (this.workloadsMemo ??= buildWorkloads(this));
  }

  get workloadsByNamespace(): Map<string, Workload[]> {
    return (this.workloadsByNamespaceMemo ??= groupBy(this.workloads, (w) => w.namespace));
  }

  /**
   * The workloads of `namespace` whose labels contain `selector` (non-empty), in `workloads`
   * order: workloadsByNamespace.get(namespace).filter((w) => containsLabels(w.labels, selector)),
   * read from an index of (namespace, label) pairs rather than a scan of the namespace.
   */
  workloadsSelected(namespace: string, selector: Labels): Workload[] {
    let first: string | undefined;
    for (const k in selector) {
      first = k;
      break;
    }
    if (first === undefined) return (this.workloadsByNamespace.get(namespace) ?? []).slice();
    if (!this.workloadsByPairMemo) {
      const m = new Map<string, Workload[]>();
      for (const w of this.workloads) {
        for (const k in w.labels) {
          const key = `${w.namespace}\u0000${k}\u0000${w.labels[k] as string}`;
          const l = m.get(key);
          if (!l) m.set(key, [w]);
          else if (l[l.length - 1] !== w) l.push(w);
        }
      }
      this.workloadsByPairMemo = m;
    }
    const candidates = this.workloadsByPairMemo.get(`${namespace}\u0000${first}\u0000${selector[first] as string}`) ?? [];
    // A "\0" in a name or label could make two pairs one key: the namespace and every pair are checked again.
    return candidates.filter((w) => w.namespace === namespace && containsLabels(w.labels, selector));
  }

  /** Build a finding; `args` fill the message template of `code`. */
  finding(code: string, obj: K8sObject | string, args: readonly unknown[], path?: string): Finding {
    const f: Finding = {
      code,
      level: levelOf(code),
      message: formatMessage(code, args),
      resource: typeof obj === 'string' ? obj : friendlyName(obj),
    };
    if (path) f.path = path;
    return f;
  }
}

export function istioGroupOf(kind: string): string {
  switch (kind) {
    case 'PeerAuthentication':
    case 'AuthorizationPolicy':
    case 'RequestAuthentication':
      return 'security.istio.io';
    case 'Telemetry':
      return 'telemetry.istio.io';
    case 'WasmPlugin':
    case 'TrafficExtension':
      return 'extensions.istio.io';
    default:
      return 'networking.istio.io';
  }
}

export function coreGroupOf(kind: string): string {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return 'apps';
    case 'Job':
    case 'CronJob':
      return 'batch';
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration':
      return 'admissionregistration.k8s.io';
    case 'CustomResourceDefinition':
      return 'apiextensions.k8s.io';
    default:
      return '';
  }
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(it);
  }
  return m;
}

/** No own enumerable key (Object.keys(r).length === 0, without the array). */
export function isEmpty(r: Record<string, unknown>): boolean {
  for (const k in r) if (Object.prototype.hasOwnProperty.call(r, k)) return false;
  return true;
}

/** The pod template of a controller, or undefined. */
export function podTemplateOf(obj: K8sObject): { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined {
  const spec = specOf(obj);
  let tpl = asRecord(spec.template);
  if (obj.kind === 'CronJob') tpl = asRecord(asRecord(asRecord(spec.jobTemplate).spec).template);
  if (isEmpty(tpl)) return undefined;
  return { metadata: asRecord(tpl.metadata), spec: asRecord(tpl.spec) };
}

function buildWorkloads(ctx: AnalysisContext): Workload[] {
  const out: Workload[] = [];
  const podLabelsByNs = new Map<string, Labels[]>();
  for (const p of ctx.core('Pod')) {
    const w: Workload = {
      kind: 'Pod',
      obj: p,
      name: p.metadata.name,
      namespace: nsOf(p),
      labels: asLabels(p.metadata.labels),
      annotations: asLabels(p.metadata.annotations),
      spec: specOf(p) as Workload['spec'],
      isPod: true,
    };
    out.push(w);
    let l = podLabelsByNs.get(w.namespace);
    if (!l) podLabelsByNs.set(w.namespace, (l = []));
    l.push(w.labels);
  }
  for (const kind of CONTROLLER_KINDS) {
    for (const c of ctx.core(kind)) {
      const tpl = podTemplateOf(c);
      if (!tpl) continue;
      const labels = asLabels(tpl.metadata.labels);
      const ns = nsOf(c);
      // The controller's pods are in the input: they speak for it.
      const sel = asLabels(asRecord(specOf(c).selector).matchLabels);
      const selector = isEmpty(sel) ? labels : sel;
      const podsHere = podLabelsByNs.get(ns);
      if (podsHere && !isEmpty(selector) && podsHere.some((pl) => containsLabels(pl, selector))) continue;
      out.push({
        kind,
        obj: c,
        name: c.metadata.name,
        namespace: ns,
        labels,
        annotations: asLabels(tpl.metadata.annotations),
        spec: tpl.spec as Workload['spec'],
        isPod: false,
      });
    }
  }
  return out;
}

/** matchLabels semantics: every pair of `selector` is in `labels`. */
export function containsLabels(labels: Labels | undefined, selector: Labels | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  for (const k in selector) if (l[k] !== selector[k]) return false;
  return true;
}

/** Kubernetes' selector string ("a=b,c=d", keys sorted). */
export function selectorString(sel: Labels | undefined): string {
  if (!sel) return '';
  return Object.keys(sel)
    .sort()
    .map((k) => `${k}=${sel[k]}`)
    .join(',');
}
