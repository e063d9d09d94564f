import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { NodeId } from '../protocol/ids.js';

export interface ClusterConfig {
  /** This process's id in the cluster; unique among the processes sharing one Redis and prefix. */
  nodeId: NodeId;
  /** How often the node says it is alive, and looks for nodes that stopped saying so. */
  heartbeatMs: number;
  /**
   * A node silent this long is gone: it is removed and its meetings become claimable. The others
   * notice within `timeoutMs + heartbeatMs` (8 s with the defaults).
   */
  timeoutMs: number;
  /**
   * The cascade: units whose sites' media this node takes (NODE_UNITS, comma-separated unit ids,
   * each with its subtree), e.g. a district's node. Empty: only the meetings it serves itself.
   */
  units: string[];
}

type Env = Record<string, string | undefined>;

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Host name, pid and a random part: a restarted process is a new node, and two containers with one host name differ. */
export function defaultNodeId(): NodeId {
  const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 40) || 'node';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}` as NodeId;
}

export function loadClusterConfig(env: Env): ClusterConfig {
  const nodeId = env.NODE_ID || defaultNodeId();
  if (!NODE_ID.test(nodeId)) throw new Error(`NODE_ID must be 1–64 letters, digits, "_", "." or "-" (starting with a letter or digit), got "${nodeId}"`);
  const heartbeatMs = integer(env, 'NODE_HEARTBEAT_MS', 2000, 100, 60_000);
  const timeoutMs = integer(env, 'NODE_TIMEOUT_MS', 3 * heartbeatMs, 200, 600_000);
  // One late heartbeat (a busy event loop, a slow Redis round trip) must not make a node count as gone.
  if (timeoutMs < 2 * heartbeatMs) throw new Error(`NODE_TIMEOUT_MS (${timeoutMs}) must be at least twice NODE_HEARTBEAT_MS (${heartbeatMs})`);
  const units = (env.NODE_UNITS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  for (const unit of units) if (!NODE_ID.test(unit)) throw new Error(`NODE_UNITS must be unit ids separated by commas, got "${unit}"`);
  return { nodeId: nodeId as NodeId, heartbeatMs, timeoutMs, units };
}
