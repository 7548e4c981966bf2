/**
 * What every SVG Meshboard writes shares: escaping, the root element and arrow markers.
 * The drawings themselves differ (`meshboard graph -o svg` lays out the whole graph with
 * elkjs, lib/cli/graph-svg.ts; a proposal's diff is a small layered picture,
 * lib/istio/review/svg.ts). Pure string building: no fonts, no scripts, no links.
 */

/** Text for an SVG/XML text node or attribute value. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** The opening <svg> tag of a drawing `width` × `height` with its font. */
export function svgRoot(width: number, height: number, font: { family: string; size: number }): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(font.family)}" font-size="${font.size}">`;
}

/** An arrowhead marker (for marker-end="url(#id)") in `color`. */
export function arrowMarker(id: string, color: string, size: number, orient: 'auto' | 'auto-start-reverse' = 'auto'): string {
  return `<marker id="${escapeXml(id)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="${size}" markerHeight="${size}" orient="${orient}"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}
