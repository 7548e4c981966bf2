/**
 * Caller-restrictions form: an AuthorizationPolicy (ALLOW) on a workload that lets only
 * chosen namespaces and/or service accounts call it, and a preview of which known
 * callers (workloads, the ingress gateway) would be allowed or denied.
 *
 * Ownership: the ALLOW policy of the namespace whose selector is exactly the workload's
 * labels and whose rules only name source namespaces / principals (S3: to-sample). Any
 * other policy is left alone (and named in a warning when it changes the outcome).
 *
 * The decision logic is one isolated function, authorizeCaller(), written against the
 * small Caller / AuthzTarget interfaces below; it is meant to be replaced by
 * lib/istio/security's authorize() when that lands.
 */
import { z } from 'zod';
import { fqdn } from '../hosts';
import { matchesLabels } from '../labels';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { AuthorizationPolicy, AuthzRule, AuthzSource } from '../types';
import {
  checkState, deepEqual, listInWords, listWorkloads, newObject, principalOf, pushWrite, rootNamespace, servicesOfWorkload, startFrom, trustDomain,
  type BuildResult, type FormWarning, type FormWrite,
} from './common';
import { describeEffectiveMtls } from './mtls';
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
    addDuplicateIssues(ctx, s.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`), ['serviceAccounts'], (x) => `The service account ${x} is listed twice`);
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
function isCallerList(p: AuthorizationPolicy): boolean {
  const spec = p.spec ?? {};
  if ((spec.action ?? 'ALLOW') !== 'ALLOW' || spec.provider || spec.targetRef || spec.targetRefs) return false;
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
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name))[0];
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

export function getInitCallers(ctx: { resources: MeshResources; namespace: string; workload: { name: string; selector?: Record<string, string> } }): CallersState {
  const r = ctx.resources;
  const selector = ctx.workload.selector ?? workloadSelectorFor(r, ctx.namespace, ctx.workload.name) ?? {};
  const owner = findOwningAuthorizationPolicy(r, ctx.namespace, selector);
  const { namespaces, principals } = sourcesOf(owner);
  return {
    namespace: ctx.namespace,
    workload: { name: ctx.workload.name, selector: { ...selector } },
    policyName: owner?.metadata.name ?? `${ctx.workload.name}-callers`,
    namespaces,
    serviceAccounts: principals.map((p) => parsePrincipal(p)!).map((p) => ({ namespace: p.namespace, name: p.name })),
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
  const live = findOwningAuthorizationPolicy(r, s.namespace, s.workload.selector);
  if (live) {
    const before = sourcesOf(live);
    const wanted = { namespaces: s.namespaces, principals: s.serviceAccounts.map((sa) => principalOf(td, sa.namespace, sa.name)) };
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    const next = startFrom(live);
    if (!(same(before.namespaces, wanted.namespaces) && same(before.principals, wanted.principals))) next.spec = { ...next.spec, rules: stateRules(s, td) };
    return { live, next };
  }
  return {
    next: newObject<AuthorizationPolicy>(SEC_API, 'AuthorizationPolicy', s.policyName, s.namespace, { selector: { matchLabels: { ...s.workload.selector } }, rules: stateRules(s, td) }),
  };
}

/* ---- authorization (isolated; to be replaced by lib/istio/security authorize()) ---- */

/** Who calls: a workload or a gateway, with what identity. */
export interface Caller {
  kind: 'workload' | 'gateway';
  name: string;
  namespace: string;
  serviceAccount: string;
  /** A caller without a sidecar sends plaintext and has no mTLS identity. */
  hasSidecar: boolean;
}

/** Who is called. */
export interface AuthzTarget {
  namespace: string;
  labels: Record<string, string>;
  /** Effective inbound mTLS mode of the target. */
  mtlsMode: 'STRICT' | 'PERMISSIVE' | 'DISABLE';
}

export interface AuthzDecision {
  allowed: boolean;
  /** False when the deciding rule also looks at the request (paths, methods, conditions), so the answer depends on it. */
  certain: boolean;
  reason: string;
}

function matchValue(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

const anyMatch = (patterns: string[] | undefined, v: string | undefined) => (patterns ?? []).some((p) => matchValue(p, v));

/** Does a source match the caller's identity? undefined when it depends on things the preview cannot know (JWT, IPs). */
function sourceMatches(src: AuthzSource, id: { principal?: string; namespace?: string }): boolean | undefined {
  if (src.principals && !anyMatch(src.principals, id.principal)) return false;
  if (src.notPrincipals && anyMatch(src.notPrincipals, id.principal)) return false;
  if (src.namespaces && !anyMatch(src.namespaces, id.namespace)) return false;
  if (src.notNamespaces && anyMatch(src.notNamespaces, id.namespace)) return false;
  const unknown = ['requestPrincipals', 'notRequestPrincipals', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'].some((k) => (src as Record<string, unknown>)[k] !== undefined);
  return unknown ? undefined : true;
}

/** true / false, or undefined when the rule's outcome depends on the request. */
function ruleMatches(rule: AuthzRule, id: { principal?: string; namespace?: string }): boolean | undefined {
  let from: boolean | undefined = true;
  if (rule.from?.length) {
    const results = rule.from.map((f) => sourceMatches(f.source ?? {}, id));
    from = results.includes(true) ? true : results.includes(undefined) ? undefined : false;
  }
  if (from === false) return false;
  const requestDependent = Boolean(rule.to?.length || rule.when?.length);
  return requestDependent || from === undefined ? undefined : true;
}

/**
 * Would `caller` be allowed to call `target` under `policies`? Minimal Istio semantics:
 * STRICT refuses plaintext; CUSTOM is not evaluated; any matching DENY rule denies; with
 * no ALLOW policy everything else is allowed, otherwise some ALLOW rule must match.
 */
export function authorizeCaller(caller: Caller, target: AuthzTarget, policies: readonly AuthorizationPolicy[], opts: { rootNamespace: string; trustDomain: string }): AuthzDecision {
  if (target.mtlsMode === 'STRICT' && !caller.hasSidecar) {
    return { allowed: false, certain: true, reason: 'it has no sidecar and sends plaintext, which STRICT mTLS refuses' };
  }
  const id = caller.hasSidecar && target.mtlsMode !== 'DISABLE' ? { principal: principalOf(opts.trustDomain, caller.namespace, caller.serviceAccount), namespace: caller.namespace } : {};
  const applies = (p: AuthorizationPolicy) => {
    if (p.spec?.targetRef || p.spec?.targetRefs) return false;
    const ns = p.metadata.namespace;
    if (ns !== target.namespace && ns !== opts.rootNamespace) return false;
    return matchesLabels(p.spec?.selector?.matchLabels, target.labels);
  };
  const relevant = policies.filter(applies);
  for (const p of relevant.filter((x) => x.spec?.action === 'DENY')) {
    for (const rule of p.spec?.rules ?? []) {
      const m = ruleMatches(rule, id);
      if (m === true) return { allowed: false, certain: true, reason: `denied by ${friendlyName(p)}` };
      if (m === undefined) return { allowed: false, certain: false, reason: `${friendlyName(p)} denies some of its requests` };
    }
  }
  const allows = relevant.filter((x) => (x.spec?.action ?? 'ALLOW') === 'ALLOW');
  if (!allows.length) return { allowed: true, certain: true, reason: 'no ALLOW policy applies, so every caller is allowed' };
  let maybe: AuthorizationPolicy | undefined;
  for (const p of allows) {
    for (const rule of p.spec?.rules ?? []) {
      const m = ruleMatches(rule, id);
      if (m === true) return { allowed: true, certain: true, reason: `allowed by ${friendlyName(p)}` };
      if (m === undefined) maybe ??= p;
    }
  }
  if (maybe) return { allowed: true, certain: false, reason: `${friendlyName(maybe)} allows some of its requests` };
  const noId = !('principal' in id) ? ' (it has no mTLS identity)' : '';
  return { allowed: false, certain: true, reason: `no ALLOW rule matches it${noId}` };
}

/* ---- preview ---- */

export interface CallerPreview extends AuthzDecision {
  caller: Caller;
  /** "Deployment ns/name" or "ingress gateway ns/name". */
  label: string;
}

/** Known callers: every other workload of the mesh and the ingress gateway (assumed when none is known). */
export function knownCallers(r: MeshResources, target?: { namespace: string; name: string }): Caller[] {
  const out: Caller[] = listWorkloads(r)
    .filter((w) => !(target && w.namespace === target.namespace && w.name === target.name))
    .map((w) => ({ kind: w.gateway ? 'gateway' : 'workload', name: w.name, namespace: w.namespace, serviceAccount: w.serviceAccount, hasSidecar: w.hasSidecar }));
  if (!out.some((c) => c.kind === 'gateway' && c.name.includes('ingress'))) {
    out.push({ kind: 'gateway', name: 'istio-ingressgateway', namespace: rootNamespace(r), serviceAccount: 'istio-ingressgateway-service-account', hasSidecar: true });
  }
  return out;
}

/** Each known caller, allowed or denied once the state's policy is applied. */
export function previewCallers(state: CallersState, r: MeshResources): CallerPreview[] {
  const { live, next } = proposedPolicy(state, r);
  const policies = [...r.authorizationPolicies.filter((p) => p !== live), next];
  const mtls = describeEffectiveMtls(r, { namespace: state.namespace, labels: state.workload.selector }).mode;
  const target: AuthzTarget = { namespace: state.namespace, labels: state.workload.selector, mtlsMode: mtls };
  const opts = { rootNamespace: rootNamespace(r), trustDomain: trustDomain(r) };
  return knownCallers(r, { namespace: state.namespace, name: state.workload.name }).map((caller) => ({
    caller,
    label: `${caller.kind === 'gateway' ? 'ingress gateway' : 'workload'} ${caller.namespace}/${caller.name}`,
    ...authorizeCaller(caller, target, policies, opts),
  }));
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
  if (!targets.length) warnings.push({ code: 'AUTHZ_NO_WORKLOAD', message: `No workload in ${s.namespace} has the labels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ')}; the policy would protect nothing.` });

  const root = rootNamespace(r);
  const otherAllows = r.authorizationPolicies.filter(
    (p) => p !== live && (p.spec?.action ?? 'ALLOW') === 'ALLOW' && !p.spec?.targetRef && !p.spec?.targetRefs &&
      (p.metadata.namespace === s.namespace || p.metadata.namespace === root) && matchesLabels(p.spec?.selector?.matchLabels, targets[0]?.labels ?? labels),
  );
  if (otherAllows.length) {
    warnings.push({ code: 'AUTHZ_OTHER_ALLOW', message: `${listInWords(otherAllows.map(friendlyName))} also ${otherAllows.length === 1 ? 'applies' : 'apply'} to this workload; ALLOW policies add up, so callers ${otherAllows.length === 1 ? 'it allows' : 'they allow'} still get through.` });
  }

  const mtls = describeEffectiveMtls(r, { namespace: s.namespace, labels: targets[0]?.labels ?? labels });
  if (mtls.mode !== 'STRICT') {
    warnings.push({ code: 'AUTHZ_NEEDS_MTLS', message: `Namespaces and service accounts are read from the caller's mTLS certificate. mTLS here is ${mtls.mode} (${mtls.explanation}), so callers without a sidecar have no identity and will be denied.` });
  }

  // The ingress gateway routes to this workload but would be refused: external requests get "RBAC: access denied".
  const preview = previewCallers(s, r);
  const hosts = new Set(targets.flatMap((w) => servicesOfWorkload(r, w.namespace, w.labels)).map((svc) => fqdn(svc.metadata.name, svc.metadata.namespace)));
  const exposing = r.virtualServices.filter(
    (vs) => (vs.spec?.gateways ?? []).some((g) => g !== 'mesh') && (vs.spec?.http ?? []).some((rt) => (rt.route ?? []).some((d) => d.destination?.host && hosts.has(fqdn(d.destination.host, vs.metadata.namespace)))),
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
