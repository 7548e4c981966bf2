/**
 * Webhook analyzers, as istioctl defines them: injection webhooks that overlap or point at
 * a missing Service (IST0139), and external control plane webhooks without a usable URL
 * (IST0163) or with an IP address instead of a host name (IST0164).
 */
import type { Finding } from '../../findings';
import { matchesSelector } from '../../labels';
import type { K8sObject, LabelSelector } from '../../types';
import { asArray, asLabels, asRecord, str } from '../context';
import { REVISION_LABEL } from '../mesh';
import type { Analyzer } from '../types';

function selectorOf(v: unknown): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const r = asRecord(v);
  return { matchLabels: asLabels(r.matchLabels), matchExpressions: asArray(r.matchExpressions) as LabelSelector['matchExpressions'] };
}

function revisions(wh: K8sObject): string[] {
  const revs = new Set<string>();
  const l = wh.metadata.labels?.[REVISION_LABEL];
  if (l !== undefined) revs.add(l);
  for (const h of asArray(wh.webhooks)) {
    for (const key of ['namespaceSelector', 'objectSelector']) {
      const sel = asRecord(asRecord(h)[key]);
      const ml = asLabels(sel.matchLabels)[REVISION_LABEL];
      if (ml !== undefined) revs.add(ml);
      for (const e of asArray(sel.matchExpressions)) {
        const er = asRecord(e);
        if (er.key === REVISION_LABEL) for (const v of asArray(er.values)) revs.add(str(v));
      }
    }
  }
  return [...revs];
}

export const webhookAnalyzer: Analyzer = {
  name: 'webhook.Analyzer',
  description: 'Checks the validity of Istio webhooks',
  codes: ['IST0139'],
  run(ctx) {
    interface Hook {
      config: K8sObject;
      key: string;
      ns?: LabelSelector;
      obj?: LabelSelector;
      service?: Record<string, unknown>;
    }
    const hooks: Hook[] = [];
    const revs = new Set<string>();
    for (const m of ctx.core('MutatingWebhookConfiguration')) {
      const r = revisions(m);
      const isIstio = asArray(m.webhooks).some((h) => str(asRecord(h).name).endsWith('istio.io'));
      if (r.length === 0 && !isIstio) continue;
      r.forEach((x) => revs.add(x));
      for (const h of asArray(m.webhooks)) {
        const hr = asRecord(h);
        const svc = asRecord(hr.clientConfig).service;
        hooks.push({
          config: m,
          key: `${m.metadata.name}/${str(hr.name)}`,
          ns: selectorOf(hr.namespaceSelector),
          obj: selectorOf(hr.objectSelector),
          service: svc && typeof svc === 'object' ? asRecord(svc) : undefined,
        });
      }
    }
    const nsSets: Array<Record<string, string>> = [{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }];
    const objSets: Array<Record<string, string>> = [{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }];
    for (const rev of revs) {
      for (const b of [{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }] as Array<Record<string, string>>)
        nsSets.push({ ...b, [REVISION_LABEL]: rev });
      for (const b of [{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }] as Array<Record<string, string>>)
        objSets.push({ ...b, [REVISION_LABEL]: rev });
    }
    const out: Finding[] = [];
    // Every namespace/object label combination must match at most one webhook; each overlap is reported once.
    const reported = new Set<string>();
    for (const nl of nsSets) {
      for (const ol of objSets) {
        const matches = [...new Set(hooks.filter((h) => matchesSelector(h.ns, nl) && matchesSelector(h.obj, ol)).map((h) => h.key))];
        if (matches.length < 2) continue;
        for (const key of matches) {
          const h = hooks.find((x) => x.key === key);
          if (!h) continue;
          const others = matches.filter((m) => m !== key).sort();
          const id = `${key}\u0000${others.join(' ')}`;
          if (reported.has(id)) continue;
          reported.add(id);
          out.push(
            ctx.finding('IST0139', h.config, [`Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`], 'webhooks'),
          );
        }
      }
    }
    for (const h of hooks) {
      if (!h.service) continue;
      const ns = str(h.service.namespace);
      const name = str(h.service.name);
      if (!ctx.find('', 'Service', ns, name)) {
        out.push(
          ctx.finding('IST0139', h.config, [`Injector refers to a control plane service that does not exist: ${ns ? `${ns}/` : ''}${name}.`], 'webhooks'),
        );
      }
    }
    return out;
  },
};

function isIpAddress(host: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host)) || /^\[[0-9a-fA-F:.]+\]$/.test(host);
}

/**
 * Go's url.Parse(u).Hostname(): the host of "scheme://[userinfo@]host[:port]/...", without
 * brackets; "" when there is no authority; undefined where url.Parse fails (control
 * characters, a bad %-escape, a space in the host).
 */
function goUrlHostname(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(url) || /%(?![0-9a-fA-F]{2})/.test(url)) return undefined;
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!m) return '';
  const authority = m[1]!.slice(m[1]!.lastIndexOf('@') + 1);
  if (/\s/.test(authority)) return undefined;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    return end < 0 ? undefined : authority.slice(1, end);
  }
  const colon = authority.lastIndexOf(':');
  return colon < 0 ? authority : authority.slice(0, colon);
}

/** The webhooks of a remote cluster served by an external control plane are reached by URL (upstream externalcontrolplane.go). */
export const externalControlPlaneAnalyzer: Analyzer = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  description: 'Checks that the remote IstioOperator resources reference an external control plane',
  codes: ['IST0163', 'IST0164'],
  run(ctx) {
    const configs = [
      ...ctx
        .core('ValidatingWebhookConfiguration')
        .filter((c) => c.metadata.name.startsWith('istio-validator') || c.metadata.name === 'istiod-default-validator'),
      ...ctx.core('MutatingWebhookConfiguration').filter((c) => c.metadata.name.startsWith('istio-sidecar-injector')),
    ];
    const out: Finding[] = [];
    // As upstream's reportWebhookURL, for every hook of every matching configuration.
    for (const c of configs) {
      for (const h of asArray(c.webhooks)) {
        const hr = asRecord(h);
        const cc = asRecord(hr.clientConfig);
        const name = str(hr.name);
        if (typeof cc.url === 'string') {
          const host = goUrlHostname(cc.url);
          if (host === undefined) out.push(ctx.finding('IST0163', c, [cc.url, name, 'was provided in an invalid format'], 'webhooks'));
          else if (isIpAddress(host)) out.push(ctx.finding('IST0164', c, [cc.url, name], 'webhooks'));
        } else if (!cc.service) {
          out.push(ctx.finding('IST0163', c, ['', name, 'is blank'], 'webhooks'));
        }
      }
    }
    return out;
  },
};

export const webhookAnalyzers: Analyzer[] = [webhookAnalyzer, externalControlPlaneAnalyzer];
