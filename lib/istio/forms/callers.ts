/**
 * Caller-restrictions form: an AuthorizationPolicy (ALLOW) on a workload that lets only
 * chosen namespaces and/or service accounts call it, and a preview of which known
 * callers (workloads, the ingress gateway) would be allowed or denied.
 *
 * Ownership: the ALLOW policy of the namespace whose selector is exactly the workload's
 * labels and whose rules only name source namespaces / principals (S3: to-sample). Any
 * other policy is left alone (and named in a warning when it changes the outcome).
 *
 * In ambient mode (https://istio.io/latest/docs/ambient/usage/l7-features/#security-authorization,
 * https://istio.io/latest/docs/ambient/usage/l4-policy/): when the workload's Service has
 * a waypoint, the policy is written for the waypoint, with targetRefs
 * [{kind: Service, group: "", name}] (owned: the caller-list policy whose targetRefs are
 * exactly that Service); without a waypoint it is a selector policy, enforced by ztunnel,
 * which sees L4 attributes only (source namespaces and principals, what this form
 * writes); conditions on paths, methods or headers need a waypoint. Which data plane
 * serves the workload and which waypoint its Service uses comes from lib/istio/dataplane.
 *
 * The decisions come from lib/istio/security (edgeSecurity, then authorize), through
 * lib/istio/graph's previewCaller — the same evaluation the graph shows on its edges.
 */
import { z } from 'zod';
import { fqdn } from '../hosts';
import { matchesLabels, matchesSelector } from '../labels';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { AuthorizationPolicy, AuthzRule, AuthzSource, Deployment, Pod } from '../types';
import { dataPlaneModel, podMeta, templateMeta, type WaypointInfo, type WorkloadDataPlane } from '../dataplane';
import { findService, listWorkloads, principalOf, rootNamespace, servicesOfWorkload, trustDomain, type Workload } from './mesh';
import { deepEqual, listInWords, newObject, startFrom } from './objects';
import { checkState, pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { previewCaller, type PreviewTarget } from '../graph/callers';
import { effectiveMtls, type AuthzDecisionKind, type EdgeSecurityState } from '../security';
import { addDuplicateIssues, dns1123LabelProblem, dns1123SubdomainProblem, dnsLabelSchema, labelsSchema, resourceNameSchema } from './validators';

export const callersSchema = z
  .object({
    namespace: dnsLabelSchema('namespace'),
    /** The workload to protect: a display name and its pod labels. */
    workload: z.object({ name: z.string(), selector: labelsSchema }),
    /** Name of the policy if one has to be created. */
    policyName: resourceNameSchema('policy name'),
    /** Namespaces whose workloads may call. */
    namespaces: z.array(z.string()),
    /** Service accounts that may call (principal cluster.local/ns/NS/sa/NAME). */
    serviceAccounts: z.array(z.object({ namespace: z.string(), name: z.string() })),
    /** Where the policy attaches: a selector on the pods (sidecar, or ztunnel in ambient; default), or targetRefs the Service for its waypoint. */
    attach: z.enum(['selector', 'waypoint']).optional(),
    /** The Service whose waypoint enforces the policy (attach "waypoint"). */
    service: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (Object.keys(s.workload.selector).length === 0) add(['workload', 'selector'], 'Choose the workload to protect: the policy needs its pod labels');
    if (s.namespaces.length === 0 && s.serviceAccounts.length === 0) {
      add(['namespaces'], `Choose at least one namespace or service account allowed to call ${s.workload.name || 'the workload'}`);
    }
    s.namespaces.forEach((n, i) => {
      const p = dns1123LabelProblem(n, 'namespace');
      if (p) add(['namespaces', i], p);
    });
    addDuplicateIssues(ctx, s.namespaces, ['namespaces'], (n) => `The namespace ${n} is listed twice`);
    s.serviceAccounts.forEach((sa, i) => {
      const pn = dns1123LabelProblem(sa.namespace, 'namespace');
      if (pn) add(['serviceAccounts', i, 'namespace'], pn);
      const ps = dns1123SubdomainProblem(sa.name, 'service account name');
      if (ps) add(['serviceAccounts', i, 'name'], ps);
    });
    addDuplicateIssues(
      ctx,
      s.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`),
      ['serviceAccounts'],
      (x) => `The service account ${x} is listed twice`,
    );
    if (s.attach === 'waypoint' && !s.service) add(['service'], 'Choose the Service whose waypoint enforces the policy');
  });

export type CallersState = z.infer<typeof callersSchema>;

export interface CallersContext {
  resources: MeshResources;
}

const SEC_API = 'security.istio.io/v1';

/* ---- the policy the form owns ---- */

function policySelector(p: AuthorizationPolicy): Record<string, string> {
  return p.spec?.selector?.matchLabels ?? {};
}

function parsePrincipal(p: string): { trustDomain: string; namespace: string; name: string } | undefined {
  const m = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(p);
  return m ? { trustDomain: m[1]!, namespace: m[2]!, name: m[3]! } : undefined;
}

/** Is the policy of the shape this form writes: ALLOW, rules made only of source namespaces / principals? */
function isCallerList(p: AuthorizationPolicy, attach: 'selector' | 'waypoint' = 'selector'): boolean {
  const spec = p.spec ?? {};
  if ((spec.action ?? 'ALLOW') !== 'ALLOW' || spec.provider) return false;
  if (attach === 'selector' ? spec.targetRef || spec.targetRefs : spec.selector || spec.targetRef) return false;
  const rules = spec.rules ?? [];
  if (!rules.length) return false;
  return rules.every((rule) => {
    if (rule.to?.length || rule.when?.length || !rule.from?.length) return false;
    return rule.from.every((f) => {
      const keys = Object.keys(f.source ?? {}).filter((k) => (f.source as Record<string, unknown>)[k] !== undefined);
      if (!keys.length || !keys.every((k) => k === 'namespaces' || k === 'principals')) return false;
      // A source with both fields means "namespace AND principal", which the form cannot show.
      if (keys.length > 1) return false;
      return (f.source?.principals ?? []).every((x) => parsePrincipal(x) !== undefined);
    });
  });
}

export function findOwningAuthorizationPolicy(r: MeshResources, namespace: string, selector: Record<string, string>): AuthorizationPolicy | undefined {
  return r.authorizationPolicies
    .filter((p) => p.metadata.namespace === namespace && Object.keys(policySelector(p)).length > 0 && deepEqual(policySelector(p), selector) && isCallerList(p))
    .sort(
      (a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name),
    )[0];
}

/** targetRefs naming exactly the Service ns/name (group "", kind Service). */
function targetsOnlyService(p: AuthorizationPolicy, service: string): boolean {
  const refs = (p.spec?.targetRefs ?? []) as Array<{ group?: string; kind?: string; name?: string; namespace?: string }>;
  return (
    refs.length === 1 &&
    refs[0]!.kind === 'Service' &&
    !refs[0]!.group &&
    refs[0]!.name === service &&
    (!refs[0]!.namespace || refs[0]!.namespace === p.metadata.namespace)
  );
}

/** The caller-list policy a waypoint enforces for the Service: targetRefs exactly that Service. */
export function findOwningWaypointPolicy(r: MeshResources, namespace: string, service: string): AuthorizationPolicy | undefined {
  return r.authorizationPolicies
    .filter((p) => p.metadata.namespace === namespace && targetsOnlyService(p, service) && isCallerList(p, 'waypoint'))
    .sort(
      (a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name),
    )[0];
}

/** Who enforces a policy for the workload: its sidecar, ztunnel (ambient, L4 only), or its Service's waypoint. */
export interface CallerEnforcement {
  kind: 'sidecar' | 'ztunnel' | 'waypoint' | 'none';
  /** The Service (attach "waypoint"). */
  service?: string;
  waypoint?: WaypointInfo;
  reason: string;
}

function workloadMode(r: MeshResources, w: Workload): WorkloadDataPlane {
  const model = dataPlaneModel(r);
  if (w.kind === 'Pod') return model.workload(w.namespace, podMeta(w.object as Pod), [podMeta(w.object as Pod)]);
  const d = w.object as Deployment;
  const pods = r.pods
    .filter((p) => p.metadata.namespace === w.namespace && !!d.spec?.selector && matchesSelector(d.spec.selector, p.metadata.labels))
    .map(podMeta);
  return model.workload(w.namespace, templateMeta(d.spec?.template), pods);
}

export function callerEnforcement(r: MeshResources, namespace: string, selector: Record<string, string>): CallerEnforcement {
  const targets = Object.keys(selector).length ? listWorkloads(r, namespace).filter((w) => matchesLabels(selector, w.labels)) : [];
  const modes = targets.map((w) => workloadMode(r, w));
  if (!modes.some((m) => m.mode === 'ambient')) {
    return modes.some((m) => m.mode === 'sidecar') || !modes.length
      ? { kind: 'sidecar', reason: 'the sidecar of each pod enforces the policy' }
      : { kind: 'none', reason: 'the pods have no sidecar and are not in ambient: nothing enforces the policy' };
  }
  const model = dataPlaneModel(r);
  const labels = targets[0]!.labels;
  const svcs = servicesOfWorkload(r, namespace, labels);
  for (const svc of svcs) {
    const b = model.serviceWaypoint(svc);
    if (b.state === 'bound' && b.waypoint) {
      return {
        kind: 'waypoint',
        service: svc.metadata.name,
        waypoint: b.waypoint,
        reason: `Service ${namespace}/${svc.metadata.name} uses waypoint ${b.waypoint.resource} (${b.reason}): the policy targets the Service and the waypoint enforces it, with L7 attributes available`,
      };
    }
  }
  return {
    kind: 'ztunnel',
    reason: `the pods are ambient and ${svcs.length ? `Service ${listInWords(svcs.map((x) => x.metadata.name))} has no waypoint` : 'no Service with a waypoint selects them'}: ztunnel enforces a selector policy, with L4 attributes only (source namespaces and service accounts, as this form writes). Conditions on paths, methods or headers need a waypoint (the Ambient form creates one).`,
  };
}

function sourcesOf(p: AuthorizationPolicy | undefined): { namespaces: string[]; principals: string[] } {
  const sources = (p?.spec?.rules ?? []).flatMap((rule) => (rule.from ?? []).map((f) => f.source ?? {}));
  return {
    namespaces: [...new Set(sources.flatMap((s) => s.namespaces ?? []))],
    principals: [...new Set(sources.flatMap((s) => s.principals ?? []))],
  };
}

function workloadSelectorFor(r: MeshResources, namespace: string, name: string): Record<string, string> | undefined {
  const d = r.deployments.find((x) => x.metadata.namespace === namespace && x.metadata.name === name);
  return d?.spec?.selector?.matchLabels ?? d?.spec?.template?.metadata?.labels;
}

export function getInitCallers(ctx: {
  resources: MeshResources;
  namespace: string;
  workload: { name: string; selector?: Record<string, string> };
}): CallersState {
  const r = ctx.resources;
  const selector = ctx.workload.selector ?? workloadSelectorFor(r, ctx.namespace, ctx.workload.name) ?? {};
  const enforcement = callerEnforcement(r, ctx.namespace, selector);
  const waypoint = enforcement.kind === 'waypoint' && enforcement.service ? enforcement.service : undefined;
  const owner = waypoint ? findOwningWaypointPolicy(r, ctx.namespace, waypoint) : findOwningAuthorizationPolicy(r, ctx.namespace, selector);
  const { namespaces, principals } = sourcesOf(owner);
  return {
    namespace: ctx.namespace,
    workload: { name: ctx.workload.name, selector: { ...selector } },
    policyName: owner?.metadata.name ?? `${waypoint ?? ctx.workload.name}-callers`,
    namespaces,
    serviceAccounts: principals.map((p) => parsePrincipal(p)!).map((p) => ({ namespace: p.namespace, name: p.name })),
    ...(waypoint ? { attach: 'waypoint' as const, service: waypoint } : {}),
  };
}

function stateRules(s: CallersState, td: string): AuthzRule[] {
  const from: Array<{ source: AuthzSource }> = [];
  if (s.namespaces.length) from.push({ source: { namespaces: [...s.namespaces] } });
  if (s.serviceAccounts.length) from.push({ source: { principals: s.serviceAccounts.map((sa) => principalOf(td, sa.namespace, sa.name)) } });
  return [{ from }];
}

/** The policy the state asks for, starting from the owned one when there is one. */
export function proposedPolicy(s: CallersState, r: MeshResources): { live?: AuthorizationPolicy; next: AuthorizationPolicy } {
  const td = trustDomain(r);
  const onWaypoint = s.attach === 'waypoint' && !!s.service;
  const live = onWaypoint ? findOwningWaypointPolicy(r, s.namespace, s.service!) : findOwningAuthorizationPolicy(r, s.namespace, s.workload.selector);
  if (live) {
    const before = sourcesOf(live);
    const wanted = { namespaces: s.namespaces, principals: s.serviceAccounts.map((sa) => principalOf(td, sa.namespace, sa.name)) };
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    const next = startFrom(live);
    if (!(same(before.namespaces, wanted.namespaces) && same(before.principals, wanted.principals))) next.spec = { ...next.spec, rules: stateRules(s, td) };
    return { live, next };
  }
  if (onWaypoint) {
    return {
      next: newObject<AuthorizationPolicy>(SEC_API, 'AuthorizationPolicy', s.policyName, s.namespace, {
        targetRefs: [{ kind: 'Service', group: '', name: s.service }],
        rules: stateRules(s, td),
      }),
    };
  }
  return {
    next: newObject<AuthorizationPolicy>(SEC_API, 'AuthorizationPolicy', s.policyName, s.namespace, {
      selector: { matchLabels: { ...s.workload.selector } },
      rules: stateRules(s, td),
    }),
  };
}

/* ---- preview: which known callers get through ---- */

/** Who calls: a workload or a gateway, with what identity. */
export interface Caller {
  kind: 'workload' | 'gateway';
  name: string;
  namespace: string;
  serviceAccount: string;
  /** A caller without a sidecar sends plaintext and has no mTLS identity. */
  hasSidecar: boolean;
  /** Pod labels (for DestinationRules with a workloadSelector). */
  labels: Record<string, string>;
  /** Its data plane (the data-plane model): ambient callers have an identity without a sidecar. */
  mode?: 'sidecar' | 'ambient' | 'none' | 'proxy';
}

export interface CallerPreview {
  caller: Caller;
  /** "workload ns/name" or "ingress gateway ns/name". */
  label: string;
  /** The connection (mTLS) is possible and the policies let it through, for every request or some. */
  allowed: boolean;
  /** False when the answer depends on the request (paths, methods, conditions). */
  certain: boolean;
  decision: AuthzDecisionKind;
  connection: EdgeSecurityState;
  /** "AuthorizationPolicy ns/name" that decided, if one did. */
  policy?: string;
  reason: string;
}

/** Known callers: every other workload of the mesh and the ingress gateway (assumed when none is known). */
export function knownCallers(r: MeshResources, target?: { namespace: string; name: string }): Caller[] {
  const out: Caller[] = listWorkloads(r)
    .filter((w) => !(target && w.namespace === target.namespace && w.name === target.name))
    .map((w) => {
      const dp = workloadMode(r, w);
      const mode = dp.proxy || w.gateway ? ('proxy' as const) : dp.mode;
      return {
        kind: w.gateway || dp.proxy === 'gateway' ? ('gateway' as const) : ('workload' as const),
        name: w.name,
        namespace: w.namespace,
        serviceAccount: w.serviceAccount,
        hasSidecar: w.hasSidecar || dp.inMesh,
        labels: w.labels,
        mode,
      };
    })
    // Waypoints and ztunnel are not callers of their own.
    .filter((c) => !(c.mode === 'proxy' && c.kind !== 'gateway'));
  if (!out.some((c) => c.kind === 'gateway' && c.name.includes('ingress'))) {
    out.push({
      kind: 'gateway',
      name: 'istio-ingressgateway',
      namespace: rootNamespace(r),
      serviceAccount: 'istio-ingressgateway-service-account',
      hasSidecar: true,
      labels: { istio: 'ingressgateway' },
    });
  }
  return out;
}

/** The workload being protected, as the security evaluation sees it: pod labels, sidecar, the host and port callers use. */
function previewTarget(s: Pick<CallersState, 'namespace' | 'workload'>, r: MeshResources): PreviewTarget {
  const targets = listWorkloads(r, s.namespace).filter((w) => Object.keys(s.workload.selector).length > 0 && matchesLabels(s.workload.selector, w.labels));
  const labels = targets[0]?.labels ?? s.workload.selector;
  const svc = servicesOfWorkload(r, s.namespace, labels)[0];
  const port = svc?.spec?.ports?.[0];
  const workloadPort = typeof port?.targetPort === 'number' ? port.targetPort : port?.port;
  const modes = targets.map((w) => workloadMode(r, w));
  if (modes.some((m) => m.mode === 'ambient')) {
    const enf = callerEnforcement(r, s.namespace, s.workload.selector);
    const wsvc = enf.kind === 'waypoint' ? findService(r, s.namespace, enf.service!) : svc;
    const wport = wsvc?.spec?.ports?.[0];
    const wl = typeof wport?.targetPort === 'number' ? wport.targetPort : wport?.port;
    return {
      namespace: s.namespace,
      labels,
      inMesh: true,
      mode: 'ambient',
      host: wsvc ? fqdn(wsvc.metadata.name, s.namespace) : '',
      ...(wport ? { port: wport.port } : {}),
      ...(wl !== undefined ? { request: { port: wl } } : {}),
      ...(enf.kind === 'waypoint' && enf.waypoint
        ? {
            waypoint: { namespace: enf.waypoint.namespace, name: enf.waypoint.name, className: 'istio-waypoint', serviceAccount: enf.waypoint.serviceAccount },
            service: { namespace: s.namespace, name: enf.service! },
          }
        : {}),
    };
  }
  return {
    namespace: s.namespace,
    labels,
    inMesh: targets.length ? targets.every((w) => w.hasSidecar) : true,
    host: svc ? fqdn(svc.metadata.name, s.namespace) : '',
    ...(port ? { port: port.port } : {}),
    ...(workloadPort !== undefined ? { request: { port: workloadPort } } : {}),
  };
}

/** Each known caller, allowed or denied once the state's policy is applied. */
export function previewCallers(state: CallersState, r: MeshResources): CallerPreview[] {
  const { live, next } = proposedPolicy(state, r);
  const draft: MeshResources = { ...r, authorizationPolicies: [...r.authorizationPolicies.filter((p) => p !== live), next] };
  const target = previewTarget(state, draft);
  return knownCallers(r, { namespace: state.namespace, name: state.workload.name }).map((caller) => {
    const { connection, decision } = previewCaller(
      draft,
      {
        namespace: caller.namespace,
        serviceAccount: caller.serviceAccount,
        labels: caller.labels,
        inMesh: caller.hasSidecar,
        name: caller.name,
        ...(caller.mode ? { mode: caller.mode } : {}),
      },
      target,
    );
    const refused = connection.state === 'conflict';
    return {
      caller,
      label: `${caller.kind === 'gateway' ? 'ingress gateway' : 'workload'} ${caller.namespace}/${caller.name}`,
      allowed: !refused && decision.decision !== 'deny',
      certain: refused || decision.decision !== 'conditional',
      decision: refused ? 'deny' : decision.decision,
      connection: connection.state,
      ...(!refused && decision.policy ? { policy: decision.policy } : {}),
      reason: refused ? `the connection fails: ${connection.reason}` : decision.reason,
    };
  });
}

/**
 * The order the form lists previews in: gateways first (outside traffic is what a
 * restriction most often breaks), then callers of the workload's own namespace, then the
 * allowed ones, then by label.
 */
export function sortCallerPreviews(previews: readonly CallerPreview[], namespace: string): CallerPreview[] {
  const rank = (p: CallerPreview) => [p.caller.kind === 'gateway' ? 0 : 1, p.caller.namespace === namespace ? 0 : 1, p.allowed ? 0 : 1] as const;
  return [...previews].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.label.localeCompare(b.label);
  });
}

/* ---- build ---- */

export function buildCallers(input: CallersState, ctx: CallersContext): BuildResult {
  const checked = checkState(callersSchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];

  const { live, next } = proposedPolicy(s, r);
  pushWrite(writes, next, live);

  const labels = s.workload.selector;
  const targets = listWorkloads(r, s.namespace).filter((w) => matchesLabels(labels, w.labels));
  if (!targets.length)
    warnings.push({
      code: 'AUTHZ_NO_WORKLOAD',
      message: `No workload in ${s.namespace} has the labels ${Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}; the policy would protect nothing.`,
    });

  const root = rootNamespace(r);
  const enforcement = callerEnforcement(r, s.namespace, labels);
  const onWaypoint = s.attach === 'waypoint' && !!s.service;
  if (onWaypoint && (enforcement.kind !== 'waypoint' || enforcement.service !== s.service)) {
    warnings.push({
      code: 'AUTHZ_NO_WAYPOINT',
      message: `The policy targets Service ${s.namespace}/${s.service}, but no waypoint serves it now (${enforcement.reason}): nothing would enforce it.`,
    });
  } else if (onWaypoint) {
    warnings.push({
      code: 'AUTHZ_ON_WAYPOINT',
      message: `Enforced by ${enforcement.waypoint!.resource} for requests addressed to Service ${s.service}; callers that address the pods directly bypass it.`,
    });
  } else if (enforcement.kind === 'ztunnel') {
    warnings.push({ code: 'AUTHZ_L4_ONLY', message: `ztunnel enforces this policy: ${enforcement.reason}` });
  }
  const otherAllows = r.authorizationPolicies.filter(
    (p) =>
      p !== live &&
      (p.spec?.action ?? 'ALLOW') === 'ALLOW' &&
      (onWaypoint
        ? p.metadata.namespace === s.namespace && targetsOnlyService(p, s.service!)
        : !p.spec?.targetRef &&
          !p.spec?.targetRefs &&
          (p.metadata.namespace === s.namespace || p.metadata.namespace === root) &&
          matchesLabels(p.spec?.selector?.matchLabels, targets[0]?.labels ?? labels)),
  );
  if (otherAllows.length) {
    warnings.push({
      code: 'AUTHZ_OTHER_ALLOW',
      message: `${listInWords(otherAllows.map(friendlyName))} also ${otherAllows.length === 1 ? 'applies' : 'apply'} to this workload; ALLOW policies add up, so callers ${otherAllows.length === 1 ? 'it allows' : 'they allow'} still get through.`,
    });
  }

  const mtls = effectiveMtls(r, { namespace: s.namespace, labels: targets[0]?.labels ?? labels });
  // Between ambient workloads ztunnel always speaks mTLS (HBONE): identities are known whatever the mode.
  if (mtls.mode !== 'STRICT' && enforcement.kind === 'sidecar') {
    warnings.push({
      code: 'AUTHZ_NEEDS_MTLS',
      message: `Namespaces and service accounts are read from the caller's mTLS certificate. mTLS here is ${mtls.reason}, so callers without a sidecar have no identity and will be denied.`,
    });
  }

  // The ingress gateway routes to this workload but would be refused: external requests get "RBAC: access denied".
  const preview = previewCallers(s, r);
  const hosts = new Set(targets.flatMap((w) => servicesOfWorkload(r, w.namespace, w.labels)).map((svc) => fqdn(svc.metadata.name, svc.metadata.namespace)));
  const exposing = r.virtualServices.filter(
    (vs) =>
      (vs.spec?.gateways ?? []).some((g) => g !== 'mesh') &&
      (vs.spec?.http ?? []).some((rt) => (rt.route ?? []).some((d) => d.destination?.host && hosts.has(fqdn(d.destination.host, vs.metadata.namespace)))),
  );
  const gatewayDenied = preview.filter((p) => p.caller.kind === 'gateway' && !p.allowed && p.certain);
  if (exposing.length && gatewayDenied.length) {
    warnings.push({
      code: 'AUTHZ_INGRESS_DENIED',
      message: `${listInWords(exposing.map(friendlyName))} ${exposing.length === 1 ? 'routes' : 'route'} requests from outside to ${s.workload.name}, but the ${listInWords(gatewayDenied.map((p) => p.label))} (namespace ${gatewayDenied[0]!.caller.namespace}) is not allowed to call it: those requests will get "RBAC: access denied". Allow namespace ${gatewayDenied[0]!.caller.namespace} or the gateway's service account if they should get through.`,
    });
  }
  return { writes, warnings, errors: [] };
}
