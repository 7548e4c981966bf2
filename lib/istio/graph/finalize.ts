/**
 * Last steps shared by buildGraph and mergeObserved: a namespace box for every
 * namespace that holds a node, parent links, and a stable order (ids ascending). Pure.
 */
import { namespaceDataPlane } from '../dataplane';
import type { MeshResources } from '../resources';
import { effectiveMtls } from '../security/mtls';
import type { GraphNode, MeshGraph, NamespaceNode } from './types';

export function namespaceNode(resources: MeshResources | undefined, ns: string): NamespaceNode {
  const obj = resources?.namespaces.find((n) => n.metadata.name === ns);
  const labels = { ...(obj?.metadata.labels ?? {}) };
  const m = resources ? effectiveMtls(resources, { namespace: ns, labels: {} }) : undefined;
  const dp = namespaceDataPlane(ns, labels);
  return {
    id: `ns:${ns}`,
    kind: 'namespace',
    label: ns,
    namespace: ns,
    labels,
    injection: dp.injection,
    declared: !!obj,
    dataPlane: { mode: dp.mode, reason: dp.reason, ...(dp.conflict ? { conflict: dp.conflict } : {}) },
    mtls: m
      ? { mode: m.mode, level: m.source.level, resource: m.source.resource, reason: m.reason }
      : { mode: 'PERMISSIVE', level: 'default', reason: 'unknown (no resources given)' },
    refs: obj ? [{ resource: `Namespace ${ns}` }] : [],
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function finalizeGraph(graph: MeshGraph, resources?: MeshResources): MeshGraph {
  const present = new Map(graph.nodes.filter((n) => n.kind === 'namespace').map((n) => [n.id, n]));
  const used = new Set<string>();
  const nodes: GraphNode[] = graph.nodes.filter((n) => n.kind !== 'namespace');
  for (const n of nodes) {
    if (n.namespace) {
      n.parent = `ns:${n.namespace}`;
      used.add(n.namespace);
    } else {
      delete n.parent;
    }
  }
  for (const ns of used) if (!present.has(`ns:${ns}`)) present.set(`ns:${ns}`, namespaceNode(resources, ns));
  for (const box of present.values()) {
    const b = box as NamespaceNode;
    if (used.has(b.namespace) || b.declared) nodes.push(b);
  }
  nodes.sort(byId);
  const edges = [...graph.edges].sort(byId);
  return { ...graph, nodes, edges };
}
