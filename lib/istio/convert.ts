/**
 * Conversion of the removed authentication.istio.io/v1alpha1 policies (Policy and
 * MeshPolicy, removed in Istio 1.6) to security.istio.io/v1 resources. Pure.
 *
 * The mapping follows Istio's own migration guidance ("Migrate pre-Istio 1.4 Alpha
 * security policy to the current APIs", istio.io blog 2021, and its tool
 * istio-ecosystem/security-policy-migrate):
 *
 *  - Policy -> PeerAuthentication with the same name and namespace; MeshPolicy ->
 *    PeerAuthentication "default" in the root namespace (istio-system).
 *  - peers[].mtls.mode: STRICT -> STRICT, PERMISSIVE -> PERMISSIVE. An empty mtls
 *    ("mtls: {}" or "mtls:") is STRICT: STRICT is the zero value of the v1alpha1
 *    MutualTls.Mode enum and Istio 1.4/1.5 treated a missing mode as STRICT.
 *    allowTls (deprecated) -> PERMISSIVE.
 *  - No peers -> PERMISSIVE. In v1alpha1 an empty peers list meant "peer
 *    authentication is not required" (the workload accepted plaintext); Istio's
 *    migration maps everything that is not STRICT to PERMISSIVE, because DISABLE also
 *    refuses the mTLS that auto-mTLS clients send.
 *  - targets[].name (a service name) -> selector.matchLabels: the Service's selector
 *    when the Service is known, else app: <name> (an assumption, noted). targets[].ports
 *    -> portLevelMtls on those ports only (service ports are translated to the
 *    workload's targetPort when the Service is known, since PeerAuthentication ports
 *    are workload ports). Several targets -> one policy per target (<name>-<target>).
 *  - origins[].jwt -> RequestAuthentication (issuer, jwksUri, jwks, audiences, headers,
 *    params) plus, unless originIsOptional, an AuthorizationPolicy DENY for requests
 *    without a valid token (notRequestPrincipals: ["*"]); triggerRules become paths /
 *    notPaths. Rejections change from 401 "Origin authentication failed" to 403
 *    "RBAC: access denied".
 */
import { parseApiVersion } from './kinds';
import type { AuthzRule, K8sObject, Service } from './types';
import { DEFAULT_ROOT_NAMESPACE } from './types';

export interface ConvertOptions {
  /** Root namespace of the mesh, where MeshPolicy's replacement goes (default istio-system). */
  rootNamespace?: string;
  /** Known Services, to turn target names into workload selectors and service ports into workload ports. */
  services?: readonly Service[];
}

export interface ConvertResult {
  objects: K8sObject[];
  notes: string[];
}

interface LegacyStringMatch {
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
}
interface LegacyJwt {
  issuer?: string;
  audiences?: string[];
  jwksUri?: string;
  jwks?: string;
  jwtHeaders?: string[];
  jwtParams?: string[];
  triggerRules?: Array<{ includedPaths?: LegacyStringMatch[]; excludedPaths?: LegacyStringMatch[] }>;
}
interface LegacyPolicySpec {
  targets?: Array<{ name?: string; ports?: Array<{ number?: number; name?: string }> }>;
  peers?: Array<{ mtls?: { mode?: string; allowTls?: boolean } | null; jwt?: unknown }>;
  peerIsOptional?: boolean;
  origins?: Array<{ jwt?: LegacyJwt }>;
  originIsOptional?: boolean;
  principalBinding?: string;
}

const LEGACY_GROUP = 'authentication.istio.io';
const SEC_API = 'security.istio.io/v1';
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export function isLegacyAuthenticationPolicy(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): boolean {
  const { group, version } = parseApiVersion(obj.apiVersion);
  return group === LEGACY_GROUP && version === 'v1alpha1' && (obj.kind === 'Policy' || obj.kind === 'MeshPolicy');
}

type Mode = 'STRICT' | 'PERMISSIVE';

function peerMode(spec: LegacyPolicySpec, notes: string[]): Mode {
  const peers = spec.peers ?? [];
  if (peers.length === 0) {
    notes.push(
      'The policy has no peers, which in v1alpha1 meant "peer authentication is not required": the workloads accepted plaintext. ' +
        "It is converted to PERMISSIVE, as Istio's migration guide does: plaintext is still accepted, and so is the mTLS that clients send with auto mTLS " +
        '(DISABLE would refuse it). Use STRICT once every client has a sidecar.',
    );
    return 'PERMISSIVE';
  }
  if (peers.some((p) => p.jwt !== undefined)) notes.push('JWT as a peer authentication method was never supported by the proxies; that peer entry is ignored.');
  const first = peers.find((p) => 'mtls' in p);
  if (!first) {
    notes.push('No mTLS peer method is set; converted to PERMISSIVE.');
    return 'PERMISSIVE';
  }
  const m = first.mtls ?? {};
  if (m.mode === 'PERMISSIVE') return 'PERMISSIVE';
  if (m.allowTls) {
    notes.push('allowTls (TLS without a client certificate) has no equivalent; converted to PERMISSIVE, the mode that replaced it.');
    return 'PERMISSIVE';
  }
  if (m.mode === undefined) notes.push('mtls has no mode; v1alpha1 defaulted it to STRICT, so the result is STRICT.');
  else if (m.mode !== 'STRICT') notes.push(`Unknown mTLS mode ${m.mode}; converted to STRICT, the v1alpha1 default.`);
  if (spec.peerIsOptional)
    notes.push(
      'peerIsOptional only let requests without a peer identity reach the next (authorization) layer; it has no equivalent, and STRICT still requires mTLS.',
    );
  return 'STRICT';
}

interface Scope {
  name: string;
  namespace: string;
  selector?: Record<string, string>;
  ports: number[];
}

function scopes(obj: K8sObject, spec: LegacyPolicySpec, opts: ConvertOptions, notes: string[]): Scope[] {
  const root = opts.rootNamespace || DEFAULT_ROOT_NAMESPACE;
  if (obj.kind === 'MeshPolicy') {
    if (obj.metadata.name !== 'default')
      notes.push(`Istio only honoured a MeshPolicy named "default"; ${obj.metadata.name} is converted as the mesh-wide policy "default" anyway.`);
    return [{ name: 'default', namespace: root, ports: [] }];
  }
  const namespace = obj.metadata.namespace ?? 'default';
  const targets = (spec.targets ?? []).filter((t) => t.name);
  if (!targets.length) return [{ name: obj.metadata.name, namespace, ports: [] }];
  const out: Scope[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const target = t.name as string;
    if (seen.has(target)) {
      notes.push(`Target ${target} is listed twice; converted once.`);
      continue;
    }
    seen.add(target);
    const svc = opts.services?.find((s) => s.metadata.name === target && (s.metadata.namespace ?? 'default') === namespace);
    let selector: Record<string, string>;
    if (svc?.spec?.selector && Object.keys(svc.spec.selector).length) {
      selector = { ...svc.spec.selector };
      notes.push(
        `Target ${target} is the Service ${namespace}/${target}; its selector (${Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}) selects the workloads.`,
      );
    } else {
      selector = { app: target };
      notes.push(
        `Target ${target}: v1alpha1 selected workloads by service name, v1 by pod labels. The Service is not known here, so the selector assumes its pods carry app: ${target}; check it against the Service's selector.`,
      );
    }
    const ports: number[] = [];
    for (const p of t.ports ?? []) {
      const sp = svc?.spec?.ports?.find((x) => (p.number !== undefined && x.port === p.number) || (p.name !== undefined && x.name === p.name));
      if (sp) {
        const workloadPort = typeof sp.targetPort === 'number' ? sp.targetPort : sp.port;
        if (workloadPort !== sp.port)
          notes.push(`Service port ${sp.port} of ${target} is workload port ${workloadPort}; PeerAuthentication uses workload ports.`);
        if (typeof sp.targetPort === 'string')
          notes.push(`Service port ${sp.port} of ${target} targets the named container port ${sp.targetPort}; check that the workload listens on ${sp.port}.`);
        ports.push(workloadPort);
      } else if (p.number !== undefined) {
        ports.push(p.number);
        notes.push(`Port ${p.number} of ${target} is a service port in v1alpha1 but a workload (container) port in v1; check that they are the same.`);
      } else {
        notes.push(`The port named ${p.name} of ${target} cannot be translated without the Service; the mode applies to the whole workload instead.`);
      }
    }
    out.push({ name: targets.length > 1 ? `${obj.metadata.name}-${target}` : obj.metadata.name, namespace, selector, ports: [...new Set(ports)] });
  }
  return out;
}

function baseMeta(obj: K8sObject, name: string, namespace: string): K8sObject['metadata'] {
  const meta: K8sObject['metadata'] = { name, namespace };
  if (obj.metadata.labels && Object.keys(obj.metadata.labels).length) meta.labels = { ...obj.metadata.labels };
  const annotations = Object.fromEntries(Object.entries(obj.metadata.annotations ?? {}).filter(([k]) => !DROPPED_ANNOTATIONS.includes(k)));
  if (Object.keys(annotations).length) meta.annotations = annotations;
  return meta;
}

function pathsOf(ms: LegacyStringMatch[] | undefined, notes: string[]): string[] {
  const out: string[] = [];
  for (const m of ms ?? []) {
    if (m.exact !== undefined) out.push(m.exact);
    else if (m.prefix !== undefined) out.push(`${m.prefix}*`);
    else if (m.suffix !== undefined) out.push(`*${m.suffix}`);
    else if (m.regex !== undefined)
      notes.push(`The trigger path regex "${m.regex}" has no equivalent in AuthorizationPolicy (only exact, prefix* and *suffix); convert it by hand.`);
  }
  return out;
}

function jwtObjects(obj: K8sObject, spec: LegacyPolicySpec, scope: Scope, notes: string[]): K8sObject[] {
  const jwts = (spec.origins ?? []).map((o) => o.jwt).filter((j): j is LegacyJwt => !!j);
  if (!jwts.length) return [];
  const rules = jwts.flatMap((j) => {
    if (!j.issuer) {
      notes.push('An origin JWT without issuer cannot be converted; it is left out.');
      return [];
    }
    const rule: Record<string, unknown> = { issuer: j.issuer };
    if (j.audiences?.length) rule.audiences = [...j.audiences];
    if (j.jwksUri) rule.jwksUri = j.jwksUri;
    else if (j.jwks) rule.jwks = j.jwks;
    if (j.jwtHeaders?.length) rule.fromHeaders = j.jwtHeaders.map((name) => ({ name }));
    if (j.jwtParams?.length) rule.fromParams = [...j.jwtParams];
    return [rule];
  });
  if (!rules.length) return [];
  const selector = scope.selector ? { selector: { matchLabels: { ...scope.selector } } } : {};
  const out: K8sObject[] = [
    { apiVersion: SEC_API, kind: 'RequestAuthentication', metadata: baseMeta(obj, scope.name, scope.namespace), spec: { ...selector, jwtRules: rules } },
  ];
  notes.push(`origins (JWT) become RequestAuthentication ${scope.namespace}/${scope.name}: it validates tokens that are present but does not require one.`);
  if (spec.originIsOptional) {
    notes.push('originIsOptional was set, so requests without a token stay allowed; no AuthorizationPolicy is added.');
  } else {
    const triggers = jwts.length === 1 ? (jwts[0]!.triggerRules ?? []) : [];
    if (jwts.length > 1 && jwts.some((j) => j.triggerRules?.length))
      notes.push('triggerRules with several issuers cannot be converted automatically; the token is required on every path.');
    const ports = scope.ports.map(String);
    const denyRule = (paths: string[], notPaths: string[]): AuthzRule => {
      const op = { ...(paths.length ? { paths } : {}), ...(notPaths.length ? { notPaths } : {}), ...(ports.length ? { ports } : {}) };
      return { from: [{ source: { notRequestPrincipals: ['*'] } }], ...(Object.keys(op).length ? { to: [{ operation: op }] } : {}) };
    };
    const authzRules = triggers.length ? triggers.map((t) => denyRule(pathsOf(t.includedPaths, notes), pathsOf(t.excludedPaths, notes))) : [denyRule([], [])];
    out.push({
      apiVersion: SEC_API,
      kind: 'AuthorizationPolicy',
      metadata: baseMeta(obj, `${scope.name}-require-jwt`, scope.namespace),
      spec: { ...selector, action: 'DENY', rules: authzRules },
    });
    notes.push(
      `AuthorizationPolicy ${scope.namespace}/${scope.name}-require-jwt denies requests without a valid token, as the v1alpha1 origin did; they now get 403 "RBAC: access denied" instead of 401.`,
    );
  }
  if (spec.principalBinding === 'USE_ORIGIN')
    notes.push(
      'principalBinding USE_ORIGIN has no equivalent: AuthorizationPolicy reads the token identity as requestPrincipals and the peer identity as principals.',
    );
  return out;
}

/** Convert one v1alpha1 Policy or MeshPolicy. Other objects give no objects and a note. */
export function convertLegacyPolicy(obj: K8sObject, opts: ConvertOptions = {}): ConvertResult {
  const notes: string[] = [];
  if (!isLegacyAuthenticationPolicy(obj)) {
    return { objects: [], notes: [`${obj.apiVersion} ${obj.kind} is not a v1alpha1 authentication Policy or MeshPolicy; nothing to convert.`] };
  }
  const spec = (obj.spec ?? {}) as LegacyPolicySpec;
  const mode = peerMode(spec, notes);
  const objects: K8sObject[] = [];
  for (const scope of scopes(obj, spec, opts, notes)) {
    const paSpec: Record<string, unknown> = {};
    if (scope.selector) paSpec.selector = { matchLabels: { ...scope.selector } };
    if (scope.ports.length) paSpec.portLevelMtls = Object.fromEntries(scope.ports.map((p) => [String(p), { mode }]));
    else paSpec.mtls = { mode };
    objects.push({ apiVersion: SEC_API, kind: 'PeerAuthentication', metadata: baseMeta(obj, scope.name, scope.namespace), spec: paSpec });
    objects.push(...jwtObjects(obj, spec, scope, notes));
  }
  return { objects, notes: [...new Set(notes)] };
}

/** Convert every legacy policy among `objects`, using the Services found there. */
export function convertLegacyObjects(objects: readonly K8sObject[], opts: Omit<ConvertOptions, 'services'> = {}): ConvertResult & { converted: K8sObject[] } {
  const services = objects.filter((o) => o.kind === 'Service' && parseApiVersion(o.apiVersion).group === '') as Service[];
  const converted = objects.filter(isLegacyAuthenticationPolicy);
  const results = converted.map((o) => convertLegacyPolicy(o, { ...opts, services }));
  return { converted, objects: results.flatMap((r) => r.objects), notes: results.flatMap((r) => r.notes) };
}
