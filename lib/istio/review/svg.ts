/**
 * A small self-contained SVG of the changed part of a graph diff: the nodes at either
 * end of a changed edge plus added/removed nodes, laid out in layers (longest path
 * from callers), edges coloured by status (added green, removed red dashed, changed
 * amber) and labelled with what changed. Pure string building; no fonts or scripts.
 */
import { arrowMarker, escapeXml, svgRoot } from '../svg';
import type { EdgeChange, GraphDiff } from './diff';

const COLORS = { added: '#1a7f37', removed: '#cf222e', changed: '#bf8700' } as const;
const NODE_W = 180;
const NODE_H = 36;
const COL_GAP = 120;
const ROW_GAP = 28;
const PAD = 20;

const esc = escapeXml;

function edgeText(e: EdgeChange): string {
  if (e.status === 'added') return e.weight !== undefined ? `added, weight ${e.weight}` : 'added';
  if (e.status === 'removed') return 'removed';
  return e.changes.map((c) => `${c.field === 'mtls' ? 'mTLS' : c.field} ${c.before} → ${c.after}`).join('; ');
}

/** SVG text, or undefined when nothing in the graph changed. */
export function graphDiffSvg(diff: GraphDiff): string | undefined {
  const edges = diff.edges;
  const nodeStatus = new Map<string, 'added' | 'removed' | undefined>();
  const label = new Map<string, string>();
  for (const n of diff.nodesAdded) {
    nodeStatus.set(n.id, 'added');
    label.set(n.id, n.label);
  }
  for (const n of diff.nodesRemoved) {
    nodeStatus.set(n.id, 'removed');
    label.set(n.id, n.label);
  }
  for (const e of edges) for (const id of [e.source, e.target]) if (!nodeStatus.has(id)) nodeStatus.set(id, undefined);
  for (const e of edges) {
    if (!label.has(e.source)) label.set(e.source, e.sourceLabel);
    if (!label.has(e.target)) label.set(e.target, e.targetLabel);
  }
  // Namespace boxes are context, not part of the picture.
  for (const id of [...nodeStatus.keys()]) if (id.startsWith('ns:')) nodeStatus.delete(id);
  const ids = [...nodeStatus.keys()].sort();
  if (!ids.length) return undefined;

  // Longest-path layers; a bounded number of passes keeps cycles finite.
  const layer = new Map(ids.map((id) => [id, 0]));
  for (let pass = 0; pass < ids.length; pass++) {
    let moved = false;
    for (const e of edges) {
      const s = layer.get(e.source);
      const t = layer.get(e.target);
      if (s === undefined || t === undefined || e.source === e.target) continue;
      if (t < s + 1 && s + 1 < ids.length) {
        layer.set(e.target, s + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const columns = new Map<number, string[]>();
  for (const id of ids) columns.set(layer.get(id)!, [...(columns.get(layer.get(id)!) ?? []), id]);
  const pos = new Map<string, { x: number; y: number }>();
  let maxRows = 0;
  for (const [c, col] of columns) {
    maxRows = Math.max(maxRows, col.length);
    col.forEach((id, r) => pos.set(id, { x: PAD + c * (NODE_W + COL_GAP), y: PAD + r * (NODE_H + ROW_GAP) }));
  }
  const width = PAD * 2 + columns.size * NODE_W + (columns.size - 1) * COL_GAP;
  const height = PAD * 2 + maxRows * NODE_H + (maxRows - 1) * ROW_GAP + 16;

  const parts: string[] = [];
  parts.push(svgRoot(width, height, { family: 'sans-serif', size: 12 }));
  parts.push('<defs>');
  for (const [k, c] of Object.entries(COLORS)) parts.push(arrowMarker(`arrow-${k}`, c, 8));
  parts.push('</defs>');
  for (const e of edges) {
    const s = pos.get(e.source);
    const t = pos.get(e.target);
    if (!s || !t) continue;
    const x1 = s.x + NODE_W;
    const y1 = s.y + NODE_H / 2;
    const x2 = t.x;
    const y2 = t.y + NODE_H / 2;
    const c = COLORS[e.status];
    const dash = e.status === 'removed' ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<g class="edge ${e.status}" data-edge="${esc(e.id)}"><line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${c}" stroke-width="2"${dash} marker-end="url(#arrow-${e.status})"/>`,
    );
    parts.push(`<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle" fill="${c}">${esc(edgeText(e))}</text></g>`);
  }
  for (const id of ids) {
    const p = pos.get(id)!;
    const st = nodeStatus.get(id);
    const stroke = st ? COLORS[st] : '#57606a';
    const dash = st === 'removed' ? ' stroke-dasharray="6 4"' : '';
    const text = label.get(id) ?? id;
    parts.push(
      `<g class="node${st ? ` ${st}` : ''}" data-node="${esc(id)}"><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="#ffffff" stroke="${stroke}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      `<text x="${p.x + NODE_W / 2}" y="${p.y + NODE_H / 2 + 4}" text-anchor="middle" fill="#1f2328">${esc(text.length > 26 ? `${text.slice(0, 25)}…` : text)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
