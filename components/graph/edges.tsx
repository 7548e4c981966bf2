'use client';
/**
 * The mesh edge: a bezier path styled by what it is (declared and/or observed,
 * security, authorization) and, close enough, a label with weight %, req/s, error %,
 * a padlock (locked, open, conflict) and a "denied" marker. Memoized, defined once.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { memo } from 'react';
import type { GraphEdge } from '@/lib/istio/graph/types';
import { ConditionalIcon, DenyIcon, SecurityIcon, SECURITY_TEXT } from './icons';
import { useDetail, useTelemetry } from './store';
import { edgeLabelParts, edgeTraffic } from './format';

export type MeshEdgeData = { edge: GraphEdge };
export type MeshFlowEdge = Edge<MeshEdgeData, 'mesh'>;

export function edgeClass(e: GraphEdge, telemetry: boolean): string {
  const t = edgeTraffic(e);
  return [
    'medge',
    `ek-${e.kind}`,
    // "No traffic" only means something when telemetry is merged.
    telemetry ? `t-${t}` : e.declared ? 't-declared' : `t-${t}`,
    e.security ? `s-${e.security.state}` : '',
    e.appliedBy?.by === 'none' ? 'unapplied' : '',
    e.authz?.decision === 'deny' ? 'denied' : '',
    e.findingLevel ? `f-${e.findingLevel.toLowerCase()}` : '',
  ].join(' ');
}

function labelTitle(e: GraphEdge, telemetry: boolean): string {
  const lines = [`${e.kind}: ${e.source} → ${e.target}`];
  if (e.security) lines.push(`${SECURITY_TEXT[e.security.state]}${e.security.hbone ? ' (HBONE)' : ''}: ${e.security.reason}`);
  if (e.authz)
    lines.push(`authorization ${e.authz.decision}${e.authz.policy ? ` by ${e.authz.policy}` : ''}${e.authz.enforcedBy ? ` at ${e.authz.enforcedBy}` : ''}`);
  if (e.appliedBy) lines.push(e.appliedBy.reason);
  if (telemetry && e.declared && !e.observed) lines.push('no traffic observed');
  if (!e.declared) lines.push('observed, but the configuration does not declare it');
  return lines.join('\n');
}

function MeshEdgeView(p: EdgeProps<MeshFlowEdge>) {
  const e = p.data?.edge;
  const detail = useDetail();
  const telemetry = useTelemetry();
  const [path, lx, ly] = getBezierPath({
    sourceX: p.sourceX,
    sourceY: p.sourceY,
    sourcePosition: p.sourcePosition,
    targetX: p.targetX,
    targetY: p.targetY,
    targetPosition: p.targetPosition,
  });
  if (!e) return null;
  const parts = detail === 'full' && e.kind !== 'waypoint' ? edgeLabelParts(e) : [];
  const unapplied = e.appliedBy?.by === 'none';
  const denied = e.authz?.decision === 'deny';
  const conditional = e.authz?.decision === 'conditional';
  const showLabel =
    detail === 'full' &&
    e.kind !== 'waypoint' &&
    (parts.length > 0 || denied || conditional || unapplied || !!e.security || (telemetry && !e.declared) || !!e.findings?.length);
  return (
    <>
      <BaseEdge
        id={p.id}
        path={path}
        markerEnd={p.markerEnd}
        className={`${edgeClass(e, telemetry)} ${p.selected ? 'sel' : ''}`}
        interactionWidth={detail === 'min' ? 0 : 14}
        data-testid={`edge-${p.id}`}
      />
      {showLabel && (
        <EdgeLabelRenderer>
          <div
            className={`elabel nodrag nopan ${p.selected ? 'sel' : ''} ${denied ? 'denied' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
            data-testid={`edge-label-${p.id}`}
            data-edge={p.id}
            title={labelTitle(e, telemetry)}
          >
            {e.security && <SecurityIcon state={e.security.state} />}
            {e.security?.hbone && <span className="hbone">HBONE</span>}
            {denied && <DenyIcon className="deny" />}
            {denied && e.authz?.enforcedBy && e.authz.enforcedBy !== 'sidecar' && <span className="deny-at">denied at {e.authz.enforcedBy}</span>}
            {unapplied && <span className="unapplied-label">not applied</span>}
            {conditional && <ConditionalIcon className="cond" />}
            {parts.map((t, i) => (
              <span key={i} className={t.endsWith('err') ? 'err' : undefined}>
                {t}
              </span>
            ))}
            {telemetry && !e.declared && <span className="undeclared">not declared</span>}
            {e.findings?.length ? (
              <span className={`fbadge ${e.findingLevel === 'Error' ? 'err' : e.findingLevel === 'Warning' ? 'warn' : 'info'}`}>{e.findings.length}</span>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const edgeTypes: EdgeTypes = { mesh: memo(MeshEdgeView) };
