/**
 * AuthorizationPolicy decisions as Istio's sidecar enforces them. Pure; used by the
 * graph (decision on every edge), the caller-restriction form (which known callers
 * would be allowed or denied) and the analysis engine.
 *
 *   authorize(resources, { caller, target, request? }) -> AuthzDecision
 *
 * - Policies that apply to the target: those in the root namespace (mesh-wide, their
 *   selector matched against the target's labels) and those in the target's namespace
 *   (no selector = every workload there). Policies with targetRef/targetRefs (Gateway
 *   API / waypoints) and dry-run policies (annotation istio.io/dry-run: "true") are
 *   not enforced by a sidecar and are ignored. A target without a sidecar enforces
 *   nothing: the decision is 'allow'.
 * - Order: CUSTOM, then DENY, then ALLOW. A DENY that matches denies. If any ALLOW
 *   policy applies, the request must match one of them, otherwise it is denied by
 *   them; with no ALLOW policy it is allowed. A matching CUSTOM policy hands the
 *   decision to its external authorizer: 'conditional'. AUDIT changes nothing.
 * - Every field is evaluated three-valued (yes / no / depends). Source identity comes
 *   from the caller: principal "<trustDomain>/ns/<ns>/sa/<sa>" and namespace exist only
 *   when the caller reaches the target over Istio mTLS (a caller without sidecar, or a
 *   plaintext connection, has none: principals/namespaces never match, and notPrincipals
 *   / notNamespaces always do, as in Envoy). Request attributes (paths, methods, hosts,
 *   ports, headers, JWT principals, IPs, when-conditions on them) are taken from
 *   `request` when given and otherwise "depend on the request": the decision becomes
 *   'conditional' unless something else decides it first.
 * - The deciding policy is named "AuthorizationPolicy ns/name". For a denial because no
 *   ALLOW rule matches, it is the (first) ALLOW policy that applied.
 *
 * Ambient mode (target `mode: 'ambient'`; https://istio.io/latest/docs/ambient/usage/l4-policy/
 * and l7-features/, and istiod's conversion for ztunnel, pilot/pkg/serviceregistry/ambient/authorization.go):
 * - The destination ztunnel enforces the same selector, namespace-wide and root-namespace
 *   policies, but sees L4 only. An ALLOW rule that matches HTTP attributes (hosts,
 *   methods, paths and their not- forms; requestPrincipals, remoteIpBlocks; `when` keys
 *   other than source.ip, source.namespace, source.principal, destination.ip,
 *   destination.port) is omitted ("more restrictive than requested": an ALLOW policy left
 *   without rules allows nothing); a DENY rule keeps only its L4 parts (denies more).
 *   CUSTOM and AUDIT are not supported by ztunnel and are ignored there, and so are
 *   dry-run policies.
 * - Policies with targetRefs are enforced by waypoints (and gateways): kind Service for
 *   traffic to that Service through its waypoint, kind Gateway for everything through
 *   that waypoint, kind GatewayClass (root namespace) for every waypoint of the class.
 *   The waypoint sees the client's identity and every HTTP attribute.
 * - Through a waypoint there are two hops: the waypoint decides with the client's
 *   identity, then the destination ztunnel decides with the waypoint's identity
 *   (waypoints do not impersonate the client): authorizePath() composes both.
 */
import { matchesLabels, type Labels } from '../labels';
import type { MeshResources } from '../resources';
import type { AuthorizationPolicy, AuthzCondition, AuthzOperation, AuthzRule, AuthzSource } from '../types';
import { isEmptyRecord, refOf, securityIndex, wildcardMatch } from './common';

export type AuthzCaller =
  | {
      namespace?: string;
      serviceAccount?: string;
      labels?: Labels;
      /** The caller runs a sidecar (or is a gateway proxy). */
      inMesh: boolean;
      /**
       * The connection to the target is Istio mTLS, so the caller's identity is known to
       * the target. Defaults to `inMesh`; pass false for a plaintext edge (e.g. a
       * PERMISSIVE server reached with DISABLE).
       */
      mtls?: boolean;
      /** Free text for reasons, e.g. "ver:ns/app/v1". */
      name?: string;
      /** The caller's data plane (for the connection it opens); defaults to sidecar when inMesh. */
      mode?: 'sidecar' | 'ambient' | 'none' | 'proxy';
    }
  | { external: true; name?: string };

export interface AuthzTarget {
  namespace: string;
  labels?: Labels;
  /** Defaults to true. A workload without sidecar enforces no policy. */
  inMesh?: boolean;
  /** Who enforces policies for it: its sidecar (default when inMesh), ztunnel (ambient), an Istio proxy (a gateway's own Envoy). */
  mode?: 'sidecar' | 'ambient' | 'none' | 'proxy';
}

/** Where a decision is taken. */
export type EnforcementPoint = 'sidecar' | 'ztunnel' | 'waypoint' | 'gateway' | 'none';

/** Known request attributes. Anything left out "depends on the request". */
export interface AuthzRequest {
  method?: string;
  path?: string;
  host?: string;
  /** Destination (workload) port. */
  port?: number;
  headers?: Record<string, string>;
  /** JWT "iss/sub"; null = the request carries no valid JWT. */
  requestPrincipal?: string | null;
  sourceIp?: string;
  remoteIp?: string;
  sni?: string;
}

export type AuthzDecisionKind = 'allow' | 'deny' | 'conditional';

export interface AuthzDecision {
  decision: AuthzDecisionKind;
  /** "AuthorizationPolicy ns/name" that decided (undefined: no policy was needed to decide). */
  policy?: string;
  /** Index of the rule that matched, when one did. */
  rule?: number;
  reason: string;
  /** Every policy that applies to the target, in evaluation order (CUSTOM, DENY, ALLOW, AUDIT). */
  applicable: string[];
  /** Where the decision is taken (for a path through a waypoint: the hop that decided). */
  enforcedBy?: EnforcementPoint;
  /** "Gateway ns/name" of the waypoint or gateway that enforces it. */
  enforcer?: string;
  /** Each hop of a path through a waypoint, in order. */
  steps?: AuthzStep[];
  /** What ztunnel did to policies it cannot fully enforce (rules omitted, HTTP parts dropped, actions ignored). */
  notes?: string[];
}

export interface AuthzStep {
  at: EnforcementPoint;
  enforcer?: string;
  /** Whose identity the hop sees. */
  caller: string;
  decision: AuthzDecisionKind;
  policy?: string;
  reason: string;
}

export interface AuthzQuery {
  caller: AuthzCaller;
  target: AuthzTarget;
  request?: AuthzRequest;
}

/* ---- three-valued logic ---- */

type Tri = 'yes' | 'no' | 'maybe';

function and(values: Iterable<Tri>): Tri {
  let out: Tri = 'yes';
  for (const v of values) {
    if (v === 'no') return 'no';
    if (v === 'maybe') out = 'maybe';
  }
  return out;
}

function or(values: Iterable<Tri>): Tri {
  let out: Tri = 'no';
  for (const v of values) {
    if (v === 'yes') return 'yes';
    if (v === 'maybe') out = 'maybe';
  }
  return out;
}

/** A positive list: the value must match one entry. Unknown value -> maybe. Empty/absent list -> yes. */
function list(patterns: readonly string[] | undefined, value: string | undefined | null, match: (p: string, v: string) => boolean): Tri {
  if (!patterns || patterns.length === 0) return 'yes';
  if (value === undefined) return 'maybe';
  if (value === null) return 'no';
  return patterns.some((p) => match(p, value)) ? 'yes' : 'no';
}

/** A negative list: the value must match no entry. */
function notList(patterns: readonly string[] | undefined, value: string | undefined | null, match: (p: string, v: string) => boolean): Tri {
  if (!patterns || patterns.length === 0) return 'yes';
  if (value === undefined) return 'maybe';
  if (value === null) return 'yes';
  return patterns.some((p) => match(p, value)) ? 'no' : 'yes';
}

/* ---- identity ---- */

interface Identity {
  /** null: no identity (no mTLS). undefined: has one, value unknown. */
  namespace: string | null | undefined;
  principal: string | null | undefined;
  trustDomain: string;
}

function identityOf(caller: AuthzCaller, trustDomain: string): Identity {
  if ('external' in caller) return { namespace: null, principal: null, trustDomain };
  const mtls = caller.mtls ?? caller.inMesh;
  if (!caller.inMesh || !mtls) return { namespace: null, principal: null, trustDomain };
  const ns = caller.namespace;
  const principal = ns !== undefined && caller.serviceAccount !== undefined ? `${trustDomain}/ns/${ns}/sa/${caller.serviceAccount}` : undefined;
  return { namespace: ns, principal, trustDomain };
}

/** Principal pattern against an identity whose service account (or namespace) may be unknown. */
function principalMatch(patterns: readonly string[] | undefined, id: Identity, negate: boolean): Tri {
  if (!patterns || patterns.length === 0) return 'yes';
  if (id.principal === null) return negate ? 'yes' : 'no';
  if (id.principal !== undefined) {
    const hit = patterns.some((p) => wildcardMatch(p, id.principal as string));
    return hit !== negate ? 'yes' : 'no';
  }
  // Identity present, service account (maybe namespace) unknown.
  const known = id.namespace ? `${id.trustDomain}/ns/${id.namespace}/sa/` : undefined;
  let anyPossible = false;
  for (const p of patterns) {
    if (p === '*') return negate ? 'no' : 'yes';
    if (!known) {
      anyPossible = true;
      continue;
    }
    if (p.startsWith('*')) {
      anyPossible = true;
      continue;
    }
    const fixed = p.endsWith('*') ? p.slice(0, -1) : p;
    if (fixed.startsWith(known) || known.startsWith(fixed)) anyPossible = true;
  }
  if (!anyPossible) return negate ? 'yes' : 'no';
  return 'maybe';
}

/* ---- requests ---- */

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** IPv4 CIDR or address; anything else (IPv6) compares as text. */
export function ipInBlock(block: string, ip: string): boolean {
  const [base, bitsText] = block.split('/');
  const a = ipToInt(ip);
  const b = ipToInt(base ?? '');
  if (a === undefined || b === undefined) return block === ip;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const shift = 32 - bits;
  return Math.floor(a / 2 ** shift) === Math.floor(b / 2 ** shift);
}

const exact = (p: string, v: string) => p === v;
const ci = (p: string, v: string) => wildcardMatch(p.toLowerCase(), v.toLowerCase());

function pathMatch(p: string, v: string): boolean {
  if (p.includes('{')) {
    // Path templates: {*} one segment, {**} any suffix.
    const re =
      '^' +
      p
        .split(/(\{\*\*\}|\{\*\})/)
        .map((s) => (s === '{**}' ? '.*' : s === '{*}' ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$';
    return new RegExp(re).test(v);
  }
  return wildcardMatch(p, v);
}

function sourceMatch(s: AuthzSource | undefined, id: Identity, req: AuthzRequest | undefined): Tri {
  if (!s) return 'yes';
  const nsValue = id.namespace;
  return and([
    principalMatch(s.principals, id, false),
    principalMatch(s.notPrincipals, id, true),
    list(s.namespaces, nsValue, wildcardMatch),
    notList(s.notNamespaces, nsValue, wildcardMatch),
    list(s.requestPrincipals, req?.requestPrincipal, wildcardMatch),
    notList(s.notRequestPrincipals, req?.requestPrincipal, wildcardMatch),
    list(s.ipBlocks, req?.sourceIp, ipInBlock),
    notList(s.notIpBlocks, req?.sourceIp, ipInBlock),
    list(s.remoteIpBlocks, req?.remoteIp ?? req?.sourceIp, ipInBlock),
    notList(s.notRemoteIpBlocks, req?.remoteIp ?? req?.sourceIp, ipInBlock),
  ]);
}

function operationMatch(o: AuthzOperation | undefined, req: AuthzRequest | undefined): Tri {
  if (!o) return 'yes';
  const port = req?.port === undefined ? undefined : String(req.port);
  return and([
    list(o.hosts, req?.host, ci),
    notList(o.notHosts, req?.host, ci),
    list(o.ports, port, exact),
    notList(o.notPorts, port, exact),
    list(o.methods, req?.method, wildcardMatch),
    notList(o.notMethods, req?.method, wildcardMatch),
    list(o.paths, req?.path, pathMatch),
    notList(o.notPaths, req?.path, pathMatch),
  ]);
}

function conditionValue(
  key: string,
  id: Identity,
  req: AuthzRequest | undefined,
): { value: string | null | undefined; match: (p: string, v: string) => boolean } {
  if (key === 'source.namespace') return { value: id.namespace, match: wildcardMatch };
  if (key === 'source.principal') return { value: id.principal, match: wildcardMatch };
  if (key === 'source.ip') return { value: req?.sourceIp, match: ipInBlock };
  if (key === 'remote.ip') return { value: req?.remoteIp ?? req?.sourceIp, match: ipInBlock };
  if (key === 'destination.port') return { value: req?.port === undefined ? undefined : String(req.port), match: exact };
  if (key === 'connection.sni') return { value: req?.sni, match: wildcardMatch };
  if (key === 'request.auth.principal') return { value: req?.requestPrincipal, match: wildcardMatch };
  const h = /^request\.headers\[(.+)\]$/.exec(key);
  if (h && req?.headers) {
    const name = (h[1] ?? '').toLowerCase();
    const found = Object.entries(req.headers).find(([k]) => k.toLowerCase() === name);
    return { value: found ? found[1] : null, match: wildcardMatch };
  }
  return { value: undefined, match: exact };
}

function conditionMatch(c: AuthzCondition, id: Identity, req: AuthzRequest | undefined): Tri {
  const { value, match } = conditionValue(c.key ?? '', id, req);
  return and([list(c.values, value, match), notList(c.notValues, value, match)]);
}

function ruleMatch(rule: AuthzRule, id: Identity, req: AuthzRequest | undefined): Tri {
  const from = rule.from && rule.from.length ? or(rule.from.map((f) => sourceMatch(f.source, id, req))) : 'yes';
  const to = rule.to && rule.to.length ? or(rule.to.map((t) => operationMatch(t.operation, req))) : 'yes';
  const when = and((rule.when ?? []).map((c) => conditionMatch(c, id, req)));
  return and([from, to, when]);
}

/** Which rule of a policy matches: yes (with index), maybe (first maybe), or no. A policy without rules matches nothing. */
function policyMatch(p: AuthorizationPolicy, id: Identity, req: AuthzRequest | undefined): { result: Tri; rule?: number } {
  const rules = p.spec?.rules ?? [];
  let maybe: number | undefined;
  for (let i = 0; i < rules.length; i++) {
    const r = ruleMatch(rules[i] ?? {}, id, req);
    if (r === 'yes') return { result: 'yes', rule: i };
    if (r === 'maybe' && maybe === undefined) maybe = i;
  }
  return maybe !== undefined ? { result: 'maybe', rule: maybe } : { result: 'no' };
}

/* ---- applicability ---- */

function enforcedBySidecar(p: AuthorizationPolicy): boolean {
  const s = p.spec ?? {};
  if (s.targetRef || (s.targetRefs && s.targetRefs.length)) return false;
  if (p.metadata.annotations?.['istio.io/dry-run'] === 'true') return false;
  return true;
}

/** The AuthorizationPolicies enforced on a workload (by its sidecar or ztunnel), sorted root namespace first, then by name. */
export function applicableAuthorizationPolicies(resources: MeshResources, target: { namespace: string; labels?: Labels }): AuthorizationPolicy[] {
  const idx = securityIndex(resources);
  const nss = target.namespace === idx.rootNamespace ? [target.namespace] : [idx.rootNamespace, target.namespace];
  const out: AuthorizationPolicy[] = [];
  for (const ns of nss) {
    for (const p of idx.authzPolicies.get(ns) ?? []) {
      if (!enforcedBySidecar(p)) continue;
      const sel = p.spec?.selector?.matchLabels;
      if (!isEmptyRecord(sel) && !matchesLabels(sel, target.labels)) continue;
      out.push(p);
    }
  }
  return out;
}

function actionOf(p: AuthorizationPolicy): 'ALLOW' | 'DENY' | 'CUSTOM' | 'AUDIT' {
  const a = p.spec?.action ?? 'ALLOW';
  return a === 'DENY' || a === 'CUSTOM' || a === 'AUDIT' ? a : 'ALLOW';
}

function callerText(caller: AuthzCaller, id: Identity): string {
  let what: string;
  if ('external' in caller) what = 'outside the cluster, no mTLS identity';
  else if (id.namespace === null) what = `${caller.inMesh ? 'plaintext connection' : 'no sidecar'}, no mTLS identity`;
  else if (id.principal) what = id.principal;
  else what = `namespace ${id.namespace ?? 'unknown'}, service account unknown`;
  return `${caller.name ?? 'caller'} (${what})`;
}

export function authorize(resources: MeshResources, q: AuthzQuery): AuthzDecision {
  if (q.target.inMesh === false || q.target.mode === 'none') {
    return {
      decision: 'allow',
      reason: 'the target has no sidecar and is not captured by ztunnel, so no AuthorizationPolicy is enforced',
      applicable: [],
      enforcedBy: 'none',
    };
  }
  const policies = applicableAuthorizationPolicies(resources, q.target);
  if (q.target.mode === 'ambient') {
    const notes: string[] = [];
    const views = policies.map((p) => ({ p, v: ztunnelView(p) }));
    for (const { v } of views) notes.push(...v.notes);
    const enforced = views.filter((x) => x.v.policy).map((x) => x.v.policy!);
    const d = decide(resources, enforced, q);
    const deciding = views.find((x) => refOf(x.p) === d.policy);
    const reason = deciding?.v.notes.length ? `${d.reason}: ${deciding.v.notes.join('; ')}` : d.reason;
    return { ...d, reason, enforcedBy: 'ztunnel', ...(notes.length ? { notes } : {}) };
  }
  return { ...decide(resources, policies, q), enforcedBy: q.target.mode === 'proxy' ? 'gateway' : 'sidecar' };
}

function decide(resources: MeshResources, policies: readonly AuthorizationPolicy[], q: AuthzQuery): AuthzDecision {
  const idx = securityIndex(resources);
  const byAction = {
    CUSTOM: [] as AuthorizationPolicy[],
    DENY: [] as AuthorizationPolicy[],
    ALLOW: [] as AuthorizationPolicy[],
    AUDIT: [] as AuthorizationPolicy[],
  };
  for (const p of policies) byAction[actionOf(p)].push(p);
  const applicable = [...byAction.CUSTOM, ...byAction.DENY, ...byAction.ALLOW, ...byAction.AUDIT].map(refOf);
  const id = identityOf(q.caller, idx.trustDomain);
  const who = callerText(q.caller, id);

  const firstWith = (list: AuthorizationPolicy[], want: Tri) => {
    for (const p of list) {
      const m = policyMatch(p, id, q.request);
      if (m.result === want) return { p, rule: m.rule };
    }
    return undefined;
  };

  const denyYes = firstWith(byAction.DENY, 'yes');
  if (denyYes) {
    return {
      decision: 'deny',
      policy: refOf(denyYes.p),
      rule: denyYes.rule,
      reason: `denied: ${who} matches rule ${denyYes.rule} of DENY ${refOf(denyYes.p)}`,
      applicable,
    };
  }
  let allowYes: { p: AuthorizationPolicy; rule?: number } | undefined;
  let allowMaybe: { p: AuthorizationPolicy; rule?: number } | undefined;
  if (byAction.ALLOW.length) {
    allowYes = firstWith(byAction.ALLOW, 'yes');
    if (!allowYes) {
      allowMaybe = firstWith(byAction.ALLOW, 'maybe');
      if (!allowMaybe) {
        const first = byAction.ALLOW[0] as AuthorizationPolicy;
        const names = byAction.ALLOW.map(refOf).join(', ');
        const empty = byAction.ALLOW.every((p) => !p.spec?.rules?.length);
        return {
          decision: 'deny',
          policy: refOf(first),
          reason: empty ? `denied: ${names} has no rules (allow nothing)` : `denied: ${who} matches no rule of ALLOW ${names}`,
          applicable,
        };
      }
    }
  }
  const custom = firstWith(byAction.CUSTOM, 'yes') ?? firstWith(byAction.CUSTOM, 'maybe');
  if (custom) {
    const provider = custom.p.spec?.provider?.name ?? 'an unnamed provider';
    return {
      decision: 'conditional',
      policy: refOf(custom.p),
      rule: custom.rule,
      reason: `decided by the external authorizer ${provider} (CUSTOM ${refOf(custom.p)})`,
      applicable,
    };
  }
  const denyMaybe = firstWith(byAction.DENY, 'maybe');
  if (denyMaybe) {
    return {
      decision: 'conditional',
      policy: refOf(denyMaybe.p),
      rule: denyMaybe.rule,
      reason: `denied by DENY ${refOf(denyMaybe.p)} rule ${denyMaybe.rule} for some requests (depends on request attributes)`,
      applicable,
    };
  }
  if (allowMaybe) {
    return {
      decision: 'conditional',
      policy: refOf(allowMaybe.p),
      rule: allowMaybe.rule,
      reason: `allowed by ALLOW ${refOf(allowMaybe.p)} rule ${allowMaybe.rule} only for some requests (depends on request attributes); others are denied`,
      applicable,
    };
  }
  if (allowYes) {
    return {
      decision: 'allow',
      policy: refOf(allowYes.p),
      rule: allowYes.rule,
      reason: `allowed: ${who} matches rule ${allowYes.rule} of ALLOW ${refOf(allowYes.p)}`,
      applicable,
    };
  }
  return {
    decision: 'allow',
    reason: policies.length ? 'allowed: no ALLOW policy applies and no DENY policy matches' : 'allowed: no AuthorizationPolicy applies to the target',
    applicable,
  };
}

/* ---- ambient: ztunnel's view of a policy ---- */

const L7_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
const L7_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;
/** `when` keys ztunnel can evaluate (istiod's l4WhenAttributes). */
export const L4_WHEN_KEYS: ReadonlySet<string> = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

/** The HTTP (L7) attributes a rule uses, by field name ("methods", "paths", "request.headers[x-user]"...). */
export function l7Attributes(rule: AuthzRule): string[] {
  const out = new Set<string>();
  for (const t of rule.to ?? []) for (const f of L7_OPERATION_FIELDS) if (t.operation?.[f]?.length) out.add(f);
  for (const fr of rule.from ?? []) for (const f of L7_SOURCE_FIELDS) if (fr.source?.[f]?.length) out.add(f);
  for (const w of rule.when ?? []) if (w.key && !L4_WHEN_KEYS.has(w.key)) out.add(w.key);
  return [...out];
}

function stripL7(rule: AuthzRule): AuthzRule {
  const to = rule.to?.map((t) => {
    const op = { ...(t.operation ?? {}) };
    for (const f of L7_OPERATION_FIELDS) delete op[f];
    return { operation: op };
  });
  const from = rule.from?.map((f) => {
    const src = { ...(f.source ?? {}) };
    for (const k of L7_SOURCE_FIELDS) delete src[k];
    return { source: src };
  });
  const when = rule.when?.filter((w) => w.key && L4_WHEN_KEYS.has(w.key));
  const out: AuthzRule = {};
  if (to) out.to = to;
  if (from) out.from = from;
  if (when?.length) out.when = when;
  return out;
}

export interface ZtunnelView {
  /** The policy as ztunnel enforces it (undefined: ztunnel ignores it). */
  policy?: AuthorizationPolicy;
  /** Rules of an ALLOW policy omitted for their HTTP attributes. */
  omitted: number[];
  /** Rules of a DENY policy enforced without their HTTP attributes. */
  stripped: number[];
  /** HTTP attributes found. */
  l7: string[];
  notes: string[];
}

/** How istiod hands a selector policy to ztunnel (pilot/pkg/serviceregistry/ambient/authorization.go). */
export function ztunnelView(p: AuthorizationPolicy): ZtunnelView {
  const action = p.spec?.action ?? 'ALLOW';
  const name = refOf(p);
  if (action === 'CUSTOM' || action === 'AUDIT') {
    return { omitted: [], stripped: [], l7: [], notes: [`ztunnel does not support the ${action} action: ${name} is ignored for ambient workloads`] };
  }
  const rules = p.spec?.rules ?? [];
  const l7 = new Set<string>();
  const omitted: number[] = [];
  const stripped: number[] = [];
  const kept: AuthzRule[] = [];
  rules.forEach((rule, i) => {
    const found = l7Attributes(rule);
    found.forEach((f) => l7.add(f));
    if (!found.length) kept.push(rule);
    else if (action === 'DENY') {
      stripped.push(i);
      kept.push(stripL7(rule));
    } else omitted.push(i);
  });
  const notes: string[] = [];
  if (l7.size) {
    const attrs = [...l7].sort().join(', ');
    notes.push(
      action === 'DENY'
        ? `ztunnel does not support HTTP attributes (found: ${attrs}): the DENY rules of ${name} are enforced without their HTTP parts, which denies more than written`
        : `ztunnel does not support HTTP attributes (found: ${attrs}): the ALLOW rule${omitted.length > 1 ? 's' : ''} ${omitted.join(', ')} of ${name} ${omitted.length > 1 ? 'are' : 'is'} omitted${kept.length ? '' : ', so the policy allows nothing'}`,
    );
  }
  if (!omitted.length && !stripped.length) return { policy: p, omitted, stripped, l7: [], notes };
  return { policy: { ...p, spec: { ...p.spec, rules: kept } }, omitted, stripped, l7: [...l7].sort(), notes };
}

/* ---- waypoints ---- */

export interface PolicyTargetRef {
  group: string;
  kind: string;
  name: string;
}

/** spec.targetRefs (and the older spec.targetRef) of a policy. */
export function targetRefsOf(p: { spec?: { targetRef?: unknown; targetRefs?: unknown } }): PolicyTargetRef[] {
  // As written, not as the schema wants it: a targetRefs that is no list is no reference (schema validation reports it).
  const refs = p.spec?.targetRefs;
  const raw: unknown[] = [...(p.spec?.targetRef ? [p.spec.targetRef] : []), ...(Array.isArray(refs) ? refs : [])];
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return raw
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r))
    .map((r) => ({ group: text(r.group), kind: text(r.kind), name: text(r.name) }));
}

/** The waypoint an authorization decision is taken at: its Gateway, class and identity. */
export interface WaypointRef {
  namespace: string;
  name: string;
  className?: string;
  serviceAccount: string;
}

/**
 * The AuthorizationPolicies a waypoint enforces for traffic to `service`: targetRefs the
 * Service (policy in the Service's namespace), the waypoint's Gateway (policy in its
 * namespace), or its GatewayClass (policy in the root namespace). Dry-run policies are not enforced.
 */
export function waypointPolicies(resources: MeshResources, waypoint: WaypointRef, service?: { namespace: string; name: string }): AuthorizationPolicy[] {
  const idx = securityIndex(resources);
  const out: AuthorizationPolicy[] = [];
  const consider = (ns: string, match: (t: PolicyTargetRef) => boolean) => {
    for (const p of idx.authzPolicies.get(ns) ?? []) {
      if (p.metadata.annotations?.['istio.io/dry-run'] === 'true') continue;
      if (targetRefsOf(p).some(match) && !out.includes(p)) out.push(p);
    }
  };
  consider(
    idx.rootNamespace,
    (t) => t.group === 'gateway.networking.k8s.io' && t.kind === 'GatewayClass' && t.name === (waypoint.className ?? 'istio-waypoint'),
  );
  consider(waypoint.namespace, (t) => t.group === 'gateway.networking.k8s.io' && t.kind === 'Gateway' && t.name === waypoint.name);
  if (service) consider(service.namespace, (t) => t.group === '' && t.kind === 'Service' && t.name === service.name);
  return out;
}

export interface PathQuery extends AuthzQuery {
  /** The waypoint the traffic goes through, when there is one. */
  waypoint?: WaypointRef;
  /** The Service addressed (for targetRefs kind Service). */
  service?: { namespace: string; name: string };
}

function callerName(caller: AuthzCaller, td: string): string {
  if ('external' in caller) return caller.name ?? 'a caller outside the mesh';
  if (caller.namespace && caller.serviceAccount) return `${td}/ns/${caller.namespace}/sa/${caller.serviceAccount}`;
  return caller.name ?? 'the caller';
}

/**
 * The decision for a request from `caller` to `target`, through `waypoint` when given:
 * the waypoint's policies with the caller's identity, then the destination (ztunnel or
 * sidecar) with the waypoint's identity. The first hop that denies decides; otherwise
 * the first that depends on the request; otherwise allowed.
 */
export function authorizePath(resources: MeshResources, q: PathQuery): AuthzDecision {
  if (!q.waypoint) return authorize(resources, q);
  const idx = securityIndex(resources);
  const w = q.waypoint;
  const enforcer = `Gateway ${w.namespace}/${w.name}`;
  const wpPolicies = waypointPolicies(resources, w, q.service);
  const atWaypoint: AuthzDecision = { ...decide(resources, wpPolicies, q), enforcedBy: 'waypoint', enforcer };
  if (!wpPolicies.length)
    atWaypoint.reason = `no AuthorizationPolicy is attached to waypoint ${w.namespace}/${w.name}${q.service ? ` or Service ${q.service.namespace}/${q.service.name}` : ''} (targetRefs)`;
  const wpCaller: AuthzCaller = {
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    inMesh: true,
    mtls: true,
    name: `waypoint ${w.namespace}/${w.name}`,
  };
  const atDestination = authorize(resources, { caller: wpCaller, target: q.target, request: { port: q.request?.port } });
  const steps: AuthzStep[] = [
    {
      at: 'waypoint',
      enforcer,
      caller: callerName(q.caller, idx.trustDomain),
      decision: atWaypoint.decision,
      policy: atWaypoint.policy,
      reason: atWaypoint.reason,
    },
    {
      at: atDestination.enforcedBy ?? 'ztunnel',
      caller: `${idx.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount} (the waypoint forwards with its own identity)`,
      decision: atDestination.decision,
      policy: atDestination.policy,
      reason: atDestination.reason,
    },
  ];
  const notes = [...(atWaypoint.notes ?? []), ...(atDestination.notes ?? [])];
  const applicable = [...atWaypoint.applicable, ...atDestination.applicable];
  const pick = (d: AuthzDecision, at: AuthzStep): AuthzDecision => ({
    decision: d.decision,
    policy: d.policy,
    rule: d.rule,
    applicable,
    steps,
    enforcedBy: at.at,
    ...(at.enforcer ? { enforcer: at.enforcer } : {}),
    ...(notes.length ? { notes } : {}),
    reason:
      at === steps[1]
        ? `at the destination ${at.at}, which sees the waypoint's identity ${idx.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}: ${d.reason}`
        : `at waypoint ${w.namespace}/${w.name}: ${d.reason}`,
  });
  if (atWaypoint.decision === 'deny') return pick(atWaypoint, steps[0]!);
  if (atDestination.decision === 'deny') return pick(atDestination, steps[1]!);
  if (atWaypoint.decision === 'conditional') return pick(atWaypoint, steps[0]!);
  if (atDestination.decision === 'conditional') return pick(atDestination, steps[1]!);
  const decidedBy = atWaypoint.policy ? steps[0]! : atDestination.policy ? steps[1]! : steps[0]!;
  return {
    ...pick(decidedBy === steps[1] ? atDestination : atWaypoint, decidedBy),
    reason: `allowed at waypoint ${w.namespace}/${w.name} (${atWaypoint.reason}) and at the destination ${steps[1]!.at} (${atDestination.reason})`,
  };
}
