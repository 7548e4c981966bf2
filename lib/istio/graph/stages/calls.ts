/**
 * Stage 6 of buildGraph: calls, version/workload -> service/external, inferred from the
 * configuration (never guessed from names):
 * (1) VirtualService match.sourceLabels: the matching workloads call the host;
 * (2) AuthorizationPolicy ALLOW rules that name a caller's principal
 *     ("<trust domain>/ns/<ns>/sa/<sa>", no wildcard): that workload is expected to call
 *     the Services the policy protects (those selecting its workloads, or its targetRefs
 *     Service);
 * (3) heuristic: env values of the pod template that contain a URL ("scheme://host"),
 *     or, for env names that look like an address (HOST, URL, URI, ADDR, ENDPOINT,
 *     SERVER, SERVICE, BASE_PATH, API), a "host[:port]" value, when that host resolves to
 *     a Service or ServiceEntry host/address (short names only in the workload's namespace).
 * Pure.
 */
import { matchesLabels } from '../../labels';
import { nsOf, oldestFirst, refOf, trustDomainOf } from '../../security/common';
import { targetRefsOf } from '../../security/authz';
import type { BuildContext, Group, SvcInfo, Target } from '../context';
import { envTargets, PROTOCOLS } from '../describe';
import type { CallBasis, Protocol, ResourceRef } from '../types';
import { routeRows } from './vsroutes';

function addCall(ctx: BuildContext, from: Group, target: Target, port: number | undefined, basis: CallBasis, evidence: string, ref: ResourceRef): void {
  const targetId = ctx.targetId(target);
  if (target.kind === 'service' && target.info.groups.includes(from)) return; // a workload calling its own service
  let protocol: Protocol | undefined;
  let p = port;
  if (target.kind === 'service') {
    const sp =
      target.info.node.ports.find((x) => x.port === port) ??
      (port === undefined && target.info.node.ports.length === 1 ? target.info.node.ports[0] : undefined);
    if (!sp && port !== undefined) p = undefined;
    protocol = sp?.protocol;
    p = sp?.port ?? p;
  } else {
    const sp = target.node.ports.find((x) => x.number === port) ?? (target.node.ports.length === 1 ? target.node.ports[0] : undefined);
    p = sp?.number ?? port;
    const proto = (sp?.protocol ?? '').toLowerCase();
    protocol = PROTOCOLS.has(proto as Protocol) ? (proto as Protocol) : undefined;
  }
  ctx.addEdge({
    id: `call:${from.id}->${targetId}`,
    kind: 'call',
    source: from.id,
    target: targetId,
    protocol,
    port: p,
    badges: [],
    declared: true,
    observed: false,
    basis: [basis],
    evidence: [evidence],
    refs: [ref],
  });
}

export function sourceLabelCalls(ctx: BuildContext): void {
  for (const vs of [...ctx.resources.virtualServices].sort(oldestFirst)) {
    const gws = vs.spec?.gateways;
    if (gws && gws.length && !gws.includes('mesh')) continue;
    const vsNs = nsOf(vs);
    const vsRef = refOf(vs);
    const targets = (vs.spec?.hosts ?? []).map((h) => ctx.resolveHost(h, vsNs)).filter((t): t is Target => !!t);
    if (!targets.length) continue;
    for (const row of routeRows(vs)) {
      (row.route.match ?? []).forEach((m, k) => {
        if (!m.sourceLabels || !Object.keys(m.sourceLabels).length) return;
        const path = `spec/${row.section}[${row.index}]/match[${k}]/sourceLabels`;
        const candidates = m.sourceNamespace ? (ctx.groupsByNs.get(m.sourceNamespace) ?? []) : [...ctx.groups.values()];
        for (const g of candidates) {
          if (!g.workloads.some((w) => matchesLabels(m.sourceLabels, w.labels))) continue;
          for (const t of targets) addCall(ctx, g, t, m.port, 'sourceLabels', `${vsRef} ${path}`, { resource: vsRef, path });
        }
      });
    }
  }
}

const PRINCIPAL = /^(.+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

export function policyCalls(ctx: BuildContext): void {
  const td = trustDomainOf(ctx.resources);
  const byIdentity = new Map<string, Group[]>();
  for (const g of ctx.groups.values()) {
    for (const w of g.workloads) {
      const key = `${w.namespace}/${w.serviceAccount}`;
      const l = byIdentity.get(key) ?? [];
      if (!l.includes(g)) l.push(g);
      byIdentity.set(key, l);
    }
  }
  for (const p of [...ctx.resources.authorizationPolicies].sort(oldestFirst)) {
    if ((p.spec?.action ?? 'ALLOW') !== 'ALLOW') continue;
    const ns = nsOf(p);
    const refs = targetRefsOf(p);
    let targets: SvcInfo[];
    if (refs.length)
      targets = refs
        .filter((r) => r.group === '' && r.kind === 'Service')
        .map((r) => ctx.svcByKey.get(`${ns}/${r.name}`))
        .filter((s): s is SvcInfo => !!s);
    else {
      const sel = p.spec?.selector?.matchLabels;
      if (!sel || !Object.keys(sel).length) continue; // namespace-wide: no particular service
      const hit = ctx.services.filter((s) => s.node.namespace === ns && s.groups.some((g) => g.workloads.some((w) => matchesLabels(sel, w.labels))));
      // The Services the policy is about: those no narrower than its selector (productpage, not productpage-v1).
      const general = hit.filter((s) => s.node.selector && Object.entries(s.node.selector).every(([k, v]) => sel[k] === v));
      targets = general.length ? general : hit;
    }
    if (!targets.length) continue;
    (p.spec?.rules ?? []).forEach((rule, ri) => {
      (rule.from ?? []).forEach((f, fi) => {
        (f.source?.principals ?? []).forEach((principal, pi) => {
          const m = PRINCIPAL.exec(principal);
          if (!m || principal.includes('*') || m[1] !== td) return;
          const path = `spec/rules[${ri}]/from[${fi}]/source/principals[${pi}]`;
          for (const g of byIdentity.get(`${m[2]}/${m[3]}`) ?? []) {
            for (const t of targets)
              addCall(ctx, g, { kind: 'service', info: t }, undefined, 'policy', `${refOf(p)} ${path} allows ${principal}`, { resource: refOf(p), path });
          }
        });
      });
    });
  }
}

export function envCalls(ctx: BuildContext): void {
  for (const w of ctx.workloads) {
    const g = ctx.groupOfWorkload.get(w);
    if (!g) continue;
    w.containers.forEach((c, ci) => {
      (c.env ?? []).forEach((e, ei) => {
        for (const t of envTargets(e.name, e.value)) {
          const target = ctx.resolveHost(t.host, w.namespace);
          if (!target) continue;
          const path = w.kind === 'Deployment' ? `spec/template/spec/containers[${ci}]/env[${ei}]` : `spec/containers[${ci}]/env[${ei}]`;
          addCall(ctx, g, target, t.port, 'env', `env ${e.name} of ${w.kind} ${w.namespace}/${w.name}`, {
            resource: `${w.kind} ${w.namespace}/${w.name}`,
            path,
          });
        }
      });
    });
  }
}
