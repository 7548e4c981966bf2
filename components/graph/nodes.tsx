'use client';
/**
 * Node components. Memoized, defined once (nodeTypes at module level), reading only
 * their own data plus the narrow view values of store.ts. Sizes are fixed
 * (layout/sizes.ts), so nothing is measured before the layout.
 */
import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNode, NamespaceNode, NodeKind } from '@/lib/istio/graph/types';
import { WarnIcon } from './icons';
import { useDetail, useFindState } from './store';

export type MeshNodeData = { node: GraphNode };
export type MeshFlowNode = Node<MeshNodeData, NodeKind>;

const KIND_TAG: Record<NodeKind, string> = {
  namespace: 'NS',
  gateway: 'GW',
  waypoint: 'WP',
  service: 'SVC',
  version: 'VER',
  workload: 'WL',
  external: 'EXT',
  unknown: '?',
};

function subtitle(n: GraphNode): string {
  switch (n.kind) {
    case 'gateway': {
      if (n.api === 'gateway-api') {
        const ls = (n.listeners ?? [])
          .map((l) => `${l.protocol} ${l.port ?? ''}`.trim())
          .slice(0, 2)
          .join(', ');
        return `${n.resolved ? '' : 'not Istio · '}Gateway API${ls ? ` · ${ls}` : ''}`;
      }
      return n.resolved ? `${n.role} gateway · ${n.namespace}` : `${n.role} gateway · no workload`;
    }
    case 'waypoint':
      return `waypoint for ${n.traffic} · serves ${n.serves.length}`;
    case 'service': {
      const p = n.ports
        .map((x) => `${x.protocol === 'unknown' ? 'tcp?' : x.protocol} ${x.port}`)
        .slice(0, 2)
        .join(', ');
      return p || n.host;
    }
    case 'version':
      return n.version ? `${n.labelKeys[1]}=${n.version}` : `no ${n.labelKeys[1]} label`;
    case 'workload':
      return n.workloads[0]?.kind ?? 'workload';
    case 'external': {
      const proto = n.protocol === 'unknown' ? '' : n.protocol.toUpperCase();
      return [proto, n.hosts[0] ?? n.addresses[0]].filter(Boolean).join(' · ');
    }
    default:
      return '';
  }
}

function Findings({ n }: { n: GraphNode }) {
  if (!n.findings?.length) return null;
  const level = n.findingLevel === 'Error' ? 'err' : n.findingLevel === 'Warning' ? 'warn' : 'info';
  return (
    <span className={`fbadge ${level}`} data-testid={`findings-${n.id}`} title={n.findings.map((f) => `${f.code} ${f.message}`).join('\n')}>
      {n.findings.length}
    </span>
  );
}

function titleOf(n: GraphNode): string {
  const lines = [`${n.kind} ${n.label}`];
  if (n.namespace) lines.push(`namespace ${n.namespace}`);
  for (const w of n.warnings ?? []) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function MeshNodeView({ id, data, selected }: NodeProps<MeshFlowNode>) {
  const n = data.node;
  const detail = useDetail();
  const find = useFindState(id);
  const outside = (n.kind === 'version' || n.kind === 'workload') && !n.inMesh;
  const ambient = (n.kind === 'version' || n.kind === 'workload') && n.dataPlane.mode === 'ambient';
  const restart = (n.kind === 'version' || n.kind === 'workload') && n.dataPlane.restartNeeded;
  const viaWaypoint = n.kind === 'service' && n.waypoint?.state === 'bound';
  const cls = [
    'mnode',
    `k-${n.kind}`,
    selected ? 'sel' : '',
    find ?? '',
    n.observedOnly ? 'observed-only' : '',
    n.kind === 'gateway' && !n.resolved ? 'unresolved' : '',
    outside ? 'outside' : '',
    n.findingLevel ? `f-${n.findingLevel.toLowerCase()}` : '',
  ].join(' ');
  return (
    <div className={cls} data-testid={`node-${id}`} title={detail === 'min' ? undefined : titleOf(n)}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {detail !== 'min' && (
        <>
          <span className="tag">{KIND_TAG[n.kind]}</span>
          <span className="body">
            <span className="label">{n.label}</span>
            {detail === 'full' && <span className="sub">{subtitle(n)}</span>}
          </span>
          {detail === 'full' && (
            <span className="badges">
              {outside && (
                <span className="nbadge warn" title={'sidecar' in n ? n.sidecar.reason : ''}>
                  no sidecar
                </span>
              )}
              {ambient && (
                <span className="nbadge amb" title={'dataPlane' in n ? n.dataPlane.reason : ''}>
                  ambient
                </span>
              )}
              {restart && (
                <span className="nbadge warn" title={'dataPlane' in n ? n.dataPlane.reason : ''}>
                  restart
                </span>
              )}
              {viaWaypoint && (
                <span className="nbadge wp" title={n.kind === 'service' ? n.waypoint?.reason : ''}>
                  waypoint
                </span>
              )}
              {n.warnings?.length ? (
                <span className="nbadge warn" title={n.warnings.join('\n')}>
                  <WarnIcon />
                </span>
              ) : null}
              <Findings n={n} />
            </span>
          )}
        </>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

function NamespaceView({ id, data, selected }: NodeProps<MeshFlowNode>) {
  const n = data.node as NamespaceNode;
  const detail = useDetail();
  return (
    <div className={`nsbox ${selected ? 'sel' : ''} ${n.findingLevel ? `f-${n.findingLevel.toLowerCase()}` : ''}`} data-testid={`node-${id}`}>
      <div className="nshead">
        <span className="nsname">{n.label}</span>
        {detail !== 'min' && (
          <>
            {n.dataPlane?.mode === 'ambient' ? (
              <span className="nbadge amb" title={n.dataPlane.reason}>
                ambient
              </span>
            ) : (
              <span className={`nbadge ${n.injection === 'enabled' || n.injection === 'revision' ? 'ok' : ''}`}>injection {n.injection}</span>
            )}
            {n.dataPlane?.conflict && (
              <span className="nbadge warn" title={n.dataPlane.conflict}>
                sidecar + ambient
              </span>
            )}
            <span className="nbadge" title={n.mtls.reason}>
              mTLS {n.mtls.mode}
            </span>
            <Findings n={n} />
          </>
        )}
      </div>
    </div>
  );
}

const MeshNode = memo(MeshNodeView);
const Namespace = memo(NamespaceView);

export const nodeTypes: NodeTypes = {
  namespace: Namespace,
  gateway: MeshNode,
  waypoint: MeshNode,
  service: MeshNode,
  version: MeshNode,
  workload: MeshNode,
  external: MeshNode,
  unknown: MeshNode,
};
