import { createAdapter } from '@socket.io/redis-adapter';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** The Socket.IO Redis adapter over two connections of its own; closed after the Socket.IO server. */
export interface SocketAdapter {
  /** For `new Server(…, { adapter })`. */
  readonly adapter: ReturnType<typeof createAdapter>;
  /** Closes both connections; idempotent. */
  close(): Promise<void>;
}

/**
 * Rooms and broadcasts shared by every node on this Redis and prefix. It needs two more connections
 * (same address and reconnection as the store's): a client in subscribed mode can send nothing else.
 */
export async function createSocketAdapter(redis: RedisClient, keys: Keys): Promise<SocketAdapter> {
  const pub = redis.duplicate();
  const sub = redis.duplicate();
  // Reconnection handles errors; without a listener an 'error' event would crash the process.
  for (const client of [pub, sub]) client.on('error', () => {});
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= Promise.all([pub, sub].map((c) => (c.isOpen ? c.close().catch(() => c.destroy()) : undefined))).then(() => undefined));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (error) {
    await close();
    throw error;
  }
  return { adapter: createAdapter(pub, sub, { key: keys.socketIo() }), close };
}
