'use client';
/**
 * Overview of a large graph zoomed far out: nodes as coloured blocks and edges as
 * straight lines, drawn on one <canvas> on every viewport change (culled to the
 * screen, batched into a few paths), while React Flow renders only the namespace
 * boxes. Thousands of DOM/SVG elements would otherwise be painted on every frame of a
 * pan or zoom. Clicks are hit-tested here (overviewHit).
 */
import { useStoreApi } from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import { useTheme } from '@/lib/client/theme';
import type { GraphEdge, MeshGraph, NodeKind } from '@/lib/istio/graph/types';
import { MARKER_COLOR, markerColor } from './flow';
import { absoluteRect, type LayoutResult } from './layout/layout';

const KIND_COLOR: Record<Exclude<NodeKind, 'namespace'>, string> = {
  gateway: '#7048e8',
  waypoint: '#0b7285',
  service: '#1f6feb',
  version: '#2b8a3e',
  workload: '#5c7080',
  external: '#e8590c',
  unknown: '#8c97a5',
};

export interface OverviewScene {
  /** x, y, w, h per node (absolute), parallel to ids/colors. */
  rects: Float64Array;
  ids: string[];
  colors: string[];
  errors: Uint8Array;
  /** x1, y1, x2, y2 per edge, grouped by colour. */
  lines: Map<string, number[]>;
  boxes: Array<{ id: string; label: string; x: number; y: number; w: number; h: number }>;
}

export function buildScene(graph: MeshGraph, layout: LayoutResult, telemetry: boolean): OverviewScene {
  const abs = new Map<string, { x: number; y: number; w: number; h: number }>();
  const boxes: OverviewScene['boxes'] = [];
  for (const n of graph.nodes) {
    if (n.kind !== 'namespace') continue;
    const p = layout.positions[n.id];
    const b = layout.boxes[n.id];
    if (p && b) boxes.push({ id: n.id, label: n.label, x: p.x, y: p.y, w: b.width, h: b.height });
  }
  const ids: string[] = [];
  const colors: string[] = [];
  const rectList: number[] = [];
  const errorList: number[] = [];
  for (const n of graph.nodes) {
    if (n.kind === 'namespace') continue;
    const a = absoluteRect(n, layout);
    if (!a) continue;
    const r = { x: a.x, y: a.y, w: a.width, h: a.height };
    abs.set(n.id, r);
    ids.push(n.id);
    colors.push(KIND_COLOR[n.kind]);
    rectList.push(r.x, r.y, r.w, r.h);
    errorList.push(n.findingLevel === 'Error' ? 1 : 0);
  }
  const lines = new Map<string, number[]>();
  for (const e of graph.edges as GraphEdge[]) {
    const a = abs.get(e.source);
    const b = abs.get(e.target);
    if (!a || !b) continue;
    const c = markerColor(e, telemetry);
    const l = lines.get(c) ?? [];
    l.push(a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2);
    lines.set(c, l);
  }
  return { rects: Float64Array.from(rectList), ids, colors, errors: Uint8Array.from(errorList), lines, boxes };
}

/** The node under a point of the flow (world coordinates), with a tolerance of `slack` world units. */
export function overviewHit(scene: OverviewScene, x: number, y: number, slack: number): string | undefined {
  const r = scene.rects;
  for (let i = scene.ids.length - 1; i >= 0; i--) {
    const rx = r[i * 4] as number;
    const ry = r[i * 4 + 1] as number;
    if (x >= rx - slack && x <= rx + (r[i * 4 + 2] as number) + slack && y >= ry - slack && y <= ry + (r[i * 4 + 3] as number) + slack) return scene.ids[i];
  }
  return undefined;
}

function paint(canvas: HTMLCanvasElement, scene: OverviewScene, t: [number, number, number], selected: string | undefined, matches: ReadonlySet<string>): void {
  const parent = canvas.parentElement;
  if (!parent) return;
  const dpr = window.devicePixelRatio || 1;
  const w = parent.clientWidth;
  const h = parent.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  drawScene(ctx, w, h, dpr, scene, t, selected, matches);
}

/** The part of the flow on screen: [x0, y0, x1, y1] in flow coordinates. */
function visibleArea(t: [number, number, number], w: number, h: number): [number, number, number, number] {
  const [tx, ty, z] = t;
  return [-tx / z, -ty / z, -tx / z + w / z, -ty / z + h / z];
}

/**
 * Draw the scene as seen through React Flow's transform `t` on a `w` x `h` (CSS pixels)
 * context; `background`: fill instead of clearing (exported images).
 */
export function drawScene(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  dpr: number,
  scene: OverviewScene,
  t: [number, number, number],
  selected: string | undefined,
  matches: ReadonlySet<string>,
  background?: string,
): void {
  const [tx, ty, z] = t;
  // On screen the canvas follows the page's theme; exported images (with a background) stay light.
  const dark = !background && typeof document !== 'undefined' && document.documentElement.dataset.theme === 'dark';
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  }
  ctx.setTransform(dpr * z, 0, 0, dpr * z, dpr * tx, dpr * ty);
  const [x0, y0, x1, y1] = visibleArea(t, w, h);

  // Namespace boxes.
  ctx.lineWidth = 1.2 / z;
  ctx.strokeStyle = dark ? '#4a5868' : '#b7c3d0';
  ctx.setLineDash([6 / z, 4 / z]);
  ctx.beginPath();
  for (const b of scene.boxes) if (b.x < x1 && b.x + b.w > x0 && b.y < y1 && b.y + b.h > y0) ctx.rect(b.x, b.y, b.w, b.h);
  ctx.stroke();
  ctx.setLineDash([]);

  // Edges, one path per colour.
  ctx.lineWidth = 1 / z;
  for (const [color, l] of scene.lines) {
    ctx.strokeStyle = color;
    ctx.globalAlpha = color === MARKER_COLOR['declared-only'] ? 0.6 : 0.75;
    ctx.beginPath();
    for (let i = 0; i < l.length; i += 4) {
      const ax = l[i] as number;
      const ay = l[i + 1] as number;
      const bx = l[i + 2] as number;
      const by = l[i + 3] as number;
      if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) continue;
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;

  // Nodes, one fill per colour.
  const r = scene.rects;
  const byColor = new Map<string, number[]>();
  for (let i = 0; i < scene.ids.length; i++) {
    const x = r[i * 4] as number;
    const y = r[i * 4 + 1] as number;
    if (x > x1 || y > y1 || x + (r[i * 4 + 2] as number) < x0 || y + (r[i * 4 + 3] as number) < y0) continue;
    const c = scene.colors[i] as string;
    const l = byColor.get(c);
    if (l) l.push(i);
    else byColor.set(c, [i]);
  }
  for (const [c, list] of byColor) {
    ctx.fillStyle = c;
    ctx.beginPath();
    for (const i of list) ctx.rect(r[i * 4] as number, r[i * 4 + 1] as number, r[i * 4 + 2] as number, r[i * 4 + 3] as number);
    ctx.fill();
  }
  ctx.strokeStyle = '#c62828';
  ctx.lineWidth = 2 / z;
  ctx.beginPath();
  for (let i = 0; i < scene.ids.length; i++)
    if (scene.errors[i]) ctx.rect(r[i * 4] as number, r[i * 4 + 1] as number, r[i * 4 + 2] as number, r[i * 4 + 3] as number);
  ctx.stroke();
  if (matches.size) {
    ctx.strokeStyle = '#f59f00';
    ctx.lineWidth = 4 / z;
    ctx.beginPath();
    for (let i = 0; i < scene.ids.length; i++)
      if (matches.has(scene.ids[i] as string))
        ctx.rect((r[i * 4] as number) - 6 / z, (r[i * 4 + 1] as number) - 6 / z, (r[i * 4 + 2] as number) + 12 / z, (r[i * 4 + 3] as number) + 12 / z);
    ctx.stroke();
  }
  if (selected) {
    const i = scene.ids.indexOf(selected);
    if (i >= 0) {
      ctx.strokeStyle = '#1f6feb';
      ctx.lineWidth = 3 / z;
      ctx.strokeRect((r[i * 4] as number) - 4 / z, (r[i * 4 + 1] as number) - 4 / z, (r[i * 4 + 2] as number) + 8 / z, (r[i * 4 + 3] as number) + 8 / z);
    }
  }

  // Namespace names at a readable size.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.fillStyle = dark ? '#e3e8ee' : '#34495e';
  for (const b of scene.boxes) {
    if (b.w * z < 60) continue;
    const sx = b.x * z + tx;
    const sy = b.y * z + ty;
    if (sx > w || sy > h || sx + b.w * z < 0 || sy + b.h * z < 0) continue;
    ctx.fillText(b.label, sx + 6, sy + 14, b.w * z - 12);
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number) => String(Math.round(x * 100) / 100);

/** The scene as an SVG document, as drawScene shows it (without selection and find). */
export function sceneToSvg(scene: OverviewScene, t: [number, number, number], w: number, h: number): string {
  const [tx, ty, z] = t;
  const [x0, y0, x1, y1] = visibleArea(t, w, h);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(w)}" height="${num(h)}" viewBox="0 0 ${num(w)} ${num(h)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g transform="translate(${num(tx)} ${num(ty)}) scale(${z})">`,
  ];
  const boxes = scene.boxes.filter((b) => b.x < x1 && b.x + b.w > x0 && b.y < y1 && b.y + b.h > y0);
  for (const b of boxes)
    out.push(
      `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.w)}" height="${num(b.h)}" fill="none" stroke="#b7c3d0" stroke-width="${1.2 / z}" stroke-dasharray="${6 / z} ${4 / z}"/>`,
    );
  for (const [color, l] of scene.lines) {
    const d: string[] = [];
    for (let i = 0; i < l.length; i += 4) {
      const [ax, ay, bx, by] = [l[i] as number, l[i + 1] as number, l[i + 2] as number, l[i + 3] as number];
      if ((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1)) continue;
      d.push(`M${num(ax)} ${num(ay)}L${num(bx)} ${num(by)}`);
    }
    if (d.length)
      out.push(
        `<path d="${d.join('')}" fill="none" stroke="${color}" stroke-opacity="${color === MARKER_COLOR['declared-only'] ? 0.6 : 0.75}" stroke-width="${1 / z}"/>`,
      );
  }
  const r = scene.rects;
  const byColor = new Map<string, string[]>();
  const errors: string[] = [];
  for (let i = 0; i < scene.ids.length; i++) {
    const [x, y, rw, rh] = [r[i * 4] as number, r[i * 4 + 1] as number, r[i * 4 + 2] as number, r[i * 4 + 3] as number];
    if (x > x1 || y > y1 || x + rw < x0 || y + rh < y0) continue;
    const d = `M${num(x)} ${num(y)}h${num(rw)}v${num(rh)}h${num(-rw)}z`;
    const c = scene.colors[i] as string;
    const l = byColor.get(c);
    if (l) l.push(d);
    else byColor.set(c, [d]);
    if (scene.errors[i]) errors.push(d);
  }
  for (const [c, d] of byColor) out.push(`<path d="${d.join('')}" fill="${c}"/>`);
  if (errors.length) out.push(`<path d="${errors.join('')}" fill="none" stroke="#c62828" stroke-width="${2 / z}"/>`);
  out.push('</g>');
  for (const b of boxes) {
    if (b.w * z < 60) continue;
    out.push(
      `<text x="${num(b.x * z + tx + 6)}" y="${num(b.y * z + ty + 14)}" font-family="system-ui, sans-serif" font-size="12" font-weight="600" fill="#34495e">${esc(b.label)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

export function OverviewCanvas({ scene, selected, matches }: { scene: OverviewScene; selected?: string; matches: ReadonlySet<string> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  const theme = useTheme();
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let raf = 0;
    const draw = () => {
      raf = 0;
      paint(canvas, scene, store.getState().transform, selected, matches);
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(draw);
    };
    draw();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.transform !== prev.transform) schedule();
    });
    const ro = new ResizeObserver(schedule);
    if (canvas.parentElement) ro.observe(canvas.parentElement);
    return () => {
      unsubscribe();
      ro.disconnect();
      if (raf) cancelAnimationFrame(raf);
    };
  }, [scene, selected, matches, store, theme]);
  return <canvas ref={ref} className="graph-overview" data-testid="graph-overview" aria-hidden />;
}

export function useOverviewScene(
  graph: MeshGraph | undefined,
  layout: LayoutResult | undefined,
  telemetry: boolean,
  enabled: boolean,
): OverviewScene | undefined {
  return useMemo(() => (enabled && graph && layout ? buildScene(graph, layout, telemetry) : undefined), [enabled, graph, layout, telemetry]);
}
