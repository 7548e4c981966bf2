/**
 * Security policy analyzers, as istioctl defines them: AuthorizationPolicies that select no
 * workload in the mesh (IST0127) or name namespaces that do not exist (IST0101), and
 * RequestAuthentication without BLOCKED_CIDRS_IN_JWKS_URIS on istiod (IST0175).
 */
import type { Finding } from '../../findings';
import { asArray, asLabels, asRecord, containsLabels, nsOf, podTemplateOf, selectorString, specOf, str, type Workload } from '../context';
import { workloadInMesh } from '../mesh';
import { stringList } from '../host-registry';
import type { Analyzer } from '../types';
import { fullNameString } from './virtualservice';

export function namespaceMatch(ns: string, exp: string): boolean {
  if (exp === '*') return true;
  if (exp.startsWith('*')) return ns.endsWith(exp.slice(1));
  if (exp.endsWith('*')) return ns.startsWith(exp.slice(0, -1));
  return ns.toLowerCase() === exp.toLowerCase();
}

const NAMESPACE_FIELDS = ['namespaces', 'notNamespaces'] as const;

export const authorizationPoliciesAnalyzer: Analyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  aliases: ['authz.AuthorizationPoliciesAnalyzer'],
  description: 'Checks the validity of authorization policies',
  codes: ['IST0101', 'IST0127'],
  run(ctx) {
    const inMesh = ctx.cached('authz.inMesh', () => {
      const m = new Map<string, Workload[]>();
      for (const w of ctx.workloads) {
        if (!workloadInMesh(ctx, w)) continue;
        let l = m.get(w.namespace);
        if (!l) m.set(w.namespace, (l = []));
        l.push(w);
      }
      return m;
    });
    const inMeshSet = ctx.cached('authz.inMeshSet', () => new Set([...inMesh.values()].flat()));
    const nsNames = [...ctx.namespaces.keys()];
    // Whether some namespace matches an expression, once per expression.
    const known = new Map<string, boolean>();
    const namespaceKnown = (exp: string) => {
      let k = known.get(exp);
      if (k === undefined) known.set(exp, (k = nsNames.some((n) => namespaceMatch(n, exp))));
      return k;
    };
    const out: Finding[] = [];
    for (const ap of ctx.istio('AuthorizationPolicy')) {
      const spec = specOf(ap);
      const ns = nsOf(ap);
      const hasSelector = spec.selector !== undefined && spec.selector !== null;
      const sel = asLabels(asRecord(spec.selector).matchLabels);
      const targeted = !!spec.targetRef || asArray(spec.targetRefs).length > 0;
      if (!targeted) {
        if (ns === ctx.rootNamespace) {
          if (hasSelector) {
            let any = false;
            for (const list of inMesh.values())
              if (list.some((w) => containsLabels(w.labels, sel))) {
                any = true;
                break;
              }
            if (!any) out.push(ctx.finding('IST0127', ap, [selectorString(sel)], 'spec/selector'));
          }
        } else if (!hasSelector) {
          if ((inMesh.get(ns) ?? []).length === 0) out.push(ctx.finding('IST0127', ap, ['']));
        } else if (!ctx.workloadsSelected(ns, sel).some((w) => inMeshSet.has(w))) {
          out.push(ctx.finding('IST0127', ap, [selectorString(sel)], 'spec/selector'));
        }
      }
      const rules = asArray(spec.rules);
      for (let i = 0; i < rules.length; i++) {
        const froms = asArray(asRecord(rules[i]).from);
        for (let j = 0; j < froms.length; j++) {
          const src = asRecord(asRecord(froms[j]).source);
          for (const field of NAMESPACE_FIELDS) {
            const exps = stringList(src[field]);
            for (let k = 0; k < exps.length; k++) {
              const exp = exps[k] as string;
              if (!namespaceKnown(exp)) out.push(ctx.finding('IST0101', ap, ['namespace', exp], `spec/rules[${i}]/from[${j}]/source/${field}[${k}]`));
            }
          }
        }
      }
    }
    return out;
  },
};

export const blockedCidrsAnalyzer: Analyzer = {
  name: 'authn.BlockedCIDRsAnalyzer',
  description: 'Checks that BLOCKED_CIDRS_IN_JWKS_URIS is configured on istiod when RequestAuthentication resources exist',
  codes: ['IST0175'],
  run(ctx) {
    const ras = ctx.istio('RequestAuthentication').map((r) => fullNameString({ namespace: nsOf(r), name: r.metadata.name }));
    if (ras.length === 0) return [];
    const names = ras.length <= 5 ? ras.join(', ') : `${ras.slice(0, 5).join(', ')}, and ${ras.length - 5} more`;
    const out: Finding[] = [];
    for (const d of ctx.core('Deployment')) {
      if (d.metadata.labels?.app !== 'istiod') continue;
      const containers = asArray(podTemplateOf(d)?.spec.containers);
      const configured = containers.some((c) =>
        asArray(asRecord(c).env).some((e) => {
          const r = asRecord(e);
          return r.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && str(r.value) !== '';
        }),
      );
      if (!configured) out.push(ctx.finding('IST0175', d, [ras.length, names]));
    }
    return out;
  },
};

export const authzAnalyzers: Analyzer[] = [authorizationPoliciesAnalyzer, blockedCidrsAnalyzer];
