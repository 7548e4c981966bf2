import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildServiceEntry, getInitServiceEntry, serviceEntrySchema, SE_PROTOCOLS, type ServiceEntryState } from './serviceEntry';
import { testkit, S1 } from './testkit';
import { indexResources } from '../resources';

const { loadObjects, loadScenario, crdProblems } = testkit((p) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

const isMysql = (o: { kind: string; metadata: { name: string } }) => o.kind === 'ServiceEntry' && o.metadata.name === 'mysql';

const mysql: ServiceEntryState = {
  name: 'mysql',
  namespace: 'sample',
  hosts: ['rds.dev.example.local'],
  addresses: ['10.0.0.1/32'],
  ports: [{ number: 3306, protocol: 'TCP', name: 'mysql' }],
  location: 'MESH_EXTERNAL',
  resolution: 'STATIC',
  endpoints: [{ address: '10.0.0.1' }],
  exportTo: [],
};

const issues = (s: unknown) => serviceEntrySchema.safeParse(s).error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));

describe('ServiceEntry form on S1', () => {
  it('adding the MySQL entry yields a TCP MESH_EXTERNAL entry with the CIDR address (as in the scenario)', () => {
    const r = loadScenario(S1, { without: isMysql });
    const init = getInitServiceEntry({ resources: r, namespace: 'sample', name: 'mysql' });
    expect(init).toEqual({
      name: 'mysql',
      namespace: 'sample',
      hosts: [],
      addresses: [],
      ports: [],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      endpoints: [],
      exportTo: [],
    });
    const res = buildServiceEntry(mysql, { resources: r });
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    const expected = loadObjects(S1).find(isMysql);
    expect(res.writes).toEqual([{ action: 'create', object: expected }]);
    expect(res.writes[0]!.object).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'mysql', namespace: 'sample' },
      spec: {
        hosts: ['rds.dev.example.local'],
        addresses: ['10.0.0.1/32'],
        ports: [{ number: 3306, name: 'mysql', protocol: 'TCP' }],
        location: 'MESH_EXTERNAL',
        resolution: 'STATIC',
        endpoints: [{ address: '10.0.0.1' }],
      },
    });
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('edits the existing entry in place, keeping fields it does not show', () => {
    const objects = loadObjects(S1).map((o) =>
      isMysql(o)
        ? {
            ...o,
            metadata: { ...o.metadata, labels: { db: 'main' }, resourceVersion: '7' },
            spec: { ...o.spec, subjectAltNames: ['mysql'], endpoints: [{ address: '10.0.0.1', labels: { zone: 'a' } }] },
          }
        : o,
    );
    const r = indexResources(objects);
    const live = r.serviceEntries[0]!;
    const init = getInitServiceEntry({ resources: r, namespace: 'sample', host: 'rds.dev.example.local' });
    expect(init).toEqual({ ...mysql });
    const res = buildServiceEntry(
      { ...init, addresses: ['10.0.0.0/24'], endpoints: [{ address: '10.0.0.1' }, { address: '10.0.0.2' }], exportTo: ['.'] },
      { resources: r },
    );
    expect(res.writes).toEqual([
      {
        action: 'replace',
        base: live,
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'ServiceEntry',
          metadata: { name: 'mysql', namespace: 'sample', labels: { db: 'main' }, resourceVersion: '7' },
          spec: {
            hosts: ['rds.dev.example.local'],
            addresses: ['10.0.0.0/24'],
            ports: [{ number: 3306, name: 'mysql', protocol: 'TCP' }],
            location: 'MESH_EXTERNAL',
            resolution: 'STATIC',
            endpoints: [{ address: '10.0.0.1', labels: { zone: 'a' } }, { address: '10.0.0.2' }],
            subjectAltNames: ['mysql'],
            exportTo: ['.'],
          },
        },
      },
    ]);
  });

  it('writes nothing when nothing changes', () => {
    const r = loadScenario(S1);
    expect(buildServiceEntry(getInitServiceEntry({ resources: r, namespace: 'sample', name: 'mysql' }), { resources: r }).writes).toEqual([]);
  });

  it('warns when another entry already defines the host', () => {
    const r = loadScenario(S1);
    const res = buildServiceEntry({ ...mysql, name: 'mysql-2' }, { resources: r });
    expect(res.warnings).toEqual([
      {
        code: 'SE_HOST_DEFINED_ELSEWHERE',
        message: 'ServiceEntry sample/mysql already defines rds.dev.example.local; consider editing that entry instead of adding another one.',
      },
    ]);
    const conflict = buildServiceEntry({ ...mysql, name: 'mysql-2', ports: [{ number: 3306, protocol: 'HTTP', name: 'http' }] }, { resources: r });
    expect(conflict.warnings.map((w) => w.code)).toEqual(['SE_CONFLICTING_PROTOCOL']);
  });
});

describe('ServiceEntry options', () => {
  const r = indexResources([]);
  const api: ServiceEntryState = {
    name: 'api',
    namespace: 'shop',
    hosts: ['api.example.com'],
    addresses: [],
    ports: [{ number: 443, protocol: 'HTTPS', name: '' }],
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    endpoints: [],
    exportTo: [],
  };

  it('HTTPS with DNS: minimal entry, port named after the protocol', () => {
    const res = buildServiceEntry(api, { resources: r });
    expect(res.warnings).toEqual([]);
    expect(res.writes[0]!.object.spec).toEqual({
      hosts: ['api.example.com'],
      ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
    });
  });

  it.each(SE_PROTOCOLS)('protocol %s is written as is', (protocol) => {
    const res = buildServiceEntry({ ...api, addresses: ['192.0.2.10'], ports: [{ number: 8000, protocol, name: '' }] }, { resources: r });
    expect(res.errors).toEqual([]);
    expect((res.writes[0]!.object.spec as { ports: unknown[] }).ports).toEqual([{ number: 8000, name: protocol.toLowerCase(), protocol }]);
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('several ports of one protocol get numbered names; targetPort is kept', () => {
    const res = buildServiceEntry(
      {
        ...api,
        ports: [
          { number: 80, protocol: 'HTTP', name: '' },
          { number: 8080, protocol: 'HTTP', name: '', targetPort: 9080 },
        ],
      },
      { resources: r },
    );
    expect((res.writes[0]!.object.spec as { ports: unknown[] }).ports).toEqual([
      { number: 80, name: 'http-80', protocol: 'HTTP' },
      { number: 8080, name: 'http-8080', protocol: 'HTTP', targetPort: 9080 },
    ]);
  });

  it('MESH_INTERNAL, STATIC with endpoint ports, exportTo', () => {
    const res = buildServiceEntry(
      {
        ...api,
        hosts: ['legacy.internal'],
        ports: [{ number: 8080, protocol: 'HTTP', name: 'http' }],
        location: 'MESH_INTERNAL',
        resolution: 'STATIC',
        endpoints: [{ address: '10.1.0.5', ports: { http: 9080 } }, { address: '2001:db8::5' }],
        exportTo: ['.', 'shop'],
      },
      { resources: r },
    );
    expect(res.writes[0]!.object.spec).toEqual({
      hosts: ['legacy.internal'],
      ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address: '10.1.0.5', ports: { http: 9080 } }, { address: '2001:db8::5' }],
      exportTo: ['.', 'shop'],
    });
    expect(crdProblems(res.writes[0]!.object)).toEqual([]);
  });

  it('NONE with CIDR blocks (the S2 shape) and a wildcard host', () => {
    const res = buildServiceEntry(
      {
        ...api,
        hosts: ['*.db.example.com'],
        addresses: ['192.0.2.0/24', '2001:db8::/64'],
        ports: [{ number: 3306, protocol: 'TCP', name: 'tcp' }],
        resolution: 'NONE',
      },
      { resources: r },
    );
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.writes[0]!.object.spec).toEqual({
      hosts: ['*.db.example.com'],
      addresses: ['192.0.2.0/24', '2001:db8::/64'],
      ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
    });
  });

  it('DNS with endpoints given as host names', () => {
    const res = buildServiceEntry({ ...api, endpoints: [{ address: 'eu.api.example.com' }] }, { resources: r });
    expect(res.errors).toEqual([]);
    expect((res.writes[0]!.object.spec as { endpoints: unknown }).endpoints).toEqual([{ address: 'eu.api.example.com' }]);
  });

  it('explains the TCP rule when a TCP or MONGO entry has no addresses', () => {
    const res = buildServiceEntry({ ...api, hosts: ['mysqldb.example.com'], ports: [{ number: 3306, protocol: 'TCP', name: 'tcp' }] }, { resources: r });
    expect(res.writes).toHaveLength(1);
    expect(res.warnings).toEqual([
      {
        code: 'SE_TCP_NO_ADDRESSES',
        message:
          "Port 3306/TCP carries plain TCP: there is no HTTP Host header or TLS SNI, so the host name mysqldb.example.com cannot select this entry — only the destination IP can. Add the service's addresses as CIDR blocks (for example 10.0.0.1/32), or this entry will capture, or lose, all TCP traffic on the port.",
      },
    ]);
    const mongo = buildServiceEntry({ ...api, ports: [{ number: 27017, protocol: 'MONGO', name: 'mongo' }] }, { resources: r });
    expect(mongo.warnings.map((w) => w.code)).toEqual(['SE_TCP_NO_ADDRESSES']);
    const autoAllocated = indexResources([], { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } });
    expect(buildServiceEntry({ ...api, ports: [{ number: 3306, protocol: 'TCP', name: 'tcp' }] }, { resources: autoAllocated }).warnings).toEqual([]);
  });
});

describe('ServiceEntry schema refuses invalid input, and nothing is written', () => {
  it('CIDR 10.0.0.1/33', () => {
    expect(issues({ ...mysql, addresses: ['10.0.0.1/33'] })).toEqual([
      { path: 'addresses.0', message: '"10.0.0.1/33": the prefix length after "/" must be a whole number from 0 to 32 for an IPv4 address' },
    ]);
    const res = buildServiceEntry({ ...mysql, addresses: ['10.0.0.1/33'] }, { resources: indexResources([]) });
    expect(res.writes).toEqual([]);
    expect(res.errors).toEqual([
      { path: 'addresses.0', message: '"10.0.0.1/33": the prefix length after "/" must be a whole number from 0 to 32 for an IPv4 address' },
    ]);
  });
  it('IPv6 prefix too long and a bad address', () => {
    expect(issues({ ...mysql, addresses: ['2001:db8::/129', '10.0.0.256'] })).toEqual([
      { path: 'addresses.0', message: '"2001:db8::/129": the prefix length after "/" must be a whole number from 0 to 128 for an IPv6 address' },
      { path: 'addresses.1', message: '"10.0.0.256" is not an IP address or an address block (such as 10.0.0.1 or 10.0.0.0/24)' },
    ]);
  });
  it('an empty host, and no host at all', () => {
    expect(issues({ ...mysql, hosts: [''] })).toEqual([{ path: 'hosts.0', message: 'Enter a host name' }]);
    expect(issues({ ...mysql, hosts: [] })).toEqual([{ path: 'hosts', message: 'Enter at least one host name' }]);
    expect(buildServiceEntry({ ...mysql, hosts: [''] }, { resources: indexResources([]) }).writes).toEqual([]);
  });
  it('host name syntax, wildcards and "*"', () => {
    expect(issues({ ...mysql, hosts: ['*', 'a.*.com', 'Api.example.com', 'bad_host.com'] })?.map((i) => i.path)).toEqual([
      'hosts.0',
      'hosts.1',
      'hosts.2',
      'hosts.3',
    ]);
  });
  it('CIDR blocks with DNS resolution', () => {
    expect(issues({ ...mysql, resolution: 'DNS', endpoints: [] })).toEqual([
      {
        path: 'addresses.0',
        message: '10.0.0.1/32 is an address block; blocks work only with resolution STATIC or NONE. With DNS, enter single IP addresses or none',
      },
    ]);
  });
  it('STATIC without endpoints, NONE with endpoints, STATIC endpoint not an IP', () => {
    expect(issues({ ...mysql, endpoints: [] })).toEqual([{ path: 'endpoints', message: 'STATIC resolution needs the IP address of at least one endpoint' }]);
    expect(issues({ ...mysql, resolution: 'NONE' })).toEqual([
      { path: 'endpoints', message: 'With resolution NONE traffic goes to the address the caller asked for; remove the endpoints or choose STATIC' },
    ]);
    expect(issues({ ...mysql, endpoints: [{ address: 'db.example.com' }] })).toEqual([
      { path: 'endpoints.0.address', message: 'With STATIC resolution an endpoint is an IP address; "db.example.com" is not one' },
    ]);
  });
  it('DNS wildcard host without endpoints', () => {
    expect(issues({ ...mysql, hosts: ['*.example.com'], addresses: [], resolution: 'DNS', endpoints: [] })?.[0]?.path).toBe('hosts.0');
  });
  it('ports: none, out of range, duplicates, bad names, unknown protocol, unknown endpoint port', () => {
    expect(issues({ ...mysql, ports: [] })).toEqual([{ path: 'ports', message: 'Add at least one port' }]);
    expect(issues({ ...mysql, ports: [{ number: 0, protocol: 'TCP', name: 'x' }] })).toEqual([
      { path: 'ports.0.number', message: 'The port must be a whole number from 1 to 65535' },
    ]);
    expect(
      issues({
        ...mysql,
        ports: [
          { number: 1, protocol: 'TCP', name: 'a' },
          { number: 1, protocol: 'TCP', name: 'b' },
        ],
      }),
    ).toEqual([{ path: 'ports.1', message: 'Port 1 is listed twice' }]);
    expect(issues({ ...mysql, ports: [{ number: 1, protocol: 'TCP', name: 'My_Port' }] })?.[0]?.path).toBe('ports.0.name');
    expect(issues({ ...mysql, ports: [{ number: 1, protocol: 'UDP', name: 'x' }] })).toEqual([
      { path: 'ports.0.protocol', message: 'Choose a protocol: HTTP, HTTPS, TLS, TCP, GRPC, HTTP2, MONGO' },
    ]);
    expect(issues({ ...mysql, endpoints: [{ address: '10.0.0.1', ports: { sql: 3306 } }] })).toEqual([
      { path: 'endpoints.0.ports.sql', message: 'There is no port named sql; use one of mysql' },
    ]);
  });
  it('exportTo values', () => {
    expect(issues({ ...mysql, exportTo: ['~'] })).toEqual([
      { path: 'exportTo.0', message: 'Export to "." (this namespace), "*" (every namespace) or a namespace name; "~" is none of these' },
    ]);
  });
});
