import { createClient, type RedisClientType } from 'redis';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type RedisClient = RedisClientType<{}, {}, {}, 3, {}>;

/**
 * Connects to Redis. `url` is redis://, rediss:// or unix:///path/to/redis.sock (what the
 * local server started by `npm start` and the tests listen on). The first connection fails
 * fast with the reason; once connected, the client reconnects by itself.
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  let connected = false;
  const reconnectStrategy = (attempt: number, cause: Error) => (connected ? Math.min(50 * 2 ** attempt, 2000) : cause);
  const client: RedisClient = createClient(
    url.startsWith('unix://') ? { socket: { path: url.slice('unix://'.length), reconnectStrategy } } : { url, socket: { reconnectStrategy } },
  );
  // Without a listener an 'error' event would crash the process; reconnection handles it.
  client.on('error', () => {});
  client.on('ready', () => (connected = true));
  await client.connect();
  return client;
}
