/**
 * Sidecar injection analyzers, as istioctl defines them: namespaces without injection
 * (IST0102, IST0148) or with conflicting injection labels (IST0123), pods without their
 * proxy (IST0103), proxies older than the injector's image (IST0158) and `image: auto`
 * that no webhook will replace (IST0146, IST0147).
 */
import { parse as parseYaml } from 'yaml';
import type { Finding } from '../../findings';
import { matchesSelector } from '../../labels';
import type { K8sObject, LabelSelector } from '../../types';
import { asArray, asLabels, asRecord, containsLabels, nsOf, podTemplateOf, specOf, str, type AnalysisContext, type Workload } from '../context';
import { DATAPLANE_MODE_LABEL, INJECTION_LABEL, ISTIO_PROXY, REVISION_LABEL, SIDECAR_INJECT } from '../mesh';
import type { Analyzer } from '../types';
import { SYSTEM_NAMESPACES } from './workloads';

const INJECTOR_CONFIGMAP = 'istio-sidecar-injector';

function injectorConfigMapName(revision: string): string {
  return !revision || revision === 'default' ? INJECTOR_CONFIGMAP : `${INJECTOR_CONFIGMAP}-${revision}`;
}

function injectorValues(cm: K8sObject): Record<string, unknown> | undefined {
  const raw = asRecord(cm.data).values;
  if (typeof raw !== 'string') return undefined;
  try {
    return asRecord(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function configMapsByName(ctx: AnalysisContext): Map<string, K8sObject> {
  return ctx.cached('configMapsByName', () => {
    const m = new Map<string, K8sObject>();
    for (const cm of ctx.core('ConfigMap')) if (!m.has(cm.metadata.name)) m.set(cm.metadata.name, cm);
    return m;
  });
}

export const injectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  description: 'Checks conditions related to Istio sidecar injection',
  codes: ['IST0102', 'IST0103', 'IST0123', 'IST0148'],
  run(ctx) {
    const out: Finding[] = [];
    const cms = configMapsByName(ctx);
    const injected = new Set<string>();
    for (const ns of ctx.core('Namespace')) {
      const name = ns.metadata.name;
      if (name === 'istio-system' || name === ctx.rootNamespace || SYSTEM_NAMESPACES.has(name)) continue;
      const labels = asLabels(ns.metadata.labels);
      const inj = labels[INJECTION_LABEL];
      const hasRev = Object.prototype.hasOwnProperty.call(labels, REVISION_LABEL);
      const ambient = labels[DATAPLANE_MODE_LABEL] === 'ambient';
      const kinds = (inj !== undefined && inj !== '' && inj !== 'disabled' ? 1 : 0) + (hasRev ? 1 : 0) + (ambient ? 1 : 0);
      if (kinds > 1) {
        const present = [INJECTION_LABEL, REVISION_LABEL, DATAPLANE_MODE_LABEL].filter((k) => labels[k] !== undefined);
        out.push(ctx.finding('IST0123', ns, [present], 'metadata/labels'));
        continue;
      }
      if (!inj && !hasRev) {
        if (ambient) continue;
        const values = injectorValues(cms.get(injectorConfigMapName('')) ?? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '' } });
        if (asRecord(values?.sidecarInjectorWebhook).enableNamespacesByDefault === true) {
          out.push(ctx.finding('IST0148', ns, [], 'metadata/name'));
          continue;
        }
        out.push(ctx.finding('IST0102', ns, [name, name], 'metadata/name'));
        continue;
      }
      if (!hasRev && inj !== 'enabled') continue;
      injected.add(name);
    }
    for (const p of ctx.core('Pod')) {
      if (!injected.has(nsOf(p))) continue;
      const spec = specOf(p);
      let inj = p.metadata.annotations?.[SIDECAR_INJECT];
      const l = p.metadata.labels?.[SIDECAR_INJECT];
      if (l !== undefined) inj = l;
      if (inj !== undefined && inj.toLowerCase() === 'false') continue;
      if (spec.hostNetwork === true) continue;
      const proxy = [...asArray(spec.containers), ...asArray(spec.initContainers)].some((c) => asRecord(c).name === ISTIO_PROXY && str(asRecord(c).image));
      if (!proxy) out.push(ctx.finding('IST0103', p, [fullName(p)], 'spec/containers'));
    }
    return out;
  },
};

function fullName(o: K8sObject): string {
  const ns = nsOf(o);
  return ns ? `${ns}/${o.metadata.name}` : o.metadata.name;
}

/** The proxy image an injector ConfigMap will inject (GetIstioProxyImage). */
export function injectorProxyImage(cm: K8sObject): string {
  const v = injectorValues(cm);
  const g = asRecord(v?.global);
  const image = str(asRecord(g.proxy).image);
  if (image.includes('/')) return image;
  return `${str(g.hub)}/${image}:${str(g.tag)}`;
}

function imageTypeOf(cfg: unknown): string {
  return str(asRecord(asRecord(cfg).image).imageType);
}

/** The proxy image type for a pod: annotation, then ProxyConfig (workload, namespace, root), then mesh config. */
function proxyImageType(ctx: AnalysisContext, w: Workload): string {
  const ann = w.annotations['proxy.istio.io/config'];
  if (ann) {
    try {
      const t = imageTypeOf(parseYaml(ann));
      if (t) return t;
    } catch {
      /* an invalid annotation is reported elsewhere */
    }
  }
  const pcs = ctx.istio('ProxyConfig');
  const pick = (ns: string, withSelector: boolean) => {
    for (const pc of pcs) {
      if (nsOf(pc) !== ns) continue;
      const sel = asLabels(asRecord(specOf(pc).selector).matchLabels);
      const has = Object.keys(sel).length > 0;
      if (has !== withSelector) continue;
      if (has && !containsLabels(w.labels, sel)) continue;
      const t = imageTypeOf(specOf(pc));
      if (t) return t;
    }
    return '';
  };
  return pick(w.namespace, true) || pick(w.namespace, false) || pick(ctx.rootNamespace, false) || imageTypeOf(asRecord(ctx.meshConfig.defaultConfig));
}

export const imageAnalyzer: Analyzer = {
  name: 'injection.ImageAnalyzer',
  description: 'Checks the image of auto-injection configured with the running proxies on pods',
  codes: ['IST0158'],
  run(ctx) {
    const images = new Map<string, string>();
    for (const cm of ctx.core('ConfigMap')) if (cm.metadata.name.startsWith(INJECTOR_CONFIGMAP)) images.set(cm.metadata.name, injectorProxyImage(cm));
    if (images.size === 0) return [];
    const injected = new Map<string, string>();
    for (const ns of ctx.core('Namespace')) {
      const l = asLabels(ns.metadata.labels);
      if (l[REVISION_LABEL] !== undefined) injected.set(ns.metadata.name, l[REVISION_LABEL] as string);
      else if (l[INJECTION_LABEL] === 'enabled') injected.set(ns.metadata.name, 'default');
    }
    const mismatched = new Map<string, string[]>();
    for (const w of ctx.pods) {
      const rev = injected.get(w.namespace);
      if (rev === undefined) continue;
      if (w.annotations['sidecar.istio.io/proxyImage']) continue;
      const expected = images.get(injectorConfigMapName(rev));
      if (expected === undefined) continue;
      for (const c of [...asArray(w.spec.containers), ...asArray(w.spec.initContainers)]) {
        const r = asRecord(c);
        if (r.name !== ISTIO_PROXY) continue;
        // With the distroless image type configured (annotation, ProxyConfig or mesh config), both variants of the release are current.
        const accepted = [expected];
        if (proxyImageType(ctx, w) === 'distroless' && !expected.endsWith('-distroless')) accepted.push(`${expected}-distroless`);
        if (!accepted.includes(str(r.image))) {
          let l = mismatched.get(w.namespace);
          if (!l) mismatched.set(w.namespace, (l = []));
          l.push(w.name);
        }
      }
    }
    const out: Finding[] = [];
    for (const [ns, pods] of mismatched) {
      const nsObj = ctx.namespaces.get(ns);
      if (nsObj) out.push(ctx.finding('IST0158', nsObj, [pods]));
    }
    return out;
  },
};

function webhookSelector(v: unknown): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const r = asRecord(v);
  return { matchLabels: asLabels(r.matchLabels), matchExpressions: asArray(r.matchExpressions) as LabelSelector['matchExpressions'] };
}

function hasAutoImage(spec: Record<string, unknown>): boolean {
  for (const c of asArray(spec.containers)) {
    const r = asRecord(c);
    if (r.name === ISTIO_PROXY && r.image === 'auto') return true;
  }
  return false;
}

export const imageAutoAnalyzer: Analyzer = {
  name: 'injection.ImageAutoAnalyzer',
  description: 'Makes sure that Pods and Deployments with `image: auto` are going to be injected',
  codes: ['IST0146', 'IST0147'],
  run(ctx) {
    const hooks: Array<{ ns?: LabelSelector; obj?: LabelSelector }> = [];
    for (const m of ctx.core('MutatingWebhookConfiguration')) {
      for (const wh of asArray(m.webhooks)) {
        const r = asRecord(wh);
        if (str(r.name).endsWith('istio.io')) hooks.push({ ns: webhookSelector(r.namespaceSelector), obj: webhookSelector(r.objectSelector) });
      }
    }
    const out: Finding[] = [];
    for (const p of ctx.core('Pod')) {
      if (hasAutoImage(specOf(p))) out.push(ctx.finding('IST0147', p, ['Pod', p.metadata.name], 'spec/containers'));
    }
    for (const d of ctx.core('Deployment')) {
      const tpl = podTemplateOf(d);
      if (!tpl || !hasAutoImage(tpl.spec)) continue;
      const nsLabels = ctx.namespaceLabels(nsOf(d) || 'default') ?? {};
      const podLabels = asLabels(tpl.metadata.labels);
      const injected = hooks.some((h) => matchesSelector(h.ns, nsLabels) && matchesSelector(h.obj, podLabels));
      if (!injected) out.push(ctx.finding('IST0146', d, ['Deployment', d.metadata.name], 'spec/template/spec/containers'));
    }
    return out;
  },
};

export const injectionAnalyzers: Analyzer[] = [injectionAnalyzer, imageAnalyzer, imageAutoAnalyzer];
