/**
 * Istio's resource annotations (istio.io/api annotation/annotations.yaml, Apache 2.0,
 * Istio Authors): feature status, deprecation and the resource types each applies to.
 * Used by the annotation analyzers (IST0107, IST0108, IST0125, IST0135, IST0136).
 */

export type FeatureStatus = 'Alpha' | 'Beta' | 'Stable';

export interface AnnotationDef {
  name: string;
  status: FeatureStatus;
  deprecated?: boolean;
  hidden?: boolean;
  /** Kinds it may be set on; 'Any' for all. */
  resources: readonly string[];
}

const P = ['Pod'] as const;
const A = (name: string, resources: readonly string[] = P, extra: Partial<AnnotationDef> = {}): AnnotationDef => ({
  name,
  status: 'Alpha',
  resources,
  ...extra,
});

export const ANNOTATIONS: readonly AnnotationDef[] = [
  A('alpha.istio.io/canonical-serviceaccounts', ['Service'], { deprecated: true, hidden: true }),
  A('alpha.istio.io/identity', P, { deprecated: true, hidden: true }),
  A('alpha.istio.io/kubernetes-serviceaccounts', ['Service'], { deprecated: true, hidden: true }),
  A('ambient.istio.io/bypass-inbound-capture'),
  A('ambient.istio.io/dns-capture'),
  { name: 'ambient.istio.io/redirection', status: 'Beta', resources: P },
  A('ambient.istio.io/waypoint-inbound-binding', ['Service', 'ServiceEntry', 'Gateway']),
  A('galley.istio.io/analyze-suppress', ['Any']),
  A('gateway.istio.io/controller-version', ['Any'], { hidden: true }),
  A('gateway.istio.io/name-override', ['Any'], { hidden: true }),
  A('gateway.istio.io/service-account', ['Any'], { hidden: true }),
  A('inject.istio.io/templates'),
  A('install.operator.istio.io/chart-owner', ['Any']),
  A('install.operator.istio.io/owner-generation', ['Any']),
  A('install.operator.istio.io/version', ['Any']),
  A('istio.io/autoRegistrationGroup', ['WorkloadEntry'], { hidden: true }),
  A('istio.io/connectedAt', ['WorkloadEntry'], { hidden: true }),
  A('istio.io/disconnectedAt', ['WorkloadEntry'], { hidden: true }),
  A('istio.io/dry-run', ['AuthorizationPolicy']),
  A('istio.io/for-service-account', ['Service'], { hidden: true }),
  A('istio.io/rev'),
  A('istio.io/workloadController', ['WorkloadEntry'], { hidden: true }),
  { name: 'kubernetes.io/ingress.class', status: 'Stable', resources: ['Ingress'] },
  A('networking.istio.io/address-type', ['Gateway'], { hidden: true }),
  A('networking.istio.io/exportTo', ['Service']),
  A('networking.istio.io/service-type', ['Gateway'], { hidden: true }),
  A('networking.istio.io/traffic-distribution', ['Service', 'ServiceEntry']),
  A('prometheus.istio.io/merge-metrics'),
  { name: 'proxy.istio.io/config', status: 'Beta', resources: P },
  A('proxy.istio.io/overrides', P, { hidden: true }),
  A('readiness.status.sidecar.istio.io/applicationPorts'),
  A('readiness.status.sidecar.istio.io/failureThreshold'),
  A('readiness.status.sidecar.istio.io/initialDelaySeconds'),
  A('readiness.status.sidecar.istio.io/periodSeconds'),
  A('sidecar.istio.io/agentLogLevel'),
  A('sidecar.istio.io/bootstrapOverride'),
  A('sidecar.istio.io/componentLogLevel'),
  A('sidecar.istio.io/controlPlaneAuthPolicy', P, { deprecated: true }),
  A('sidecar.istio.io/discoveryAddress', P, { deprecated: true }),
  A('sidecar.istio.io/enableCoreDump'),
  A('sidecar.istio.io/extraStatTags', P, { deprecated: true }),
  { name: 'sidecar.istio.io/inject', status: 'Beta', resources: P, deprecated: true },
  A('sidecar.istio.io/interceptionMode'),
  A('sidecar.istio.io/logLevel'),
  A('sidecar.istio.io/nativeSidecar'),
  A('sidecar.istio.io/proxyCPU'),
  A('sidecar.istio.io/proxyCPULimit'),
  A('sidecar.istio.io/proxyImage'),
  A('sidecar.istio.io/proxyImageType'),
  A('sidecar.istio.io/proxyMemory'),
  A('sidecar.istio.io/proxyMemoryLimit'),
  A('sidecar.istio.io/rewriteAppHTTPProbers'),
  A('sidecar.istio.io/statsCompression'),
  A('sidecar.istio.io/statsFlushInterval'),
  A('sidecar.istio.io/statsHistogramBuckets'),
  A('sidecar.istio.io/statsInclusionPrefixes', P, { deprecated: true }),
  A('sidecar.istio.io/statsInclusionRegexps', P, { deprecated: true }),
  A('sidecar.istio.io/statsInclusionSuffixes', P, { deprecated: true }),
  A('sidecar.istio.io/status'),
  A('sidecar.istio.io/userVolume'),
  A('sidecar.istio.io/userVolumeMount'),
  A('status.sidecar.istio.io/port'),
  A('topology.istio.io/controlPlaneClusters', ['Namespace']),
  { name: 'traffic.istio.io/nodeSelector', status: 'Stable', resources: ['Service'] },
  A('traffic.sidecar.istio.io/excludeInboundPorts'),
  A('traffic.sidecar.istio.io/excludeInterfaces'),
  A('traffic.sidecar.istio.io/excludeOutboundIPRanges'),
  A('traffic.sidecar.istio.io/excludeOutboundPorts'),
  A('traffic.sidecar.istio.io/includeInboundPorts'),
  A('traffic.sidecar.istio.io/includeOutboundIPRanges'),
  A('traffic.sidecar.istio.io/includeOutboundPorts'),
  A('traffic.sidecar.istio.io/kubevirtInterfaces'),
];

const byName = new Map(ANNOTATIONS.map((a) => [a.name, a]));

export function lookupAnnotation(name: string): AnnotationDef | undefined {
  return byName.get(name);
}

/** Annotations in Istio's namespace (and the one Kubernetes annotation Istio documents). */
export function isIstioAnnotation(name: string): boolean {
  if (name === 'kubernetes.io/ingress.class') return true;
  const prefix = name.split('/')[0] ?? '';
  return name.includes('/') && prefix.endsWith('istio.io');
}

/** Extra text for deprecation messages. */
export const DEPRECATION_EXTRA: Readonly<Record<string, string>> = {
  'sidecar.istio.io/inject': ' in favor of the "sidecar.istio.io/inject" label',
};

function uint32(v: string): string | undefined {
  if (!/^\d+$/.test(v.trim()) || Number(v) > 4294967295) return `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`;
  return undefined;
}

function portList(v: string, allowStar: boolean): string | undefined {
  const t = v.trim();
  if (t === '' || (allowStar && t === '*')) return undefined;
  for (const p of t.split(',')) {
    const s = p.trim();
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 65535) return `port list ${JSON.stringify(v)} is not valid: ${JSON.stringify(s)} is not a port number`;
  }
  return undefined;
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

function cidrList(v: string, allowStar: boolean): string | undefined {
  const t = v.trim();
  if (t === '' || (allowStar && t === '*')) return undefined;
  for (const c of t.split(',')) {
    const s = c.trim();
    if (!CIDR.test(s)) return `${JSON.stringify(s)} is not a valid CIDR`;
  }
  return undefined;
}

/** Value checks (Istio's inject.AnnotationValidation): a problem description, or undefined. */
export const ANNOTATION_VALIDATION: Readonly<Record<string, (v: string) => string | undefined>> = {
  'readiness.status.sidecar.istio.io/initialDelaySeconds': uint32,
  'readiness.status.sidecar.istio.io/periodSeconds': uint32,
  'readiness.status.sidecar.istio.io/failureThreshold': uint32,
  'readiness.status.sidecar.istio.io/applicationPorts': (v) => portList(v, false),
  'status.sidecar.istio.io/port': (v) => uint32(v) ?? (Number(v) > 65535 ? `port ${v} out of range` : undefined),
  'sidecar.istio.io/interceptionMode': (v) =>
    ['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode: ${v} is not one of REDIRECT, TPROXY, NONE`,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': (v) => cidrList(v, true),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': (v) => cidrList(v, false),
  'traffic.sidecar.istio.io/includeInboundPorts': (v) => portList(v, true),
  'traffic.sidecar.istio.io/excludeInboundPorts': (v) => portList(v, false),
  'traffic.sidecar.istio.io/includeOutboundPorts': (v) => portList(v, false),
  'traffic.sidecar.istio.io/excludeOutboundPorts': (v) => portList(v, false),
};
