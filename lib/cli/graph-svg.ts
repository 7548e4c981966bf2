/**
 * The mesh graph as one self-contained SVG (no scripts, no fonts, no links), laid out by
 * elkjs (layered, left to right, namespaces as boxes), for `meshboard graph -o svg`.
 *
 * Everything a colour says is also written: node kind and data plane under each name,
 * on each edge its route weight ("90%"), its transport ("mTLS (HBONE)", "mTLS", "TLS",
 * "plaintext", "mTLS conflict"), its authorization when it is not a plain allow
 * ("DENY at ztunnel", "conditional at waypoint"), an L7 route nothing applies ("not
 * applied"); findings as "! 2 findings (Error)". Hovering a node or edge shows the
 * reasons (<title>). A legend explains the marks.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { GraphEdge, GraphNode, MeshGraph, NamespaceNode } from '../istio/graph/types';
import { arrowMarker, escapeXml, svgRoot } from '../istio/svg';

interface ElkLabel {
  id: string;
  text: string;
  width: number;
  height: number;
  x?: number;
  y?: number;
}
interface ElkPoint {
  x: number;
  y: number;
}
interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  labels?: ElkLabel[];
  sections?: Array<{ startPoint: ElkPoint; endPoint: ElkPoint; bendPoints?: ElkPoint[] }>;
  layoutOptions?: Record<string, string>;
}
interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkNode[];
  edges?: ElkEdge[];
  layoutOptions?: Record<string, string>;
}

const FONT = 'Helvetica, Arial, sans-serif';
/** Average glyph width of the 11 px and 12 px text (generous: text must fit its box). */
const CHAR_W = 6.8;
const LINE_H = 15;
const PAD_X = 12;

const NODE_STYLE: Record<Exclude<GraphNode['kind'], 'namespace'>, { fill: string; stroke: string }> = {
  gateway: { fill: '#e8f0fe', stroke: '#1a56c4' },
  waypoint: { fill: '#f3e8fd', stroke: '#7b2cbf' },
  service: { fill: '#e6f4ea', stroke: '#137333' },
  version: { fill: '#ffffff', stroke: '#5f6368' },
  workload: { fill: '#ffffff', stroke: '#5f6368' },
  external: { fill: '#fef7e0', stroke: '#a05a00' },
  unknown: { fill: '#f1f3f4', stroke: '#80868b' },
};

const COLOR = { mtls: '#137333', tls: '#1a56c4', plaintext: '#b06000', conflict: '#c5221f', deny: '#c5221f', neutral: '#5f6368', waypoint: '#7b2cbf' };

const MODE_TEXT: Record<string, string> = { sidecar: 'sidecar', ambient: 'ambient', none: 'not in mesh' };

/** The second line of a node: what it is, in words. */
export function nodeSubtitle(n: GraphNode): string {
  switch (n.kind) {
    case 'gateway':
      return `${n.role} gateway${n.api === 'gateway-api' ? ' (Gateway API)' : ''}${n.resolved ? '' : ' · unresolved'}`;
    case 'waypoint':
      return `waypoint · for ${n.traffic}`;
    case 'service': {
      const ports = n.ports.map((p) => p.port).join(',');
      return `service${ports ? ` :${ports}` : ''}${n.waypoint?.state === 'bound' ? ' · via waypoint' : ''}`;
    }
    case 'version':
    case 'workload':
      return `${n.kind} · ${MODE_TEXT[n.dataPlane.mode] ?? n.dataPlane.mode}`;
    case 'external':
      return `external · ${n.protocol}`;
    case 'unknown':
      return 'unknown source';
    case 'namespace':
      return 'namespace';
  }
}

function findingLine(n: GraphNode | GraphEdge): string | undefined {
  const f = n.findings?.length ?? 0;
  const w = 'warnings' in n ? (n.warnings?.length ?? 0) : 0;
  if (!f && !w) return undefined;
  const parts: string[] = [];
  if (f) parts.push(`${f} finding${f > 1 ? 's' : ''}${n.findingLevel ? ` (${n.findingLevel})` : ''}`);
  if (w) parts.push(`${w} warning${w > 1 ? 's' : ''}`);
  return `! ${parts.join(', ')}`;
}

function namespaceTitle(n: NamespaceNode): string {
  const mode = n.dataPlane.mode === 'ambient' ? 'ambient' : n.dataPlane.mode === 'sidecar' ? 'sidecar injection' : 'not in mesh';
  return `namespace ${n.namespace} · ${mode} · mTLS ${n.mtls.mode}`;
}

const SECURITY_TEXT: Record<string, string> = { mtls: 'mTLS', tls: 'TLS', plaintext: 'plaintext', conflict: 'mTLS conflict' };

/** The label of an edge: weight, transport, authorization (when not a plain allow), route not applied. */
export function edgeLabel(e: GraphEdge): string {
  const parts: string[] = [];
  if (e.kind === 'waypoint') parts.push('waypoint serves');
  if ((e.kind === 'route' || e.kind === 'gateway-route') && e.weight !== undefined && !e.implicit) parts.push(`${e.weight}%${e.weightShared ? ' shared' : ''}`);
  if (e.security) parts.push(e.security.state === 'mtls' && e.security.hbone ? 'mTLS (HBONE)' : (SECURITY_TEXT[e.security.state] ?? e.security.state));
  if (e.authz?.decision === 'deny') parts.push(`DENY${e.authz.enforcedBy ? ` at ${e.authz.enforcedBy}` : ''}`);
  else if (e.authz?.decision === 'conditional') parts.push(`conditional${e.authz.enforcedBy ? ` at ${e.authz.enforcedBy}` : ''}`);
  if (e.appliedBy?.by === 'none') parts.push('not applied');
  if (!e.declared && e.observed) parts.push('observed only');
  const f = findingLine(e);
  if (f) parts.push(f);
  return parts.join(' · ');
}

function edgeColor(e: GraphEdge): string {
  if (e.authz?.decision === 'deny' || e.security?.state === 'conflict') return COLOR.deny;
  if (e.kind === 'waypoint') return COLOR.waypoint;
  const s = e.security?.state;
  return s ? COLOR[s] : COLOR.neutral;
}

function edgeDash(e: GraphEdge): string | undefined {
  if (e.kind === 'waypoint') return '2 3';
  if (e.appliedBy?.by === 'none' || e.implicit) return '6 4';
  if (e.security?.state === 'plaintext') return '8 3 2 3';
  return undefined;
}

function nodeTooltip(n: GraphNode): string {
  const lines = [`${n.label} (${n.id})`, nodeSubtitle(n)];
  if ((n.kind === 'version' || n.kind === 'workload') && n.dataPlane.reason) lines.push(`data plane: ${n.dataPlane.reason}`);
  if (n.kind === 'namespace') lines.push(`mTLS: ${n.mtls.reason}`, `data plane: ${n.dataPlane.reason}`);
  for (const w of n.warnings ?? []) lines.push(`warning: ${w}`);
  for (const f of n.findings ?? []) lines.push(`${f.level} ${f.code}: ${f.message}`);
  return lines.join('\n');
}

function edgeTooltip(e: GraphEdge, names: ReadonlyMap<string, string>): string {
  const lines = [`${e.kind}: ${names.get(e.source) ?? e.source} -> ${names.get(e.target) ?? e.target}`];
  if (e.match) lines.push(`match: ${e.match}`);
  if (e.security) lines.push(`security: ${e.security.reason}`);
  if (e.authz) {
    lines.push(`authorization: ${e.authz.decision}${e.authz.enforcedBy ? ` at ${e.authz.enforcedBy}` : ''}: ${e.authz.reason}`);
    for (const s of e.authz.steps ?? []) lines.push(`  at ${s.at}: ${s.decision}${s.policy ? ` (${s.policy})` : ''}`);
  }
  if (e.appliedBy) lines.push(`route applied by ${e.appliedBy.by}: ${e.appliedBy.reason}`);
  for (const b of e.badges) lines.push(`badge: ${b.label}`);
  for (const f of e.findings ?? []) lines.push(`${f.level} ${f.code}: ${f.message}`);
  return lines.join('\n');
}

const textWidth = (s: string) => Math.ceil(s.length * CHAR_W);

interface Box {
  node: GraphNode;
  lines: string[];
  width: number;
  height: number;
}

function boxOf(n: GraphNode): Box {
  const f = findingLine(n);
  const lines = [n.label, nodeSubtitle(n), ...(f ? [f] : [])];
  const width = Math.max(150, ...lines.map((l) => textWidth(l) + 2 * PAD_X));
  return { node: n, lines, width, height: lines.length * LINE_H + 14 };
}

const LEGEND: Array<{ color: string; dash?: string; text: string }> = [
  { color: COLOR.mtls, text: 'mTLS / mTLS (HBONE): encrypted, mutual TLS' },
  { color: COLOR.tls, text: 'TLS: TLS to an external host' },
  { color: COLOR.plaintext, dash: '8 3 2 3', text: 'plaintext: not encrypted' },
  { color: COLOR.deny, text: 'DENY at <enforcement point> / mTLS conflict: refused' },
  { color: COLOR.neutral, dash: '6 4', text: 'dashed: implicit route (Service selector) or L7 route "not applied"' },
  { color: COLOR.waypoint, dash: '2 3', text: 'waypoint serves: traffic to it goes through that waypoint' },
];

/** The graph as an SVG document (a string). */
export async function renderSvg(
  graph: Pick<MeshGraph, 'nodes' | 'edges'> & { meta?: Partial<MeshGraph['meta']> & { findings?: { count: number } } },
): Promise<string> {
  const namespaces = new Map<string, NamespaceNode>();
  for (const n of graph.nodes) if (n.kind === 'namespace') namespaces.set(n.id, n);
  const boxes = new Map<string, Box>();
  for (const n of graph.nodes) if (n.kind !== 'namespace') boxes.set(n.id, boxOf(n));
  const edges = graph.edges.filter((e) => boxes.has(e.source) && boxes.has(e.target));
  const labels = new Map(edges.map((e) => [e.id, edgeLabel(e)]));

  const elkNode = (b: Box): ElkNode => ({ id: b.node.id, width: b.width, height: b.height });
  const inBox = new Map<string, ElkNode[]>();
  const top: ElkNode[] = [];
  for (const b of boxes.values()) {
    const p = b.node.parent && namespaces.has(b.node.parent) ? b.node.parent : undefined;
    if (p) {
      const l = inBox.get(p);
      if (l) l.push(elkNode(b));
      else inBox.set(p, [elkNode(b)]);
    } else top.push(elkNode(b));
  }
  for (const [id, ns] of namespaces) {
    const title = namespaceTitle(ns);
    top.push({
      id,
      children: inBox.get(id) ?? [],
      layoutOptions: {
        'elk.padding': '[top=40,left=18,bottom=18,right=18]',
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${textWidth(title) + 36}, 60)`,
      },
      width: textWidth(title) + 36,
      height: 60,
    });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'POLYLINE',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.spacing.nodeNode': '24',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.spacing.componentComponent': '40',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children: top.sort((a, b) => (a.id < b.id ? -1 : 1)),
    edges: edges.map((e) => {
      const text = labels.get(e.id) ?? '';
      return {
        id: e.id,
        sources: [e.source],
        targets: [e.target],
        ...(text ? { labels: [{ id: `${e.id}#label`, text, width: textWidth(text) + 8, height: 14 }] } : {}),
        layoutOptions: { 'elk.edgeLabels.placement': 'CENTER' },
      };
    }),
  };
  const elk = new ELK();
  const laid = (await elk.layout(root as never)) as unknown as ElkNode;

  const pos = new Map<string, ElkNode>();
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      pos.set(c.id, c);
      walk(c);
    }
  };
  walk(laid);
  const laidEdges = new Map<string, ElkEdge>();
  const collect = (n: ElkNode) => {
    for (const e of n.edges ?? []) laidEdges.set(e.id, e);
    for (const c of n.children ?? []) collect(c);
  };
  collect(laid);

  const MARGIN = 20;
  const meta = graph.meta;
  const header = [
    'Meshboard mesh graph',
    `${boxes.size} nodes, ${edges.length} edges${meta?.namespaces?.length ? ` · namespaces ${meta.namespaces.join(', ')} (and their neighbours)` : ''}${meta?.observed ? '' : ' · configuration only (no telemetry)'}${meta?.findings ? ` · ${meta.findings.count} findings` : ''}`,
  ];
  const legendTop = MARGIN + 2 * 18 + 6;
  const legendH = LEGEND.length * 16 + 8;
  const offsetY = legendTop + legendH + 16;
  const gw = laid.width ?? 0;
  const gh = laid.height ?? 0;
  const legendW = Math.max(...LEGEND.map((l) => textWidth(l.text) + 50), ...header.map((h) => textWidth(h)));
  const width = Math.ceil(Math.max(gw, legendW) + 2 * MARGIN);
  const height = Math.ceil(offsetY + gh + MARGIN);
  const X = (x: number) => (x + MARGIN).toFixed(1);
  const Y = (y: number) => (y + offsetY).toFixed(1);

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(svgRoot(width, height, { family: FONT, size: 11 }));
  out.push(`<title>${escapeXml(header.join(' — '))}</title>`);
  out.push('<defs>');
  const markerColors = new Set(edges.map(edgeColor));
  for (const c of markerColors) out.push(arrowMarker(`arrow-${c.slice(1)}`, c, 7, 'auto-start-reverse'));
  out.push('</defs>');
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN}" y="${MARGIN + 12}" font-size="15" font-weight="bold" fill="#202124">${escapeXml(header[0]!)}</text>`);
  out.push(`<text x="${MARGIN}" y="${MARGIN + 30}" font-size="12" fill="#3c4043">${escapeXml(header[1]!)}</text>`);
  out.push(`<g class="legend">`);
  LEGEND.forEach((l, i) => {
    const y = legendTop + 8 + i * 16;
    out.push(
      `<line x1="${MARGIN}" y1="${y}" x2="${MARGIN + 36}" y2="${y}" stroke="${l.color}" stroke-width="2"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/><text x="${MARGIN + 44}" y="${y + 4}" fill="#3c4043">${escapeXml(l.text)}</text>`,
    );
  });
  out.push('</g>');

  // Namespace boxes first (behind), then edges, then nodes.
  for (const [id, ns] of [...namespaces].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const p = pos.get(id);
    if (!p) continue;
    out.push(
      `<g class="namespace" data-id="${escapeXml(id)}"><title>${escapeXml(nodeTooltip(ns))}</title><rect x="${X(p.x ?? 0)}" y="${Y(p.y ?? 0)}" width="${(p.width ?? 0).toFixed(1)}" height="${(p.height ?? 0).toFixed(1)}" rx="8" fill="#f8f9fa" stroke="#9aa0a6" stroke-dasharray="4 3"/>` +
        `<text x="${X((p.x ?? 0) + 14)}" y="${Y((p.y ?? 0) + 22)}" font-size="12" font-weight="bold" fill="#3c4043">${escapeXml(namespaceTitle(ns))}</text></g>`,
    );
  }
  const names = new Map(graph.nodes.map((n) => [n.id, n.label]));
  for (const e of edges) {
    const l = laidEdges.get(e.id);
    const color = edgeColor(e);
    const dash = edgeDash(e);
    const parts: string[] = [];
    for (const s of l?.sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      parts.push(
        `<path d="${pts.map((pt, i) => `${i ? 'L' : 'M'}${X(pt.x)},${Y(pt.y)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="${e.authz?.decision === 'deny' ? 2.2 : 1.5}"${dash ? ` stroke-dasharray="${dash}"` : ''} marker-end="url(#arrow-${color.slice(1)})"/>`,
      );
    }
    const text = labels.get(e.id);
    const lab = l?.labels?.[0];
    if (text && lab) {
      parts.push(`<rect x="${X(lab.x ?? 0)}" y="${Y(lab.y ?? 0)}" width="${lab.width}" height="${lab.height}" rx="3" fill="#ffffff" fill-opacity="0.9"/>`);
      parts.push(
        `<text x="${X((lab.x ?? 0) + 4)}" y="${Y((lab.y ?? 0) + 11)}" fill="${color}"${e.authz?.decision === 'deny' ? ' font-weight="bold"' : ''}>${escapeXml(text)}</text>`,
      );
    }
    out.push(`<g class="edge edge-${e.kind}" data-id="${escapeXml(e.id)}"><title>${escapeXml(edgeTooltip(e, names))}</title>${parts.join('')}</g>`);
  }
  for (const b of boxes.values()) {
    const p = pos.get(b.node.id);
    if (!p) continue;
    const st = NODE_STYLE[b.node.kind as Exclude<GraphNode['kind'], 'namespace'>];
    const x = p.x ?? 0;
    const y = p.y ?? 0;
    const rows = b.lines
      .map((line, i) => {
        const isFinding = i === 2;
        const attrs =
          i === 0
            ? 'font-size="12" font-weight="bold" fill="#202124"'
            : isFinding
              ? `fill="${b.node.findingLevel === 'Error' ? COLOR.deny : '#a05a00'}"`
              : 'fill="#3c4043"';
        return `<text x="${X(x + PAD_X)}" y="${Y(y + 18 + i * LINE_H)}" ${attrs}>${escapeXml(line)}</text>`;
      })
      .join('');
    out.push(
      `<g class="node node-${b.node.kind}" data-id="${escapeXml(b.node.id)}"><title>${escapeXml(nodeTooltip(b.node))}</title>` +
        `<rect x="${X(x)}" y="${Y(y)}" width="${b.width}" height="${b.height}" rx="${b.node.kind === 'service' ? 6 : 2}" fill="${st.fill}" stroke="${st.stroke}" stroke-width="1.4"${b.node.kind === 'external' ? ' stroke-dasharray="5 3"' : ''}/>${rows}</g>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
