'use client';
/**
 * The resources behind the selected node or edge: what it is, its security and
 * authorization with the deciding resource and the reason, traffic, findings, and
 * links to the YAML editor and to the forms that change it.
 */
import Link from 'next/link';
import { useMemo, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { kindsQuery } from '@/lib/client/queries';
import { useLinkParams, useSelectedContext } from '@/lib/client/selection';
import type { ConditionInfo, GraphEdge, GraphNode, MeshGraph, WaypointUse } from '@/lib/istio/graph/types';
import type { Finding } from '@/lib/istio/findings';
import { ConditionalIcon, DenyIcon, LockIcon, SecurityIcon, SECURITY_TEXT } from './icons';
import { edgeTraffic, formatBytes, formatPercent, formatRate } from './format';
import { formLinks, refHref, resourcesBehind, type FormLink } from './links';

interface Props {
  graph: MeshGraph;
  node?: string;
  edge?: string;
  telemetry: boolean;
  onSelect(sel: { node?: string; edge?: string }): void;
}

const GATEWAY_API = 'gateway.networking.k8s.io';

function Res({ name, path, group }: { name: string; path?: string; group?: string }) {
  const link = useLinkParams();
  const { context } = useSelectedContext();
  // The version the cluster serves (cached, shared with the config list); the bundled table until it is known.
  const kinds = useQuery({ ...kindsQuery(context ?? ''), enabled: !!context });
  const href = refHref(name, group, kinds.data?.kinds);
  const text = path ? `${name} ${path}` : name;
  return href ? (
    <Link href={link(href)} className="mono">
      {text}
    </Link>
  ) : (
    <span className="mono">{text}</span>
  );
}

function Row({ k, children }: { k: string; children: ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Findings({ findings }: { findings?: Finding[] }) {
  if (!findings?.length) return null;
  return (
    <>
      <h3>Findings ({findings.length})</h3>
      {findings.map((f, i) => (
        <div key={i} className={`finding ${f.level}`} data-testid="panel-finding">
          <b>{f.code}</b> {f.level}: {f.message}
          <div className="reason">
            <Res name={f.resource} path={f.path} />
          </div>
        </div>
      ))}
    </>
  );
}

function Forms({ links }: { links: FormLink[] }) {
  const link = useLinkParams();
  if (!links.length) return null;
  return (
    <>
      <h3>Change with a form</h3>
      <ul>
        {links.map((l) => (
          <li key={l.href}>
            {/* No prefetch: the panel offers several forms and most are never opened. */}
            <Link href={link(l.href)} prefetch={false}>
              {l.label}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

function Resources({ x }: { x: GraphNode | GraphEdge }) {
  const refs = resourcesBehind(x);
  if (!refs.length) return null;
  return (
    <>
      <h3>Resources (open in the editor)</h3>
      <ul data-testid="panel-resources">
        {refs.map((r) => (
          <li key={`${r.resource}#${r.path ?? ''}`}>
            <Res name={r.resource} path={r.path} group={r.group} />
          </li>
        ))}
      </ul>
    </>
  );
}

function Conditions({ conditions }: { conditions?: ConditionInfo[] }) {
  if (!conditions?.length) return null;
  return (
    <span data-testid="panel-conditions">
      {conditions.map((c) => (
        <span
          key={c.type}
          className={`nbadge ${c.status === 'True' ? 'ok' : c.status === 'False' ? 'warn' : ''}`}
          title={[c.reason, c.message].filter(Boolean).join(': ')}
        >
          {c.type}={c.status}
        </span>
      ))}
    </span>
  );
}

function WaypointRow({ w, onSelect }: { w: WaypointUse; onSelect: Props['onSelect'] }) {
  return (
    <Row k="waypoint">
      <span data-testid="panel-waypoint">
        {w.state === 'bound' && w.node ? (
          <button type="button" className="linklike" onClick={() => onSelect({ node: w.node })}>
            {w.resource?.replace(/^Gateway /, '')}
          </button>
        ) : (
          <b>{w.state === 'opt-out' ? 'opted out' : `none (${w.state})`}</b>
        )}
        <div className="reason">{w.reason}</div>
      </span>
    </Row>
  );
}

function Warnings({ warnings }: { warnings?: string[] }) {
  if (!warnings?.length) return null;
  return (
    <>
      <h3>Warnings</h3>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </>
  );
}

type Lookup = (id: string) => GraphNode | undefined;

function NodeDetails({ n, nodeOf, onSelect }: { n: GraphNode; nodeOf: Lookup; onSelect: Props['onSelect'] }) {
  switch (n.kind) {
    case 'namespace':
      return (
        <dl>
          <Row k="data plane">
            <span data-testid="panel-dataplane">{n.dataPlane.mode === 'none' ? 'outside the mesh' : n.dataPlane.mode}</span>
            <div className="reason">{n.dataPlane.reason}</div>
            {n.dataPlane.conflict && <div className="reason warn">{n.dataPlane.conflict}</div>}
          </Row>
          <Row k="sidecar injection">{n.injection}</Row>
          <Row k="mTLS">
            {n.mtls.mode} <div className="reason">{n.mtls.reason}</div>
          </Row>
          {!n.declared && <Row k="note">the Namespace object is not readable or does not exist</Row>}
        </dl>
      );
    case 'gateway':
      return (
        <>
          <dl>
            <Row k="role">
              {n.role}
              {n.api === 'gateway-api' ? ' · Gateway API' : ''}
              {n.gatewayClass ? ` · class ${n.gatewayClass}` : ''}
            </Row>
            {n.api === 'gateway-api' && (
              <Row k="gateway">
                {n.gateways.map((g) => (
                  <div key={g}>
                    <Res name={g} group={GATEWAY_API} />
                  </div>
                ))}
                <Conditions conditions={n.conditions} />
              </Row>
            )}
            <Row k="workload">
              {n.workload
                ? `${n.workload.kind} ${n.namespace}/${n.workload.name}`
                : n.api === 'gateway-api'
                  ? `none read: istiod deploys ${n.label}`
                  : 'none: no workload matches the selector'}
            </Row>
            <Row k="selector">
              <span className="mono">
                {Object.entries(n.selector)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ') || '(none)'}
              </span>
            </Row>
            <Row k="identity">
              {n.identity.serviceAccount ? `${n.identity.namespace}/${n.identity.serviceAccount}` : 'unknown'}
              {n.identity.assumed && (
                <div className="reason">{n.api === 'gateway-api' ? 'assumed: the service account istiod creates' : "assumed: Istio's default install"}</div>
              )}
            </Row>
          </dl>
          {n.listeners?.length ? (
            <>
              <h3>Listeners</h3>
              <ul data-testid="panel-listeners">
                {n.listeners.map((l) => (
                  <li key={`${l.gateway}/${l.name}`}>
                    <b>{l.name}</b> {l.protocol} {l.port} {l.hostname ?? '(any host)'}
                    {l.tls ? ` · TLS ${l.tls.mode}${l.tls.certificates?.length ? ` (${l.tls.certificates.join(', ')})` : ''}` : ''} · routes from{' '}
                    {l.allowedFrom} · {l.attachedRoutes} attached
                    <div>
                      <Conditions conditions={l.conditions} />
                    </div>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {n.servers.length > 0 && (
            <>
              <h3>Servers</h3>
              <ul>
                {n.servers.map((s, i) => (
                  <li key={i}>
                    {s.protocol} {s.port} {s.hosts.join(', ')}
                    {s.tls?.mode ? ` · TLS ${s.tls.mode}${s.tls.credentialName ? ` (${s.tls.credentialName})` : ''}` : ''}
                    <div className="reason">
                      <Res name={s.gateway} />
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      );
    case 'waypoint':
      return (
        <dl>
          <Row k="gateway">
            <Res name={n.gateway} group={GATEWAY_API} />
            <Conditions conditions={n.conditions} />
          </Row>
          <Row k="takes">
            {n.traffic} traffic <div className="reason">{n.trafficSource}</div>
          </Row>
          <Row k="used by">namespaces: {n.allowedFrom === 'Same' ? 'its own' : n.allowedFrom}</Row>
          <Row k="identity">{`${n.namespace}/${n.serviceAccount}`}</Row>
          <Row k="workload">{n.workload ? `${n.workload.kind} ${n.namespace}/${n.workload.name}` : `none read: istiod deploys ${n.name}`}</Row>
          <Row k="serves">
            <span data-testid="panel-serves">
              {n.serves.length
                ? n.serves.map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <button type="button" className="linklike" onClick={() => onSelect({ node: id })}>
                        {nodeOf(id)?.label ?? id}
                      </button>
                    </span>
                  ))
                : 'nothing: no Service or namespace uses it (istio.io/use-waypoint)'}
            </span>
          </Row>
        </dl>
      );
    case 'service':
      return (
        <dl>
          <Row k="host">
            <span className="mono">{n.host}</span>
          </Row>
          <Row k="ports">
            {n.ports
              .map((p) => `${p.name ?? ''} ${p.port}/${p.protocol}${p.workloadPort && p.workloadPort !== p.port ? ` → ${p.workloadPort}` : ''}`)
              .join(', ') || 'none'}
          </Row>
          {n.selector && (
            <Row k="selector">
              <span className="mono">
                {Object.entries(n.selector)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </span>
            </Row>
          )}
          <Row k="versions">
            <span data-testid="panel-versions">
              {n.versions.length
                ? n.versions.map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <button type="button" className="linklike" onClick={() => onSelect({ node: id })}>
                        {nodeOf(id)?.label ?? id}
                      </button>
                    </span>
                  ))
                : 'none: the selector picks no workload'}
            </span>
          </Row>
          <Row k="routing">
            {n.virtualService || n.routes?.length ? (
              <>
                {n.virtualService && <Res name={n.virtualService} />}
                {(n.routes ?? []).map((r) => (
                  <div key={r}>
                    <Res name={r} />
                  </div>
                ))}
              </>
            ) : (
              'no route: every selected version'
            )}
          </Row>
          {n.waypoint && <WaypointRow w={n.waypoint} onSelect={onSelect} />}
          {n.waypoint?.state === 'bound' && (
            <Row k="ingress">
              {n.ingressUsesWaypoint ? 'through the waypoint (istio.io/ingress-use-waypoint=true)' : 'straight to the workloads, bypassing the waypoint'}
            </Row>
          )}
          {n.destinationRule && (
            <Row k="destination rule">
              <Res name={n.destinationRule} />
            </Row>
          )}
          {n.observedOnly && <Row k="note">seen only in telemetry</Row>}
        </dl>
      );
    case 'version':
    case 'workload':
      return (
        <dl>
          {n.kind === 'version' && (
            <Row k="grouped by">
              <span className="mono">
                {n.labelKeys[0]}={n.app}
                {n.version ? `, ${n.labelKeys[1]}=${n.version}` : ''}
              </span>
            </Row>
          )}
          <Row k="workloads">
            {n.workloads.map((w) => `${w.kind} ${w.name}${w.replicas !== undefined ? ` ×${w.replicas}` : ''}`).join(', ') || 'none (telemetry only)'}
          </Row>
          <Row k="service accounts">{n.serviceAccounts.join(', ') || '—'}</Row>
          <Row k="data plane">
            <span data-testid="panel-dataplane">
              {n.dataPlane.mode === 'none' ? (
                <b>outside the mesh (no sidecar)</b>
              ) : n.dataPlane.mode === 'ambient' ? (
                'ambient (captured by ztunnel)'
              ) : (
                'sidecar'
              )}
            </span>
            <div className="reason">{n.dataPlane.reason}</div>
            {n.dataPlane.pods && n.dataPlane.pods.total > 1 && (
              <div className="reason">
                pods: {n.dataPlane.pods.sidecar} sidecar, {n.dataPlane.pods.ambient} ambient, {n.dataPlane.pods.none} outside of {n.dataPlane.pods.total}
              </div>
            )}
            {n.dataPlane.restartNeeded && (
              <div className="reason warn">
                new pods would be {n.dataPlane.expected === 'none' ? 'outside the mesh' : n.dataPlane.expected}: restart to apply
              </div>
            )}
          </Row>
          {n.waypoint && <WaypointRow w={n.waypoint} onSelect={onSelect} />}
          <Row k="mTLS accepted">
            {n.mtls.mode} <div className="reason">{n.mtls.reason}</div>
          </Row>
        </dl>
      );
    case 'external':
      return (
        <dl>
          <Row k="declared by">{n.serviceEntry ? <Res name={n.serviceEntry} /> : <b>nothing: seen only in telemetry</b>}</Row>
          <Row k="hosts">{n.hosts.join(', ') || '—'}</Row>
          {n.addresses.length > 0 && <Row k="addresses">{n.addresses.join(', ')}</Row>}
          <Row k="ports">{n.ports.map((p) => `${p.name ?? ''} ${p.number ?? ''}/${p.protocol ?? ''}`).join(', ') || '—'}</Row>
          <Row k="protocol">{n.protocol}</Row>
          <Row k="location">{n.location}</Row>
          {n.resolution && <Row k="resolution">{n.resolution}</Row>}
        </dl>
      );
    default:
      return <p className="muted">Telemetry reports traffic from a source without a workload identity (no sidecar, or outside the mesh).</p>;
  }
}

function Connections({ graph, nodeOf, id, onSelect }: { graph: MeshGraph; nodeOf: Lookup; id: string; onSelect: Props['onSelect'] }) {
  const inc = graph.edges.filter((e) => e.target === id);
  const out = graph.edges.filter((e) => e.source === id);
  if (!inc.length && !out.length) return null;
  const label = (nid: string) => nodeOf(nid)?.label ?? nid;
  const item = (e: GraphEdge, other: string, arrow: string) => (
    <li key={e.id}>
      <button type="button" className="linklike" onClick={() => onSelect({ edge: e.id })}>
        {arrow} {label(other)}
      </button>{' '}
      <span className="muted">
        {e.kind}
        {e.weight !== undefined && !e.implicit ? ` ${e.weight}%` : ''}
        {e.authz?.decision === 'deny' ? ' · denied' : ''}
        {e.metrics?.rps !== undefined ? ` · ${formatRate(e.metrics.rps)}` : ''}
      </span>
    </li>
  );
  return (
    <>
      <h3>Edges</h3>
      <ul>
        {inc.map((e) => item(e, e.source, '←'))}
        {out.map((e) => item(e, e.target, '→'))}
      </ul>
    </>
  );
}

function NodePanel({ n, graph, nodeOf, onSelect }: { n: GraphNode; graph: MeshGraph; nodeOf: Lookup; onSelect: Props['onSelect'] }) {
  return (
    <>
      <div className="muted">
        {n.kind}
        {n.observedOnly ? ' · seen only in telemetry' : ''}
      </div>
      <h2 data-testid="panel-title">{n.label}</h2>
      <div className="mono muted" style={{ fontSize: 11, marginBottom: 8 }}>
        {n.id}
      </div>
      <NodeDetails n={n} nodeOf={nodeOf} onSelect={onSelect} />
      <Warnings warnings={n.warnings} />
      <Findings findings={n.findings} />
      <Connections graph={graph} nodeOf={nodeOf} id={n.id} onSelect={onSelect} />
      <Resources x={n} />
      <Forms links={formLinks(n, nodeOf)} />
    </>
  );
}

function EdgePanel({ e, nodeOf, telemetry, onSelect }: { e: GraphEdge; nodeOf: Lookup; telemetry: boolean; onSelect: Props['onSelect'] }) {
  const src = nodeOf(e.source);
  const dst = nodeOf(e.target);
  const traffic = edgeTraffic(e);
  const m = e.metrics;
  const forms = dst ? formLinks(dst, nodeOf) : [];
  return (
    <>
      <div className="muted">{e.kind} edge</div>
      <h2 data-testid="panel-title">
        <button type="button" className="linklike" onClick={() => onSelect({ node: e.source })}>
          {src?.label ?? e.source}
        </button>{' '}
        →{' '}
        <button type="button" className="linklike" onClick={() => onSelect({ node: e.target })}>
          {dst?.label ?? e.target}
        </button>
      </h2>
      <div className="mono muted" style={{ fontSize: 11, marginBottom: 8 }}>
        {e.id}
      </div>
      <dl>
        {e.protocol && (
          <Row k="protocol">
            {e.protocol}
            {e.port ? ` port ${e.port}` : ''}
          </Row>
        )}
        {e.weight !== undefined && (
          <Row k="weight">
            {e.weight}%{e.weightShared ? ' (shared by the versions of the destination)' : ''}
            {e.implicit ? ' (implicit: no VirtualService)' : ''}
          </Row>
        )}
        {e.subset && <Row k="subset">{e.subset}</Row>}
        {e.match && <Row k="match">{e.match}</Row>}
        {e.via?.gateway && (
          <Row k="via">
            <Res name={e.via.gateway} group={e.via.httpRoute ? GATEWAY_API : undefined} />
            {e.via.listener ? <div className="reason">listener {e.via.listener}</div> : null}
            {e.via.hosts?.length ? <div className="reason">hosts {e.via.hosts.join(', ')}</div> : null}
          </Row>
        )}
        {e.via?.httpRoute && (
          <Row k="route">
            <Res name={e.via.httpRoute} />
          </Row>
        )}
        {e.appliedBy && (
          <Row k="applied by">
            <div data-testid="panel-applied">
              <span className={e.appliedBy.by === 'none' ? 'warn' : undefined}>
                {e.appliedBy.by === 'none' ? (
                  <b>nothing</b>
                ) : e.appliedBy.enforcer ? (
                  <>
                    {e.appliedBy.by} <Res name={e.appliedBy.enforcer} group={GATEWAY_API} />
                  </>
                ) : (
                  e.appliedBy.by
                )}
              </span>
              <div className="reason">{e.appliedBy.reason}</div>
            </div>
          </Row>
        )}
        {e.badges.length > 0 && <Row k="policies">{e.badges.map((b) => b.label).join(', ')}</Row>}
        <Row k="traffic">
          <span data-testid="panel-traffic">
            {traffic === 'both'
              ? 'declared and observed'
              : traffic === 'declared-only'
                ? telemetry
                  ? 'declared, no traffic observed'
                  : 'declared (no telemetry)'
                : 'observed, not declared by the configuration'}
          </span>
          {m && (
            <div className="reason">
              {m.rps !== undefined ? `${formatRate(m.rps)}, ${formatPercent(m.errorRatio ?? 0)} errors` : ''}
              {m.p95Ms !== undefined ? `, p95 ${Math.round(m.p95Ms)} ms` : ''}
              {m.tcpBytesPerSec !== undefined ? `${m.rps !== undefined ? ', ' : ''}${formatBytes(m.tcpBytesPerSec)} sent` : ''}
            </div>
          )}
        </Row>
        {e.basis && <Row k="inferred from">{e.evidence.join('; ')}</Row>}
      </dl>
      {e.security && (
        <>
          <h3>Connection security</h3>
          <div data-testid="panel-security">
            <span className="decision">
              <SecurityIcon state={e.security.state} /> {SECURITY_TEXT[e.security.state]}
              {e.security.hbone ? ' (HBONE, ztunnel)' : ''}
            </span>
            <div className="reason">{e.security.reason}</div>
            <dl style={{ marginTop: 4 }}>
              <Row k="client">
                {e.security.client.mode} ({e.security.client.level})
                {e.security.client.resource && (
                  <div className="reason">
                    <Res name={e.security.client.resource} />
                  </div>
                )}
              </Row>
              {e.security.server && (
                <Row k="server">
                  {e.security.server.mode} ({e.security.server.level}){!e.security.server.inMesh && ' · no sidecar'}
                  {e.security.server.resource && (
                    <div className="reason">
                      <Res name={e.security.server.resource} />
                    </div>
                  )}
                </Row>
              )}
            </dl>
          </div>
        </>
      )}
      {e.authz && (
        <>
          <h3>Authorization</h3>
          <div data-testid="panel-authz">
            <span className={`decision ${e.authz.decision}`}>
              {e.authz.decision === 'deny' ? <DenyIcon /> : e.authz.decision === 'conditional' ? <ConditionalIcon /> : <LockIcon />}
              {e.authz.decision === 'deny' ? 'denied' : e.authz.decision === 'allow' ? 'allowed' : 'conditional'}
            </span>
            {e.authz.policy && (
              <>
                {' '}
                by <Res name={e.authz.policy} />
              </>
            )}
            {e.authz.enforcedBy && e.authz.enforcedBy !== 'none' && (
              <span data-testid="panel-enforced">
                {' '}
                at {e.authz.enforcedBy}
                {e.authz.enforcer ? (
                  <>
                    {' '}
                    <Res name={e.authz.enforcer} group={GATEWAY_API} />
                  </>
                ) : null}
              </span>
            )}
            <div className="reason">{e.authz.reason}</div>
            {e.authz.steps && (
              <ol data-testid="panel-authz-steps">
                {e.authz.steps.map((s, i) => (
                  <li key={i}>
                    <b>{s.at}</b>
                    {s.enforcer ? ` ${s.enforcer.replace(/^Gateway /, '')}` : ''}:{' '}
                    {s.decision === 'deny' ? 'denied' : s.decision === 'allow' ? 'allowed' : 'conditional'}
                    {s.policy && (
                      <>
                        {' '}
                        by <Res name={s.policy} />
                      </>
                    )}
                    <div className="reason">
                      sees {s.caller}: {s.reason}
                    </div>
                  </li>
                ))}
              </ol>
            )}
            {e.authz.notes?.map((n, i) => (
              <div key={i} className="reason warn">
                {n}
              </div>
            ))}
          </div>
        </>
      )}
      <Findings findings={e.findings} />
      <Resources x={e} />
      <Forms links={forms} />
    </>
  );
}

export function SidePanel({ graph, node, edge, telemetry, onSelect }: Props) {
  // One map per graph: the panel looks nodes up for every version, edge end and form link.
  const nodeOf = useMemo<Lookup>(() => {
    const byId = new Map(graph.nodes.map((x) => [x.id, x]));
    return (id) => byId.get(id);
  }, [graph]);
  const n = node ? nodeOf(node) : undefined;
  const e = !n && edge ? graph.edges.find((x) => x.id === edge) : undefined;
  if (!node && !edge) return null;
  return (
    <aside className="side-panel" data-testid="side-panel" aria-label="Details" tabIndex={-1}>
      <button type="button" className="close" aria-label="Close details" onClick={() => onSelect({})}>
        ×
      </button>
      {n && <NodePanel n={n} graph={graph} nodeOf={nodeOf} onSelect={onSelect} />}
      {e && <EdgePanel e={e} nodeOf={nodeOf} telemetry={telemetry} onSelect={onSelect} />}
      {!n && !e && (
        <p className="muted" data-testid="panel-missing">
          {node ?? edge} is not in this view (hidden by a filter, another namespace, or gone from the configuration).
        </p>
      )}
    </aside>
  );
}
