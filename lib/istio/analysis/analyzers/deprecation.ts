/**
 * Deprecated fields and removed APIs: istioctl's deprecation analyzer (IST0002) and
 * Meshboard's removed-API check (MB0001: authentication.istio.io Policy/MeshPolicy,
 * rbac.istio.io, config.istio.io/Mixer kinds; see REMOVED_APIS in kinds.ts).
 */
import type { Finding } from '../../findings';
import { findRemovedApi } from '../../kinds';
import { asArray, asRecord, specOf, str } from '../context';
import type { Analyzer } from '../types';

const REMOVED_CRDS = new Set(['rbac.istio.io/ClusterRbacConfig', 'rbac.istio.io/RbacConfig', 'rbac.istio.io/ServiceRole', 'rbac.istio.io/ServiceRoleBinding']);

export const deprecationAnalyzer: Analyzer = {
  name: 'deprecation.DeprecationAnalyzer',
  aliases: ['deprecation.FieldAnalyzer'],
  description: 'Checks for deprecated Istio types and fields',
  codes: ['IST0002'],
  run(ctx) {
    const out: Finding[] = [];
    for (const vs of ctx.istio('VirtualService')) {
      asArray(specOf(vs).http).forEach((r, i) => {
        const delay = asRecord(asRecord(asRecord(r).fault).delay);
        if (Number(delay.percent) > 0) {
          out.push(
            ctx.finding(
              'IST0002',
              vs,
              ['HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage'],
              `spec/http[${i}]/fault/delay/percent`,
            ),
          );
        }
      });
    }
    for (const sc of ctx.istio('Sidecar')) {
      const otp = asRecord(specOf(sc).outboundTrafficPolicy);
      if (otp.egressProxy !== undefined && otp.egressProxy !== null) {
        out.push(ctx.finding('IST0002', sc, ['OutboundTrafficPolicy.EgressProxy ignored'], 'spec/outboundTrafficPolicy/egressProxy'));
      }
    }
    for (const crd of ctx.list('apiextensions.k8s.io', 'CustomResourceDefinition')) {
      const spec = specOf(crd);
      const key = `${str(spec.group)}/${str(asRecord(spec.names).kind)}`;
      if (REMOVED_CRDS.has(key)) {
        out.push(ctx.finding('IST0002', crd, [`Custom resource type ${str(spec.group)} ${str(asRecord(spec.names).kind)} is removed`], 'spec/names/kind'));
      }
    }
    return out;
  },
};

export const removedApiAnalyzer: Analyzer = {
  name: 'meshboard.RemovedApiAnalyzer',
  description: 'Finds resources of Istio APIs that were removed (authentication.istio.io, rbac.istio.io, config.istio.io) and names their replacement',
  codes: ['MB0001'],
  run(ctx) {
    const out: Finding[] = [];
    // Once per apiVersion and kind (a mesh has a few dozen of them).
    const seen = new Map<string, Map<string, ReturnType<typeof findRemovedApi>>>();
    for (const o of ctx.objects) {
      let byKind = seen.get(o.apiVersion);
      if (!byKind) seen.set(o.apiVersion, (byKind = new Map()));
      let r = byKind.get(o.kind);
      if (r === undefined && !byKind.has(o.kind)) byKind.set(o.kind, (r = findRemovedApi(o.apiVersion, o.kind)));
      if (r) out.push(ctx.finding('MB0001', o, [`${o.apiVersion} ${o.kind}`, r.removedIn, r.replacement], 'apiVersion'));
    }
    return out;
  },
};

export const deprecationAnalyzers: Analyzer[] = [deprecationAnalyzer, removedApiAnalyzer];
