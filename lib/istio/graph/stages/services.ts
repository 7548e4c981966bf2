/**
 * Stage 3 of buildGraph: Kubernetes Services (except those that only select Istio
 * proxies: a gateway's or a waypoint's own Service), with the versions they select, their
 * DestinationRule and, in ambient, the waypoint that takes their traffic; and one
 * external node per ServiceEntry (HTTP hosts and TCP addresses). Pure.
 */
import { fqdn, serviceFqdn } from '../../hosts';
import { matchesLabels } from '../../labels';
import { nsOf, oldestFirst, refOf } from '../../security/common';
import { findDestinationRule } from '../../security/mtls';
import type { BuildContext, SvcInfo } from '../context';
import { portProtocol, selects, seProtocol } from '../describe';
import type { ExternalNode, ServiceNode, ServicePortInfo } from '../types';

export function serviceNodes(ctx: BuildContext): void {
  const proxies = [...ctx.proxyWorkloads];
  for (const s of [...ctx.resources.services].sort(oldestFirst)) {
    const ns = nsOf(s);
    const sel = s.spec?.selector;
    const hasSel = !!sel && Object.keys(sel).length > 0;
    const selected = hasSel ? (ctx.groupsByNs.get(ns) ?? []).filter((g) => g.workloads.some((w) => selects(sel, w.labels))) : [];
    const selectsProxy = hasSel && proxies.some((w) => w.namespace === ns && matchesLabels(sel, w.labels));
    if (selectsProxy && selected.length === 0) continue;
    const host = serviceFqdn(s.metadata.name, ns);
    const ports: ServicePortInfo[] = (s.spec?.ports ?? []).map((p) => {
      let workloadPort: number | undefined;
      if (typeof p.targetPort === 'number') workloadPort = p.targetPort;
      else if (typeof p.targetPort === 'string' && /^\d+$/.test(p.targetPort)) workloadPort = Number(p.targetPort);
      else if (typeof p.targetPort === 'string') {
        for (const g of selected)
          for (const w of g.workloads)
            for (const c of w.containers) {
              const cp = c.ports?.find((x) => x.name === p.targetPort);
              if (cp && workloadPort === undefined) workloadPort = cp.containerPort;
            }
      } else workloadPort = p.port;
      return { port: p.port, name: p.name, protocol: portProtocol(p), targetPort: p.targetPort, workloadPort };
    });
    const node: ServiceNode = {
      id: `svc:${ns}/${s.metadata.name}`,
      kind: 'service',
      label: s.metadata.name,
      namespace: ns,
      name: s.metadata.name,
      host,
      ports,
      selector: hasSel ? { ...sel } : undefined,
      versions: selected.map((g) => g.id),
      refs: [{ resource: refOf(s) }],
    };
    const dr = findDestinationRule(ctx.resources, { fromNamespace: ns, host });
    if (dr) {
      node.destinationRule = dr.resource;
      node.refs.push({ resource: dr.resource });
    }
    const b = ctx.dataPlane.serviceWaypoint(s);
    if (b.state !== 'none') {
      node.waypoint = {
        state: b.state,
        reason: b.reason,
        ...(b.named ? { resource: `Gateway ${b.named}` } : {}),
        ...(b.waypoint ? { node: `wp:${b.waypoint.namespace}/${b.waypoint.name}` } : {}),
      };
      if (b.state === 'missing' || b.state === 'wrong-traffic' || b.state === 'denied') ctx.warn(node, `no waypoint takes its traffic: ${b.reason}`);
    }
    if (b.state === 'bound') node.ingressUsesWaypoint = ctx.dataPlane.ingressUsesWaypoint(s).uses;
    for (const g of selected) g.node.services.push(node.id);
    const info: SvcInfo = { svc: s, node, groups: selected };
    ctx.services.push(info);
    ctx.svcByHost.set(host, info);
    ctx.svcByKey.set(`${ns}/${s.metadata.name}`, info);
    ctx.nodes.set(node.id, node);
  }
}

export function externalNodes(ctx: BuildContext): void {
  for (const se of [...ctx.resources.serviceEntries].sort(oldestFirst)) {
    const ns = nsOf(se);
    const hosts = (se.spec?.hosts ?? []).map((h) => fqdn(h, ns));
    const node: ExternalNode = {
      id: `ext:se/${ns}/${se.metadata.name}`,
      kind: 'external',
      label: hosts[0] ?? se.metadata.name,
      namespace: ns,
      serviceEntry: refOf(se),
      hosts,
      addresses: se.spec?.addresses ?? [],
      ports: (se.spec?.ports ?? []).map((p) => ({ number: p.number, protocol: p.protocol, name: p.name })),
      protocol: seProtocol(se),
      location: se.spec?.location === 'MESH_INTERNAL' ? 'MESH_INTERNAL' : 'MESH_EXTERNAL',
      resolution: se.spec?.resolution,
      refs: [{ resource: refOf(se) }],
    };
    if (node.protocol === 'tcp' && node.addresses.length) node.label = se.metadata.name;
    ctx.nodes.set(node.id, node);
    ctx.seByKey.set(`${ns}/${se.metadata.name}`, node);
    for (const h of hosts) {
      if (h.startsWith('*')) ctx.seWildcards.push({ host: h, node });
      else if (!ctx.seByHost.has(h)) ctx.seByHost.set(h, node);
    }
    for (const a of node.addresses) ctx.seAddresses.push({ block: a, node });
  }
}
