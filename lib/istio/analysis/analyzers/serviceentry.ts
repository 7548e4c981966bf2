/**
 * ServiceEntry analyzers, as istioctl defines them: TCP ports without addresses when DNS
 * auto-allocation is off (IST0134), and one host:port declared with different protocols
 * by several ServiceEntries visible in the same namespace (IST0177).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asRecord, nsOf, specOf, str } from '../context';
import { EXPORT_ALL, EXPORT_LOCAL, isExportToAll, stringList } from '../host-registry';
import type { Analyzer } from '../types';
import { fullNameString } from './virtualservice';

function proxyMetadata(ctx: { meshConfig: Record<string, unknown> }): Record<string, unknown> {
  return asRecord(asRecord(ctx.meshConfig.defaultConfig).proxyMetadata);
}

export const protocolAddressesAnalyzer: Analyzer = {
  name: 'serviceentry.Analyzer',
  aliases: ['serviceentry.ProtocolAddressesAnalyzer'],
  description: 'Checks the validity of ServiceEntry',
  codes: ['IST0134'],
  run(ctx) {
    const md = proxyMetadata(ctx);
    const dnsCapture = str(md.ISTIO_META_DNS_CAPTURE) === 'true';
    const autoAllocate = dnsCapture && str(md.ISTIO_META_DNS_AUTO_ALLOCATE) === 'true';
    const out: Finding[] = [];
    for (const se of ctx.istio('ServiceEntry')) {
      const spec = specOf(se);
      if (asArray(spec.addresses).length > 0 || autoAllocate) continue;
      // Addresses allocated by istiod (status.addresses) serve when DNS capture is on.
      if (dnsCapture && asArray(asRecord(se.status).addresses).length > 0) continue;
      asArray(spec.ports).forEach((p, i) => {
        const proto = str(asRecord(p).protocol);
        if (proto === '' || proto.toUpperCase() === 'TCP') out.push(ctx.finding('IST0134', se, [], `spec/ports[${i}]`));
      });
    }
    return out;
  },
};

export const conflictingServiceEntryProtocolAnalyzer: Analyzer = {
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  description: 'Checks if multiple ServiceEntries define the same host and port with different protocols',
  codes: ['IST0177'],
  run(ctx) {
    interface Entry {
      protocol: string;
      se: K8sObject;
    }
    const index = new Map<string, { scope: string; host: string; port: number; entries: Entry[] }>();
    for (const se of ctx.istio('ServiceEntry')) {
      const spec = specOf(se);
      const ns = nsOf(se);
      const exportTo = stringList(spec.exportTo);
      const scopes = isExportToAll(exportTo) ? [EXPORT_ALL] : [...new Set(exportTo.map((e) => (e === EXPORT_LOCAL ? ns : e)))];
      for (const scope of scopes) {
        for (const host of stringList(spec.hosts)) {
          for (const p of asArray(spec.ports)) {
            const port = Number(asRecord(p).number ?? 0);
            const key = `${scope}\u0000${host}\u0000${port}`;
            let e = index.get(key);
            if (!e) index.set(key, (e = { scope, host, port, entries: [] }));
            e.entries.push({ protocol: str(asRecord(p).protocol), se });
          }
        }
      }
    }
    const reported = new Set<K8sObject>();
    const out: Finding[] = [];
    for (const e of index.values()) {
      let entries = e.entries;
      if (e.scope !== EXPORT_ALL) entries = entries.concat(index.get(`${EXPORT_ALL}\u0000${e.host}\u0000${e.port}`)?.entries ?? []);
      const protocols = [...new Set(entries.map((x) => x.protocol.toUpperCase()))].sort();
      if (protocols.length < 2) continue;
      const names = [...new Set(entries.map((x) => fullNameString({ namespace: nsOf(x.se), name: x.se.metadata.name })))].sort().join(', ');
      for (const x of entries) {
        if (reported.has(x.se)) continue;
        reported.add(x.se);
        out.push(ctx.finding('IST0177', x.se, [names, e.host, e.port, protocols.join(', ')], 'metadata/name'));
      }
    }
    return out;
  },
};

export const serviceEntryAnalyzers: Analyzer[] = [protocolAddressesAnalyzer, conflictingServiceEntryProtocolAnalyzer];
