'use client';
/**
 * Export the visible graph as PNG or SVG, drawn from the React Flow viewport element
 * with html-to-image as React Flow's docs show. `whole`: the whole (filtered) graph,
 * fitted into the image; otherwise exactly the part on screen (large graphs render
 * only what is on screen, so that is all the DOM holds).
 */
import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/react';

export type ImageFormat = 'png' | 'svg';

/** Largest side of an exported image, in pixels (a 1,000-service mesh would otherwise be ~100k px wide). */
const MAX_SIDE = 8000;

export async function exportGraphImage(root: HTMLElement, nodes: Node[], format: ImageFormat, fileName: string, whole: boolean): Promise<void> {
  const viewport = root.querySelector<HTMLElement>('.react-flow__viewport');
  if (!viewport || !nodes.length) throw new Error('Nothing to export yet.');
  const { toPng, toSvg } = await import('html-to-image');
  let width = root.clientWidth;
  let height = root.clientHeight;
  let transform = viewport.style.transform;
  if (whole) {
    const bounds = getNodesBounds(nodes);
    const pad = 40;
    const scale = Math.min(1, MAX_SIDE / Math.max(bounds.width + 2 * pad, bounds.height + 2 * pad));
    width = Math.ceil((bounds.width + 2 * pad) * scale);
    height = Math.ceil((bounds.height + 2 * pad) * scale);
    const vp = getViewportForBounds(bounds, width, height, scale * 0.5, Math.max(scale, 0.01), pad * scale);
    transform = `translate(${vp.x}px, ${vp.y}px) scale(${vp.zoom})`;
  }
  const options = {
    backgroundColor: '#ffffff',
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform },
    // Hidden interaction paths and handles add nothing to a picture.
    filter: (el: Node | HTMLElement | Element) => !(el instanceof Element && (el.classList.contains('react-flow__edge-interaction') || el.classList.contains('react-flow__handle'))),
  };
  const url = format === 'png' ? await toPng(viewport, options as never) : await toSvg(viewport, options as never);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${fileName}.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
