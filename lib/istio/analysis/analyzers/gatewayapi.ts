/**
 * Gateway API checks (MB codes: istioctl has none of these; istiod reports them only in
 * status, which files do not carry). Every decision is the Gateway API model's
 * (lib/istio/gatewayapi: attachment per the spec and istiod's referenceAllowed,
 * backends, ReferenceGrant, listener conflicts); these analyzers turn its reasons into
 * findings with the field path of the offending reference.
 *
 * In a live cluster, status conditions a controller wrote (route parents Accepted=False or
 * ResolvedRefs=False, Gateway Accepted/Programmed=False) are reported by
 * conditions.ConditionAnalyzer (IST0171, as istioctl does), including those the model
 * cannot explain; they are not repeated here.
 */
import type { Finding } from '../../findings';
import { GATEWAY_API_GROUP } from '../../kinds';
import { conditionOf, ISTIO_CONTROLLERS, ISTIO_DEFAULT_CLASSES, type RouteInfo } from '../../gatewayapi';
import type { K8sObject } from '../../types';
import { gatewayApiOf } from '../models';
import type { Analyzer } from '../types';

const routeObj = (r: RouteInfo) => r.obj as unknown as K8sObject;

export const routeParentAnalyzer: Analyzer = {
  name: 'meshboard.RouteParentAnalyzer',
  description: 'Checks that every parentRef of an HTTPRoute, GRPCRoute, TCPRoute or TLSRoute exists and accepts the route',
  codes: ['MB0008', 'MB0009'],
  // Where these could not be read, every reference to one would seem to dangle.
  requires: ['gateway.networking.k8s.io/Gateway'],
  run(ctx) {
    const out: Finding[] = [];
    for (const route of gatewayApiOf(ctx).routes) {
      for (const p of route.parents) {
        if (p.accepted) continue;
        // A Selector on namespace labels cannot be judged without the route's Namespace (a folder may not hold it).
        if (p.refusal === 'NotAllowedByListeners' && !ctx.namespaces.has(route.namespace) && p.gateway?.listeners.some((l) => l.allowedFrom === 'Selector'))
          continue;
        const exists = p.kind === 'Gateway' ? !!p.gateway : p.kind === 'Service' ? !!p.service : p.kind === 'ServiceEntry' ? !!p.serviceEntry : true;
        if (!exists) out.push(ctx.finding('MB0008', routeObj(route), [route.resource, p.reason], p.path));
        else
          out.push(
            ctx.finding(
              'MB0009',
              routeObj(route),
              [route.resource, `${p.kind === 'other' ? 'parentRef' : p.kind} ${p.namespace}/${p.name}, ${p.refusal ?? 'not accepted'}`, p.reason],
              p.path,
            ),
          );
      }
    }
    return out;
  },
};

export const routeBackendAnalyzer: Analyzer = {
  name: 'meshboard.RouteBackendAnalyzer',
  description:
    'Checks that every backendRef of a Gateway API route names an existing Service (or ServiceEntry) and port, and that cross-namespace backends are allowed by a ReferenceGrant',
  codes: ['MB0010', 'MB0011'],
  // Where ReferenceGrants could not be read, every cross-namespace backend would seem refused.
  requires: ['gateway.networking.k8s.io/ReferenceGrant'],
  run(ctx) {
    const out: Finding[] = [];
    for (const route of gatewayApiOf(ctx).routes) {
      for (const b of route.backends) {
        if (!b.problem) continue;
        if (b.problem === 'not-permitted') {
          const to = `${b.kind === 'Service' && !b.group ? 'Service' : b.kind} ${b.name}`;
          out.push(ctx.finding('MB0011', routeObj(route), [b.rule, route.resource, b.reason, b.namespace, route.kind, route.namespace, to], b.path));
        } else {
          out.push(ctx.finding('MB0010', routeObj(route), [b.rule, route.resource, b.reason], b.path));
        }
      }
    }
    return out;
  },
};

export const listenerConflictAnalyzer: Analyzer = {
  name: 'meshboard.ListenerConflictAnalyzer',
  description: 'Checks that the listeners of a Gateway API Gateway can be served together',
  codes: ['MB0012'],
  run(ctx) {
    const out: Finding[] = [];
    for (const g of gatewayApiOf(ctx).gateways) {
      for (const c of g.conflicts) {
        const first = g.listeners.find((l) => c.listeners.includes(l.name));
        out.push(
          ctx.finding(
            'MB0012',
            g.obj as unknown as K8sObject,
            [c.listeners.join(', '), g.resource, c.reason],
            first ? `spec/listeners[${first.index}]` : 'spec/listeners',
          ),
        );
      }
    }
    return out;
  },
};

export const gatewayClassAnalyzer: Analyzer = {
  name: 'meshboard.GatewayClassAnalyzer',
  description: 'Checks that every Gateway API Gateway has a GatewayClass that some controller implements',
  codes: ['MB0013', 'MB0014'],
  // Where these could not be read, every reference to one would seem to dangle.
  requires: ['gateway.networking.k8s.io/GatewayClass'],
  run(ctx) {
    const out: Finding[] = [];
    const model = gatewayApiOf(ctx);
    for (const g of model.gateways) {
      if (!g.className || model.classController(g.className).known) continue;
      out.push(ctx.finding('MB0013', g.obj as unknown as K8sObject, [g.resource, g.className], 'spec/gatewayClassName'));
    }
    for (const cls of ctx.list(GATEWAY_API_GROUP, 'GatewayClass')) {
      const c = model.classes.get(cls.metadata.name);
      const controller = c?.spec?.controllerName ?? '';
      if (ISTIO_CONTROLLERS.has(controller) || controller === 'istio.io/eastwest-controller') continue;
      if (!controller && cls.metadata.name in ISTIO_DEFAULT_CLASSES) continue;
      if (conditionOf(c?.status?.conditions, 'Accepted')?.status === 'True') continue;
      out.push(ctx.finding('MB0014', cls, [cls.metadata.name, controller], 'spec/controllerName'));
    }
    return out;
  },
};

export const gatewayApiAnalyzers: Analyzer[] = [routeParentAnalyzer, routeBackendAnalyzer, listenerConflictAnalyzer, gatewayClassAnalyzer];
