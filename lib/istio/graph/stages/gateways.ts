/**
 * Stage 1 of buildGraph: gateway and waypoint nodes.
 * - Istio Gateways (networking.istio.io): every proxy workload the selector matches (in
 *   any namespace, Istio's default); a selector matching nothing gets a node
 *   "gw:selector/<k=v>", resolved: false. Workloads Istio's installers label as gateways
 *   (istio=ingressgateway ...) get a node even when no Gateway selects them.
 * - Gateway API Gateways of an Istio class: the workload istiod deploys for them
 *   ("<gateway>-<class>", labelled gateway.networking.k8s.io/gateway-name), or, in a
 *   GitOps folder without it, a node for the workload istiod would create. Gateways of a
 *   class no Istio controller implements are drawn unresolved, with a warning.
 * - Waypoints (class istio-waypoint): "wp:<ns>/<name>", their workload folded in.
 * Pure.
 */
import { matchesLabels } from '../../labels';
import { GATEWAY_NAME_LABEL } from '../../dataplane';
import { GATEWAY_API_GROUP } from '../../kinds';
import { nsOf, oldestFirst, refOf } from '../../security/common';
import type { Condition, GatewayInfo } from '../../gatewayapi';
import type { Gateway } from '../../types';
import type { BuildContext } from '../context';
import type { ConditionInfo, GatewayNode, GatewayServerInfo, Identity, WaypointNode, WorkloadRef } from '../types';
import { gatewayRole, type Workload } from '../workloads';

export function workloadRef(w: Workload): WorkloadRef {
  return { kind: w.kind, name: w.name, serviceAccount: w.serviceAccount, replicas: w.replicas };
}

export function conditionInfos(conditions: readonly Condition[] | undefined): ConditionInfo[] | undefined {
  if (!conditions?.length) return undefined;
  return conditions.map((c) => ({
    type: c.type ?? '',
    status: c.status ?? 'Unknown',
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  }));
}

const gwRef = (g: GatewayInfo) => ({ resource: g.resource, group: GATEWAY_API_GROUP });

function gatewayNodeFor(ctx: BuildContext, w: Workload, role: 'ingress' | 'egress', api: GatewayNode['api']): GatewayNode {
  const id = `gw:${w.namespace}/${w.name}`;
  let n = ctx.nodes.get(id) as GatewayNode | undefined;
  if (!n) {
    n = {
      id,
      kind: 'gateway',
      label: w.name,
      namespace: w.namespace,
      role,
      api,
      resolved: true,
      selector: {},
      workload: workloadRef(w),
      gateways: [],
      servers: [],
      identity: { namespace: w.namespace, serviceAccount: w.serviceAccount, assumed: false },
      refs: [{ resource: `${w.kind} ${w.namespace}/${w.name}` }],
    };
    ctx.nodes.set(id, n);
    ctx.proxyWorkloads.add(w);
  }
  return n;
}

function serversOf(g: Gateway): GatewayServerInfo[] {
  return (g.spec?.servers ?? []).map((s) => ({
    gateway: refOf(g),
    port: s.port?.number,
    protocol: s.port?.protocol,
    name: s.port?.name ?? s.name,
    hosts: s.hosts ?? [],
    tls: s.tls ? { mode: s.tls.mode, credentialName: s.tls.credentialName, httpsRedirect: s.tls.httpsRedirect } : undefined,
  }));
}

function noteNamespace(ctx: BuildContext, id: string, ns: string): void {
  const s = ctx.gatewayNamespaces.get(id) ?? new Set<string>();
  s.add(ns);
  ctx.gatewayNamespaces.set(id, s);
}

/** Istio Gateway resources and the workloads their selectors pick. */
export function istioGateways(ctx: BuildContext): void {
  const isGatewayProxy = (w: Workload) => w.dataPlane.proxy === 'gateway' || w.dataPlane.proxy === 'east-west';
  for (const g of [...ctx.resources.gateways].sort(oldestFirst)) {
    const sel = g.spec?.selector ?? {};
    const role: 'ingress' | 'egress' = sel['istio'] === 'egressgateway' ? 'egress' : 'ingress';
    const candidates = Object.keys(sel).length ? ctx.workloads.filter((w) => matchesLabels(sel, w.labels)) : [];
    // An application workload is never drawn as a gateway, even when a selector (wrongly) matches it.
    const matched = candidates.filter(isGatewayProxy);
    const notProxies = candidates.filter((w) => !isGatewayProxy(w));
    const ids: string[] = [];
    if (matched.length) {
      for (const w of matched) {
        const n = gatewayNodeFor(ctx, w, w.labels['istio'] ? gatewayRole(w) : role, 'istio');
        if (!Object.keys(n.selector).length) n.selector = { ...sel };
        n.gateways.push(refOf(g));
        n.servers.push(...serversOf(g));
        n.refs.push({ resource: refOf(g) });
        ids.push(n.id);
      }
    } else {
      const key =
        Object.keys(sel)
          .sort()
          .map((k) => `${k}=${sel[k]}`)
          .join(',') || '*';
      const id = `gw:selector/${key}`;
      let n = ctx.nodes.get(id) as GatewayNode | undefined;
      if (!n) {
        const known = sel['istio'] === 'ingressgateway' ? 'istio-ingressgateway' : sel['istio'] === 'egressgateway' ? 'istio-egressgateway' : undefined;
        const identity: Identity = known ? { namespace: ctx.root, serviceAccount: `${known}-service-account`, assumed: true } : { assumed: true };
        n = {
          id,
          kind: 'gateway',
          label: known ?? key,
          role,
          api: 'istio',
          resolved: false,
          selector: { ...sel },
          gateways: [],
          servers: [],
          identity,
          refs: [],
          warnings: [`no workload selects: no pod matches the selector ${key}`],
        };
        if (known) n.namespace = ctx.root;
        ctx.nodes.set(id, n);
      }
      n.gateways.push(refOf(g));
      n.servers.push(...serversOf(g));
      n.refs.push({ resource: refOf(g), path: 'spec/selector' });
      if (notProxies.length)
        ctx.warn(
          n,
          `${refOf(g)}: the selector matches workloads that are not gateway proxies: ${notProxies.map((w) => `${w.namespace}/${w.name}`).join(', ')}`,
        );
      ids.push(id);
    }
    ctx.gatewayNodesOf.set(`${nsOf(g)}/${g.metadata.name}`, ids);
    for (const id of ids) noteNamespace(ctx, id, nsOf(g));
  }
  // Gateways Istio's installers create, even when no Gateway resource selects them yet.
  for (const w of ctx.workloads) {
    if (w.dataPlane.proxy !== 'gateway' || ctx.proxyWorkloads.has(w) || w.labels[GATEWAY_NAME_LABEL]) continue;
    if (!w.labels['istio']) continue;
    const n = gatewayNodeFor(ctx, w, gatewayRole(w), 'istio');
    n.selector = { istio: w.labels['istio'] ?? '' };
  }
}

/** Gateway API Gateways (ingress classes) and the workloads istiod runs for them. */
export function gatewayApiGateways(ctx: BuildContext): void {
  for (const g of ctx.gatewayApi.gateways) {
    if (g.istio === 'waypoint') continue;
    const workload = ctx.workloads.find((w) => w.namespace === g.namespace && w.labels[GATEWAY_NAME_LABEL] === g.name && w.dataPlane.proxy !== 'waypoint');
    const listeners = g.listeners.map((l) => {
      const st = g.obj.status?.listeners?.find((x) => x.name === l.name);
      return {
        gateway: g.resource,
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        hostname: l.hostname,
        allowedFrom: l.allowedFrom,
        attachedRoutes: l.attachedRoutes,
        ...(l.tls
          ? {
              tls: {
                mode: l.tls.mode ?? 'Terminate',
                certificates: (l.tls.certificateRefs ?? []).map((c) => `${c.namespace ? `${c.namespace}/` : ''}${c.name ?? ''}`),
              },
            }
          : {}),
        ...(st?.conditions?.length ? { conditions: conditionInfos(st.conditions) } : {}),
      };
    });
    let n: GatewayNode;
    if (workload) {
      n = gatewayNodeFor(ctx, workload, 'ingress', 'gateway-api');
    } else {
      const id = `gw:${g.namespace}/${g.deploymentName}`;
      n = (ctx.nodes.get(id) as GatewayNode | undefined) ?? {
        id,
        kind: 'gateway',
        label: g.deploymentName,
        namespace: g.namespace,
        role: 'ingress',
        api: 'gateway-api',
        resolved: !!g.istio,
        selector: { [GATEWAY_NAME_LABEL]: g.name },
        gateways: [],
        servers: [],
        identity: { namespace: g.namespace, serviceAccount: g.deploymentName, assumed: true },
        refs: [],
      };
      ctx.nodes.set(id, n);
      if (!g.istio)
        ctx.warn(
          n,
          `${g.resource}: class "${g.className}" is not implemented by Istio (${g.controller ? `controller ${g.controller}` : 'no such GatewayClass'}), so Istio deploys nothing for it`,
        );
    }
    n.api = 'gateway-api';
    n.gatewayClass = g.className;
    n.gateways.push(g.resource);
    n.listeners = [...(n.listeners ?? []), ...listeners];
    const conds = conditionInfos(g.conditions);
    if (conds) n.conditions = conds;
    n.refs.push(gwRef(g));
    for (const c of g.conditions)
      if ((c.type === 'Accepted' || c.type === 'Programmed') && c.status === 'False')
        ctx.warn(n, `${g.resource} is not ${c.type.toLowerCase()}: ${c.reason ?? ''}${c.message ? ` (${c.message})` : ''}`);
    ctx.gatewayNodesOf.set(`gatewayapi:${g.namespace}/${g.name}`, [n.id]);
    noteNamespace(ctx, n.id, g.namespace);
  }
}

/** Waypoint nodes, their workload folded in. */
export function waypointNodes(ctx: BuildContext): void {
  for (const w of ctx.dataPlane.waypoints.values()) {
    const info = ctx.gatewayApi.gatewayByKey.get(`${w.namespace}/${w.name}`);
    const workload = ctx.workloads.find((x) => x.namespace === w.namespace && x.labels[GATEWAY_NAME_LABEL] === w.name);
    if (workload) ctx.proxyWorkloads.add(workload);
    const n: WaypointNode = {
      id: `wp:${w.namespace}/${w.name}`,
      kind: 'waypoint',
      label: w.name,
      namespace: w.namespace,
      name: w.name,
      gateway: w.resource,
      traffic: w.traffic,
      trafficSource: w.trafficSource,
      allowedFrom: w.allowedFrom,
      serviceAccount: workload?.serviceAccount ?? w.serviceAccount,
      ...(workload ? { workload: workloadRef(workload) } : {}),
      ...(w.ready !== undefined ? { ready: w.ready } : {}),
      ...(info?.conditions.length ? { conditions: conditionInfos(info.conditions) } : {}),
      serves: [],
      refs: [
        { resource: w.resource, group: GATEWAY_API_GROUP },
        ...(workload ? [{ resource: `${workload.kind} ${workload.namespace}/${workload.name}` }] : []),
      ],
    };
    if (w.ready === false) ctx.warn(n, `${w.resource} is not programmed: traffic for what it serves goes straight to the workloads`);
    if (w.traffic === 'none') ctx.warn(n, `${w.resource} has ${w.trafficSource}: it takes no traffic`);
    ctx.nodes.set(n.id, n);
  }
  // ztunnel pods are the node proxies: drawn as no node of their own.
  for (const x of ctx.workloads) if (x.dataPlane.proxy === 'ztunnel') ctx.proxyWorkloads.add(x);
}
