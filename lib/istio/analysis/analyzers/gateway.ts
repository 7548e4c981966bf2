/**
 * Gateway analyzers, as istioctl defines them: the selector selects a workload and the
 * ports are exposed by its Service (IST0101, IST0162), credentials exist and are valid
 * (IST0101, IST0161), certificates are not shared between gateways (IST0138), and two
 * gateways do not claim the same host on the same port of the same workload (IST0145).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { hostsOverlap } from '../../hosts';
import { asArray, asLabels, asRecord, containsLabels, nsOf, selectorString, specOf, str, type AnalysisContext, type Labels, type Workload } from '../context';
import { stringList } from '../host-registry';
import type { Analyzer } from '../types';
import { base64ToBytes, bytesToLatin1, certificateProblem } from './x509';
import { fullNameString } from './virtualservice';

function gwSelector(gw: K8sObject): Labels {
  return asLabels(specOf(gw).selector);
}

function servers(gw: K8sObject): Array<Record<string, unknown>> {
  return asArray(specOf(gw).servers).map(asRecord);
}

/** Workloads (pods, or controller templates) that a gateway's selector picks, in any namespace. */
export function gatewayWorkloads(ctx: AnalysisContext, gw: K8sObject): readonly Workload[] {
  // Once per selector: a mesh's gateways share a few (istio=ingressgateway), and several analyzers ask.
  const memo = ctx.cached('gateway.workloads', () => new Map<string, readonly Workload[]>());
  const sel = gwSelector(gw);
  const key = JSON.stringify(sel);
  let ws = memo.get(key);
  if (!ws) memo.set(key, (ws = ctx.workloads.filter((w) => containsLabels(w.labels, sel))));
  return ws;
}

function containerPortByName(w: Workload, name: string): number | undefined {
  for (const c of [...asArray(w.spec.containers), ...asArray(w.spec.initContainers)]) {
    for (const p of asArray(asRecord(c).ports)) {
      const pr = asRecord(p);
      if (pr.name === name && pr.containerPort !== undefined) return Number(pr.containerPort);
    }
  }
  return undefined;
}

export const ingressGatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  codes: ['IST0101', 'IST0162'],
  run(ctx) {
    const servicesByNs = ctx.cached('servicesByNs', () => {
      const m = new Map<string, K8sObject[]>();
      for (const s of ctx.core('Service')) {
        const ns = nsOf(s);
        let l = m.get(ns);
        if (!l) m.set(ns, (l = []));
        l.push(s);
      }
      return m;
    });
    const out: Finding[] = [];
    for (const gw of ctx.istio('Gateway')) {
      const sel = gwSelector(gw);
      const workloads = gatewayWorkloads(ctx, gw);
      if (workloads.length === 0) {
        out.push(ctx.finding('IST0101', gw, ['selector', selectorString(sel)], 'spec/selector'));
        continue;
      }
      const ports = new Set<number>();
      for (const w of workloads) {
        for (const svc of servicesByNs.get(w.namespace) ?? []) {
          const spec = specOf(svc);
          if (!containsLabels(w.labels, asLabels(spec.selector))) continue;
          for (const p of asArray(spec.ports)) {
            const pr = asRecord(p);
            const proto = str(pr.protocol) || 'TCP';
            if (proto !== 'TCP') continue;
            if (pr.port !== undefined) ports.add(Number(pr.port));
            const tp = pr.targetPort;
            if (typeof tp === 'number') ports.add(tp);
            else if (typeof tp === 'string' && tp) {
              if (/^\d+$/.test(tp)) ports.add(Number(tp));
              else {
                const cp = containerPortByName(w, tp);
                if (cp !== undefined) ports.add(cp);
              }
            }
          }
        }
      }
      servers(gw).forEach((s, i) => {
        const num = asRecord(s.port).number;
        if (num === undefined || num === null) return;
        if (!ports.has(Number(num))) {
          out.push(ctx.finding('IST0162', gw, [Number(num), selectorString(sel)], `spec/servers[${i}]/port/number`));
        }
      });
    }
    return out;
  },
};

/** The data of a Secret, decoded (data is base64, stringData is plain). */
export function secretData(secret: K8sObject): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(asRecord(secret.data))) {
    const b = base64ToBytes(str(v));
    m.set(k, b ? bytesToLatin1(b) : '');
  }
  for (const [k, v] of Object.entries(asRecord(secret.stringData))) m.set(k, str(v));
  return m;
}

/** Why a Secret cannot serve as a gateway credential (Istio's extractKeyAndCert plus parsing). */
export function credentialProblem(secret: K8sObject, now: number): string | undefined {
  const d = secretData(secret);
  let cert: string | undefined;
  let key: string | undefined;
  if (d.get('cert') && d.get('key')) {
    cert = d.get('cert');
    key = d.get('key');
  } else if (d.get('tls.crt') && d.get('tls.key')) {
    cert = d.get('tls.crt');
    key = d.get('tls.key');
  } else {
    return `found keys [${[...d.keys()].join(' ')}], expected "tls.crt" and "tls.key" (or "cert" and "key")`;
  }
  return certificateProblem(cert ?? '', key ?? '', now);
}

export const secretAnalyzer: Analyzer = {
  name: 'gateway.SecretAnalyzer',
  description: "Checks a gateway's referenced secrets for correctness",
  codes: ['IST0101', 'IST0161'],
  // Without Secrets every credentialName would read as missing (files from Git, the console's cache).
  requires: ['Secret'],
  run(ctx) {
    const out: Finding[] = [];
    for (const gw of ctx.istio('Gateway')) {
      const first = gatewayWorkloads(ctx, gw)[0];
      const gwNs = first?.namespace ?? '';
      if (!gwNs) {
        out.push(ctx.finding('IST0101', gw, ['selector', selectorString(gwSelector(gw))], 'spec/selector'));
        continue;
      }
      servers(gw).forEach((s, i) => {
        const tls = asRecord(s.tls);
        const names = [str(tls.credentialName), ...stringList(tls.credentialNames)].filter(Boolean);
        names.forEach((cn, j) => {
          const path = tls.credentialName ? `spec/servers[${i}]/tls/credentialName` : `spec/servers[${i}]/tls/credentialNames[${j}]`;
          const secret = ctx.find('', 'Secret', gwNs, cn);
          if (!secret) {
            out.push(ctx.finding('IST0101', gw, ['credentialName', cn], path));
            return;
          }
          // Metadata only (the console's Secrets): it exists; what it holds is not known here.
          if (ctx.metadataOnly.has('Secret')) return;
          if (credentialProblem(secret, ctx.now)) {
            out.push(ctx.finding('IST0161', gw, [gw.metadata.name, nsOf(gw)], path));
          }
        });
      });
    }
    return out;
  },
};

function certKey(tls: Record<string, unknown>): string | undefined {
  const cn = str(tls.credentialName);
  if (cn) return `cn:${cn}`;
  const sc = str(tls.serverCertificate);
  const pk = str(tls.privateKey);
  if (sc && pk) return `file:${sc}\u0000${pk}`;
  return undefined;
}

/** selectorX is a subset of selectorY (istioctl's selectorSubset). */
function selectorSubset(x: Labels, y: Labels): boolean {
  for (const k of Object.keys(x)) if (y[k] !== x[k]) return false;
  return true;
}

export const certificateAnalyzer: Analyzer = {
  name: 'gateway.CertificateAnalyzer',
  description: 'Checks a gateway certificate',
  codes: ['IST0138'],
  run(ctx) {
    const gws = ctx.istio('Gateway');
    const byKey = new Map<string, Array<{ gw: K8sObject }>>();
    for (const gw of gws) {
      for (const s of servers(gw)) {
        if (!s.tls || typeof s.tls !== 'object') continue;
        const k = certKey(asRecord(s.tls));
        if (!k) continue;
        let l = byKey.get(k);
        if (!l) byKey.set(k, (l = []));
        l.push({ gw });
      }
    }
    const out: Finding[] = [];
    for (const gw of gws) {
      const sel = gwSelector(gw);
      for (const s of servers(gw)) {
        if (!s.tls || typeof s.tls !== 'object') continue;
        const k = certKey(asRecord(s.tls));
        if (!k) continue;
        for (const other of byKey.get(k) ?? []) {
          if (other.gw === gw) continue;
          if (Object.keys(sel).length > 0 && !selectorSubset(sel, gwSelector(other.gw))) continue;
          const names = [
            fullNameString({ namespace: nsOf(gw), name: gw.metadata.name }),
            fullNameString({ namespace: nsOf(other.gw), name: other.gw.metadata.name }),
          ];
          out.push(ctx.finding('IST0138', gw, [names], 'metadata/name'));
        }
      }
    }
    return out;
  },
};

function stripNs(h: string): string {
  const i = h.indexOf('/');
  return i >= 0 ? h.slice(i + 1) : h;
}

/** Two selectors pick overlapping workloads: equal, or one (non-empty) is contained in the other. */
function selectorsOverlap(a: Labels, b: Labels): boolean {
  const ea = Object.keys(a).length === 0;
  const eb = Object.keys(b).length === 0;
  if (ea || eb) return ea && eb;
  return selectorSubset(a, b) || selectorSubset(b, a);
}

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  codes: ['IST0145'],
  run(ctx) {
    interface Srv {
      gw: K8sObject;
      sel: Labels;
      hosts: string[];
      index: number;
    }
    const byPort = new Map<number, Srv[]>();
    for (const gw of ctx.istio('Gateway')) {
      const sel = gwSelector(gw);
      servers(gw).forEach((s, index) => {
        const num = asRecord(s.port).number;
        if (num === undefined || num === null) return;
        let l = byPort.get(Number(num));
        if (!l) byPort.set(Number(num), (l = []));
        l.push({ gw, sel, hosts: stringList(s.hosts).map(stripNs), index });
      });
    }
    const out: Finding[] = [];
    for (const [port, list] of byPort) {
      if (list.length < 2) continue;
      for (const a of list) {
        const others: string[] = [];
        for (const b of list) {
          if (b.gw === a.gw || !selectorsOverlap(a.sel, b.sel)) continue;
          if (a.hosts.some((ha) => b.hosts.some((hb) => hostsOverlap(ha, hb)))) {
            const n = fullNameString({ namespace: nsOf(b.gw), name: b.gw.metadata.name });
            if (!others.includes(n)) others.push(n);
          }
        }
        if (others.length) {
          out.push(ctx.finding('IST0145', a.gw, [others.join(','), selectorString(a.sel), String(port), a.hosts.join(',')], `spec/servers[${a.index}]`));
        }
      }
    }
    return out;
  },
};

export const gatewayAnalyzers: Analyzer[] = [ingressGatewayPortAnalyzer, certificateAnalyzer, secretAnalyzer, conflictingGatewayAnalyzer];
