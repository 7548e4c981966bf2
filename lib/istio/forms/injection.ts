/**
 * Sidecar-injection form: the namespace label (istio-injection=enabled/disabled, or
 * istio.io/rev=<revision> — never both) and a per-workload override written as the pod
 * template label sidecar.istio.io/inject on the Deployment; plus which pods need a
 * restart to pick the change up.
 *
 * Istio's rule: if the namespace label or the pod override says disabled, no sidecar; if
 * either says enabled (a revision label counts as enabled), a sidecar; otherwise none.
 * The older annotation sidecar.istio.io/inject is read as an override too (Maistra /
 * OpenShift meshes opt pods in with it); when the form changes a workload's override it
 * writes the label and removes that annotation, so one setting remains.
 */
import { z } from 'zod';
import { injectionDecision, observePod, podMeta } from '../dataplane';
import { matchesSelector } from '../labels';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { Deployment, Namespace, Pod } from '../types';
import {
  findNamespace,
  INJECT_OVERRIDE,
  INJECTION_LABEL,
  namespaceInjection,
  podInjectOverride,
  REVISION_LABEL,
  rootNamespace,
  type NamespaceInjection,
} from './mesh';
import { listInWords, startFrom } from './objects';
import { checkState, pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { addDuplicateIssues, dns1123SubdomainProblem, dnsLabelSchema, labelValueProblem } from './validators';

export const injectionSchema = z
  .object({
    namespace: dnsLabelSchema('namespace'),
    namespaceInjection: z.enum(['enabled', 'disabled', 'revision', 'unset'], { error: 'Choose enabled, disabled, a revision, or no label' }),
    /** Control-plane revision for istio.io/rev (namespaceInjection "revision"). */
    revision: z.string(),
    /** Per-Deployment override; "default" follows the namespace. */
    workloads: z.array(z.object({ name: z.string(), inject: z.enum(['default', 'true', 'false'], { error: 'Choose default, always or never' }) })),
  })
  .superRefine((s, ctx) => {
    if (s.namespaceInjection === 'revision') {
      const p = s.revision ? labelValueProblem(s.revision) : 'Enter the control-plane revision, such as canary or 1-24-0';
      if (p) ctx.addIssue({ code: 'custom', path: ['revision'], message: p });
    }
    s.workloads.forEach((w, i) => {
      const p = dns1123SubdomainProblem(w.name, 'workload name');
      if (p) ctx.addIssue({ code: 'custom', path: ['workloads', i, 'name'], message: p });
    });
    addDuplicateIssues(
      ctx,
      s.workloads.map((w) => w.name),
      ['workloads'],
      (n) => `${n} is listed twice`,
    );
  });

export type InjectionState = z.infer<typeof injectionSchema>;
export type WorkloadOverride = InjectionState['workloads'][number]['inject'];

export interface InjectionContext {
  resources: MeshResources;
}

function deploymentOverride(d: Deployment): WorkloadOverride {
  return podInjectOverride(d.spec?.template?.metadata) ?? 'default';
}

export function getInitInjection(ctx: { resources: MeshResources; namespace: string }): InjectionState {
  const r = ctx.resources;
  const ns = namespaceInjection(findNamespace(r, ctx.namespace));
  return {
    namespace: ctx.namespace,
    namespaceInjection: ns.mode,
    revision: ns.revision ?? '',
    workloads: r.deployments.filter((d) => d.metadata.namespace === ctx.namespace).map((d) => ({ name: d.metadata.name, inject: deploymentOverride(d) })),
  };
}

/** Labels of the namespace with the injection labels set as the state asks (never both). */
function injectionLabels(labels: Record<string, string>, s: InjectionState): Record<string, string> {
  const out = { ...labels };
  delete out[INJECTION_LABEL];
  delete out[REVISION_LABEL];
  if (s.namespaceInjection === 'enabled') out[INJECTION_LABEL] = 'enabled';
  if (s.namespaceInjection === 'disabled') out[INJECTION_LABEL] = 'disabled';
  if (s.namespaceInjection === 'revision') out[REVISION_LABEL] = s.revision;
  return out;
}

function buildNamespace(s: InjectionState, live: Namespace): Namespace {
  const next = startFrom(live);
  const labels = injectionLabels(next.metadata.labels ?? {}, s);
  if (Object.keys(labels).length) next.metadata.labels = labels;
  else delete next.metadata.labels;
  return next;
}

/** A pod's labels and annotations with the override the form writes (the label; the older annotation removed). */
function podOverrideLabels(
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> },
  inject: WorkloadOverride,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  delete annotations[INJECT_OVERRIDE];
  if (inject === 'default') delete labels[INJECT_OVERRIDE];
  else labels[INJECT_OVERRIDE] = inject;
  return { labels, annotations };
}

function buildDeployment(live: Deployment, inject: WorkloadOverride): Deployment | undefined {
  if (deploymentOverride(live) === inject) return undefined;
  const next = startFrom(live);
  const spec = (next.spec ??= {});
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const { labels, annotations } = podOverrideLabels(meta, inject);
  meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  return next;
}

/* ---- pods that need a restart ---- */

export interface PodRestart {
  name: string;
  namespace: string;
  /** Deployment the pod belongs to, if known. */
  owner?: string;
  hasSidecar: boolean;
  wantsSidecar: boolean;
  /** "manual": restart it yourself (kubectl rollout restart); "rollout": the Deployment change replaces it. */
  restart: 'manual' | 'rollout';
  reason: string;
}

function ownerOf(r: MeshResources, pod: Pod): Deployment | undefined {
  return r.deployments.find(
    (d) => d.metadata.namespace === pod.metadata.namespace && d.spec?.selector && matchesSelector(d.spec.selector, pod.metadata.labels),
  );
}

/**
 * Pods of the namespace whose sidecar (istio-proxy container) differs from what the
 * state implies — or that run the sidecar of another revision than the one asked for.
 */
export function podsNeedingRestart(s: InjectionState, r: MeshResources): PodRestart[] {
  const out: PodRestart[] = [];
  const nsMode: NamespaceInjection = s.namespaceInjection;
  const nsLabels = injectionLabels(findNamespace(r, s.namespace)?.metadata.labels ?? {}, s);
  const targetRevision = nsMode === 'revision' ? s.revision : nsMode === 'enabled' ? 'default' : undefined;
  for (const pod of r.pods.filter((p) => p.metadata.namespace === s.namespace)) {
    const owner = ownerOf(r, pod);
    const wanted = owner ? s.workloads.find((w) => w.name === owner.metadata.name) : undefined;
    const changedOwner = owner && wanted && deploymentOverride(owner) !== wanted.inject;
    // What the injector decides for a pod created under the new labels (the data-plane model).
    const meta = podMeta(pod);
    const next = changedOwner ? { ...meta, ...podOverrideLabels(meta, wanted.inject) } : meta;
    const wants = injectionDecision(nsLabels, next).inject;
    const has = observePod(nsLabels, meta).mode === 'sidecar';
    const base = {
      name: pod.metadata.name,
      namespace: s.namespace,
      ...(owner ? { owner: owner.metadata.name } : {}),
      hasSidecar: has,
      wantsSidecar: wants,
      restart: changedOwner ? ('rollout' as const) : ('manual' as const),
    };
    if (has !== wants) {
      out.push({ ...base, reason: wants ? 'runs without a sidecar but should get one' : 'runs a sidecar it should no longer have' });
      continue;
    }
    const podRev = pod.metadata.labels?.[REVISION_LABEL];
    if (has && wants && targetRevision && podRev && podRev !== targetRevision) {
      out.push({ ...base, reason: `runs the sidecar of revision ${podRev}, not ${targetRevision}` });
    }
  }
  return out;
}

/* ---- build ---- */

function knownRevisions(r: MeshResources): string[] {
  const root = rootNamespace(r);
  const istiods = r.deployments.filter(
    (d) => d.metadata.namespace === root && (d.spec?.template?.metadata?.labels?.app === 'istiod' || d.metadata.name.startsWith('istiod')),
  );
  return [...new Set(istiods.map((d) => d.spec?.template?.metadata?.labels?.[REVISION_LABEL] ?? d.metadata.labels?.[REVISION_LABEL] ?? 'default'))];
}

/** Why the form refuses a namespace it cannot see. */
export function unknownNamespaceMessage(namespace: string): string {
  return `There is no namespace ${namespace} in the cluster (or you may not read it). This form labels an existing namespace; it never creates one.`;
}

export function buildInjection(input: InjectionState, ctx: InjectionContext): BuildResult {
  const checked = checkState(injectionSchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];

  const liveNs = findNamespace(r, s.namespace);
  // The form labels a namespace; creating one is not its job (and a typo in a link must not create one).
  if (!liveNs) return { writes: [], warnings: [], errors: [{ path: 'namespace', message: unknownNamespaceMessage(s.namespace) }] };
  pushWrite(writes, buildNamespace(s, liveNs), liveNs);

  const rolled: string[] = [];
  for (const w of s.workloads) {
    const live = r.deployments.find((d) => d.metadata.namespace === s.namespace && d.metadata.name === w.name);
    if (!live) {
      warnings.push({ code: 'INJECTION_NO_WORKLOAD', message: `There is no Deployment ${w.name} in ${s.namespace}; its override is not written.` });
      continue;
    }
    const next = buildDeployment(live, w.inject);
    if (!next) continue;
    pushWrite(writes, next, live);
    rolled.push(friendlyName(live));
  }
  for (const w of s.workloads) {
    if (w.inject === 'true' && s.namespaceInjection === 'disabled') {
      warnings.push({
        code: 'INJECTION_OVERRIDE_IGNORED',
        message: `Deployment ${s.namespace}/${w.name} asks for a sidecar, but the namespace label istio-injection=disabled wins: its pods will not get one.`,
      });
    }
  }
  if (rolled.length) {
    warnings.push({
      code: 'INJECTION_ROLLOUT',
      message: `Changing the pod template of ${listInWords(rolled)} starts a rollout: ${rolled.length === 1 ? 'its' : 'their'} pods are replaced right away.`,
    });
  }

  if (s.namespaceInjection === 'revision') {
    const revs = knownRevisions(r);
    if (revs.length && !revs.includes(s.revision)) {
      warnings.push({
        code: 'INJECTION_UNKNOWN_REVISION',
        message: `No control plane with revision ${s.revision} is known (found ${listInWords(revs)}); pods created in ${s.namespace} would not be injected, or could not start if the webhook fails closed.`,
      });
    }
  }

  const manual = podsNeedingRestart(s, r).filter((p) => p.restart === 'manual');
  if (manual.length) {
    warnings.push({
      code: 'INJECTION_RESTART_NEEDED',
      message: `${manual.length} pod${manual.length > 1 ? 's' : ''} keep${manual.length > 1 ? '' : 's'} ${manual.length > 1 ? 'their' : 'its'} current state until restarted: ${listInWords(manual.map((p) => p.name))}. Restart ${manual.length > 1 ? 'them' : 'it'} (kubectl rollout restart) to apply the change.`,
    });
  }
  return { writes, warnings, errors: [] };
}
