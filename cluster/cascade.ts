/**
 * The cascade's placement: a participant's media goes to the node that announced (NODE_UNITS) the
 * nearest unit above its own (its district, say), else it stays on the node serving the meeting.
 */
import type { NodeId } from '../protocol/ids.js';
import type { NodeInfo } from '../store/nodes.js';

/** How long the live nodes' units are reused. */
const NODES_TTL_MS = 2000;

export interface CascadePlacementDeps {
  /** The live nodes with what they announced. */
  nodes(): Promise<NodeInfo[]>;
  /** A unit's parent (null at the root; undefined for an unknown unit). */
  parentOf(unitId: string): Promise<string | null | undefined>;
  /** Whether a node is still alive now (the node list above may be a little older). */
  isLive(node: NodeId): boolean;
}

export function createCascadePlacement(deps: CascadePlacementDeps): (unitId: string | undefined) => Promise<NodeId | null> {
  let cached: { at: number; byUnit: Promise<Map<string, NodeId>> } | undefined;
  const servers = (): Promise<Map<string, NodeId>> => {
    if (!cached || Date.now() - cached.at > NODES_TTL_MS) {
      const byUnit = deps.nodes().then((nodes) => {
        const map = new Map<string, NodeInfo>();
        // Two nodes for one unit: the one carrying fewer participants.
        for (const node of nodes) {
          for (const unit of node.units) {
            const other = map.get(unit);
            if (!other || node.load.participants < other.load.participants) map.set(unit, node);
          }
        }
        return new Map([...map].map(([unit, node]) => [unit, node.id]));
      });
      cached = { at: Date.now(), byUnit };
      byUnit.catch(() => (cached = undefined));
    }
    return cached.byUnit;
  };
  return async (unitId) => {
    if (!unitId) return null;
    const byUnit = await servers();
    if (byUnit.size === 0) return null;
    // A tree of any depth, walked upwards; a cycle (never stored, but cheap to refuse) ends the walk.
    const seen = new Set<string>();
    for (let unit: string | null | undefined = unitId; unit && !seen.has(unit); unit = await deps.parentOf(unit)) {
      seen.add(unit);
      const node = byUnit.get(unit);
      if (node && deps.isLive(node)) return node;
    }
    return null;
  };
}
