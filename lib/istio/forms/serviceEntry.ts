/**
 * ServiceEntry form: an external (or extra internal) system — hosts, addresses, ports
 * with protocol, location, resolution (DNS / STATIC with endpoints / NONE) and exportTo.
 *
 * The TCP rule: a sidecar picks a ServiceEntry by the HTTP Host header or the TLS SNI.
 * Plain TCP (a database, MONGO) carries neither, so the host name cannot select the
 * entry; only the destination address can. TCP entries therefore need `addresses`
 * (the service's IPs as CIDR blocks), or every TCP entry on the port collides.
 *
 * Ownership: the ServiceEntry of that name in the namespace (getInit also finds one by
 * host); fields the form does not show (workloadSelector, subjectAltNames, endpoint
 * labels / network / locality) are kept.
 */
import { z } from 'zod';
import { hostsOverlap } from '../hosts';
import type { MeshResources } from '../resources';
import { friendlyName } from '../resources';
import type { ServiceEntry, WorkloadEntrySpec } from '../types';
import { listInWords, newObject, startFrom } from './objects';
import { checkState, pushWrite, type BuildResult, type FormWarning, type FormWrite } from './writes';
import { addDuplicateIssues, addressProblem, dns1123LabelProblem, dnsLabelSchema, hostProblem, isIP, portProblem, resourceNameSchema } from './validators';

export const SE_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'GRPC', 'HTTP2', 'MONGO'] as const;
export type SeProtocol = (typeof SE_PROTOCOLS)[number];
export const SE_LOCATIONS = ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const;
export const SE_RESOLUTIONS = ['DNS', 'STATIC', 'NONE'] as const;

/** Protocols that carry neither an HTTP Host nor a TLS SNI. */
export const OPAQUE_PROTOCOLS: readonly SeProtocol[] = ['TCP', 'MONGO'];

export const serviceEntrySchema = z
  .object({
    name: resourceNameSchema('ServiceEntry name'),
    namespace: dnsLabelSchema('namespace'),
    hosts: z.array(z.string()),
    /** IP addresses or CIDR blocks ("10.0.0.0/24", "2001:db8::/64"). */
    addresses: z.array(z.string()),
    ports: z.array(
      z.object({
        number: z.number({ error: 'Enter a port number' }),
        protocol: z.enum(SE_PROTOCOLS, { error: `Choose a protocol: ${SE_PROTOCOLS.join(', ')}` }),
        /** Empty: a name is made from the protocol ("tcp", or "tcp-3306" when several ports share it). */
        name: z.string(),
        targetPort: z.number().optional(),
      }),
    ),
    location: z.enum(SE_LOCATIONS, { error: 'Choose MESH_EXTERNAL (outside the mesh) or MESH_INTERNAL' }),
    resolution: z.enum(SE_RESOLUTIONS, { error: 'Choose how addresses are found: DNS, STATIC or NONE' }),
    /** STATIC: the IP addresses of the service; DNS: optional host names or IPs to resolve instead of the hosts. */
    endpoints: z.array(z.object({ address: z.string(), ports: z.record(z.string(), z.number()).optional() })),
    /** Namespaces that see the entry: "." (own namespace), "*" (all), or names; empty means all. */
    exportTo: z.array(z.string()),
  })
  .superRefine((s, ctx) => {
    const add = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (s.hosts.length === 0) add(['hosts'], 'Enter at least one host name');
    s.hosts.forEach((h, i) => {
      const p = hostProblem(h, { wildcard: true, star: false });
      if (p) add(['hosts', i], p);
    });
    addDuplicateIssues(ctx, s.hosts, ['hosts'], (h) => `The host ${h} is listed twice`);

    s.addresses.forEach((a, i) => {
      const p = addressProblem(a);
      if (p) add(['addresses', i], p);
      else if (a.includes('/') && s.resolution === 'DNS') {
        add(['addresses', i], `${a} is an address block; blocks work only with resolution STATIC or NONE. With DNS, enter single IP addresses or none`);
      }
    });
    addDuplicateIssues(ctx, s.addresses, ['addresses'], (a) => `The address ${a} is listed twice`);

    if (s.ports.length === 0) add(['ports'], 'Add at least one port');
    s.ports.forEach((p, i) => {
      const np = portProblem(p.number);
      if (np) add(['ports', i, 'number'], np);
      if (p.name) {
        const nameProblem = dns1123LabelProblem(p.name, 'port name');
        if (nameProblem) add(['ports', i, 'name'], nameProblem);
      }
      if (p.targetPort !== undefined) {
        const tp = portProblem(p.targetPort, 'target port');
        if (tp) add(['ports', i, 'targetPort'], tp);
      }
    });
    addDuplicateIssues(
      ctx,
      s.ports.map((p) => String(p.number)),
      ['ports'],
      (n) => `Port ${n} is listed twice`,
    );
    const names = effectivePortNames(s.ports);
    addDuplicateIssues(ctx, names, ['ports'], (n) => `Two ports are named ${n}; give each port its own name`);

    if (s.resolution === 'STATIC' && s.endpoints.length === 0) add(['endpoints'], 'STATIC resolution needs the IP address of at least one endpoint');
    if (s.resolution === 'NONE' && s.endpoints.length > 0)
      add(['endpoints'], 'With resolution NONE traffic goes to the address the caller asked for; remove the endpoints or choose STATIC');
    if (s.resolution === 'DNS' && s.endpoints.length === 0) {
      s.hosts.forEach((h, i) => {
        if (h.startsWith('*'))
          add(
            ['hosts', i],
            `With DNS resolution and no endpoints Istio looks up the host names themselves, so ${h} cannot be a wildcard; list endpoints or choose NONE`,
          );
      });
    }
    s.endpoints.forEach((e, i) => {
      if (!e.address) add(['endpoints', i, 'address'], 'Enter the endpoint address');
      else if (s.resolution === 'STATIC' && !isIP(e.address) && !e.address.startsWith('unix://')) {
        add(['endpoints', i, 'address'], `With STATIC resolution an endpoint is an IP address; "${e.address}" is not one`);
      } else if (s.resolution === 'DNS' && !isIP(e.address) && hostProblem(e.address, { wildcard: false })) {
        add(['endpoints', i, 'address'], `"${e.address}" is neither an IP address nor a host name`);
      }
      for (const [k, v] of Object.entries(e.ports ?? {})) {
        if (!names.includes(k)) add(['endpoints', i, 'ports', k], `There is no port named ${k}; use one of ${listInWords(names)}`);
        const pp = portProblem(v, 'endpoint port');
        if (pp) add(['endpoints', i, 'ports', k], pp);
      }
    });

    s.exportTo.forEach((e, i) => {
      if (e !== '.' && e !== '*' && dns1123LabelProblem(e, 'namespace'))
        add(['exportTo', i], `Export to "." (this namespace), "*" (every namespace) or a namespace name; "${e}" is none of these`);
    });
    addDuplicateIssues(ctx, s.exportTo, ['exportTo'], (e) => `${e} is listed twice`);
  });

export type ServiceEntryState = z.infer<typeof serviceEntrySchema>;

export interface ServiceEntryInitContext {
  resources: MeshResources;
  namespace: string;
  /** Edit this ServiceEntry. */
  name?: string;
  /** Or the one of the namespace that already lists this host. */
  host?: string;
}

const SE_API = 'networking.istio.io/v1';

/** Names as they will be written: the given one, or one made from the protocol. */
export function effectivePortNames(ports: ReadonlyArray<{ number: number; protocol: string; name: string }>): string[] {
  return ports.map((p) => {
    if (p.name) return p.name;
    const proto = p.protocol.toLowerCase();
    const shared = ports.filter((q) => q.protocol === p.protocol).length > 1;
    return shared ? `${proto}-${p.number}` : proto;
  });
}

export function findServiceEntry(r: MeshResources, namespace: string, by: { name?: string; host?: string }): ServiceEntry | undefined {
  const inNs = r.serviceEntries.filter((se) => se.metadata.namespace === namespace);
  if (by.name) return inNs.find((se) => se.metadata.name === by.name);
  if (by.host) return inNs.find((se) => (se.spec?.hosts ?? []).includes(by.host as string));
  return undefined;
}

export function getInitServiceEntry(ctx: ServiceEntryInitContext): ServiceEntryState {
  const se = findServiceEntry(ctx.resources, ctx.namespace, { name: ctx.name, host: ctx.host });
  if (!se) {
    return {
      name: ctx.name ?? '',
      namespace: ctx.namespace,
      hosts: ctx.host ? [ctx.host] : [],
      addresses: [],
      ports: [],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      endpoints: [],
      exportTo: [],
    };
  }
  const spec = se.spec ?? {};
  const protocol = (p: string | undefined): SeProtocol => {
    const up = (p ?? 'TCP').toUpperCase();
    return (SE_PROTOCOLS as readonly string[]).includes(up) ? (up as SeProtocol) : 'TCP';
  };
  const resolution = (SE_RESOLUTIONS as readonly string[]).includes(spec.resolution ?? 'NONE')
    ? ((spec.resolution ?? 'NONE') as ServiceEntryState['resolution'])
    : 'DNS';
  return {
    name: se.metadata.name,
    namespace: ctx.namespace,
    hosts: [...(spec.hosts ?? [])],
    addresses: [...(spec.addresses ?? [])],
    ports: (spec.ports ?? []).map((p) => ({
      number: p.number ?? 0,
      protocol: protocol(p.protocol),
      name: p.name ?? '',
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    })),
    location: spec.location === 'MESH_INTERNAL' ? 'MESH_INTERNAL' : 'MESH_EXTERNAL',
    resolution,
    endpoints: (spec.endpoints ?? []).map((e) => ({ address: e.address ?? '', ...(e.ports ? { ports: { ...e.ports } } : {}) })),
    exportTo: [...(spec.exportTo ?? [])],
  };
}

function tcpRuleWarning(s: ServiceEntryState, r: MeshResources): FormWarning | undefined {
  const opaque = s.ports.filter((p) => OPAQUE_PROTOCOLS.includes(p.protocol));
  if (!opaque.length || s.addresses.length) return undefined;
  const meta = (r.meshConfig?.defaultConfig as { proxyMetadata?: Record<string, string> } | undefined)?.proxyMetadata ?? {};
  if (meta.ISTIO_META_DNS_CAPTURE === 'true' && meta.ISTIO_META_DNS_AUTO_ALLOCATE === 'true') return undefined;
  const ports = listInWords(opaque.map((p) => `${p.number}/${p.protocol}`));
  return {
    code: 'SE_TCP_NO_ADDRESSES',
    message: `Port ${ports} carries plain TCP: there is no HTTP Host header or TLS SNI, so the host name${s.hosts.length > 1 ? 's' : ''} ${listInWords(s.hosts)} cannot select this entry — only the destination IP can. Add the service's addresses as CIDR blocks (for example 10.0.0.1/32), or this entry will capture, or lose, all TCP traffic on the port.`,
  };
}

function buildSpec(s: ServiceEntryState, live: ServiceEntry | undefined): ServiceEntry['spec'] {
  const names = effectivePortNames(s.ports);
  const liveEndpoints = live?.spec?.endpoints ?? [];
  const endpoints: WorkloadEntrySpec[] = s.endpoints.map((e) => {
    const before = liveEndpoints.find((x) => x.address === e.address);
    const out: WorkloadEntrySpec = { ...(before ?? {}), address: e.address };
    if (e.ports && Object.keys(e.ports).length) out.ports = { ...e.ports };
    else delete out.ports;
    return out;
  });
  const spec: NonNullable<ServiceEntry['spec']> = { ...(live?.spec ?? {}) };
  spec.hosts = [...s.hosts];
  if (s.addresses.length) spec.addresses = [...s.addresses];
  else delete spec.addresses;
  spec.ports = s.ports.map((p, i) => ({
    number: p.number,
    name: names[i],
    protocol: p.protocol,
    ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
  }));
  spec.location = s.location;
  spec.resolution = s.resolution;
  if (endpoints.length) spec.endpoints = endpoints;
  else delete spec.endpoints;
  if (s.exportTo.length) spec.exportTo = [...s.exportTo];
  else delete spec.exportTo;
  // Keep the conventional field order for new objects.
  if (!live) {
    const order = ['hosts', 'addresses', 'ports', 'location', 'resolution', 'endpoints', 'exportTo'] as const;
    return Object.fromEntries(order.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]));
  }
  return spec;
}

export function buildServiceEntry(input: ServiceEntryState, ctx: { resources: MeshResources }): BuildResult {
  const checked = checkState(serviceEntrySchema, input);
  if (!checked.ok) return checked.result;
  const s = checked.state;
  const r = ctx.resources;
  const writes: FormWrite[] = [];
  const warnings: FormWarning[] = [];

  const live = findServiceEntry(r, s.namespace, { name: s.name });
  const next: ServiceEntry = live ? startFrom(live) : newObject<ServiceEntry>(SE_API, 'ServiceEntry', s.name, s.namespace);
  next.spec = buildSpec(s, live);
  if (live?.spec?.workloadSelector && s.endpoints.length) {
    warnings.push({
      code: 'SE_SELECTOR_AND_ENDPOINTS',
      message: `${friendlyName(live)} selects workloads with workloadSelector; a ServiceEntry may have either that or endpoints, not both. Remove the endpoints or the selector.`,
    });
  }
  pushWrite(writes, next, live);

  const tcp = tcpRuleWarning(s, r);
  if (tcp) warnings.push(tcp);

  for (const other of r.serviceEntries) {
    if (other === live) continue;
    const shared = (other.spec?.hosts ?? []).filter((h) => s.hosts.some((mine) => hostsOverlap(h, mine)));
    if (!shared.length) continue;
    const conflicting = (other.spec?.ports ?? []).filter((op) =>
      s.ports.some((p) => p.number === op.number && op.protocol && op.protocol.toUpperCase() !== p.protocol),
    );
    if (conflicting.length) {
      warnings.push({
        code: 'SE_CONFLICTING_PROTOCOL',
        message: `${friendlyName(other)} also defines ${listInWords(shared)} on port ${listInWords(conflicting.map((p) => `${p.number} as ${p.protocol}`))}; two entries with different protocols for the same host and port conflict.`,
      });
    } else {
      warnings.push({
        code: 'SE_HOST_DEFINED_ELSEWHERE',
        message: `${friendlyName(other)} already defines ${listInWords(shared)}; consider editing that entry instead of adding another one.`,
      });
    }
  }
  return { writes, warnings, errors: [] };
}
