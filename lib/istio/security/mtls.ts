/**
 * Mutual TLS as Istio evaluates it. Pure; used by the graph (lock on every edge), the
 * mTLS form ("effective mode and where it comes from") and the analysis engine.
 *
 *   effectiveMtls(resources, { namespace, labels?, port? }) -> EffectiveMtls
 *     The mode a server workload accepts. Precedence, most specific first:
 *     port (portLevelMtls of the workload policy) > workload (PeerAuthentication with a
 *     selector in the workload's namespace; oldest wins) > namespace (no selector;
 *     oldest wins) > mesh (no selector in the root namespace: meshConfig.rootNamespace,
 *     default istio-system) > default PERMISSIVE. UNSET (or no mode) inherits from the
 *     next level and is listed in `inherited`. `port` is the workload (container) port.
 *
 *   findDestinationRule(resources, { fromNamespace, fromLabels?, host }) -> DrMatch | undefined
 *     The DestinationRule a client proxy in `fromNamespace` uses for `host`: first the
 *     client's namespace (always visible there; a workloadSelector DR only when
 *     `fromLabels` match it), then the host's namespace, then the root namespace, the
 *     latter two only if exportTo lets the client see them. Within a namespace the most
 *     specific host wins (exact, then the longest wildcard), then the oldest.
 *
 *   clientTls(resources, { fromNamespace, fromLabels?, host, subset?, port?, server? }) -> ClientTls
 *     The TLS mode the client proxy originates: DR trafficPolicy.tls, overridden by the
 *     DR's portLevelSettings for `port` (the service port), then by the subset's
 *     trafficPolicy and its portLevelSettings (port-level settings replace, they do not
 *     inherit, as in Istio). Without DR tls, auto mTLS (meshConfig.enableAutoMtls,
 *     default true): ISTIO_MUTUAL when the server has a sidecar and does not DISABLE
 *     mTLS, plaintext otherwise and always for mesh-external hosts.
 *
 *   edgeSecurity(resources, { client, destination, server }) -> EdgeSecurity
 *     Both sides combined: 'mtls' | 'tls' (TLS originated to an external host, or by
 *     the app) | 'plaintext' | 'conflict' (the connection fails: e.g. STRICT server and
 *     a DISABLE client, a client without sidecar calling a STRICT server, ISTIO_MUTUAL
 *     towards a server without sidecar or a server that DISABLEs mTLS), with a reason.
 *
 * Ambient mode (each side's `mode`, from lib/istio/dataplane.ts; https://istio.io/latest/docs/ambient/):
 * - Between ztunnel-captured workloads, and between them and sidecars or Istio's proxies
 *   (gateways, waypoints), traffic is HBONE: mutual TLS with the workloads' identities,
 *   whatever DestinationRules say (ztunnel does not read DestinationRules). A sidecar
 *   client still applies its DestinationRule; a DISABLE there sends plaintext to ztunnel.
 * - An ambient server's ztunnel takes PeerAuthentication STRICT (refuse plaintext) and
 *   PERMISSIVE, with port-level modes; DISABLE is not supported in ambient mode and is
 *   ignored: ztunnel keeps accepting plaintext from clients outside the mesh, as with
 *   PERMISSIVE (https://istio.io/latest/docs/ambient/usage/l4-policy/#peer-authentication,
 *   istiod's convertPeerAuthentication).
 * - An ambient client sends plaintext to a destination outside the mesh and to external
 *   hosts (no DestinationRule TLS origination without a waypoint).
 */
import { fqdn, hostMatches } from '../hosts';
import { matchesLabels, type Labels } from '../labels';
import type { MeshResources } from '../resources';
import type { ClientTLSSettings, PeerAuthentication, TrafficPolicy } from '../types';
import { exportedTo, hostNamespaces, isEmptyRecord, refOf, securityIndex, type DrEntry, type SecurityIndex } from './common';
import type { DataPlaneMode } from '../dataplane';

/** How a side of a connection takes part in the mesh: its data-plane mode, or an Istio proxy (gateway, waypoint). */
export type PeerDataPlane = DataPlaneMode | 'proxy';

export type PeerMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
export type MtlsLevel = 'default' | 'mesh' | 'namespace' | 'workload' | 'port';

export interface MtlsSource {
  level: MtlsLevel;
  /** "PeerAuthentication ns/name" */
  resource?: string;
  /** Field path inside that resource, e.g. "spec/mtls/mode" or "spec/portLevelMtls/8080/mode". */
  path?: string;
}

export interface EffectiveMtls {
  mode: PeerMode;
  source: MtlsSource;
  /** Policies that matched but left the mode UNSET (or unrecognised), so the next level decided. */
  inherited: string[];
  /** "STRICT, from PeerAuthentication istio-system/default (mesh-wide)" */
  reason: string;
}

export interface MtlsTarget {
  namespace: string;
  labels?: Labels;
  /** Workload (container) port; selects portLevelMtls. */
  port?: number;
}

const PEER_MODES = new Set(['STRICT', 'PERMISSIVE', 'DISABLE']);

function concreteMode(m: unknown): PeerMode | undefined {
  return typeof m === 'string' && PEER_MODES.has(m) ? (m as PeerMode) : undefined;
}

function hasSelector(pa: PeerAuthentication): boolean {
  return !isEmptyRecord(pa.spec?.selector?.matchLabels);
}

const LEVEL_TEXT: Record<MtlsLevel, string> = {
  default: 'Istio default (no PeerAuthentication applies)',
  mesh: 'mesh-wide',
  namespace: 'namespace-wide',
  workload: 'workload selector',
  port: 'port level',
};

function describe(mode: PeerMode, source: MtlsSource): string {
  return source.resource ? `${mode}, from ${source.resource} (${LEVEL_TEXT[source.level]})` : `${mode}, ${LEVEL_TEXT[source.level]}`;
}

/** The PeerAuthentications that apply to a workload, one per level (undefined where none). */
export function applicablePeerAuthentications(
  resources: MeshResources,
  target: { namespace: string; labels?: Labels },
): { mesh?: PeerAuthentication; namespace?: PeerAuthentication; workload?: PeerAuthentication } {
  const idx = securityIndex(resources);
  const root = idx.rootNamespace;
  const mesh = (idx.peerAuthn.get(root) ?? []).find((p) => !hasSelector(p));
  const inNs = idx.peerAuthn.get(target.namespace) ?? [];
  const namespace = target.namespace === root ? undefined : inNs.find((p) => !hasSelector(p));
  const workload = inNs.find((p) => hasSelector(p) && matchesLabels(p.spec?.selector?.matchLabels, target.labels));
  return { mesh, namespace, workload };
}

export function effectiveMtls(resources: MeshResources, target: MtlsTarget): EffectiveMtls {
  const { mesh, namespace, workload } = applicablePeerAuthentications(resources, target);
  let mode: PeerMode = 'PERMISSIVE';
  let source: MtlsSource = { level: 'default' };
  const inherited: string[] = [];
  const levels: Array<[MtlsLevel, PeerAuthentication | undefined]> = [
    ['mesh', mesh],
    ['namespace', namespace],
    ['workload', workload],
  ];
  for (const [level, pa] of levels) {
    if (!pa) continue;
    const m = concreteMode(pa.spec?.mtls?.mode);
    if (m) {
      mode = m;
      source = { level, resource: refOf(pa), path: 'spec/mtls/mode' };
    } else {
      inherited.push(refOf(pa));
    }
  }
  if (workload && target.port !== undefined) {
    const pl = workload.spec?.portLevelMtls?.[String(target.port)];
    if (pl) {
      const m = concreteMode(pl.mode);
      if (m) {
        mode = m;
        source = { level: 'port', resource: refOf(workload), path: `spec/portLevelMtls/${target.port}/mode` };
      } else {
        inherited.push(`${refOf(workload)} port ${target.port}`);
      }
    }
  }
  let reason = describe(mode, source);
  if (inherited.length) reason += `; inherited through ${inherited.join(', ')} (UNSET)`;
  return { mode, source, inherited, reason };
}

/* ---- client side ---- */

export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';
export type ClientTlsLevel = 'destination-rule' | 'port' | 'subset' | 'subset-port' | 'auto' | 'default' | 'no-sidecar';

export interface ClientTlsSource {
  level: ClientTlsLevel;
  /** "DestinationRule ns/name" */
  resource?: string;
  path?: string;
}

export interface ClientTls {
  mode: ClientTlsMode;
  /** Chosen by auto mTLS rather than written in a DestinationRule. */
  auto: boolean;
  source: ClientTlsSource;
  /** The DestinationRule that applies to the host, even when it sets no TLS. */
  destinationRule?: string;
  reason: string;
}

export interface DrMatch {
  entry: DrEntry;
  /** "DestinationRule ns/name" */
  resource: string;
  /** Why this namespace was looked at: the client's, the host's, or the root namespace. */
  via: 'client-namespace' | 'host-namespace' | 'root-namespace';
}

export interface DrQuery {
  fromNamespace: string;
  /** Client workload labels; DestinationRules with a workloadSelector only apply when these match. */
  fromLabels?: Labels;
  /** Host as the client wrote it; short names are completed with fromNamespace. */
  host: string;
}

/** Most specific match among one namespace's DRs: exact host, else the longest wildcard; oldest among equals. */
function bestIn(idx: SecurityIndex, ns: string, host: string, accept: (e: DrEntry) => boolean): DrEntry | undefined {
  const table = idx.destinationRulesByHost.get(ns);
  if (!table) return undefined;
  const exact = table.exact.get(host)?.find(accept);
  if (exact) return exact;
  let best: DrEntry | undefined;
  // Entries are oldest first, so a strict ">" keeps the oldest among equals.
  for (const e of table.wildcard) {
    if ((!best || e.host.length > best.host.length) && hostMatches(e.host, host) && accept(e)) best = e;
  }
  return best;
}

function findDr(idx: SecurityIndex, q: DrQuery): DrMatch | undefined {
  const host = fqdn(q.host, q.fromNamespace);
  const order: Array<[string, DrMatch['via']]> = [[q.fromNamespace, 'client-namespace']];
  for (const ns of hostNamespaces(idx, host)) order.push([ns, 'host-namespace']);
  order.push([idx.rootNamespace, 'root-namespace']);
  const seen = new Set<string>();
  for (const [ns, via] of order) {
    if (seen.has(ns)) continue;
    seen.add(ns);
    if (!idx.destinationRulesByHost.has(ns)) continue;
    const local = ns === q.fromNamespace;
    const visible = (e: DrEntry) => local || exportedTo(e.dr.spec?.exportTo, ns, q.fromNamespace);
    const sel = (e: DrEntry) => {
      const ws = e.dr.spec?.workloadSelector;
      return !!ws && (!isEmptyRecord(ws.matchLabels) || (ws.matchExpressions?.length ?? 0) > 0);
    };
    let found: DrEntry | undefined;
    if (local && q.fromLabels) {
      found = bestIn(idx, ns, host, (e) => sel(e) && matchesLabels(e.dr.spec?.workloadSelector?.matchLabels, q.fromLabels));
    }
    // Outside the client's namespace a workloadSelector DR never applies.
    found ??= bestIn(idx, ns, host, (e) => !sel(e) && visible(e));
    if (found) return { entry: found, resource: refOf(found.dr), via };
  }
  return undefined;
}

export function findDestinationRule(resources: MeshResources, q: DrQuery): DrMatch | undefined {
  return findDr(securityIndex(resources), q);
}

export interface ClientTlsQuery extends DrQuery {
  subset?: string;
  /** Service port the client connects to; selects portLevelSettings. */
  port?: number;
  /** What the client knows about the server, for auto mTLS. Omitted: assume a sidecar that accepts mTLS. */
  server?: { inMesh: boolean; mode?: PeerMode; external?: boolean };
  /** The client has no sidecar: no DestinationRule applies, it sends what the app sends (plaintext). */
  clientInMesh?: boolean;
}

const CLIENT_MODES = new Set(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']);

function portIndex(tp: TrafficPolicy | undefined, port: number | undefined): number {
  if (port === undefined || !tp?.portLevelSettings) return -1;
  return tp.portLevelSettings.findIndex((p) => p.port?.number === port);
}

export function clientTls(resources: MeshResources, q: ClientTlsQuery): ClientTls {
  const idx = securityIndex(resources);
  if (q.clientInMesh === false) {
    return {
      mode: 'DISABLE',
      auto: false,
      source: { level: 'no-sidecar' },
      reason: 'client has no sidecar: no DestinationRule applies, traffic leaves as the application sends it (plaintext)',
    };
  }
  const match = findDr(idx, q);
  let tls: ClientTLSSettings | undefined;
  let source: ClientTlsSource | undefined;
  const notes: string[] = [];
  if (match) {
    const dr = match.entry.dr;
    const tp = dr.spec?.trafficPolicy;
    if (tp?.tls) {
      tls = tp.tls;
      source = { level: 'destination-rule', resource: match.resource, path: 'spec/trafficPolicy/tls' };
    }
    const pi = portIndex(tp, q.port);
    if (pi >= 0) {
      tls = tp?.portLevelSettings?.[pi]?.tls;
      source = tls ? { level: 'port', resource: match.resource, path: `spec/trafficPolicy/portLevelSettings[${pi}]/tls` } : undefined;
    }
    if (q.subset) {
      const si = dr.spec?.subsets?.findIndex((s) => s.name === q.subset) ?? -1;
      const subset = si >= 0 ? dr.spec?.subsets?.[si] : undefined;
      if (!subset) notes.push(`subset "${q.subset}" is not defined in ${match.resource}`);
      const stp = subset?.trafficPolicy;
      if (stp?.tls) {
        tls = stp.tls;
        source = { level: 'subset', resource: match.resource, path: `spec/subsets[${si}]/trafficPolicy/tls` };
      }
      const spi = portIndex(stp, q.port);
      if (spi >= 0) {
        tls = stp?.portLevelSettings?.[spi]?.tls;
        source = tls ? { level: 'subset-port', resource: match.resource, path: `spec/subsets[${si}]/trafficPolicy/portLevelSettings[${spi}]/tls` } : undefined;
      }
    }
  }
  const drName = match?.resource;
  if (tls && source) {
    const raw = tls.mode ?? 'DISABLE';
    const mode = CLIENT_MODES.has(raw) ? (raw as ClientTlsMode) : 'DISABLE';
    let reason = `${mode}, from ${source.resource} (${source.path})`;
    if (raw !== mode) reason += `; unknown mode "${raw}" read as DISABLE`;
    if (notes.length) reason += `; ${notes.join('; ')}`;
    return { mode, auto: false, source, destinationRule: drName, reason };
  }
  const suffix = (drName ? `; ${drName} sets no TLS` : '') + (notes.length ? `; ${notes.join('; ')}` : '');
  if (!idx.autoMtls) {
    return {
      mode: 'DISABLE',
      auto: false,
      source: { level: 'default' },
      destinationRule: drName,
      reason: `DISABLE: auto mTLS is off in the mesh config and no DestinationRule sets TLS${suffix}`,
    };
  }
  const server = q.server;
  if (server?.external) {
    return {
      mode: 'DISABLE',
      auto: true,
      source: { level: 'auto' },
      destinationRule: drName,
      reason: `plaintext: auto mTLS never applies to mesh-external hosts${suffix}`,
    };
  }
  if (server && !server.inMesh) {
    return {
      mode: 'DISABLE',
      auto: true,
      source: { level: 'auto' },
      destinationRule: drName,
      reason: `plaintext: auto mTLS, the server has no sidecar${suffix}`,
    };
  }
  if (server?.mode === 'DISABLE') {
    return {
      mode: 'DISABLE',
      auto: true,
      source: { level: 'auto' },
      destinationRule: drName,
      reason: `plaintext: auto mTLS, the server disables mTLS${suffix}`,
    };
  }
  return {
    mode: 'ISTIO_MUTUAL',
    auto: true,
    source: { level: 'auto' },
    destinationRule: drName,
    reason: `ISTIO_MUTUAL: auto mTLS${server ? '' : ' (assuming the server has a sidecar)'}${suffix}`,
  };
}

/* ---- both sides ---- */

export type EdgeSecurityState = 'mtls' | 'tls' | 'plaintext' | 'conflict';

export interface EdgeSecurity {
  state: EdgeSecurityState;
  reason: string;
  /** The connection is HBONE (ztunnel on at least one side). */
  hbone?: boolean;
  /** Undefined for external destinations (no Istio server side). */
  server?: EffectiveMtls & { inMesh: boolean };
  client: ClientTls;
}

export interface EdgeSecurityQuery {
  /** `mode` defaults to 'sidecar' when inMesh, 'none' otherwise. */
  client: { namespace: string; labels?: Labels; inMesh: boolean; mode?: PeerDataPlane };
  /** What the client addresses: host (short or FQDN), subset, service port. */
  destination: { host: string; subset?: string; port?: number };
  /** The server workload (port = workload port), or an external host with its port protocol. */
  server: { namespace: string; labels?: Labels; inMesh: boolean; port?: number; mode?: PeerDataPlane } | { external: true; protocol?: string };
}

/** The mode a server's ztunnel enforces: DISABLE is not supported in ambient mode and reads as PERMISSIVE. */
export function ambientPeerMode(m: EffectiveMtls): { mode: 'STRICT' | 'PERMISSIVE'; reason: string } {
  if (m.mode === 'DISABLE')
    return {
      mode: 'PERMISSIVE',
      reason: `${m.reason}; DISABLE is not supported in ambient mode and is ignored, so ztunnel accepts plaintext as with PERMISSIVE`,
    };
  return { mode: m.mode, reason: m.reason };
}

const TLS_PROTOCOLS = new Set(['HTTPS', 'TLS']);

export function edgeSecurity(resources: MeshResources, q: EdgeSecurityQuery): EdgeSecurity {
  const clientMode: PeerDataPlane = q.client.mode ?? (q.client.inMesh ? 'sidecar' : 'none');
  if ('external' in q.server) {
    if (clientMode === 'ambient') {
      const client: ClientTls = {
        mode: 'DISABLE',
        auto: false,
        source: { level: 'no-sidecar' },
        reason: 'the client is ambient: ztunnel does not originate TLS to hosts outside the mesh (no DestinationRule applies without a waypoint)',
      };
      const appTls = TLS_PROTOCOLS.has((q.server.protocol ?? '').toUpperCase());
      if (appTls) return { state: 'tls', client, reason: `TLS by the application (port protocol ${q.server.protocol})` };
      return { state: 'plaintext', client, reason: `plaintext to an external host (${client.reason})` };
    }
    const client = clientTls(resources, {
      fromNamespace: q.client.namespace,
      fromLabels: q.client.labels,
      host: q.destination.host,
      subset: q.destination.subset,
      port: q.destination.port,
      server: { inMesh: false, external: true },
      clientInMesh: q.client.inMesh,
    });
    const appTls = TLS_PROTOCOLS.has((q.server.protocol ?? '').toUpperCase());
    if (client.mode === 'ISTIO_MUTUAL')
      return { state: 'conflict', client, reason: `client sends Istio mTLS (${client.reason}) to an external host that cannot terminate it` };
    if (client.mode === 'SIMPLE' || client.mode === 'MUTUAL')
      return { state: 'tls', client, reason: `TLS originated by the sidecar (${client.mode}, ${client.source.resource})` };
    if (appTls) return { state: 'tls', client, reason: `TLS by the application (port protocol ${q.server.protocol})` };
    return { state: 'plaintext', client, reason: `plaintext to an external host (${client.reason})` };
  }
  const srv = q.server;
  const serverMode: PeerDataPlane = srv.mode ?? (srv.inMesh ? 'sidecar' : 'none');
  if (serverMode === 'ambient' || clientMode === 'ambient') return ambientEdge(resources, q, srv, clientMode, serverMode);
  const mtls = effectiveMtls(resources, { namespace: srv.namespace, labels: srv.labels, port: srv.port });
  const server = { ...mtls, inMesh: srv.inMesh };
  const client = clientTls(resources, {
    fromNamespace: q.client.namespace,
    fromLabels: q.client.labels,
    host: q.destination.host,
    subset: q.destination.subset,
    port: q.destination.port,
    server: { inMesh: srv.inMesh, mode: mtls.mode },
    clientInMesh: q.client.inMesh,
  });
  const r = (state: EdgeSecurityState, reason: string): EdgeSecurity => ({ state, reason, server, client });
  if (!srv.inMesh) {
    if (client.mode === 'ISTIO_MUTUAL') return r('conflict', `client sends Istio mTLS (${client.reason}) but the server has no sidecar to terminate it`);
    if (client.mode === 'SIMPLE' || client.mode === 'MUTUAL')
      return r('tls', `TLS originated by the client sidecar (${client.mode}); the server has no sidecar`);
    return r('plaintext', `plaintext: the server has no sidecar, so PeerAuthentication is not enforced (${client.reason})`);
  }
  if (!q.client.inMesh) {
    if (mtls.mode === 'STRICT') return r('conflict', `the client has no sidecar and sends plaintext, but the server requires mTLS (${mtls.reason})`);
    return r('plaintext', `plaintext: the client has no sidecar; the server accepts it (${mtls.reason})`);
  }
  switch (client.mode) {
    case 'ISTIO_MUTUAL':
      if (mtls.mode === 'DISABLE') return r('conflict', `client sends Istio mTLS (${client.reason}) but the server disables mTLS (${mtls.reason})`);
      return r('mtls', `mTLS: client ${client.reason}; server ${mtls.reason}`);
    case 'DISABLE':
      if (mtls.mode === 'STRICT') return r('conflict', `client sends plaintext (${client.reason}) but the server requires mTLS (${mtls.reason})`);
      return r('plaintext', `plaintext: client ${client.reason}; server ${mtls.reason}`);
    default:
      if (mtls.mode === 'STRICT')
        return r('conflict', `client originates its own TLS (${client.mode}, ${client.source.resource}) but the server requires Istio mTLS (${mtls.reason})`);
      return r('tls', `TLS originated by the client sidecar (${client.mode}, ${client.source.resource}); server ${mtls.reason}`);
  }
}

const HBONE_DR_NOTE = 'DestinationRule TLS settings do not apply to ztunnel';

/** A connection with ztunnel on at least one side (see the header). */
function ambientEdge(
  resources: MeshResources,
  q: EdgeSecurityQuery,
  srv: { namespace: string; labels?: Labels; inMesh: boolean; port?: number },
  clientMode: PeerDataPlane,
  serverMode: PeerDataPlane,
): EdgeSecurity {
  const mtls = effectiveMtls(resources, { namespace: srv.namespace, labels: srv.labels, port: srv.port });
  const server = { ...mtls, inMesh: serverMode !== 'none' };
  const hboneClient = (reason: string): ClientTls => ({ mode: 'ISTIO_MUTUAL', auto: true, source: { level: 'auto' }, reason });
  const r = (state: EdgeSecurityState, reason: string, client: ClientTls, hbone = state === 'mtls'): EdgeSecurity => ({ state, reason, server, client, hbone });
  if (serverMode === 'ambient') {
    const z = ambientPeerMode(mtls);
    if (clientMode === 'ambient')
      return r('mtls', `mTLS: HBONE between the client's and the server's ztunnel (${HBONE_DR_NOTE}); server ${z.reason}`, hboneClient('HBONE from ztunnel'));
    if (clientMode === 'proxy')
      return r('mtls', `mTLS: the Istio proxy sends HBONE to the server's ztunnel; server ${z.reason}`, hboneClient('HBONE from the Istio proxy'));
    if (clientMode === 'none') {
      const client: ClientTls = {
        mode: 'DISABLE',
        auto: false,
        source: { level: 'no-sidecar' },
        reason: 'the client is outside the mesh and sends what the application sends (plaintext)',
      };
      if (z.mode === 'STRICT')
        return r('conflict', `the client is outside the mesh and sends plaintext, but the server's ztunnel requires mTLS (${z.reason})`, client);
      return r('plaintext', `plaintext: the client is outside the mesh; the server's ztunnel accepts it (${z.reason})`, client);
    }
    // A sidecar client applies its DestinationRule; auto mTLS sends HBONE to the captured server.
    const client = clientTls(resources, {
      fromNamespace: q.client.namespace,
      fromLabels: q.client.labels,
      host: q.destination.host,
      subset: q.destination.subset,
      port: q.destination.port,
      server: { inMesh: true, mode: z.mode },
      clientInMesh: true,
    });
    if (client.mode === 'ISTIO_MUTUAL')
      return r('mtls', `mTLS: the client sidecar sends HBONE to the server's ztunnel (${client.reason}); server ${z.reason}`, client);
    if (z.mode === 'STRICT')
      return r(
        'conflict',
        `the client sidecar sends ${client.mode === 'DISABLE' ? 'plaintext' : `its own TLS (${client.mode})`} (${client.reason}), but the server's ztunnel requires mTLS (${z.reason})`,
        client,
        false,
      );
    return r(
      client.mode === 'DISABLE' ? 'plaintext' : 'tls',
      `${client.mode === 'DISABLE' ? 'plaintext' : `TLS originated by the client sidecar (${client.mode})`}: ${client.reason}; the server's ztunnel accepts it (${z.reason})`,
      client,
      false,
    );
  }
  // The client is ambient, the server is not.
  if (serverMode === 'none') {
    const client: ClientTls = { mode: 'DISABLE', auto: true, source: { level: 'auto' }, reason: 'ztunnel sends plaintext to a destination outside the mesh' };
    return r(
      'plaintext',
      'plaintext: the client is ambient, the server has no sidecar and is not captured by ztunnel, so ztunnel sends plaintext',
      client,
      false,
    );
  }
  return r(
    'mtls',
    `mTLS: the client's ztunnel sends HBONE to the server's ${serverMode === 'proxy' ? 'Istio proxy' : 'sidecar'} (${HBONE_DR_NOTE})`,
    hboneClient('HBONE from ztunnel'),
  );
}
