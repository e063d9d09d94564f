import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCascadePlacement } from './cluster/cascade.js';
import { createPlacement } from './cluster/placement.js';
import { NodeRpc } from './cluster/rpc.js';
import { NodeRegistry } from './cluster/registry.js';
import type { Config } from './config.js';
import { joinUrl, signJoinToken } from './lib/join-token.js';
import { createLogger, type Logger } from './lib/log.js';
import type { JoinClaims } from './protocol/claims.js';
import { buildScheduler } from './scheduler/app.js';
import { createSfu, type Sfu } from './sfu/sfu.js';
import { createProbes } from './sfu/probe.js';
import { createSignaling, type Signaling } from './signaling/signaling.js';
import { bootstrap } from './scheduler/bootstrap.js';
import { endOverdueMeetings, OVERDUE_SWEEP_MS } from './scheduler/overdue.js';
import { createJoinAdmission } from './scheduler/join-admission.js';
import { createLiveStore } from './store/live.js';
import { startLocalRedis, type LocalRedis } from './store/local-redis.js';
import { connectRedis, type RedisClient } from './store/redis.js';
import type { SocketAdapter } from './store/socket-adapter.js';
import type { NodeBus } from './store/node-bus.js';
import { createStore, type Store } from './store/store.js';

export interface DiemcauServer {
  /** Base URL of the HTTP side, e.g. http://localhost:3000. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly sfu: Sfu;
  readonly signaling: Signaling;
  readonly log: Logger;
  readonly store: Store;
  /** This process as a node of the cluster sharing its Redis (registered while the server runs). */
  readonly registry: NodeRegistry;
  /** Where Redis is: REDIS_URL, or the private server started in DATA_DIR/redis. */
  readonly redisUrl: string;
  /** Set on the very first start when no ADMIN_PASSWORD was configured: print it once. */
  readonly firstAdmin: { username: string; password?: string } | undefined;
  /** A join token signed with this server's secret; valid from now for `hours` (default 12). */
  signToken(claims: JoinClaims, options?: { notBefore?: number; expiresAt?: number }): string;
  joinUrl(token: string): string;
  close(): Promise<void>;
}

/** Builds and starts the whole service on one machine: media, signaling and the HTTP app. */
export async function createServer(config: Config): Promise<DiemcauServer> {
  const log = createLogger(config.logLevel);
  let localRedis: LocalRedis | undefined;
  let redis: RedisClient | undefined;
  let sfu: Sfu | undefined;
  let app: FastifyInstance | undefined;
  let signaling: Signaling | undefined;
  let registry: NodeRegistry | undefined;
  let socketAdapter: SocketAdapter | undefined;
  let nodeBus: NodeBus | undefined;
  let rpc: NodeRpc | undefined;
  let url = '';
  try {
    if (!config.scheduler.redisUrl) localRedis = await startLocalRedis(join(config.dataDir, 'redis'));
    const redisUrl = config.scheduler.redisUrl ?? (localRedis as LocalRedis).url;
    redis = await connectRedis(redisUrl).catch((error: Error) => {
      throw new Error(`cannot reach Redis at ${redisUrl}: ${error.message}`);
    });
    const store = createStore(redis, config.scheduler.redisPrefix);
    const firstAdmin = await bootstrap(store, config.scheduler);
    socketAdapter = await store.socketAdapter();
    // The cascade: requests between this node and the others about meetings whose media spans them.
    nodeBus = await store.nodeBus(config.cluster.nodeId);
    rpc = new NodeRpc(config.cluster.nodeId, nodeBus, log);
    const nodeFor = createCascadePlacement({
      nodes: () => (registry ? registry.nodes() : Promise.resolve([])),
      parentOf: async (unitId) => (await store.directory.getUnit(unitId))?.parentId,
      isLive: (node) => registry?.isLive(node) ?? false,
    });
    sfu = await createSfu(config.sfu, log, { bus: rpc, nodeFor });
    const media = sfu;
    const startedAt = new Date().toISOString();
    registry = new NodeRegistry({
      store: store.nodes,
      config: config.cluster,
      log,
      announce: () => ({
        url,
        rtcAddress: config.sfu.announcedAddress ?? config.sfu.listenIp,
        rtcPort: media.pool.slots[0]?.rtcPort ?? config.sfu.rtcPort,
        workers: media.pool.slots.length,
        units: config.cluster.units,
        startedAt,
        load: {
          rooms: media.openRooms(),
          participants: signaling?.participantTotal() ?? 0,
          consumers: media.pool.slots.reduce((sum, s) => sum + s.consumers, 0),
          liveWorkers: media.pool.live.length,
        },
      }),
    });
    const node = registry;
    const bus = rpc;
    // What a gone node was asked fails now; its media here, and its sites' media for meetings here, close.
    registry.on('node-down', (id) => {
      bus.nodeGone(id);
      media.nodeGone(id);
    });
    app = await buildScheduler({
      clientDir: config.clientDir,
      tls: config.tls,
      log,
      api: { store, config: config.scheduler, jwtSecret: config.signaling.jwtSecret, publicUrl: () => url, log, probe: createProbes(media.pool, log) },
      health: () => ({
        workers: media.pool.slots.length,
        liveWorkers: media.pool.slots.filter((s) => !s.worker.closed).length,
        node: { id: node.id, peers: node.liveCount, participants: signaling?.participantTotal() ?? 0 },
      }),
    });
    signaling = createSignaling({
      httpServer: app.server,
      sfu,
      config: config.signaling,
      log,
      admit: createJoinAdmission(store),
      live: createLiveStore(store),
      placement: createPlacement(registry, () => url, config.cluster.units.length > 0),
      adapter: socketAdapter.adapter,
    });
    const live = signaling;
    // Its meetings were freed while it counted as gone: it takes back those nobody else took.
    registry.on('rejoined', () => void live.reclaim().catch((error: Error) => log.warn('could not reclaim meetings', { error: error.message })));
    // Pages keep the list of nodes to fail over to as it changes.
    const nodesChanged = () => void live.nodesChanged().catch((error: Error) => log.warn('could not tell pages the nodes', { error: error.message }));
    registry.on('node-up', nodesChanged);
    registry.on('node-down', nodesChanged);
    await app.listen({ host: config.host, port: config.port });
    const { port } = app.server.address() as AddressInfo;
    url = config.publicUrl ?? `${config.tls ? 'https' : 'http'}://localhost:${port}`;
    // Registered once it serves, with the URL it serves on.
    await registry.start();
    const adapter = socketAdapter;
    const busConnection = nodeBus;
    return finish({ config, log, store, redisUrl, firstAdmin, sfu, app, signaling, registry, url, stopRedis: async () => {
      bus.close();
      await busConnection.close();
      await adapter.close();
      await redis?.close().catch(() => {});
      await localRedis?.stop();
    } });
  } catch (error) {
    await registry?.stop();
    await signaling?.close();
    await app?.close();
    sfu?.close();
    rpc?.close();
    await nodeBus?.close();
    await socketAdapter?.close();
    await redis?.close().catch(() => {});
    await localRedis?.stop();
    throw error;
  }
}

interface Parts {
  config: Config;
  log: Logger;
  store: Store;
  redisUrl: string;
  firstAdmin: DiemcauServer['firstAdmin'];
  sfu: Sfu;
  app: FastifyInstance;
  signaling: Signaling;
  registry: NodeRegistry;
  url: string;
  stopRedis(): Promise<void>;
}

function finish({ config, log, store, redisUrl, firstAdmin, sfu, app, signaling, registry, url, stopRedis }: Parts): DiemcauServer {
  let closed = false;
  // Live meetings nobody ended (this node stopped mid-meeting): now, then every few minutes.
  const sweep = () =>
    void endOverdueMeetings(store, Date.now(), (id) => signaling.participantCount(id) > 0, log).catch((error: Error) => {
      if (!closed) log.warn('the sweep for overdue meetings failed', { error: error.message });
    });
  const sweeper = setInterval(sweep, OVERDUE_SWEEP_MS);
  sweeper.unref();
  sweep();
  return {
    url,
    app,
    sfu,
    signaling,
    registry,
    log,
    store,
    redisUrl,
    firstAdmin,
    signToken: (claims, options = {}) =>
      signJoinToken(config.signaling.jwtSecret, claims, {
        ...options,
        expiresAt: options.expiresAt ?? Math.floor(Date.now() / 1000) + 12 * 3600,
      }),
    joinUrl: (token) => joinUrl(url, token),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      // Deregistered first, so the other nodes may take its meetings at once.
      await registry.stop();
      await signaling.close();
      await app.close();
      sfu.close();
      await stopRedis();
    },
  };
}
