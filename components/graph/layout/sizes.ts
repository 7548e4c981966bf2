/** Fixed node sizes: the layout never measures the DOM, and the node components draw exactly these boxes. */
import type { NodeKind } from '@/lib/istio/graph/types';

export const NODE_SIZE: Record<Exclude<NodeKind, 'namespace'>, { width: number; height: number }> = {
  gateway: { width: 190, height: 50 },
  waypoint: { width: 170, height: 44 },
  service: { width: 190, height: 50 },
  version: { width: 170, height: 40 },
  workload: { width: 170, height: 40 },
  external: { width: 190, height: 50 },
  unknown: { width: 130, height: 40 },
};

/** Space around the contents of a namespace box; the top holds its title. */
export const NS_PADDING = { top: 40, left: 20, right: 20, bottom: 20 } as const;

/** A service and the versions only it selects form one layout unit: service left, versions stacked on the right. */
export const UNIT_GAP_X = 110;
export const UNIT_GAP_Y = 10;

export function sizeOf(kind: NodeKind): { width: number; height: number } {
  return kind === 'namespace' ? { width: 0, height: 0 } : NODE_SIZE[kind];
}

/**
 * A large graph (more nodes than this): it gets a provisional grid layout before ELK's,
 * only what is on screen is rendered, the minimap is left out, and zoomed far out the
 * overview canvas draws it instead of React Flow.
 */
export const LARGE_GRAPH = 600;
