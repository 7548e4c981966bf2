/**
 * Ambient form: enroll a namespace (or the workloads of one Service) in ambient mode,
 * create a waypoint and choose it with istio.io/use-waypoint, and list what changes for
 * the workloads (sidecars to remove, pods to restart, pods ztunnel captures as they run).
 *
 * What Istio documents, and what the form writes:
 * - Enrollment (https://istio.io/latest/docs/ambient/usage/add-workloads/): the label
 *   istio.io/dataplane-mode=ambient on the namespace, or on the pods (here: the pod
 *   template of the Service's Deployments). Running pods without a sidecar are captured
 *   by ztunnel without a restart. A pod with a sidecar is never captured (sidecar
 *   injection takes precedence), so the form removes what injects one: the namespace's
 *   istio-injection / istio.io/rev labels (namespace scope) and the pod-template label or
 *   annotation sidecar.istio.io/inject=true (for a Service in a namespace that still
 *   injects: sidecar.istio.io/inject="false" on the pod template). Pods that run a
 *   sidecar keep it until they are restarted; a Deployment whose pod template the form
 *   changes is rolled out by that change.
 * - A waypoint (https://istio.io/latest/docs/ambient/usage/waypoint/): what
 *   `istioctl waypoint apply -n NS --name NAME [--for service|workload|all]` writes, a
 *   Gateway API Gateway of class istio-waypoint labelled istio.io/waypoint-for (service by
 *   default) with one listener "mesh" on port 15008, protocol HBONE. `--enroll-namespace`
 *   adds the label istio.io/use-waypoint=NAME to the namespace; a single Service is
 *   enrolled with the same label on the Service.
 *
 * Ownership: the Namespace's data-plane, injection and use-waypoint labels (namespace
 * scope), or the Service's use-waypoint label and its Deployments' pod-template
 * dataplane-mode / sidecar.istio.io/inject labels (service scope); the waypoint Gateway
 * only when it creates it (an existing waypoint is chosen, never changed). Everything
 * else of those objects stays. Whether a workload is sidecar, ambient or outside the mesh,
 * and which waypoint serves a Service, is decided by the data-plane model
 * (lib/istio/dataplane.ts), before and after the writes.
 */
import { z } from 'zod';
import {
  DATAPLANE_MODE_LABEL,
  dataPlaneModel,
  INJECTION_LABEL,
  MODE_TEXT,
  podMeta,
  REVISION_LABEL,
  SIDECAR_INJECT,
  templateMeta,
  USE_WAYPOINT,
  USE_WAYPOINT_NAMESPACE,
  WAYPOINT_CLASS,
  WAYPOINT_FOR,
  type DataPlaneMode,
  type WaypointInfo,
} from '../dataplane';
import type { K8sGateway } from '../gatewayapi/types';
import { GATEWAY_API_GROUP } from '../kinds';
import { matchesLabels, matchesSelector } from '../labels';
import type { MeshResources } from '../resources';
import type { Deployment, Namespace, Pod, Service } from '../types';
import { findNamespace, findService } from './mesh';
import { listInWords, newObject, startFrom } from './objects';
import { checkState, pushWrite, withWrites, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { dnsLabelSchema, resourceNameSchema, type FieldIssue } from './validators';

export const WAYPOINT_PORT = 15008;

export const ambientSchema = z
  .object({
    namespace: dnsLabelSchema('namespace'),
    /** Enroll the whole namespace, or the workloads of one Service. */
    scope: z.enum(['namespace', 'service'], { error: 'Choose the namespace or one service' }),
    /** The Service (scope "service"). */
    service: z.string(),
    /** In ambient (true) or not touched (false: the form then only handles the waypoint). */
    enroll: z.boolean(),
    waypoint: z.object({
      /** none: no waypoint (L4 only); existing: one of the namespace; new: create it. */
      mode: z.enum(['none', 'existing', 'new'], { error: 'Choose no waypoint, an existing one or a new one' }),
      name: z.string(),
      /** istio.io/waypoint-for of a new waypoint. */
      for: z.enum(['service', 'workload', 'all'], { error: 'Choose service, workload or all' }),
    }),
  })
  .superRefine((s, ctx) => {
    const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (s.scope === 'service' && !s.service) add(['service'], 'Choose the service to enroll');
    if (s.waypoint.mode !== 'none') {
      const p = resourceNameSchema('waypoint name').safeParse(s.waypoint.name);
      if (!p.success) add(['waypoint', 'name'], p.error.issues[0]?.message ?? 'Enter a name for the waypoint');
      if (s.scope === 'service' && s.waypoint.mode === 'new' && s.waypoint.for === 'workload') {
        add(['waypoint', 'for'], 'A waypoint for workload traffic only does not take traffic addressed to a Service: choose service or all');
      }
    }
    if (!s.enroll && s.waypoint.mode === 'none') add(['enroll'], 'Enroll in ambient, choose a waypoint, or both: as it is, the form changes nothing');
  });

export type AmbientState = z.infer<typeof ambientSchema>;

export interface AmbientContext {
  resources: MeshResources;
}

const GW_API = `${GATEWAY_API_GROUP}/v1`;

/* ---- what exists ---- */

/** Waypoints of a namespace (Gateways of class istio-waypoint), as the data-plane model reads them. */
export function namespaceWaypoints(r: MeshResources, namespace: string): WaypointInfo[] {
  return [...dataPlaneModel(r).waypoints.values()].filter((w) => w.namespace === namespace).sort((a, b) => a.name.localeCompare(b.name));
}

function findK8sGateway(r: MeshResources, namespace: string, name: string): K8sGateway | undefined {
  return r.k8sGateways.find((g) => (g.metadata.namespace || 'default') === namespace && g.metadata.name === name);
}

/** Deployments of the namespace, or those a Service selects. */
function targetDeployments(r: MeshResources, s: Pick<AmbientState, 'namespace' | 'scope' | 'service'>): Deployment[] {
  const inNs = r.deployments.filter((d) => (d.metadata.namespace || 'default') === s.namespace);
  if (s.scope === 'namespace') return inNs;
  const svc = findService(r, s.namespace, s.service);
  const sel = svc?.spec?.selector;
  if (!sel || !Object.keys(sel).length) return [];
  return inNs.filter((d) => matchesLabels(sel, d.spec?.template?.metadata?.labels ?? {}));
}

function podsOf(r: MeshResources, d: Deployment): Pod[] {
  const ns = d.metadata.namespace || 'default';
  return r.pods.filter((p) => (p.metadata.namespace || 'default') === ns && !!d.spec?.selector && matchesSelector(d.spec.selector, p.metadata.labels));
}

export function getInitAmbient(ctx: { resources: MeshResources; namespace: string; service?: string }): AmbientState {
  const r = ctx.resources;
  const model = dataPlaneModel(r);
  const scope = ctx.service ? 'service' : 'namespace';
  const svc = ctx.service ? findService(r, ctx.namespace, ctx.service) : undefined;
  const labels = scope === 'service' ? svc?.metadata.labels : findNamespace(r, ctx.namespace)?.metadata.labels;
  const enrolled =
    scope === 'namespace'
      ? model.namespace(ctx.namespace).mode === 'ambient'
      : targetDeployments(r, { namespace: ctx.namespace, scope, service: ctx.service ?? '' }).some(
          (d) => model.workload(ctx.namespace, templateMeta(d.spec?.template)).expected === 'ambient',
        );
  const used = labels?.[USE_WAYPOINT];
  const usedNs = labels?.[USE_WAYPOINT_NAMESPACE] || ctx.namespace;
  const existing = namespaceWaypoints(r, ctx.namespace);
  let waypoint: AmbientState['waypoint'];
  if (used && used !== 'none' && usedNs === ctx.namespace && existing.some((w) => w.name === used)) waypoint = { mode: 'existing', name: used, for: 'service' };
  else if (existing.length) waypoint = { mode: 'none', name: existing[0]!.name, for: 'service' };
  else waypoint = { mode: 'none', name: 'waypoint', for: 'service' };
  return { namespace: ctx.namespace, scope, service: ctx.service ?? '', enroll: enrolled, waypoint };
}

/* ---- build ---- */

/** What `istioctl waypoint apply -n NS --name NAME --for FOR` creates. */
export function waypointGateway(namespace: string, name: string, trafficFor: AmbientState['waypoint']['for']): K8sGateway {
  const gw = newObject<K8sGateway>(GW_API, 'Gateway', name, namespace, {
    gatewayClassName: WAYPOINT_CLASS,
    listeners: [{ name: 'mesh', port: WAYPOINT_PORT, protocol: 'HBONE' }],
  });
  gw.metadata.labels = { [WAYPOINT_FOR]: trafficFor };
  return gw;
}

function withLabels<T extends { metadata: { labels?: Record<string, string> } }>(o: T, labels: Record<string, string>): void {
  if (Object.keys(labels).length) o.metadata.labels = labels;
  else delete o.metadata.labels;
}

function buildNamespace(s: AmbientState, live: Namespace): Namespace {
  const next = startFrom(live);
  const labels = { ...(next.metadata.labels ?? {}) };
  if (s.enroll) {
    labels[DATAPLANE_MODE_LABEL] = 'ambient';
    delete labels[INJECTION_LABEL];
    delete labels[REVISION_LABEL];
  }
  if (s.waypoint.mode !== 'none') {
    labels[USE_WAYPOINT] = s.waypoint.name;
    delete labels[USE_WAYPOINT_NAMESPACE];
  }
  withLabels(next, labels);
  return next;
}

function buildService(s: AmbientState, live: Service): Service {
  const next = startFrom(live);
  const labels = { ...(next.metadata.labels ?? {}) };
  if (s.waypoint.mode !== 'none') {
    labels[USE_WAYPOINT] = s.waypoint.name;
    delete labels[USE_WAYPOINT_NAMESPACE];
  }
  withLabels(next, labels);
  return next;
}

/**
 * The Deployment with a pod template that ztunnel captures and the injector leaves alone:
 * sidecar.istio.io/inject=true (label or annotation) removed; for a Service's workloads,
 * dataplane-mode=ambient on the template, and inject="false" while the namespace injects.
 */
function buildDeployment(s: AmbientState, live: Deployment, nsInjects: boolean, alreadyAmbient: boolean): Deployment {
  const next = startFrom(live);
  const template = ((next.spec ??= {}).template ??= {});
  const meta = (template.metadata ??= {});
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  const optIn = (v: string | undefined) => v !== undefined && ['true', 'yes', 'y', 'on'].includes(v.toLowerCase());
  if (optIn(labels[SIDECAR_INJECT])) delete labels[SIDECAR_INJECT];
  if (optIn(annotations[SIDECAR_INJECT])) delete annotations[SIDECAR_INJECT];
  if (labels[REVISION_LABEL]) delete labels[REVISION_LABEL];
  if (s.scope === 'service' && !alreadyAmbient) {
    labels[DATAPLANE_MODE_LABEL] = 'ambient';
    if (nsInjects) labels[SIDECAR_INJECT] = 'false';
  }
  if (Object.keys(labels).length || meta.labels) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return next;
}

/** Field errors that need the live resources. */
export function validateAmbientAgainst(s: AmbientState, r: MeshResources): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (!findNamespace(r, s.namespace))
    out.push({
      path: 'namespace',
      message: `There is no namespace ${s.namespace} in the cluster (or you may not read it). This form labels an existing namespace; it never creates one.`,
    });
  if (s.scope === 'service' && s.service && !findService(r, s.namespace, s.service))
    out.push({ path: 'service', message: `There is no Service ${s.service} in namespace ${s.namespace}` });
  if (s.waypoint.mode === 'existing' && !dataPlaneModel(r).waypoints.has(`${s.namespace}/${s.waypoint.name}`)) {
    out.push({
      path: 'waypoint.name',
      message: `There is no waypoint ${s.waypoint.name} (Gateway of class ${WAYPOINT_CLASS}) in ${s.namespace}; choose one of the list or create it`,
    });
  }
  if (s.waypoint.mode === 'new' && findK8sGateway(r, s.namespace, s.waypoint.name)) {
    out.push({
      path: 'waypoint.name',
      message: `A Gateway ${s.waypoint.name} already exists in ${s.namespace}; choose it as an existing waypoint (if it is one) or pick another name`,
    });
  }
  return out;
}

export function buildAmbient(input: AmbientState, ctx: AmbientContext): BuildResult {
  const checked = checkState(ambientSchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  const errors = validateAmbientAgainst(s, r);
  if (errors.length) return { writes: [], warnings: [], errors };
  const writes = buildAmbientWrites(s, r);
  const warnings: FormWarning[] = [];
  const model = dataPlaneModel(r);
  const nsInjects = injects(r, s.namespace);

  // Warnings, from the mesh as it will be.
  const after = withWrites(r, writes);
  const changes = ambientWorkloadChanges(s, r);
  const restarts = changes.filter((c) => c.restart === 'manual');
  if (restarts.length) {
    warnings.push({
      code: 'AMBIENT_RESTART_NEEDED',
      message: `${listInWords(restarts.map((c) => c.workload))} still run${restarts.length === 1 ? 's' : ''} the istio-proxy sidecar: ztunnel does not capture ${restarts.length === 1 ? 'its pods' : 'their pods'} until they are restarted without it (kubectl rollout restart).`,
    });
  }
  const rolled = changes.filter((c) => c.restart === 'rollout');
  if (rolled.length)
    warnings.push({
      code: 'AMBIENT_ROLLOUT',
      message: `Changing the pod template of ${listInWords(rolled.map((c) => c.workload))} starts a rollout: ${rolled.length === 1 ? 'its' : 'their'} pods are replaced right away.`,
    });
  if (s.scope === 'service' && s.enroll && nsInjects) {
    warnings.push({
      code: 'AMBIENT_NAMESPACE_INJECTS',
      message: `Namespace ${s.namespace} still injects sidecars (${model.namespace(s.namespace).reason}); the pod templates of ${s.service}'s workloads opt out with ${SIDECAR_INJECT}="false".`,
    });
  }
  const optedOut = changes.filter((c) => c.after === 'none' && c.before !== 'none');
  for (const c of optedOut)
    warnings.push({ code: 'AMBIENT_NOT_CAPTURED', message: `${c.workload} will not be in the mesh after this change: ${c.afterReason}.` });
  if (s.scope === 'namespace' && s.enroll) {
    const optOut = changes.filter((c) => c.after === 'none' && c.afterReason.includes(`${DATAPLANE_MODE_LABEL}=none`));
    if (optOut.length)
      warnings.push({
        code: 'AMBIENT_POD_OPT_OUT',
        message: `${listInWords(optOut.map((c) => c.workload))} opt${optOut.length === 1 ? 's' : ''} out with ${DATAPLANE_MODE_LABEL}=none and stay${optOut.length === 1 ? 's' : ''} outside the mesh.`,
      });
  }
  if (s.waypoint.mode !== 'none') {
    const svcs =
      s.scope === 'service' ? [findService(after, s.namespace, s.service)!] : after.services.filter((x) => (x.metadata.namespace || 'default') === s.namespace);
    const am = dataPlaneModel(after);
    const notBound = svcs.filter((x) => am.serviceWaypoint(x).state !== 'bound' && x.metadata.labels?.[USE_WAYPOINT] !== 'none');
    for (const x of notBound)
      warnings.push({
        code: 'AMBIENT_WAYPOINT_NOT_USED',
        message: `Service ${s.namespace}/${x.metadata.name} will not use waypoint ${s.waypoint.name}: ${am.serviceWaypoint(x).reason}.`,
      });
    const w = am.waypoints.get(`${s.namespace}/${s.waypoint.name}`);
    if (w?.ready === false)
      warnings.push({
        code: 'AMBIENT_WAYPOINT_NOT_READY',
        message: `${w.resource} is not Programmed yet: traffic sent to it fails until istiod has deployed it.`,
      });
  }
  if (model.ztunnelPods === 0 && s.enroll && writes.length) {
    warnings.push({
      code: 'AMBIENT_NO_ZTUNNEL',
      message: `No ztunnel pods were found in ${model.rootNamespace}: ambient needs Istio installed with the ambient profile (ztunnel and istio-cni) before the label has any effect.`,
    });
  }
  return { writes, warnings, errors: [] };
}

/* ---- what changes for the workloads ---- */

export interface AmbientWorkloadChange {
  /** "Deployment ns/name" */
  workload: string;
  name: string;
  before: DataPlaneMode;
  beforeReason: string;
  /** What its pods get after the change (once restarted where needed). */
  after: DataPlaneMode;
  afterReason: string;
  /** Running pods with a sidecar that must go. */
  sidecarPods: number;
  pods: number;
  /**
   * none: nothing to do (or ztunnel captures running pods as they are); rollout: the form
   * changes the pod template, which replaces the pods; manual: restart them yourself.
   */
  restart: 'none' | 'rollout' | 'manual';
  /** What happens, in words. */
  summary: string;
}

/** Each Deployment in scope: its data plane now and after the form's writes, and the restarts it needs. */
export function ambientWorkloadChanges(input: AmbientState, r: MeshResources): AmbientWorkloadChange[] {
  const parsed = ambientSchema.safeParse(input);
  if (!parsed.success) return [];
  const s = parsed.data;
  const result = buildAmbientWrites(s, r);
  const after = withWrites(r, result);
  const mb = dataPlaneModel(r);
  const ma = dataPlaneModel(after);
  const written = new Set(result.filter((w) => w.object.kind === 'Deployment').map((w) => w.object.metadata.name));
  const out: AmbientWorkloadChange[] = [];
  for (const d of targetDeployments(r, s)) {
    const ns = d.metadata.namespace || 'default';
    const pods = podsOf(r, d).map(podMeta);
    const now = mb.workload(ns, templateMeta(d.spec?.template), pods);
    if (now.proxy) continue;
    const dAfter = after.deployments.find((x) => (x.metadata.namespace || 'default') === ns && x.metadata.name === d.metadata.name) ?? d;
    const then = ma.workload(ns, templateMeta(dAfter.spec?.template), pods);
    const sidecarPods = now.pods?.sidecar ?? 0;
    const rollout = written.has(d.metadata.name);
    const restart: AmbientWorkloadChange['restart'] = rollout ? 'rollout' : then.expected !== 'sidecar' && sidecarPods > 0 ? 'manual' : 'none';
    let summary: string;
    if (then.expected === now.mode && !sidecarPods) summary = now.mode === 'ambient' ? 'already captured by ztunnel' : `stays ${MODE_TEXT[now.mode]}`;
    else if (then.expected === 'ambient' && sidecarPods)
      summary = `${sidecarPods} pod${sidecarPods === 1 ? '' : 's'} run${sidecarPods === 1 ? 's' : ''} a sidecar to remove: ${rollout ? 'the rollout this change starts replaces them' : 'restart them'}; new pods are captured by ztunnel`;
    else if (then.expected === 'ambient') summary = pods.length ? 'running pods are captured by ztunnel without a restart' : 'new pods are captured by ztunnel';
    else summary = `${MODE_TEXT[now.mode]} -> ${MODE_TEXT[then.expected]} (${then.expectedReason})`;
    out.push({
      workload: `Deployment ${ns}/${d.metadata.name}`,
      name: d.metadata.name,
      before: now.mode,
      beforeReason: now.reason,
      after: then.expected,
      afterReason: then.expectedReason,
      sidecarPods,
      pods: pods.length,
      restart,
      summary,
    });
  }
  return out;
}

function injects(r: MeshResources, namespace: string): boolean {
  const ns = dataPlaneModel(r).namespace(namespace);
  return ns.injection === 'enabled' || ns.injection === 'revision';
}

/** The writes in order: a new waypoint first (the labels that name it come after it exists), then the labels, then the pod templates. */
function buildAmbientWrites(s: AmbientState, r: MeshResources): FormWrite[] {
  if (validateAmbientAgainst(s, r).length) return [];
  const writes: FormWrite[] = [];
  const model = dataPlaneModel(r);
  if (s.waypoint.mode === 'new') pushWrite(writes, waypointGateway(s.namespace, s.waypoint.name, s.waypoint.for), undefined);
  const liveNs = findNamespace(r, s.namespace)!;
  if (s.scope === 'namespace') pushWrite(writes, buildNamespace(s, liveNs), liveNs);
  else if (s.waypoint.mode !== 'none') {
    const liveSvc = findService(r, s.namespace, s.service)!;
    pushWrite(writes, buildService(s, liveSvc), liveSvc);
  }
  if (s.enroll) {
    const nsInjects = injects(r, s.namespace);
    for (const d of targetDeployments(r, s)) {
      const now = model.workload(s.namespace, templateMeta(d.spec?.template));
      if (now.proxy) continue;
      pushWrite(writes, buildDeployment(s, d, nsInjects, now.expected === 'ambient'), d);
    }
  }
  return writes;
}
