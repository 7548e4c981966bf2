/**
 * Ambient-mode checks (MB codes; istioctl has none of these). Who is captured by ztunnel,
 * who runs a sidecar and which waypoint serves a Service or workload is the data-plane
 * model's (lib/istio/dataplane.ts); route attachment is the Gateway API model's; which
 * AuthorizationPolicies apply to a workload, and what they decide for a caller, is
 * lib/istio/security's. These analyzers only say what follows in ambient mode:
 *
 * - L7 needs a waypoint: ztunnel is an L4 proxy. Routes with a Service parentRef, policies
 *   with targetRefs and VirtualServices for mesh traffic are applied only by the Service's
 *   waypoint (https://istio.io/latest/docs/ambient/usage/l7-features/,
 *   https://istio.io/latest/docs/ambient/usage/waypoint/). istiod marks such a route
 *   "istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode,
 *   route will not be respected" (pilot/pkg/config/kube/gateway/conditions.go). Policies
 *   with targetRefs are ignored by sidecars and ztunnel; waypoints ignore selector (and
 *   namespace-wide) policies (pilot/pkg/model/policyattachment.go ShouldAttachPolicy).
 * - Selector AuthorizationPolicies on ambient workloads are enforced by ztunnel with L4
 *   attributes only (pilot/pkg/serviceregistry/ambient/authorization.go
 *   convertAuthorizationPolicy/handleRule): an ALLOW rule with HTTP attributes is
 *   omitted, a DENY rule keeps only its L4 parts, CUSTOM and AUDIT are not sent to
 *   ztunnel at all (https://istio.io/latest/docs/ambient/usage/l4-policy/).
 * - Traffic that a waypoint forwards reaches the destination's ztunnel with the
 *   waypoint's identity ("waypoint proxies do not impersonate src identity", the table in
 *   https://istio.io/latest/docs/ambient/usage/l4-policy/); istiod's implicit allow for it
 *   (PILOT_AUTO_ALLOW_WAYPOINT_POLICY, pilot/pkg/features/ambient.go) is off by default.
 * - Sidecar injection takes precedence over ambient capture
 *   (https://istio.io/latest/docs/ambient/usage/add-workloads/).
 * - EnvoyFilters apply only to Envoy proxies; waypoints take only those with targetRefs
 *   (alpha; https://istio.io/latest/docs/reference/config/networking/envoy-filter/).
 */
import { groupOfSegment } from '../../address';
import type { Finding } from '../../findings';
import { ambientDecision, INJECTION_LABEL, REVISION_LABEL, USE_WAYPOINT, type WaypointBinding, type WaypointInfo } from '../../dataplane';
import { GATEWAY_API_GROUP } from '../../kinds';
import {
  applicableAuthorizationPolicies,
  authorize,
  l7Attributes,
  refOf,
  targetRefsOf,
  trustDomainOf,
  ztunnelView,
  type PolicyTargetRef,
} from '../../security';
import type { AuthorizationPolicy, AuthzRule, K8sObject, Service } from '../../types';
import { asLabels, asRecord, containsLabels, nsOf, specOf, str, type AnalysisContext, type Workload } from '../context';
import { hostRegistry, stringList } from '../host-registry';
import { dataPlaneOf, gatewayApiOf, isAmbientService, isAmbientWorkload, mayBeAmbient, meshResourcesOf, servicesOf, workloadDataPlaneOf } from '../models';
import type { Analyzer } from '../types';
import { MESH_GATEWAY } from './virtualservice';

const WAYPOINT_STATUS_MESSAGE = 'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected';

const ref = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind} ${nsOf(o as K8sObject)}/${o.metadata.name}`;

/**
 * "ratings": the Services in front of the workloads (a per-version Service such as
 * ratings-v1, whose selector only narrows another's, is left out), else their app labels or names.
 */
function describeWorkloads(ctx: AnalysisContext, ws: readonly Workload[], fromNs?: string): string {
  const found = new Map<string, Record<string, string>>();
  for (const w of ws) {
    for (const { svc: s, selector } of servicesOf(ctx, w)) found.set(nsOf(s) === fromNs ? s.metadata.name : `${nsOf(s)}/${s.metadata.name}`, selector);
  }
  const sels = [...found.values()];
  const names = [...found]
    .filter(([, sel]) => !sels.some((o) => o !== sel && Object.keys(o).length < Object.keys(sel).length && containsLabels(sel, o)))
    .map(([n]) => n);
  if (!names.length) for (const w of ws) names.push(`${w.namespace === fromNs ? '' : `${w.namespace}/`}${w.labels.app ?? w.name}`);
  return [...new Set(names)].sort().join(', ');
}

/** What to do so that a Service gets a waypoint. */
function waypointAdvice(ctx: AnalysisContext, svc: Pick<Service, 'metadata'>, b: WaypointBinding): string {
  const ns = svc.metadata.namespace || 'default';
  if (b.state === 'opt-out') return `Remove the label ${USE_WAYPOINT}=none from the Service, or move this configuration off it.`;
  if (b.state === 'missing') return `Create the waypoint ${b.named} (istioctl waypoint apply), or fix the label.`;
  if (b.state === 'wrong-traffic' || b.state === 'denied') return `Use a waypoint that takes this Service's traffic.`;
  const candidates = [...dataPlaneOf(ctx).waypoints.values()].filter((w) => w.namespace === ns && (w.traffic === 'service' || w.traffic === 'all'));
  if (candidates.length) return `Label the Service (or namespace ${ns}) ${USE_WAYPOINT}=${candidates[0]!.name} to send its traffic through that waypoint.`;
  return `Deploy a waypoint (istioctl waypoint apply -n ${ns}) and label the Service (or namespace) ${USE_WAYPOINT}=waypoint.`;
}

function noWaypointText(name: string, b: WaypointBinding): string {
  return b.state === 'none' ? `${name} has no waypoint (${b.reason})` : `${name} does not use a waypoint: ${b.reason}`;
}

function labelledForWaypoint(ctx: AnalysisContext, svc: Pick<Service, 'metadata'>): boolean {
  const ns = svc.metadata.namespace || 'default';
  return svc.metadata.labels?.[USE_WAYPOINT] !== undefined || ctx.namespaceLabels(ns)?.[USE_WAYPOINT] !== undefined;
}

/* ---- L7 routes for Services without a waypoint ---- */

export const ambientRouteAnalyzer: Analyzer = {
  name: 'meshboard.AmbientRouteAnalyzer',
  description: 'Checks that routes with a Service parentRef for ambient workloads have a waypoint to apply them',
  codes: ['MB0015'],
  // Waypoints are Gateways: where they could not be read, every Service would seem to have none.
  requires: ['gateway.networking.k8s.io/Gateway'],
  run(ctx) {
    const out: Finding[] = [];
    const dp = dataPlaneOf(ctx);
    for (const route of gatewayApiOf(ctx).routes) {
      for (const p of route.parents) {
        if (!p.accepted || !p.service) continue;
        if (!isAmbientService(ctx, p.service)) continue;
        const b = dp.serviceWaypoint(p.service);
        if (b.state === 'bound') continue;
        const quote = b.state === 'none' && !labelledForWaypoint(ctx, p.service) ? ` istiod reports on the route: "${WAYPOINT_STATUS_MESSAGE}".` : '';
        out.push(
          ctx.finding(
            'MB0015',
            route.obj as unknown as K8sObject,
            [route.resource, `Service ${p.namespace}/${p.name}`, noWaypointText(p.name, b), quote, waypointAdvice(ctx, p.service, b)],
            p.path,
          ),
        );
      }
    }
    return out;
  },
};

/* ---- policies attached with targetRefs ---- */

const TARGETABLE = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'];

/** targetRefs with their field paths (lib/istio/security lists spec.targetRef first, then spec.targetRefs). */
function targetRefsWithPaths(p: K8sObject): Array<{ ref: PolicyTargetRef; path: string }> {
  const single = !!asRecord(specOf(p).targetRef).kind;
  return targetRefsOf(p as { spec?: { targetRef?: unknown; targetRefs?: unknown[] } }).map((ref, i) => ({
    ref,
    path: single && i === 0 ? 'spec/targetRef' : `spec/targetRefs[${single ? i - 1 : i}]`,
  }));
}

export const policyTargetAnalyzer: Analyzer = {
  name: 'meshboard.PolicyTargetAnalyzer',
  description: 'Checks that policies attached with targetRefs to a Service have a waypoint to enforce them, and that targeted Gateways exist',
  codes: ['MB0016'],
  // Waypoints are Gateways: where they could not be read, every Service would seem to have none.
  requires: ['gateway.networking.k8s.io/Gateway'],
  run(ctx) {
    const out: Finding[] = [];
    const dp = dataPlaneOf(ctx);
    const gwModel = gatewayApiOf(ctx);
    for (const kind of TARGETABLE) {
      for (const p of ctx.istio(kind)) {
        const ns = nsOf(p);
        for (const { ref: t, path } of targetRefsWithPaths(p)) {
          const { group, kind: tkind, name } = t;
          if (groupOfSegment(group) === '' && tkind === 'Service') {
            const svc = ctx.find('', 'Service', ns, name) as Service | undefined;
            if (!svc) {
              out.push(
                ctx.finding(
                  'MB0016',
                  p,
                  [`This ${kind}`, `Service ${ns}/${name}`, 'that Service does not exist', 'Fix the name, or create the Service and give it a waypoint.'],
                  path,
                ),
              );
              continue;
            }
            const b = dp.serviceWaypoint(svc);
            if (b.state === 'bound') continue;
            out.push(ctx.finding('MB0016', p, [`This ${kind}`, `Service ${ns}/${name}`, noWaypointText(name, b), waypointAdvice(ctx, svc, b)], path));
          } else if (group === GATEWAY_API_GROUP && tkind === 'Gateway') {
            if (gwModel.gatewayByKey.has(`${ns}/${name}`)) continue;
            out.push(
              ctx.finding(
                'MB0016',
                p,
                [
                  `This ${kind}`,
                  `Gateway ${ns}/${name}`,
                  'that Gateway does not exist (a waypoint is a Gateway of class istio-waypoint)',
                  'Fix the name, or deploy the waypoint (istioctl waypoint apply).',
                ],
                path,
              ),
            );
          }
        }
      }
    }
    return out;
  },
};

/* ---- AuthorizationPolicies enforced by ztunnel ---- */

/** Field path of the first HTTP attribute of `rule` (index `i`), as lib/istio/security's l7Attributes names them. */
function l7Path(rule: AuthzRule, i: number): string {
  const found = new Set(l7Attributes(rule));
  for (const [j, t] of (rule.to ?? []).entries())
    for (const f of Object.keys(t.operation ?? {})) if (found.has(f)) return `spec/rules[${i}]/to[${j}]/operation/${f}`;
  for (const [j, fr] of (rule.from ?? []).entries())
    for (const f of Object.keys(fr.source ?? {})) if (found.has(f)) return `spec/rules[${i}]/from[${j}]/source/${f}`;
  for (const [j, w] of (rule.when ?? []).entries()) if (w.key && found.has(w.key)) return `spec/rules[${i}]/when[${j}]/key`;
  return `spec/rules[${i}]`;
}

/** The L4 parts a (stripped) rule still matches on: "namespaces test; ports 9080". */
function l4Parts(rule: AuthzRule | undefined): string[] {
  const out: string[] = [];
  for (const t of rule?.to ?? []) for (const [f, v] of Object.entries(t.operation ?? {})) if (Array.isArray(v) && v.length) out.push(`${f} ${v.join(', ')}`);
  for (const fr of rule?.from ?? []) for (const [f, v] of Object.entries(fr.source ?? {})) if (Array.isArray(v) && v.length) out.push(`${f} ${v.join(', ')}`);
  for (const w of rule?.when ?? []) if (w.key) out.push(`when ${w.key}`);
  return out;
}

function actionOf(p: AuthorizationPolicy): string {
  return str(p.spec?.action) || 'ALLOW';
}

/** Policy -> the ambient workloads it applies to (the ones ztunnel enforces it on). */
function ztunnelPolicies(ctx: AnalysisContext): Map<AuthorizationPolicy, Workload[]> {
  return ctx.cached('ambient.ztunnelPolicies', () => {
    const r = meshResourcesOf(ctx);
    const m = new Map<AuthorizationPolicy, Workload[]>();
    for (const w of ctx.workloads) {
      if (!isAmbientWorkload(ctx, w)) continue;
      for (const p of applicableAuthorizationPolicies(r, { namespace: w.namespace, labels: w.labels })) {
        const l = m.get(p) ?? [];
        l.push(w);
        m.set(p, l);
      }
    }
    return m;
  });
}

function ruleList(ns: readonly number[]): string {
  return ns.length === 1 ? `rule ${ns[0]}` : `rules ${ns.join(', ')}`;
}

export const ztunnelPolicyAnalyzer: Analyzer = {
  name: 'meshboard.ZtunnelPolicyAnalyzer',
  description: 'Checks AuthorizationPolicies that ztunnel enforces on ambient workloads: HTTP attributes it cannot match, actions it does not support',
  codes: ['MB0017', 'MB0018'],
  run(ctx) {
    const out: Finding[] = [];
    const r = meshResourcesOf(ctx);
    for (const [p, ws] of ztunnelPolicies(ctx)) {
      const obj = p as unknown as K8sObject;
      const action = actionOf(p);
      const who = describeWorkloads(ctx, ws, nsOf(obj));
      const view = ztunnelView(p);
      if (!view.policy) {
        out.push(ctx.finding('MB0018', obj, [action, who, action], 'spec/action'));
        continue;
      }
      if (!view.l7.length) continue;
      const rules = p.spec?.rules ?? [];
      const affected = action === 'DENY' ? view.stripped : view.omitted;
      let effect: string;
      if (action === 'DENY') {
        const kept = view.policy.spec?.rules ?? [];
        const parts = view.stripped.map((i) => {
          const l4 = l4Parts(kept[i]);
          return l4.length
            ? `${ruleList([i])} denies on its L4 parts alone (${l4.join('; ')})`
            : `${ruleList([i])} has no L4 part left, so it denies every connection to ${who}`;
        });
        effect = `istiod sends it to ztunnel without the HTTP rules ("DENY policy with HTTP attributes is enforced without the HTTP rules. This will be more restrictive than requested."): ${parts.join('; ')}.`;
      } else {
        const omitted = '"Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested."';
        if (view.omitted.length === rules.length) {
          // Other ALLOW policies that still allow something at ztunnel keep those connections open.
          const others = new Set<string>();
          for (const w of ws) {
            for (const q of applicableAuthorizationPolicies(r, { namespace: w.namespace, labels: w.labels })) {
              if (q !== p && actionOf(q) === 'ALLOW' && (ztunnelView(q).policy?.spec?.rules ?? []).length) others.add(refOf(q));
            }
          }
          const denied = others.size
            ? `connections to ${who} are allowed only by ${[...others].sort().join(', ')}; the ones this policy meant to allow are denied`
            : `every connection to ${who} is denied`;
          effect = `istiod omits every rule of it (${omitted}), so this ALLOW policy allows nothing and ${denied}.`;
        } else {
          effect = `istiod omits ${ruleList(view.omitted)} (${omitted}); the connections only ${view.omitted.length === 1 ? 'that rule' : 'those rules'} would allow are denied.`;
        }
      }
      const first = affected[0] ?? 0;
      out.push(ctx.finding('MB0017', obj, [action, who, view.l7.join(', '), effect], l7Path(rules[first] ?? {}, first)));
    }
    return out;
  },
};

/* ---- the waypoint's identity at the destination ztunnel ---- */

export const waypointIdentityAnalyzer: Analyzer = {
  name: 'meshboard.WaypointIdentityAnalyzer',
  description: "Checks that ALLOW policies enforced by ztunnel on workloads behind a waypoint allow the waypoint's identity",
  codes: ['MB0024'],
  // Waypoints are Gateways: where they could not be read, every Service would seem to have none.
  requires: ['gateway.networking.k8s.io/Gateway'],
  run(ctx) {
    const r = meshResourcesOf(ctx);
    const dp = dataPlaneOf(ctx);
    const td = trustDomainOf(r);
    const byRef = new Map<string, AuthorizationPolicy>();
    for (const p of ztunnelPolicies(ctx).keys()) byRef.set(refOf(p), p);
    if (![...byRef.values()].some((p) => actionOf(p) === 'ALLOW')) return [];
    // (policy, waypoint, kind of traffic) -> the Services or workloads it cuts off
    const hits = new Map<string, { policy: AuthorizationPolicy; wp: WaypointInfo; kind: 'service' | 'workload'; targets: Set<string> }>();
    const seen = new Set<string>();
    for (const w of ctx.workloads) {
      if (!isAmbientWorkload(ctx, w)) continue;
      const via: Array<{ wp: WaypointInfo; kind: 'service' | 'workload'; target: string }> = [];
      for (const { svc: s } of servicesOf(ctx, w)) {
        const b = dp.serviceWaypoint(s as Service);
        if (b.state === 'bound' && b.waypoint) via.push({ wp: b.waypoint, kind: 'service', target: s.metadata.name });
      }
      const wb = dp.workloadWaypoint(w.namespace, w.labels);
      if (wb.state === 'bound' && wb.waypoint) via.push({ wp: wb.waypoint, kind: 'workload', target: w.labels.app ?? w.name });
      for (const v of via) {
        const key = `${w.namespace}/${JSON.stringify(w.labels)}|${v.wp.resource}|${v.kind}|${v.target}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // The destination hop of lib/istio/security's authorizePath: ztunnel, seeing the waypoint's identity.
        const d = authorize(r, {
          caller: { namespace: v.wp.namespace, serviceAccount: v.wp.serviceAccount, inMesh: true, mtls: true, name: `waypoint ${v.wp.namespace}/${v.wp.name}` },
          target: { namespace: w.namespace, labels: w.labels, mode: 'ambient' },
        });
        if (d.decision !== 'deny' || !d.policy) continue;
        const policy = byRef.get(d.policy);
        // A policy ztunnel cannot read as written is MB0017's finding already.
        if (!policy || actionOf(policy) !== 'ALLOW' || ztunnelView(policy).l7.length) continue;
        const hk = `${d.policy}|${v.wp.resource}|${v.kind}`;
        let h = hits.get(hk);
        if (!h) hits.set(hk, (h = { policy, wp: v.wp, kind: v.kind, targets: new Set() }));
        h.targets.add(v.target);
      }
    }
    const out: Finding[] = [];
    for (const h of hits.values()) {
      const obj = h.policy as unknown as K8sObject;
      const principal = `${td}/ns/${h.wp.namespace}/sa/${h.wp.serviceAccount}`;
      const targets = [...h.targets].sort().join(', ');
      const wp = `${h.wp.namespace}/${h.wp.name}`;
      out.push(
        ctx.finding(
          'MB0024',
          obj,
          [targets, `${h.kind}-addressed`, wp, principal, 'no ALLOW rule that applies there allows that identity', targets, wp, principal],
          'spec/rules',
        ),
      );
    }
    return out;
  },
};

/* ---- selector policies that only a proxy could apply ---- */

const SELECTOR_ONLY: Record<string, string> = {
  RequestAuthentication: 'JWT authentication (RequestAuthentication)',
  Telemetry: 'Telemetry',
  WasmPlugin: 'Wasm plugins',
};

/** Workloads a selector policy in `ns` selects (every namespace for the root namespace). */
function selected(ctx: AnalysisContext, ns: string, sel: Record<string, string>): Workload[] {
  const pool = ns === ctx.rootNamespace ? ctx.workloads : (ctx.workloadsByNamespace.get(ns) ?? []);
  return pool.filter((w) => containsLabels(w.labels, sel));
}

export const ambientSelectorPolicyAnalyzer: Analyzer = {
  name: 'meshboard.AmbientSelectorPolicyAnalyzer',
  description:
    'Checks RequestAuthentication, Telemetry and WasmPlugin resources whose selector matches only ambient workloads (which have no proxy to apply them)',
  codes: ['MB0019'],
  run(ctx) {
    const out: Finding[] = [];
    for (const kind of Object.keys(SELECTOR_ONLY)) {
      for (const p of ctx.istio(kind)) {
        const spec = specOf(p);
        if (targetRefsWithPaths(p).length) continue;
        const sel = asLabels(asRecord(spec.selector).matchLabels);
        if (!Object.keys(sel).length) continue;
        const ws = selected(ctx, nsOf(p), sel).filter((w) => !workloadDataPlaneOf(ctx, w).proxy);
        if (!ws.length || !ws.every((w) => isAmbientWorkload(ctx, w))) continue;
        const advice =
          'Attach it to the waypoint instead: targetRefs naming the Service (kind: Service) or the waypoint (kind: Gateway), with a waypoint for the Service.';
        out.push(ctx.finding('MB0019', p, [kind, describeWorkloads(ctx, ws, nsOf(p)), SELECTOR_ONLY[kind], advice], 'spec/selector'));
      }
    }
    return out;
  },
};

/* ---- istio.io/use-waypoint that does not resolve ---- */

export const useWaypointAnalyzer: Analyzer = {
  name: 'meshboard.UseWaypointAnalyzer',
  description:
    'Checks that istio.io/use-waypoint on namespaces, Services and pods names a waypoint that exists, takes that kind of traffic and accepts the namespace',
  codes: ['MB0020'],
  // Waypoints are Gateways: where they could not be read, every Service would seem to have none.
  requires: ['gateway.networking.k8s.io/Gateway'],
  run(ctx) {
    const out: Finding[] = [];
    const dp = dataPlaneOf(ctx);
    // A waypoint that admits namespaces by a Selector cannot be judged without the Namespace (a folder may not hold it).
    const bad = (b: WaypointBinding, ns: string) =>
      b.state === 'missing' || b.state === 'wrong-traffic' || (b.state === 'denied' && (b.waypoint?.allowedFrom !== 'Selector' || ctx.namespaces.has(ns)));
    for (const n of ctx.core('Namespace')) {
      const v = n.metadata.labels?.[USE_WAYPOINT];
      if (v === undefined || v === 'none') continue;
      // The namespace's label, read as a Service there would (a workload-only waypoint still serves its pods).
      const b = dp.serviceWaypoint({ metadata: { name: '', namespace: n.metadata.name } });
      if (b.state === 'wrong-traffic' && b.waypoint?.traffic !== 'none') continue;
      if (bad(b, n.metadata.name))
        out.push(ctx.finding('MB0020', n, [`Namespace ${n.metadata.name} names a waypoint that cannot serve it`, b.reason], 'metadata/labels'));
    }
    for (const s of ctx.core('Service')) {
      if (s.metadata.labels?.[USE_WAYPOINT] === undefined) continue;
      const b = dp.serviceWaypoint(s as Service);
      if (b.via === 'own' && bad(b, nsOf(s)))
        out.push(ctx.finding('MB0020', s, [`Service ${nsOf(s)}/${s.metadata.name} names a waypoint that cannot serve it`, b.reason], 'metadata/labels'));
    }
    for (const w of ctx.workloads) {
      if (w.labels[USE_WAYPOINT] === undefined || workloadDataPlaneOf(ctx, w).proxy) continue;
      const b = dp.workloadWaypoint(w.namespace, w.labels);
      if (b.via === 'own' && bad(b, w.namespace))
        out.push(
          ctx.finding(
            'MB0020',
            w.obj,
            [`${w.kind} ${w.namespace}/${w.name} names a waypoint that cannot serve it`, b.reason],
            w.isPod ? 'metadata/labels' : 'spec/template/metadata/labels',
          ),
        );
    }
    return out;
  },
};

/* ---- sidecars inside ambient namespaces ---- */

export const sidecarInAmbientAnalyzer: Analyzer = {
  name: 'meshboard.SidecarInAmbientAnalyzer',
  description: 'Checks for workloads that run a sidecar where ambient mode is asked for, and namespaces labelled for both',
  codes: ['MB0021'],
  run(ctx) {
    const out: Finding[] = [];
    const dp = dataPlaneOf(ctx);
    const conflicting = new Set<string>();
    for (const n of ctx.core('Namespace')) {
      const d = dp.namespace(n.metadata.name);
      if (!d.conflict) continue;
      conflicting.add(n.metadata.name);
      const injection =
        n.metadata.labels?.[INJECTION_LABEL] !== undefined
          ? `${INJECTION_LABEL}=${n.metadata.labels[INJECTION_LABEL]}`
          : `${REVISION_LABEL}=${n.metadata.labels?.[REVISION_LABEL]}`;
      out.push(
        ctx.finding(
          'MB0021',
          n,
          [
            `Namespace ${n.metadata.name} is labelled for both sidecar injection (${injection}) and ambient mode (istio.io/dataplane-mode=ambient)`,
            'its injected pods keep their istio-proxy sidecar and ztunnel does not capture them',
            'Remove one of the two labels.',
          ],
          'metadata/labels',
        ),
      );
    }
    for (const w of ctx.workloads) {
      // Without istio.io/dataplane-mode=ambient on it or its namespace, ambient does not apply to it.
      if (conflicting.has(w.namespace) || !mayBeAmbient(ctx, w)) continue;
      const d = workloadDataPlaneOf(ctx, w);
      if (d.proxy || d.mode !== 'sidecar') continue;
      const amb = ambientDecision(dp.namespaceLabels(w.namespace), { labels: w.labels, annotations: w.annotations, hostNetwork: w.spec.hostNetwork === true });
      if (!amb.ambient) continue;
      out.push(
        ctx.finding(
          'MB0021',
          w.obj,
          [
            `${w.kind} ${w.namespace}/${w.name} runs an istio-proxy sidecar (${d.reason}) although ambient mode applies to it (${amb.reason})`,
            w.isPod
              ? 'the pod keeps its istio-proxy sidecar and ztunnel does not capture it'
              : 'its pods keep their istio-proxy sidecar and ztunnel does not capture them',
            'If it should be in ambient mode, remove the injection label and restart it; if it needs its sidecar, label it istio.io/dataplane-mode=none to say so.',
          ],
          w.isPod ? 'metadata/labels' : 'spec/template/metadata/labels',
        ),
      );
    }
    return out;
  },
};

/* ---- VirtualServices for ambient Services without a waypoint ---- */

export const ambientVirtualServiceAnalyzer: Analyzer = {
  name: 'meshboard.AmbientVirtualServiceAnalyzer',
  description: 'Checks VirtualServices for mesh traffic to ambient Services that have no waypoint to apply them',
  codes: ['MB0022'],
  // Waypoints are Gateways: where they could not be read, every Service would seem to have none.
  requires: ['gateway.networking.k8s.io/Gateway'],
  run(ctx) {
    const out: Finding[] = [];
    const reg = hostRegistry(ctx);
    const dp = dataPlaneOf(ctx);
    for (const vs of ctx.istio('VirtualService')) {
      const spec = specOf(vs);
      const gws = stringList(spec.gateways);
      if (gws.length && !gws.includes(MESH_GATEWAY)) continue;
      const ns = nsOf(vs);
      const done = new Set<K8sObject>();
      stringList(spec.hosts).forEach((h, i) => {
        const e = reg.lookup(ns, stringList(spec.exportTo), h);
        if (!e || e.kind !== 'Service' || done.has(e.obj)) return;
        done.add(e.obj);
        const svc = e.obj as Service;
        if (!isAmbientService(ctx, svc)) return;
        const b = dp.serviceWaypoint(svc);
        if (b.state === 'bound') return;
        out.push(ctx.finding('MB0022', vs, [ref(svc), noWaypointText(svc.metadata.name, b).replace(`${svc.metadata.name} `, 'it ')], `spec/hosts[${i}]`));
      });
    }
    return out;
  },
};

/* ---- EnvoyFilters no Envoy applies ---- */

export const ambientEnvoyFilterAnalyzer: Analyzer = {
  name: 'meshboard.AmbientEnvoyFilterAnalyzer',
  description: 'Checks EnvoyFilters whose workloads are all ambient or waypoints, where no Envoy applies them',
  codes: ['MB0023'],
  run(ctx) {
    const out: Finding[] = [];
    const gws = gatewayApiOf(ctx).gateways;
    for (const ef of ctx.istio('EnvoyFilter')) {
      const spec = specOf(ef);
      const ns = nsOf(ef);
      if (ns === ctx.rootNamespace || targetRefsWithPaths(ef).length) continue;
      const hasSelector = spec.workloadSelector !== undefined && spec.workloadSelector !== null;
      const sel = asLabels(asRecord(spec.workloadSelector).labels);
      const ws = selected(ctx, ns, sel).filter((w) => workloadDataPlaneOf(ctx, w).proxy !== 'ztunnel');
      // Envoy proxies that take it: sidecars and gateways (Gateway API gateways take selector policies by default:
      // ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY). Waypoints never do; ztunnel and ambient pods have no Envoy.
      const envoy = ws.some((w) => {
        const d = workloadDataPlaneOf(ctx, w);
        return d.mode === 'sidecar' || d.proxy === 'gateway' || d.proxy === 'east-west';
      });
      if (envoy || (!hasSelector && gws.some((g) => g.namespace === ns && g.istio && g.istio !== 'waypoint'))) continue;
      const waypoints = ws.filter((w) => workloadDataPlaneOf(ctx, w).proxy === 'waypoint');
      const ambient = ws.filter((w) => isAmbientWorkload(ctx, w));
      if (!waypoints.length && !ambient.length) continue;
      const what = hasSelector
        ? `selects ${Object.entries(sel)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`
        : `applies to every proxy in namespace ${ns}`;
      const parts: string[] = [];
      if (ambient.length)
        parts.push(`${describeWorkloads(ctx, ambient, ns)} ${ambient.length === 1 ? 'is' : 'are'} in ambient mode (ztunnel, no Envoy sidecar)`);
      if (waypoints.length)
        parts.push(
          `${[...new Set(waypoints.map((w) => w.labels['gateway.networking.k8s.io/gateway-name'] ?? w.name))].join(', ')} ${waypoints.length === 1 ? 'is a waypoint' : 'are waypoints'}`,
        );
      out.push(ctx.finding('MB0023', ef, [what, parts.join(', and ')], hasSelector ? 'spec/workloadSelector' : 'metadata/namespace'));
    }
    return out;
  },
};

export const ambientAnalyzers: Analyzer[] = [
  ambientRouteAnalyzer,
  policyTargetAnalyzer,
  ztunnelPolicyAnalyzer,
  waypointIdentityAnalyzer,
  ambientSelectorPolicyAnalyzer,
  useWaypointAnalyzer,
  sidecarInAmbientAnalyzer,
  ambientVirtualServiceAnalyzer,
  ambientEnvoyFilterAnalyzer,
];
