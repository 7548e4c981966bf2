/**
 * Workload analyzers, as istioctl defines them: Deployments behind several Services with
 * clashing protocols (IST0116) or target ports (IST0137), application UID 1337 (IST0144),
 * and Service port names (IST0118, IST0150).
 */
import type { Finding } from '../../findings';
import type { K8sObject } from '../../types';
import { asArray, asLabels, asRecord, containsLabels, nsOf, podTemplateOf, specOf, str } from '../context';
import type { AnalysisContext, Labels } from '../context';
import { INJECTION_LABEL, ISTIO_PROXY, SIDECAR_INJECT } from '../mesh';
import type { Analyzer } from '../types';
import { fullNameString } from './virtualservice';

export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export function isIstioControlPlane(o: K8sObject): boolean {
  const l = o.metadata.labels ?? {};
  return Object.prototype.hasOwnProperty.call(l, 'istio') || l.release === 'istio';
}

/** One value of a label map as asLabels reads it (undefined when absent or null). */
function labelOf(map: unknown, key: string): string | undefined {
  const r = asRecord(map);
  if (!Object.prototype.hasOwnProperty.call(r, key)) return undefined;
  const v = r[key];
  return v === undefined || v === null ? undefined : String(v);
}

/** util.DeploymentInMesh, from the pod template (`labels`: its labels, read with asLabels). */
function deploymentInMesh(ctx: AnalysisContext, d: K8sObject, tpl: ReturnType<typeof podTemplateOf>, labels: Labels): boolean {
  if (!tpl) return false;
  const containers = asArray(tpl.spec.containers);
  for (const c of containers) {
    const r = asRecord(c);
    if (r.name === ISTIO_PROXY && str(r.image)) return true;
  }
  if (labels[SIDECAR_INJECT] !== undefined) return labels[SIDECAR_INJECT] === 'true';
  const anno = labelOf(tpl.metadata.annotations, SIDECAR_INJECT);
  if (anno !== undefined) return anno === 'true';
  const ns = ctx.namespaceLabels(nsOf(d));
  if (ns) return ns[INJECTION_LABEL] === 'enabled';
  return false;
}

export const multiServiceAnalyzer: Analyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  aliases: ['deployment.ServiceAssociationAnalyzer'],
  description: 'Checks association between services and pods',
  codes: ['IST0116', 'IST0137'],
  run(ctx) {
    const out: Finding[] = [];
    // Services with a selector, by namespace and the first pair of their selector (each selector read once):
    // a Deployment's candidates are the Services under one of its own label pairs.
    const svcByPair = new Map<string, Array<{ s: K8sObject; ns: string; sel: Record<string, string>; i: number }>>();
    let index = 0;
    for (const s of ctx.core('Service')) {
      const sel = asLabels(specOf(s).selector);
      let first: string | undefined;
      for (const k in sel) {
        first = k;
        break;
      }
      if (first === undefined) continue;
      const ns = nsOf(s);
      const key = `${ns}\u0000${first}\u0000${sel[first]}`;
      let l = svcByPair.get(key);
      if (!l) svcByPair.set(key, (l = []));
      l.push({ s, ns, sel, i: index++ });
    }
    // A Service's name and ports, read once (several Deployments are behind one Service).
    const servicePorts = new Map<K8sObject, { sname: string; ports: Array<{ port: number; proto: string; tp: string }> }>();
    const portsOf = (s: K8sObject) => {
      let r = servicePorts.get(s);
      if (r) return r;
      const ports: Array<{ port: number; proto: string; tp: string }> = [];
      for (const p of asArray(specOf(s).ports)) {
        const pr = asRecord(p);
        const port = Number(pr.port ?? 0);
        const proto = str(pr.protocol) || 'TCP';
        let tp = pr.targetPort === undefined || pr.targetPort === null ? '' : String(pr.targetPort);
        if (tp === '' || tp === '0') tp = String(port);
        ports.push({ port, proto, tp });
      }
      servicePorts.set(s, (r = { sname: fullNameString({ namespace: nsOf(s), name: s.metadata.name }), ports }));
      return r;
    };
    /** The Services of `ns` whose selector `labels` contain, in input order. */
    const servicesSelecting = (ns: string, labels: Labels): K8sObject[] => {
      let found: Array<{ s: K8sObject; i: number }> | undefined;
      let lists = 0;
      for (const k in labels) {
        const l = svcByPair.get(`${ns}\u0000${k}\u0000${labels[k]}`);
        if (!l) continue;
        lists++;
        for (const x of l) if (x.ns === ns && containsLabels(labels, x.sel)) (found ??= []).push(x);
      }
      if (!found) return [];
      if (lists > 1) {
        found.sort((a, b) => a.i - b.i);
        found = found.filter((x, j) => j === 0 || found![j - 1] !== x);
      }
      return found.map((x) => x.s);
    };
    for (const d of ctx.core('Deployment')) {
      if (d.metadata.labels?.['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const tpl = podTemplateOf(d);
      const labels = asLabels(tpl?.metadata.labels);
      if (!deploymentInMesh(ctx, d, tpl, labels)) continue;
      const svcs = servicesSelecting(nsOf(d), labels);
      if (!svcs.length) continue;
      // One Service with at most one port: no port has two protocols, no targetPort two ports.
      if (svcs.length === 1 && portsOf(svcs[0] as K8sObject).ports.length <= 1) continue;
      // port -> protocol -> services
      const portMap = new Map<number, Map<string, string[]>>();
      // targetPort -> port -> service
      const targetMap = new Map<string, Map<number, string>>();
      for (const s of svcs) {
        const { sname, ports } = portsOf(s);
        for (const { port, proto, tp } of ports) {
          let pm = portMap.get(port);
          if (!pm) portMap.set(port, (pm = new Map()));
          let names = pm.get(proto);
          if (!names) pm.set(proto, (names = []));
          names.push(sname);
          let tm = targetMap.get(tp);
          if (!tm) targetMap.set(tp, (tm = new Map()));
          tm.set(port, sname);
        }
      }
      for (const [port, pm] of portMap) {
        if (pm.size < 2) continue;
        const names = [...pm.values()].flat().sort();
        out.push(ctx.finding('IST0116', d, [d.metadata.name, port, names], 'metadata/name'));
      }
      for (const [tp, tm] of targetMap) {
        if (tm.size < 2) continue;
        out.push(ctx.finding('IST0137', d, [d.metadata.name, [...tm.values()].sort(), tp, [...tm.keys()].sort((a, b) => a - b)], 'metadata/name'));
      }
    }
    return out;
  },
};

const ISTIO_UID = 1337;

/** Appends to `out` the IST0144 findings of a pod spec. */
function uidFindings(ctx: AnalysisContext, o: K8sObject, spec: Record<string, unknown>, base: string, out: Finding[]): void {
  if (Number(asRecord(spec.securityContext).runAsUser) === ISTIO_UID) out.push(ctx.finding('IST0144', o, [], `${base}/securityContext/runAsUser`));
  const containers = asArray(spec.containers);
  for (let i = 0; i < containers.length; i++) {
    const r = asRecord(containers[i]);
    if (r.name === ISTIO_PROXY || r.name === 'istio-operator') continue;
    if (Number(asRecord(r.securityContext).runAsUser) === ISTIO_UID)
      out.push(ctx.finding('IST0144', o, [], `${base}/containers[${i}]/securityContext/runAsUser`));
  }
}

export const applicationUidAnalyzer: Analyzer = {
  name: 'applicationUID.Analyzer',
  aliases: ['deployment.ApplicationUIDAnalyzer'],
  description: 'Checks invalid application UID',
  codes: ['IST0144'],
  run(ctx) {
    const out: Finding[] = [];
    for (const p of ctx.core('Pod')) if (!isIstioControlPlane(p)) uidFindings(ctx, p, specOf(p), 'spec', out);
    for (const d of ctx.core('Deployment')) {
      if (isIstioControlPlane(d)) continue;
      const tpl = podTemplateOf(d);
      if (tpl) uidFindings(ctx, d, tpl.spec, 'spec/template/spec', out);
    }
    return out;
  },
};

const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
const WELL_KNOWN_TCP_PORTS = new Set([3306, 27017]);

/** Istio's kube.ConvertProtocol reduced to "is the protocol known". */
export function portProtocolSupported(port: number, name: string, protocol: string, appProtocol: string | undefined): boolean {
  if (protocol === 'UDP') return true;
  let n = name;
  if (appProtocol !== undefined && appProtocol !== '') {
    n = appProtocol;
    if (['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss'].includes(n)) return true;
  }
  if (n.length >= 8 && n.slice(0, 8).toLowerCase() === 'grpc-web') return true;
  const i = n.indexOf('-');
  if (i >= 0) n = n.slice(0, i);
  if (PROTOCOLS.has(n.toLowerCase())) return true;
  return WELL_KNOWN_TCP_PORTS.has(port);
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  codes: ['IST0118', 'IST0150'],
  run(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.core('Service')) {
      if (SYSTEM_NAMESPACES.has(nsOf(s)) || isIstioControlPlane(s)) continue;
      // Services Istio generates for waypoints and Kubernetes Gateways name their ports itself.
      if (s.metadata.labels?.['gateway.istio.io/managed'] !== undefined) continue;
      const spec = specOf(s);
      const externalName = spec.type === 'ExternalName';
      asArray(spec.ports).forEach((p, i) => {
        const r = asRecord(p);
        const name = str(r.name);
        const port = Number(r.port ?? 0);
        const ok = portProtocolSupported(port, name, str(r.protocol), r.appProtocol === undefined ? undefined : str(r.appProtocol));
        if (ok && !(name === 'tcp' && externalName)) return;
        if (externalName) out.push(ctx.finding('IST0150', s, [], `spec/ports[${i}]/name`));
        else out.push(ctx.finding('IST0118', s, [name, port, r.targetPort === undefined ? '0' : String(r.targetPort)], `spec/ports[${i}]`));
      });
    }
    return out;
  },
};

export const workloadAnalyzers: Analyzer[] = [multiServiceAnalyzer, applicationUidAnalyzer, portNameAnalyzer];
