import { createClient, type RedisClientType } from 'redis';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type RedisClient = RedisClientType<{}, {}, {}, 3, {}>;

/**
 * Connects to Redis. `url` is redis://, rediss:// or unix:///path/to/redis.sock (what the
 * local server started by `npm start` and the tests listen on).
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  const client = createClient(
    url.startsWith('unix://') ? { socket: { path: url.slice('unix://'.length), reconnectStrategy: retry } } : { url, socket: { reconnectStrategy: retry } },
  );
  // node-redis reconnects by itself; without a listener an 'error' event would crash the process.
  client.on('error', () => {});
  await client.connect();
  return client;
}

function retry(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2000);
}
