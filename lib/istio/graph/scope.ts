/**
 * Scope a graph to some namespaces: their nodes, gateways (and waypoints) configured from
 * them, and the direct neighbours of those nodes. Pure.
 */
import type { MeshGraph } from './types';

export function scopeToNamespaces(
  graph: MeshGraph,
  namespaces: readonly string[] | undefined,
  gatewayNamespaces: ReadonlyMap<string, ReadonlySet<string>>,
): MeshGraph {
  if (!namespaces || !namespaces.length) return graph;
  const wanted = new Set(namespaces);
  // Nodes of the namespaces asked for; edges touching them bring their other end along.
  const inside = new Set<string>();
  for (const n of graph.nodes) if (n.kind !== 'namespace' && n.namespace && wanted.has(n.namespace)) inside.add(n.id);
  const keep = new Set(inside);
  // Gateways configured from these namespaces stay even without edges.
  for (const n of graph.nodes) if (n.kind === 'gateway' && [...(gatewayNamespaces.get(n.id) ?? [])].some((ns) => wanted.has(ns))) keep.add(n.id);
  const edges = graph.edges.filter((e) => inside.has(e.source) || inside.has(e.target));
  for (const e of edges) {
    keep.add(e.source);
    keep.add(e.target);
  }
  const nodes = graph.nodes.filter((n) => (n.kind === 'namespace' ? wanted.has(n.namespace) : keep.has(n.id)));
  return { ...graph, nodes, edges };
}
