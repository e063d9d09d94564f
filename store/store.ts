import { createKeys, type Keys } from './keys.js';
import { DirectoryStore } from './directory.js';
import { LoginAttemptStore } from './login-attempts.js';
import { MeetingStore } from './meetings.js';
import { FeedStore } from './feeds.js';
import { AttendanceStore } from './attendance.js';
import { NodeStore } from './nodes.js';
import type { RedisClient } from './redis.js';
import { createSocketAdapter, type SocketAdapter } from './socket-adapter.js';
import { createNodeBus, type NodeBus } from './node-bus.js';

/**
 * The one way into Redis. Scheduler routes and signaling use these typed stores; nothing
 * else builds keys or sends commands.
 */
export interface Store {
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly directory: DirectoryStore;
  readonly auth: LoginAttemptStore;
  readonly meetings: MeetingStore;
  readonly feeds: FeedStore;
  readonly attendance: AttendanceStore;
  /** The cluster: live nodes and the meeting → node map. */
  readonly nodes: NodeStore;
  /** Is the server reachable (for /healthz)? */
  ping(): Promise<boolean>;
  /** The Socket.IO Redis adapter on connections of its own, under this store's prefix. */
  socketAdapter(): Promise<SocketAdapter>;
  /** Messages between the cluster's nodes, received as `nodeId`, on connections of their own. */
  nodeBus(nodeId: string): Promise<NodeBus>;
}

export function createStore(redis: RedisClient, prefix = 'diemcau'): Store {
  const keys = createKeys(prefix);
  return {
    redis,
    keys,
    directory: new DirectoryStore(redis, keys),
    auth: new LoginAttemptStore(redis, keys),
    meetings: new MeetingStore(redis, keys),
    feeds: new FeedStore(redis, keys),
    attendance: new AttendanceStore(redis, keys),
    nodes: new NodeStore(redis, keys),
    socketAdapter: () => createSocketAdapter(redis, keys),
    nodeBus: (nodeId) => createNodeBus(redis, keys, nodeId),
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
  };
}
