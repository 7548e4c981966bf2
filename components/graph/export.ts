'use client';
/**
 * Export the graph as PNG or SVG.
 *
 * exportGraphImage draws the React Flow viewport element with html-to-image, as React
 * Flow's docs show. With `bounds` (the whole layout, in flow coordinates, computed
 * from the layout rather than from React Flow's nodes, whose positions inside a
 * namespace box are relative to it), the whole graph is fitted into the image;
 * without, exactly the part on screen (a large graph renders only what is on screen,
 * so that is all the DOM holds). html-to-image copies computed styles onto HTML
 * elements but clones <svg> subtrees as they are, so the edges' stroke (set by CSS
 * classes) is inlined on them for the duration of the export.
 *
 * exportOverviewImage: the overview of a large graph is drawn on a canvas React Flow
 * knows nothing about; the image is drawn from the same scene (what is on screen).
 */
import { getViewportForBounds } from '@xyflow/react';
import type { Rect } from './layout/layout';
import { drawScene, sceneToSvg, type OverviewScene } from './Overview';

export type ImageFormat = 'png' | 'svg';

/** Largest side of an exported image, in pixels (a 1,000-service mesh would otherwise be ~100k px wide). */
const MAX_SIDE = 8000;

function download(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Presentation properties of edge paths and markers that come from stylesheets. */
const SVG_PROPS = ['stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'fill', 'fill-opacity', 'opacity'];

/** Inline the computed SVG presentation styles below `root`; returns the undo. */
function inlineSvgStyles(root: Element): () => void {
  const undo: Array<() => void> = [];
  for (const el of root.querySelectorAll('svg *')) {
    if (!(el instanceof SVGElement)) continue;
    const cs = getComputedStyle(el);
    const before = el.getAttribute('style');
    for (const p of SVG_PROPS) el.style.setProperty(p, cs.getPropertyValue(p));
    undo.push(() => (before === null ? el.removeAttribute('style') : el.setAttribute('style', before)));
  }
  return () => {
    for (const u of undo) u();
  };
}

export async function exportGraphImage(root: HTMLElement, format: ImageFormat, fileName: string, bounds?: Rect): Promise<void> {
  const viewport = root.querySelector<HTMLElement>('.react-flow__viewport');
  if (!viewport || !viewport.querySelector('.react-flow__node') || (bounds && (bounds.width <= 0 || bounds.height <= 0)))
    throw new Error('Nothing to export yet.');
  const { toPng, toSvg } = await import('html-to-image');
  let width = root.clientWidth;
  let height = root.clientHeight;
  let transform = viewport.style.transform;
  if (bounds) {
    const pad = 40;
    const scale = Math.min(1, MAX_SIDE / Math.max(bounds.width + 2 * pad, bounds.height + 2 * pad));
    width = Math.ceil((bounds.width + 2 * pad) * scale);
    height = Math.ceil((bounds.height + 2 * pad) * scale);
    const vp = getViewportForBounds(bounds, width, height, scale * 0.5, Math.max(scale, 0.01), `${pad * scale}px`);
    transform = `translate(${vp.x}px, ${vp.y}px) scale(${vp.zoom})`;
  }
  const options = {
    backgroundColor: '#ffffff',
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform },
    // Hidden interaction paths and handles add nothing to a picture.
    filter: (el: Node | HTMLElement | Element) =>
      !(el instanceof Element && (el.classList.contains('react-flow__edge-interaction') || el.classList.contains('react-flow__handle'))),
  };
  const restore = inlineSvgStyles(viewport);
  let url: string;
  try {
    url = format === 'png' ? await toPng(viewport, options as never) : await toSvg(viewport, options as never);
  } finally {
    restore();
  }
  download(url, `${fileName}.${format}`);
}

/** The overview as drawn on screen (`transform`: React Flow's [x, y, zoom]), `width` x `height` CSS pixels. */
export async function exportOverviewImage(
  scene: OverviewScene,
  transform: [number, number, number],
  width: number,
  height: number,
  format: ImageFormat,
  fileName: string,
): Promise<void> {
  if (!scene.ids.length && !scene.boxes.length) throw new Error('Nothing to export yet.');
  if (format === 'svg') {
    const url = URL.createObjectURL(new Blob([sceneToSvg(scene, transform, width, height)], { type: 'image/svg+xml' }));
    try {
      download(url, `${fileName}.svg`);
    } finally {
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
    return;
  }
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the image.');
  drawScene(ctx, width, height, dpr, scene, transform, undefined, new Set(), '#ffffff');
  download(canvas.toDataURL('image/png'), `${fileName}.png`);
}
