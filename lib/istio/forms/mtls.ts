/**
 * mTLS form: STRICT / PERMISSIVE / DISABLE for the mesh, a namespace or a workload (and
 * per workload port), written to the PeerAuthentication that owns that scope, and
 * optionally the client side (DestinationRule trafficPolicy.tls ISTIO_MUTUAL).
 *
 * Ownership:
 *  - mesh: the selector-less PeerAuthentication of the root namespace (istio-system);
 *  - namespace: the namespace's selector-less PeerAuthentication, whatever its name
 *    ("default" by convention) — never a second one;
 *  - workload: the PeerAuthentication whose selector is exactly the workload's labels;
 *    per-port modes go to its portLevelMtls;
 *  - client side: the DestinationRule for the chosen host in the same namespace.
 */
import { z } from 'zod';
import { fqdn, hostMatches, hostsOverlap } from '../hosts';
import { matchesLabels } from '../labels';
import type { MeshResources } from '../resources';
import type { MtlsTarget } from '../security';
import { friendlyName } from '../resources';
import type { DestinationRule, PeerAuthentication, TrafficPolicy } from '../types';
import { listWorkloads, podSpecOf, rootNamespace, servicesOfWorkload, workloadLabel, type Workload } from './mesh';
import { compact, deepEqual, freeName, listInWords, newObject, startFrom } from './objects';
import { checkState, pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { addDuplicateIssues, dnsLabelSchema, hostProblem, labelsSchema, portSchema, resourceNameSchema } from './validators';

export const MTLS_MODES = ['STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET'] as const;
export type MtlsFormMode = (typeof MTLS_MODES)[number];
export type MtlsScope = 'mesh' | 'namespace' | 'workload';

const modeSchema = z.enum(MTLS_MODES, { error: 'Choose STRICT, PERMISSIVE, DISABLE or UNSET (inherit)' });

export const mtlsSchema = z
  .object({
    scope: z.enum(['mesh', 'namespace', 'workload'], { error: 'Choose where the setting applies: the mesh, a namespace or a workload' }),
    /** Namespace of the policy: the root namespace for the mesh scope. */
    namespace: dnsLabelSchema('namespace'),
    /** The workload (workload scope): a display name and the pod labels the policy selects. */
    workload: z.object({ name: z.string(), selector: labelsSchema }).optional(),
    /** UNSET = inherit from the namespace / mesh. */
    mode: modeSchema,
    /** Per workload port (the container port, not the Service port). Workload scope only. */
    portLevel: z.array(z.object({ port: portSchema('workload port'), mode: modeSchema })),
    /** Name of the PeerAuthentication if one has to be created (an existing one keeps its name). */
    policyName: resourceNameSchema('policy name'),
    /** Also make clients use Istio mTLS for `host` (DestinationRule trafficPolicy.tls ISTIO_MUTUAL). */
    clientTls: z.object({ enabled: z.boolean(), host: z.string() }),
  })
  .superRefine((s, ctx) => {
    if (s.scope === 'workload' && (!s.workload || Object.keys(s.workload.selector).length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['workload', 'selector'],
        message: 'Choose the workload: a workload policy needs at least one pod label to select it',
      });
    }
    if (s.scope !== 'workload' && s.portLevel.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['portLevel'],
        message: 'Port settings apply to a workload only: Istio ignores port-level mTLS in a policy without a workload selector',
      });
    }
    addDuplicateIssues(
      ctx,
      s.portLevel.map((p) => String(p.port)),
      ['portLevel'],
      (p) => `Port ${p} is listed twice`,
    );
    if (s.clientTls.enabled) {
      if (s.mode === 'DISABLE') {
        ctx.addIssue({
          code: 'custom',
          path: ['clientTls', 'enabled'],
          message: 'Clients cannot use Istio mTLS towards a server whose mTLS is disabled; choose STRICT or PERMISSIVE, or turn the client setting off',
        });
      }
      const problem = hostProblem(s.clientTls.host);
      if (problem) ctx.addIssue({ code: 'custom', path: ['clientTls', 'host'], message: problem });
    }
  });

export type MtlsState = z.infer<typeof mtlsSchema>;

export interface MtlsContext {
  resources: MeshResources;
  /** Workloads known to call the affected services (e.g. from the graph); env-var references are found on their own. */
  knownClients?: Array<{ namespace: string; name: string }>;
}

export interface MtlsInitContext {
  resources: MeshResources;
  scope: MtlsScope;
  /** Namespace (namespace and workload scope). */
  namespace?: string;
  /** Workload scope: a Deployment name; the selector defaults to its pod template labels' selector. */
  workload?: { name: string; selector?: Record<string, string> };
}

const PA_API = 'security.istio.io/v1';
const DR_API = 'networking.istio.io/v1';

/* ---- ownership ---- */

function selectorOf(pa: PeerAuthentication): Record<string, string> {
  return pa.spec?.selector?.matchLabels ?? {};
}

function byAge<T extends { metadata: { creationTimestamp?: string; name: string } }>(a: T, b: T): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * The PeerAuthentication that owns a scope, and the others that compete with it (a
 * second selector-less policy in a namespace, which Istio resolves by age).
 */
export function findOwningPeerAuthentication(
  r: MeshResources,
  scope: MtlsScope,
  namespace: string,
  selector?: Record<string, string>,
): { owner?: PeerAuthentication; competing: PeerAuthentication[] } {
  const inNs = r.peerAuthentications.filter((p) => p.metadata.namespace === namespace);
  const candidates =
    scope === 'workload'
      ? inNs.filter((p) => Object.keys(selectorOf(p)).length > 0 && deepEqual(selectorOf(p), selector ?? {}))
      : inNs.filter((p) => Object.keys(selectorOf(p)).length === 0);
  const sorted = [...candidates].sort(byAge);
  const owner = sorted.find((p) => p.metadata.name === 'default') ?? sorted[0];
  return { owner, competing: sorted.filter((p) => p !== owner) };
}

function workloadSelectorFor(r: MeshResources, namespace: string, name: string): Record<string, string> | undefined {
  const d = r.deployments.find((x) => x.metadata.namespace === namespace && x.metadata.name === name);
  return d?.spec?.selector?.matchLabels ?? d?.spec?.template?.metadata?.labels;
}

function defaultClientHost(r: MeshResources, scope: MtlsScope, namespace: string, selector?: Record<string, string>): string {
  if (scope === 'mesh') return '*.local';
  if (scope === 'namespace') return `*.${namespace}.svc.cluster.local`;
  const svc = selector ? servicesOfWorkload(r, namespace, selector)[0] : undefined;
  return svc ? fqdn(svc.metadata.name, namespace) : '';
}

function findClientRule(r: MeshResources, namespace: string, host: string): DestinationRule | undefined {
  const want = fqdn(host, namespace);
  return r.destinationRules.find(
    (d) => d.metadata.namespace === namespace && !d.spec?.workloadSelector && d.spec?.host !== undefined && fqdn(d.spec.host, namespace) === want,
  );
}

/* ---- init ---- */

export function getInitMtls(ctx: MtlsInitContext): MtlsState {
  const r = ctx.resources;
  const namespace = ctx.scope === 'mesh' ? rootNamespace(r) : (ctx.namespace ?? 'default');
  const selector = ctx.scope === 'workload' && ctx.workload ? (ctx.workload.selector ?? workloadSelectorFor(r, namespace, ctx.workload.name) ?? {}) : undefined;
  const { owner } = findOwningPeerAuthentication(r, ctx.scope, namespace, selector);
  const mode = (owner?.spec?.mtls?.mode ?? 'UNSET') as MtlsFormMode;
  const portLevel = Object.entries(owner?.spec?.portLevelMtls ?? {})
    .map(([port, v]) => ({ port: Number(port), mode: (v?.mode ?? 'UNSET') as MtlsFormMode }))
    .sort((a, b) => a.port - b.port);
  const host = defaultClientHost(r, ctx.scope, namespace, selector);
  const dr = host ? findClientRule(r, namespace, host) : undefined;
  return {
    scope: ctx.scope,
    namespace,
    ...(ctx.scope === 'workload' && ctx.workload ? { workload: { name: ctx.workload.name, selector: selector ?? {} } } : {}),
    mode: MTLS_MODES.includes(mode) ? mode : 'UNSET',
    portLevel: ctx.scope === 'workload' ? portLevel : [],
    policyName: owner?.metadata.name ?? (ctx.scope === 'workload' ? (ctx.workload?.name ?? 'workload') : 'default'),
    clientTls: { enabled: dr?.spec?.trafficPolicy?.tls?.mode === 'ISTIO_MUTUAL', host },
  };
}

/* ---- effective mode: lib/istio/security is the one evaluation ---- */

/**
 * What to ask effectiveMtls() (lib/istio/security) for the form's scope: the root
 * namespace for the mesh, the namespace, or the pod labels of the chosen workload
 * (its selector when no workload has them yet).
 */
export function mtlsTargetOf(s: Pick<MtlsState, 'scope' | 'namespace' | 'workload'>, r: MeshResources): MtlsTarget {
  if (s.scope !== 'workload' || !s.workload) return { namespace: s.namespace };
  const selector = s.workload.selector;
  const w = listWorkloads(r, s.namespace).find((x) => Object.keys(selector).length > 0 && matchesLabels(selector, x.labels));
  return { namespace: s.namespace, labels: w?.labels ?? selector };
}

/* ---- build ---- */

function buildPeerAuthentication(s: MtlsState, owner: PeerAuthentication | undefined): PeerAuthentication | undefined {
  if (!owner && s.mode === 'UNSET' && s.portLevel.length === 0) return undefined; // nothing to say: inheriting is the default
  const pa: PeerAuthentication = owner ? startFrom(owner) : newObject<PeerAuthentication>(PA_API, 'PeerAuthentication', s.policyName, s.namespace, {});
  const spec = (pa.spec ??= {});
  if (!owner && s.scope === 'workload' && s.workload) spec.selector = { matchLabels: { ...s.workload.selector } };
  if (s.mode === 'UNSET') {
    const liveMode = spec.mtls?.mode;
    if (liveMode !== undefined && liveMode !== 'UNSET') {
      const rest = { ...spec.mtls };
      delete rest.mode;
      if (Object.keys(rest).length) spec.mtls = rest;
      else delete spec.mtls;
    }
  } else {
    spec.mtls = { ...spec.mtls, mode: s.mode };
  }
  if (s.scope === 'workload') {
    const ports = [...s.portLevel].sort((a, b) => a.port - b.port);
    if (ports.length) spec.portLevelMtls = Object.fromEntries(ports.map((p) => [String(p.port), { mode: p.mode }]));
    else delete spec.portLevelMtls;
  }
  return pa;
}

function tlsSettings(tp: TrafficPolicy | undefined, where: string): Array<{ mode: string; where: string }> {
  const out: Array<{ mode: string; where: string }> = [];
  if (tp?.tls?.mode) out.push({ mode: tp.tls.mode, where });
  for (const pl of tp?.portLevelSettings ?? [])
    if (pl.tls?.mode) out.push({ mode: pl.tls.mode, where: `${where ? `${where}, ` : ''}port ${pl.port?.number ?? '?'}` });
  return out;
}

/** Every TLS mode a DestinationRule sets, with where it is set ("", "port 80", "subset v1"). */
function ruleTlsSettings(dr: DestinationRule): Array<{ mode: string; where: string }> {
  return [...tlsSettings(dr.spec?.trafficPolicy, ''), ...(dr.spec?.subsets ?? []).flatMap((ss) => tlsSettings(ss.trafficPolicy, `subset ${ss.name ?? '?'}`))];
}

function describeWhere(where: string): string {
  return where ? ` (${where})` : '';
}

function buildClientRule(s: MtlsState, r: MeshResources, warnings: FormWarning[]): { live?: DestinationRule; next: DestinationRule } | undefined {
  if (!s.clientTls.enabled) return undefined;
  const ns = s.namespace;
  const host = s.clientTls.host;
  const live = findClientRule(r, ns, host);
  let next: DestinationRule;
  if (live) {
    next = startFrom(live);
    const spec = (next.spec ??= {});
    const tp = (spec.trafficPolicy ??= {});
    const before = tp.tls;
    if (before?.mode !== 'ISTIO_MUTUAL') {
      if (before && Object.keys(before).length) {
        warnings.push({
          code: 'MTLS_CLIENT_TLS_REPLACED',
          message: `${friendlyName(live)} set client TLS mode ${before.mode ?? '(none)'}; it will use ISTIO_MUTUAL instead.`,
        });
      }
      tp.tls = { mode: 'ISTIO_MUTUAL' };
    }
  } else {
    const scopeName = s.scope === 'workload' ? (host.split('.')[0] ?? 'workload') : 'default';
    next = newObject<DestinationRule>(DR_API, 'DestinationRule', freeName(scopeName, r.destinationRules, ns), ns, {
      host,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
  }
  // Subset or port settings of this very rule win over its top-level tls.
  for (const t of ruleTlsSettings(next)) {
    if (t.where && t.mode !== 'ISTIO_MUTUAL') {
      warnings.push({
        code: 'DR_TLS_OVERRIDE',
        message: `${friendlyName(next)} sets its own client TLS mode ${t.mode}${describeWhere(t.where)}, which overrides the ISTIO_MUTUAL you are adding for that traffic.`,
      });
    }
  }
  // A rule for a more specific host takes precedence for that host.
  const want = fqdn(host, ns);
  for (const other of r.destinationRules) {
    if (live && other === live) continue;
    const oh = other.spec?.host;
    if (!oh) continue;
    const ofq = fqdn(oh, other.metadata.namespace);
    if (ofq === want || !hostMatches(want, ofq)) continue;
    const own = ruleTlsSettings(other).filter((t) => t.mode !== 'ISTIO_MUTUAL');
    for (const t of own) {
      warnings.push({
        code: 'DR_TLS_OVERRIDE',
        message: `${friendlyName(other)} for host ${oh} sets its own client TLS mode ${t.mode}${describeWhere(t.where)}; for that host it takes precedence over the ISTIO_MUTUAL you are adding for ${host}.`,
      });
    }
  }
  return { live, next };
}

/** Workloads whose inbound mTLS this state changes. */
function affectedWorkloads(s: MtlsState, r: MeshResources): Workload[] {
  const root = rootNamespace(r);
  if (s.scope === 'mesh' || s.namespace === root) return listWorkloads(r).filter((w) => !w.gateway);
  const inNs = listWorkloads(r, s.namespace).filter((w) => !w.gateway);
  if (s.scope === 'namespace') return inNs;
  return inNs.filter((w) => matchesLabels(s.workload?.selector ?? {}, w.labels));
}

function hostsOf(r: MeshResources, ws: Workload[]): Array<{ name: string; namespace: string; fqdn: string }> {
  const seen = new Map<string, { name: string; namespace: string; fqdn: string }>();
  for (const w of ws) {
    for (const svc of servicesOfWorkload(r, w.namespace, w.labels)) {
      const h = fqdn(svc.metadata.name, w.namespace);
      seen.set(h, { name: svc.metadata.name, namespace: w.namespace, fqdn: h });
    }
  }
  return [...seen.values()];
}

/** Does a workload's configuration name one of the hosts (env values such as http://sample.ns.svc.cluster.local:8080)? */
function referencesHost(w: Workload, host: { name: string; namespace: string }): boolean {
  const values = (podSpecOf(w)?.containers ?? []).flatMap((c) => (c.env ?? []).map((e) => e.value ?? ''));
  const qualified = `${host.name}.${host.namespace}`;
  const short = new RegExp(`(^|[/@])${host.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([:/]|$)`);
  return values.some((v) => v.includes(qualified) || (w.namespace === host.namespace && short.test(v)));
}

function strictWarnings(s: MtlsState, ctx: MtlsContext, warnings: FormWarning[]): void {
  const r = ctx.resources;
  const servers = affectedWorkloads(s, r);
  const hosts = hostsOf(r, servers);
  // Port-level modes only matter on ports the services send traffic to (their target ports).
  const served = new Set(
    servers
      .flatMap((w) => servicesOfWorkload(r, w.namespace, w.labels))
      .flatMap((svc) => (svc.spec?.ports ?? []).map((p) => (typeof p.targetPort === 'number' ? p.targetPort : p.port))),
  );
  const strict = s.mode === 'STRICT' || s.portLevel.some((p) => p.mode === 'STRICT' && served.has(p.port));
  const disable = s.mode === 'DISABLE' || s.portLevel.some((p) => p.mode === 'DISABLE' && served.has(p.port));
  if (!strict && !disable) return;
  const all = listWorkloads(r);

  if (strict) {
    const known = new Set((ctx.knownClients ?? []).map((c) => `${c.namespace}/${c.name}`));
    const named: string[] = [];
    for (const w of all) {
      if (w.hasSidecar) continue;
      const called = hosts.filter((h) => referencesHost(w, h));
      if (known.has(`${w.namespace}/${w.name}`) || called.length) {
        named.push(workloadLabel(w));
        const target = called.length ? listInWords(called.map((h) => h.fqdn)) : 'the services this setting covers';
        warnings.push({
          code: 'MTLS_STRICT_CLIENT_NO_SIDECAR',
          message: `${workloadLabel(w)} calls ${target} but has no sidecar, so it sends plaintext, which STRICT refuses. Inject a sidecar into it first, or keep PERMISSIVE until it has one.`,
        });
      }
    }
    const others = all.filter((w) => !w.hasSidecar && !named.includes(workloadLabel(w)));
    if (others.length) {
      warnings.push({
        code: 'MTLS_STRICT_PLAINTEXT_WORKLOADS',
        message: `${listInWords(others.map(workloadLabel))} ${others.length === 1 ? 'has' : 'have'} no sidecar; if ${others.length === 1 ? 'it calls' : 'any of them calls'} a workload under STRICT, the request will be refused.`,
      });
    }
  }

  for (const dr of r.destinationRules) {
    const h = dr.spec?.host;
    if (!h) continue;
    const drHost = fqdn(h, dr.metadata.namespace);
    const covered = hosts.filter((x) => hostsOverlap(drHost, x.fqdn));
    if (!covered.length) continue;
    for (const t of ruleTlsSettings(dr)) {
      if (strict && t.mode !== 'ISTIO_MUTUAL') {
        const what = t.mode === 'DISABLE' ? 'plaintext (DISABLE)' : `its own TLS (${t.mode}), not Istio mTLS`;
        warnings.push({
          code: 'MTLS_STRICT_CLIENT_DR_DISABLE',
          message: `${friendlyName(dr)} makes clients of ${listInWords(covered.map((c) => c.fqdn))} send ${what}${describeWhere(t.where)}; STRICT will refuse those requests. Set its tls mode to ISTIO_MUTUAL or remove it.`,
        });
      }
      if (disable && t.mode === 'ISTIO_MUTUAL') {
        warnings.push({
          code: 'MTLS_DISABLE_CLIENT_MUTUAL',
          message: `${friendlyName(dr)} makes clients of ${listInWords(covered.map((c) => c.fqdn))} use Istio mTLS${describeWhere(t.where)}; a server with mTLS disabled will refuse those connections. Change that rule as well.`,
        });
      }
    }
  }
}

export function buildMtls(input: MtlsState, ctx: MtlsContext): BuildResult {
  const checked = checkState(mtlsSchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];

  const { owner, competing } = findOwningPeerAuthentication(r, s.scope, s.namespace, s.workload?.selector);
  if (competing.length) {
    warnings.push({
      code: 'MTLS_COMPETING_POLICIES',
      message: `${listInWords(competing.map(friendlyName))} ${competing.length === 1 ? 'applies' : 'apply'} to the same ${s.scope === 'workload' ? 'workload' : 'scope'} as ${owner ? friendlyName(owner) : 'this policy'}; Istio uses only the oldest. Delete the extra ${competing.length === 1 ? 'policy' : 'policies'}.`,
    });
  }
  if (s.scope === 'workload' && s.workload) {
    const overlapping = r.peerAuthentications.filter(
      (p) =>
        p !== owner &&
        p.metadata.namespace === s.namespace &&
        Object.keys(selectorOf(p)).length > 0 &&
        !deepEqual(selectorOf(p), s.workload?.selector) &&
        listWorkloads(r, s.namespace).some((w) => matchesLabels(s.workload?.selector, w.labels) && matchesLabels(selectorOf(p), w.labels)),
    );
    for (const p of overlapping) {
      warnings.push({
        code: 'MTLS_COMPETING_POLICIES',
        message: `${friendlyName(p)} also selects this workload; when two workload policies match, Istio uses the oldest.`,
      });
    }
    const matched = listWorkloads(r, s.namespace).filter((w) => matchesLabels(s.workload?.selector, w.labels));
    if (!matched.length)
      warnings.push({
        code: 'MTLS_NO_WORKLOAD',
        message: `No workload in ${s.namespace} has the labels ${JSON.stringify(s.workload.selector)}; the policy would have no effect.`,
      });
  }

  const pa = buildPeerAuthentication(s, owner);
  if (pa) pushWrite(writes, owner ? pa : { ...pa, spec: compact(pa.spec ?? {}) }, owner);

  const client = buildClientRule(s, r, warnings);
  if (client) pushWrite(writes, client.next, client.live);

  strictWarnings(s, ctx, warnings);
  return { writes, warnings, errors: [] };
}
