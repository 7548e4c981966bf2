/**
 * The message catalogue: Istio's IST codes (istio-messages.gen.ts) plus Meshboard's own
 * MB codes, and a formatter for their Go-style templates. Every code here is listed in
 * CODES.md; keep the two in step.
 */
import type { FindingLevel } from '../findings';
import { IST_MESSAGES, type MessageType } from './istio-messages.gen';

export type { MessageType };

/** Meshboard's own checks (not in istioctl analyze). */
export const MB_MESSAGES: Readonly<Record<string, MessageType>> = {
  MB0001: { code: 'MB0001', name: 'RemovedApi', level: 'Error', template: '%s is no longer served by Istio (removed in %s); use %s instead.' },
  MB0002: {
    code: 'MB0002',
    name: 'RouteWeightsNotHundred',
    level: 'Warning',
    template: 'The weights of %s add up to %d, not 100; Istio scales them, which is rarely what was meant.',
  },
  MB0003: {
    code: 'MB0003',
    name: 'ConflictingMtls',
    level: 'Error',
    template: 'DestinationRule %s sets TLS mode %s for host %s, but PeerAuthentication %s requires %s for the workloads behind it; requests will fail.',
  },
  MB0004: {
    code: 'MB0004',
    name: 'GatewayHostClaimedTwice',
    level: 'Warning',
    template: 'The VirtualServices %s bind the same host %s to gateway %s; only one of them can be used reliably. Merge them into one.',
  },
  MB0005: {
    code: 'MB0005',
    name: 'PolicySelectorMatchesNoWorkload',
    level: 'Warning',
    template: 'The selector %s of this %s matches no workload in namespace %q.',
  },
  MB0006: {
    code: 'MB0006',
    name: 'DuplicateDestinationRule',
    level: 'Warning',
    template: 'DestinationRules %s all apply to host %s; only one of them takes effect.',
  },
  MB0007: { code: 'MB0007', name: 'SubsetNotReferenced', level: 'Info', template: 'Subset %q of host %s is not used by any VirtualService.' },
  // Gateway API (lib/istio/gatewayapi is the model; the reasons come from it).
  MB0008: {
    code: 'MB0008',
    name: 'RouteParentNotFound',
    level: 'Error',
    template: '%s names a parent that does not exist: %s. The route is not attached there (Accepted=False, NoMatchingParent).',
  },
  MB0009: { code: 'MB0009', name: 'RouteNotAccepted', level: 'Error', template: '%s is refused by its parent (%s): %s.' },
  MB0010: {
    code: 'MB0010',
    name: 'RouteBackendNotFound',
    level: 'Error',
    template: 'Rule %d of %s sends traffic to a backend that cannot be used: %s. Requests to it fail (ResolvedRefs=False).',
  },
  MB0011: {
    code: 'MB0011',
    name: 'RouteBackendNotPermitted',
    level: 'Error',
    template: 'Rule %d of %s: %s. Add a ReferenceGrant in namespace %s from %s in %s to %s, or move the route (ResolvedRefs=False, RefNotPermitted).',
  },
  MB0012: { code: 'MB0012', name: 'ConflictingListeners', level: 'Error', template: 'Listeners %s of %s conflict: %s.' },
  MB0013: {
    code: 'MB0013',
    name: 'GatewayClassNotFound',
    level: 'Error',
    template:
      '%s uses GatewayClass %q, which does not exist and is not one istiod creates (istio, istio-waypoint, istio-remote, istio-east-west): no controller will program this Gateway.',
  },
  MB0014: {
    code: 'MB0014',
    name: 'GatewayClassNotImplemented',
    level: 'Warning',
    template:
      "GatewayClass %s names controller %q, which is not Istio's, and no controller has accepted it (no Accepted=True condition): Gateways of this class are not programmed by anything here.",
  },
  // Ambient mode (lib/istio/dataplane.ts is the model: who is captured by ztunnel, which waypoint serves what).
  MB0015: {
    code: 'MB0015',
    name: 'RouteWithoutWaypoint',
    level: 'Warning',
    template:
      '%s routes mesh traffic for %s, but %s: in ambient mode only a waypoint applies routes for a Service (ztunnel does not), so nothing applies this route to ambient clients.%s %s',
  },
  MB0016: {
    code: 'MB0016',
    name: 'PolicyTargetWithoutWaypoint',
    level: 'Warning',
    template:
      '%s targets %s, but %s: only a waypoint enforces a policy attached to a Service with targetRefs (sidecars and ztunnel ignore it), so it has no effect. %s',
  },
  MB0017: {
    code: 'MB0017',
    name: 'ZtunnelPolicyWithL7Attributes',
    level: 'Error',
    template:
      'This %s policy is enforced by ztunnel on %s (ambient mode), and ztunnel only sees L4: it does not support HTTP attributes (found: %s). %s Enforce HTTP rules on a waypoint: attach the policy to the Service with targetRefs and give the Service a waypoint.',
  },
  MB0018: {
    code: 'MB0018',
    name: 'ZtunnelUnsupportedAction',
    level: 'Warning',
    template:
      'This %s policy selects %s, which are in ambient mode, but ztunnel does not support the %s action: istiod does not send the policy to ztunnel, so it is ignored for them. Attach it to a waypoint with targetRefs instead.',
  },
  MB0019: {
    code: 'MB0019',
    name: 'SelectorPolicyOnAmbientWorkloads',
    level: 'Warning',
    template: 'This %s selects %s, which are in ambient mode: they have no sidecar, and ztunnel does not apply %s, so it does nothing there. %s',
  },
  MB0020: {
    code: 'MB0020',
    name: 'UseWaypointUnresolved',
    level: 'Warning',
    template: '%s: %s. Its traffic does not go through a waypoint, so L7 routes and policies meant for the waypoint are not applied to it.',
  },
  MB0021: { code: 'MB0021', name: 'SidecarInAmbientNamespace', level: 'Warning', template: '%s. Sidecar injection takes precedence over ambient mode: %s. %s' },
  MB0022: {
    code: 'MB0022',
    name: 'VirtualServiceWithoutWaypoint',
    level: 'Warning',
    template:
      'This VirtualService configures mesh traffic for %s, which is in ambient mode, but %s. In ambient mode VirtualService is an alpha API applied only by a waypoint (ztunnel applies no L7 routing), so nothing applies it to ambient clients. Give the Service a waypoint (istio.io/use-waypoint), and prefer an HTTPRoute with the Service as parentRef, the stable API for ambient.',
  },
  MB0023: {
    code: 'MB0023',
    name: 'EnvoyFilterIgnoredInAmbient',
    level: 'Warning',
    template:
      'This EnvoyFilter %s, but %s: no Envoy proxy applies it. Waypoints ignore EnvoyFilters with a workloadSelector (or none); only an EnvoyFilter with targetRefs naming the waypoint applies there, and EnvoyFilter on waypoints is alpha.',
  },
  MB0024: {
    code: 'MB0024',
    name: 'WaypointIdentityNotAllowed',
    level: 'Warning',
    template:
      "This ALLOW policy is enforced by ztunnel on %s, whose %s traffic arrives through waypoint %s. The destination ztunnel sees the waypoint's identity %s, not the client's (waypoints do not impersonate the source identity), and %s: every request that reaches %s through waypoint %s is denied at the destination ztunnel; allow %s here, or move the rule to the waypoint with targetRefs.",
  },
};

export const ALL_MESSAGES: Readonly<Record<string, MessageType>> = { ...IST_MESSAGES, ...MB_MESSAGES };

export function messageType(code: string): MessageType {
  const m = ALL_MESSAGES[code];
  if (!m) throw new Error(`unknown message code ${code}`);
  return m;
}

export function levelOf(code: string): FindingLevel {
  return messageType(code).level;
}

function goValue(v: unknown, verb: string): string {
  if (verb === 'q') {
    if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(String(x))).join(' ')}]`;
    return JSON.stringify(String(v ?? ''));
  }
  if (verb === 'd') return typeof v === 'number' ? String(Math.trunc(v)) : String(v ?? '');
  if (Array.isArray(v)) return `[${v.map((x) => goValue(x, 'v')).join(' ')}]`;
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Format a Go-style template (%s %v %q %d, %% for a percent sign). */
export function formatTemplate(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%([svqd%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    return goValue(v, verb);
  });
}

export function formatMessage(code: string, args: readonly unknown[]): string {
  return formatTemplate(messageType(code).template, args);
}
