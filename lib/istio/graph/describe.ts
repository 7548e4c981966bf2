/**
 * Words and badges for what routes say: protocols of Service and ServiceEntry ports,
 * VirtualService and Gateway API matches, filters and timeouts as edge badges, and the
 * hosts a workload's env values point at (the call heuristic). Pure.
 */
import type { GRPCRouteMatch, HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule } from '../gatewayapi/types';
import type { HTTPMatchRequest, HTTPRoute, L4MatchAttributes, ServiceEntry, ServicePort } from '../types';
import type { EffectiveMtls } from '../security/mtls';
import type { EdgeBadge, ExternalNode, MtlsSummary, Protocol } from './types';

export const PROTOCOLS = new Set<Protocol>(['http', 'http2', 'grpc', 'tcp', 'tls', 'https', 'mongo', 'mysql', 'redis']);

/** Istio protocol selection: appProtocol, else the port name prefix ("http-api", "grpc"). */
export function portProtocol(p: Pick<ServicePort, 'name' | 'appProtocol' | 'protocol'>): Protocol {
  const ap = (p.appProtocol ?? '').toLowerCase();
  if (ap === 'kubernetes.io/h2c') return 'http2';
  if (PROTOCOLS.has(ap as Protocol)) return ap as Protocol;
  if ((p.protocol ?? 'TCP').toUpperCase() === 'UDP') return 'unknown';
  const prefix = (p.name ?? '').toLowerCase().split('-')[0] ?? '';
  if (prefix === 'grpc-web') return 'grpc';
  if (PROTOCOLS.has(prefix as Protocol)) return prefix as Protocol;
  return 'unknown';
}

const HTTP_FAMILY = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
const TLS_FAMILY = new Set(['HTTPS', 'TLS']);

export function seProtocol(se: ServiceEntry): ExternalNode['protocol'] {
  const kinds = new Set<string>();
  for (const p of se.spec?.ports ?? []) {
    const proto = (p.protocol ?? '').toUpperCase();
    kinds.add(HTTP_FAMILY.has(proto) ? 'http' : TLS_FAMILY.has(proto) ? 'tls' : proto ? 'tcp' : 'unknown');
  }
  kinds.delete('unknown');
  if (kinds.size === 0) return 'unknown';
  if (kinds.size === 1) return [...kinds][0] as ExternalNode['protocol'];
  return 'mixed';
}

function stringMatch(m: { exact?: string; prefix?: string; regex?: string } | undefined): string {
  if (!m) return '';
  if (m.exact !== undefined) return `=${m.exact}`;
  if (m.prefix !== undefined) return ` prefix ${m.prefix}`;
  if (m.regex !== undefined) return ` ~${m.regex}`;
  return ' (any)';
}

function labelsText(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** One line per match block, joined by " | " (the blocks are ORed). */
export function summarizeMatch(matches: ReadonlyArray<HTTPMatchRequest | L4MatchAttributes> | undefined): string | undefined {
  if (!matches || !matches.length) return undefined;
  const blocks = matches.map((m) => {
    const parts: string[] = [];
    const h = m as HTTPMatchRequest;
    if (h.uri) parts.push(`uri${stringMatch(h.uri)}`);
    if (h.method) parts.push(`method${stringMatch(h.method)}`);
    if (h.authority) parts.push(`authority${stringMatch(h.authority)}`);
    if (h.scheme) parts.push(`scheme${stringMatch(h.scheme)}`);
    for (const [k, v] of Object.entries(h.headers ?? {})) parts.push(`header ${k}${stringMatch(v)}`);
    for (const [k, v] of Object.entries(h.withoutHeaders ?? {})) parts.push(`without header ${k}${stringMatch(v)}`);
    for (const [k, v] of Object.entries(h.queryParams ?? {})) parts.push(`query ${k}${stringMatch(v)}`);
    if (m.port !== undefined) parts.push(`port ${m.port}`);
    if (m.sourceLabels) parts.push(`source ${labelsText(m.sourceLabels)}`);
    if (m.sourceNamespace) parts.push(`source namespace ${m.sourceNamespace}`);
    if (m.gateways?.length) parts.push(`gateways ${m.gateways.join(',')}`);
    const l4 = m as { destinationSubnets?: string[]; sniHosts?: string[] };
    if (l4.destinationSubnets?.length) parts.push(`subnets ${l4.destinationSubnets.join(',')}`);
    if (l4.sniHosts?.length) parts.push(`sni ${l4.sniHosts.join(',')}`);
    return parts.join('; ') || 'any';
  });
  return blocks.join(' | ');
}

export function routeBadges(r: HTTPRoute): EdgeBadge[] {
  const out: EdgeBadge[] = [];
  if (r.timeout) out.push({ kind: 'timeout', label: `timeout ${r.timeout}`, value: r.timeout });
  if (r.retries && (r.retries.attempts ?? 0) > 0) {
    out.push({
      kind: 'retries',
      label: `retries ${r.retries.attempts}${r.retries.perTryTimeout ? ` × ${r.retries.perTryTimeout}` : ''}`,
      attempts: r.retries.attempts,
      perTryTimeout: r.retries.perTryTimeout,
      retryOn: r.retries.retryOn,
    });
  }
  const d = r.fault?.delay;
  if (d) {
    const pct = d.percentage?.value;
    out.push({ kind: 'fault-delay', label: `delay ${d.fixedDelay ?? '?'}${pct !== undefined ? ` (${pct}%)` : ''}`, delay: d.fixedDelay, percent: pct });
  }
  const a = r.fault?.abort;
  if (a) {
    const pct = a.percentage?.value;
    const status = a.httpStatus ?? a.grpcStatus;
    out.push({ kind: 'fault-abort', label: `abort ${status ?? '?'}${pct !== undefined ? ` (${pct}%)` : ''}`, status, percent: pct });
  }
  const mirrors: Array<{ host?: string; percent?: number }> = [];
  if (r.mirror) mirrors.push({ host: r.mirror.host, percent: r.mirrorPercentage?.value });
  for (const m of r.mirrors ?? []) mirrors.push({ host: m.destination?.host, percent: m.percentage?.value });
  for (const m of mirrors)
    out.push({ kind: 'mirror', label: `mirror ${m.host ?? '?'}${m.percent !== undefined ? ` (${m.percent}%)` : ''}`, host: m.host, percent: m.percent });
  return out;
}

/** matchLabels without allocating (the hot loop of service -> workload selection). */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

export function commonLabels(ws: ReadonlyArray<{ labels: Record<string, string> }>): Record<string, string> {
  const first = ws[0]?.labels ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (ws.every((w) => w.labels[k] === v)) out[k] = v;
  return out;
}

export function mtlsSummary(m: EffectiveMtls): MtlsSummary {
  return { mode: m.mode, level: m.source.level, resource: m.source.resource, reason: m.reason };
}

const ENV_NAME_HINT = /(HOST|URL|URI|ADDR|ENDPOINT|SERVER|SERVICE|BASE_?PATH|API)/i;
const URL_RE = /[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^/\s:?#,;]+)(?::(\d+))?/gi;
const HOST_PORT_RE = /^([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d+))?$/i;

/** Hosts (and ports) an env value points at, per the documented heuristic. */
export function envTargets(name: string, value: string | undefined): Array<{ host: string; port?: number }> {
  if (!value) return [];
  const out: Array<{ host: string; port?: number }> = [];
  if (value.includes('://')) {
    for (const m of value.matchAll(URL_RE)) {
      const host = (m[1] ?? '').toLowerCase();
      if (host) out.push({ host, port: m[2] ? Number(m[2]) : undefined });
    }
    return out;
  }
  if (!ENV_NAME_HINT.test(name)) return [];
  for (const token of value.split(/[\s,;]+/)) {
    const m = HOST_PORT_RE.exec(token);
    if (!m || !m[1] || /^\d+$/.test(m[1])) continue;
    out.push({ host: m[1].toLowerCase(), port: m[2] ? Number(m[2]) : undefined });
  }
  return out;
}

/* ---- Gateway API ---- */

function pathMatch(m: HTTPRouteMatch['path']): string | undefined {
  if (!m) return undefined;
  const v = m.value ?? '/';
  switch (m.type ?? 'PathPrefix') {
    case 'Exact':
      return `path=${v}`;
    case 'RegularExpression':
      return `path ~${v}`;
    default:
      return `path prefix ${v}`;
  }
}

/** One line per match of a Gateway API rule, joined by " | " (matches are ORed). */
export function summarizeRouteMatches(matches: ReadonlyArray<HTTPRouteMatch | GRPCRouteMatch> | undefined): string | undefined {
  if (!matches?.length) return undefined;
  return matches
    .map((m) => {
      const parts: string[] = [];
      const h = m as HTTPRouteMatch;
      const p = pathMatch(h.path);
      if (p) parts.push(p);
      if (h.method) parts.push(`method=${h.method}`);
      const g = m as GRPCRouteMatch;
      if (g.method) parts.push(`grpc ${g.method.service ?? '*'}/${g.method.method ?? '*'}`);
      for (const hd of m.headers ?? []) parts.push(`header ${hd.name}${hd.type === 'RegularExpression' ? ' ~' : '='}${hd.value}`);
      for (const q of h.queryParams ?? []) parts.push(`query ${q.name}${q.type === 'RegularExpression' ? ' ~' : '='}${q.value}`);
      return parts.join('; ') || 'any';
    })
    .join(' | ');
}

function headerChanges(f: HTTPRouteFilter['requestHeaderModifier']): string[] {
  if (!f) return [];
  return [...(f.set ?? []).map((h) => `set ${h.name}`), ...(f.add ?? []).map((h) => `add ${h.name}`), ...(f.remove ?? []).map((h) => `remove ${h}`)];
}

/** Badges for a Gateway API rule: timeouts, retries, header modifiers, rewrites, redirects, mirrors. */
export function gatewayApiBadges(rule: Pick<HTTPRouteRule, 'filters' | 'timeouts' | 'retry'>): EdgeBadge[] {
  const out: EdgeBadge[] = [];
  if (rule.timeouts?.request) out.push({ kind: 'timeout', label: `timeout ${rule.timeouts.request}`, value: rule.timeouts.request });
  else if (rule.timeouts?.backendRequest)
    out.push({ kind: 'timeout', label: `backend timeout ${rule.timeouts.backendRequest}`, value: rule.timeouts.backendRequest });
  if (rule.retry && (rule.retry.attempts ?? 0) > 0) {
    out.push({
      kind: 'retries',
      label: `retries ${rule.retry.attempts}${rule.retry.backoff ? ` (backoff ${rule.retry.backoff})` : ''}`,
      attempts: rule.retry.attempts,
      retryOn: rule.retry.codes?.join(','),
    });
  }
  for (const f of rule.filters ?? []) {
    switch (f.type) {
      case 'RequestHeaderModifier':
      case 'ResponseHeaderModifier': {
        const req = headerChanges(f.requestHeaderModifier);
        const res = headerChanges(f.responseHeaderModifier);
        out.push({
          kind: 'headers',
          label: `${f.type === 'RequestHeaderModifier' ? 'request' : 'response'} headers: ${[...req, ...res].join(', ')}`,
          request: req,
          response: res,
        });
        break;
      }
      case 'URLRewrite': {
        const p = f.urlRewrite?.path;
        const path = p?.replaceFullPath ?? p?.replacePrefixMatch;
        out.push({
          kind: 'rewrite',
          label: `rewrite ${[path ? `path ${path}` : '', f.urlRewrite?.hostname ? `host ${f.urlRewrite.hostname}` : ''].filter(Boolean).join(', ')}`,
          path,
          hostname: f.urlRewrite?.hostname,
        });
        break;
      }
      case 'RequestRedirect': {
        const r = f.requestRedirect ?? {};
        const to = [
          r.scheme ? `${r.scheme}://` : '',
          r.hostname ?? '',
          r.port ? `:${r.port}` : '',
          r.path?.replaceFullPath ?? r.path?.replacePrefixMatch ?? '',
        ].join('');
        out.push({ kind: 'redirect', label: `redirect ${r.statusCode ?? 302}${to ? ` to ${to}` : ''}`, statusCode: r.statusCode ?? 302, to: to || undefined });
        break;
      }
      case 'RequestMirror': {
        const b = f.requestMirror?.backendRef;
        const pct =
          f.requestMirror?.percent ??
          (f.requestMirror?.fraction
            ? Math.round(((f.requestMirror.fraction.numerator ?? 0) / (f.requestMirror.fraction.denominator ?? 100)) * 100)
            : undefined);
        out.push({ kind: 'mirror', label: `mirror ${b?.name ?? '?'}${pct !== undefined ? ` (${pct}%)` : ''}`, host: b?.name, percent: pct });
        break;
      }
      default:
        break;
    }
  }
  return out;
}
