/**
 * What the media code needs from the cluster to span nodes: requests and notifications to another
 * node by id. cluster/rpc.ts implements it over Redis; the sfu never sees Redis or Socket.IO.
 */
import type { NodeId } from '../../protocol/ids.js';

export type BusHandler = (params: unknown, from: NodeId) => unknown;

export interface CascadeBus {
  /** This node. */
  readonly self: NodeId;
  /** A request answered by the handler of `method` on `node`; its AppError comes back as one. Rejects on timeout (ms; a default if left out). */
  call<T>(node: NodeId, method: string, params: unknown, timeoutMs?: number): Promise<T>;
  /** A one-way message to the handler of `method` on `node`; messages from one node arrive in order. */
  notify(node: NodeId, method: string, params: unknown): void;
  /** Handles requests and notifications of `method` from other nodes. */
  handle(method: string, handler: BusHandler): void;
}
