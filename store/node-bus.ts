import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/**
 * Messages between nodes of the cluster: each node subscribes to its own channel; any node publishes
 * to another's. Redis pub/sub keeps the order of one publisher's messages on one channel, and loses
 * what is sent to a node that is not listening (a dead node): callers time out (cluster/rpc.ts).
 */
export interface NodeBus {
  /** Sends a message (a JSON text) to a node. */
  send(nodeId: string, message: string): Promise<void>;
  /** Called with every message sent to this node. */
  onMessage(listener: (message: string) => void): void;
  /** Unsubscribes and closes both connections; idempotent. */
  close(): Promise<void>;
}

export async function createNodeBus(redis: RedisClient, keys: Keys, nodeId: string): Promise<NodeBus> {
  // A client in subscribed mode can send nothing else: one connection to listen, one to publish.
  const pub = redis.duplicate();
  const sub = redis.duplicate();
  for (const client of [pub, sub]) client.on('error', () => {});
  const listeners: ((message: string) => void)[] = [];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= Promise.all([pub, sub].map((c) => (c.isOpen ? c.close().catch(() => c.destroy()) : undefined))).then(() => undefined));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
    await sub.subscribe(keys.nodeBus(nodeId), (message) => {
      for (const listener of listeners) listener(message);
    });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    async send(to, message) {
      await pub.publish(keys.nodeBus(to), message);
    },
    onMessage: (listener) => void listeners.push(listener),
    close,
  };
}
