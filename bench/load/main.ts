/**
 * Load harness: the whole server in-process (private redis-server in a temp dir), the demo province
 * padded to SITES halls (default 240), one meeting over all of them, and SITES simulated sites that
 * speak the real protocol (connect with their join token, join, a WebRTC receive transport so the
 * media policy gives them consumers, a plain RTP ingest transport) and send real RTP: Opus every
 * 20 ms and VP8 simulcast on 3 SSRCs at FPS (default 15). The chair's hall is one more such site; it
 * opens the meeting and gives the floor to the first site.
 *   npm run bench:load               SITES=60 WORKERS=1 npm run bench:load
 * WORKERS (default 2), STEADY_S (default 20), FPS (default 15), JOIN_CONCURRENCY (default: all at once).
 *
 * Node cannot finish ICE + DTLS cheaply, so the sites' receive transports never connect and mediasoup
 * sends nothing on them. The receive side is measured on the server instead: for every consumer the
 * policy gave a site, an egress tap (test/helpers/egress-tap.ts) on the same router consumes the same
 * producer at the same layer over a plain transport to a UDP port nobody reads, so the worker does
 * the forwarding (without SRTP and congestion control). The sites run in a worker thread, so the
 * event loop figures of the server are its own.
 *
 * Browser mode (`npm run bench:load -- --browsers 3`, or MODE=browser BROWSERS=3): join time with
 * real Chromium pages instead, in ./browsers.ts.
 *
 * Two-node mode (`npm run bench:load -- --nodes 2`, or NODES=2): the same sites and figures with the
 * cascade, node B a second process taking about half the districts' media, in ./two-nodes.ts
 * (WORKERS there defaults to 1 per node).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, type Worker } from 'node:worker_threads';
import { caller, serve, startThread, type Handlers } from '../thread-rpc.js';
import type { Test } from 'tap';
import type { MeetingId } from '../../protocol/ids.js';
import { createServer } from '../../server.js';
import type { Peer } from '../../sfu/peer.js';
import { testConfig, testSfuConfig } from '../../test/helpers/config.js';
import type { EgressTap } from '../../test/helpers/egress-tap.js';
import { connectSocket, connected, ok, type ClientSocket } from '../../test/helpers/socket-client.js';
import { waitFor } from '../../test/helpers/wait.js';
import { provinceMeeting } from '../province.js';
import { browserModeOptions, runBrowserJoins } from './browsers.js';
import { ingestSum, mediaFlowing, packetSum, percent, rssOf, seconds, settleFloor, tapPeers, workerCpuMs } from './measure.js';
import type { ClientRequests } from './protocol.js';
import { Pacer, publishOverIngest } from './rtp.js';
import { runTwoNodes } from './two-nodes.js';

const SITES = Number(process.env['SITES'] ?? 240);
const WORKERS = Number(process.env['WORKERS'] ?? 2);
const STEADY_MS = Number(process.env['STEADY_S'] ?? 20) * 1000;
const FPS = Number(process.env['FPS'] ?? 15);
const JOIN_CONCURRENCY = Number(process.env['JOIN_CONCURRENCY'] ?? SITES);
const NODES = isMainThread ? nodesOption(process.argv.slice(2), process.env) : 1;

const browserMode = isMainThread ? browserModeOptions(process.argv.slice(2), process.env) : undefined;
if (browserMode) await runBrowserJoins(browserMode);
else if (isMainThread && NODES === 2)
  await runTwoNodes({
    sites: SITES,
    workers: Number(process.env['WORKERS'] ?? 1),
    steadyMs: STEADY_MS,
    concurrency: JOIN_CONCURRENCY,
    startSites: () => startThread(import.meta.url),
  });
else if (isMainThread) await main();
else clientThread();

/** `--nodes N` / `--nodes=N` or NODES: 1 (the default) or 2 (./two-nodes.ts). */
function nodesOption(argv: string[], env: NodeJS.ProcessEnv): number {
  const i = argv.indexOf('--nodes');
  const raw = argv.find((a) => a.startsWith('--nodes='))?.slice('--nodes='.length) ?? (i >= 0 ? argv[i + 1] : undefined) ?? env['NODES'] ?? '1';
  if (raw !== '1' && raw !== '2') throw new Error(`--nodes (NODES) must be 1 or 2, got "${raw}"`);
  return Number(raw);
}

// ── The server side ──────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const config = testConfig({ logLevel: 'error', sfu: testSfuConfig({ workers: WORKERS }) });
  const server = await createServer(config);
  let clients: Worker | undefined;
  const taps: EgressTap[] = [];
  try {
    const { halls, meetingId, chairToken, siteTokens } = await provinceMeeting(server, SITES, 'Hội nghị trực tuyến toàn tỉnh (tải thử)');
    console.log(`province: ${halls} halls; meeting ${meetingId}: ${siteTokens.length} halls + chair; ${WORKERS} mediasoup workers; Node ${process.version}`);

    const thread = startThread(import.meta.url);
    clients = thread;
    const call = caller<ClientRequests>(thread, 'site thread');
    const storm = await call('storm', { url: server.url, chairToken, siteTokens, concurrency: JOIN_CONCURRENCY });
    const room = server.sfu.existingRoom(meetingId as MeetingId);
    if (!room) throw new Error('no room for the meeting');
    const sitePeers = storm.participantIds.map((id) => room.peer(id as never)).filter((p): p is Peer => !!p);
    const flowingAt = await mediaFlowing(sitePeers);
    const lastFlowing = Math.max(...flowingAt.values());
    console.log(
      `\njoin storm (${JOIN_CONCURRENCY >= SITES ? 'all at once' : `${JOIN_CONCURRENCY} at a time`}): ${storm.joined}/${siteTokens.length} sites joined, ${storm.failed} failed; ` +
        `first connect → all joined ${seconds(storm.allJoinedAt - storm.firstConnectAt)}, → all producing ${seconds(Math.max(...storm.producingAt) - storm.firstConnectAt)}, ` +
        `→ RTP at the server for every producer ${seconds(lastFlowing - storm.firstConnectAt)}`,
    );
    for (const error of storm.errors) console.log(`  join failure: ${error}`);

    // A floor holder, so the middle layer and a second audio are in play, as in a real session.
    await settleFloor(room, storm.participantIds[0], (participantId) => call('grant-floor', { participantId }));
    taps.push(...(await tapPeers(room.peers)).values());
    const tapConsumers = taps.flatMap((tap) => tap.consumers);
    const byLayer = new Map<string, number>();
    for (const c of tapConsumers) {
      const key = c.kind === 'audio' ? 'audio' : `video L${c.preferredLayers?.spatialLayer ?? '?'}`;
      byLayer.set(key, (byLayer.get(key) ?? 0) + 1);
    }
    console.log(
      `policy consumers: ${room.peers.reduce((n, p) => n + p.consumers.length, 0)} (${[...byLayer].map(([k, v]) => `${v} ${k}`).join(', ')}), ` +
        `mirrored by ${tapConsumers.length} egress-tap consumers on ${taps.length} plain transports; pipes open ${room.pipes.size}`,
    );
    await waitFor(async () => (await Promise.all(tapConsumers.filter((c) => c.kind === 'video').map((c) => c.currentLayers?.spatialLayer === c.preferredLayers?.spatialLayer))).every(Boolean), {
      timeout: 10_000,
      what: 'every tap at its layer',
    }).catch((error: Error) => console.log(`  ${error.message}`));

    // Steady state.
    const producers = room.peers.flatMap((p) => p.producers);
    const workers = server.sfu.pool.slots.map((s) => s.worker);
    const before = {
      at: performance.now(),
      forwarded: await packetSum(tapConsumers, 'outbound-rtp'),
      ingest: await ingestSum(producers),
      cpu: await Promise.all(workers.map(workerCpuMs)),
      node: process.cpuUsage(),
      elu: performance.eventLoopUtilization(),
      clientElu: thread.performance.eventLoopUtilization(),
      sent: (await call('stats', {})).packetsSent,
    };
    await new Promise((resolve) => setTimeout(resolve, STEADY_MS));
    const after = {
      at: performance.now(),
      forwarded: await packetSum(tapConsumers, 'outbound-rtp'),
      ingest: await ingestSum(producers),
      cpu: await Promise.all(workers.map(workerCpuMs)),
      node: process.cpuUsage(before.node),
      elu: performance.eventLoopUtilization(before.elu),
      clientElu: thread.performance.eventLoopUtilization(before.clientElu),
      sent: (await call('stats', {})).packetsSent,
    };
    const ms = after.at - before.at;
    const perS = (n: number) => ((n * 1000) / ms).toFixed(0);
    const forwarded = after.forwarded.packets - before.forwarded.packets;
    const ingested = after.ingest.packets - before.ingest.packets;
    const lost = after.ingest.lost - before.ingest.lost;
    const workerRss = workers.map((w) => rssOf(w.pid));
    const nodeRss = process.memoryUsage().rss;
    const totalRss = nodeRss + workerRss.reduce((a, b) => a + b, 0);
    console.log(`\nsteady state over ${(ms / 1000).toFixed(1)} s (${room.peers.length} peers, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}):`);
    console.log(
      `  sent by the sites ${perS(after.sent - before.sent)} packets/s; received by producers ${perS(ingested)} packets/s ` +
        `(${((8 * (after.ingest.bytes - before.ingest.bytes)) / ms / 1000).toFixed(1)} Mbit/s), loss at ingest ${percent(lost, ingested + lost)}`,
    );
    console.log(`  forwarded (egress taps) ${perS(forwarded)} packets/s, ${((8 * (after.forwarded.bytes - before.forwarded.bytes)) / ms / 1000).toFixed(1)} Mbit/s`);
    console.table(
      workers.map((w, i) => ({
        worker: i,
        pid: w.pid,
        peers: room.peers.filter((p) => p.place.slot.index === i).length,
        'CPU %': percent((after.cpu[i] ?? 0) - (before.cpu[i] ?? 0), ms),
        'RSS MB': (workerRss[i]! / 2 ** 20).toFixed(1),
      })),
    );
    console.log(
      `  Node process (server + site thread) CPU ${percent((after.node.user + after.node.system) / 1000, ms)}; ` +
        `server event loop ${percent(after.elu.utilization, 1)}, site thread event loop ${percent(after.clientElu.utilization, 1)}`,
    );
    console.log(
      `  memory: Node RSS ${(nodeRss / 2 ** 20).toFixed(0)} MB (sites' thread included) + workers ${(workerRss.reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(0)} MB ` +
        `= ${((totalRss / Math.max(1, storm.joined)) / 2 ** 20).toFixed(2)} MB per site`,
    );
    await call('close', {});
  } finally {
    for (const tap of taps) tap.close();
    await clients?.terminate();
    await server.close();
    config.cleanup();
  }
}

// ── The sites (worker thread) ─────────────────────────────────────────────────────────────────

function clientThread(): void {
  const port = parentPort;
  if (!port) throw new Error('the sites run in a worker thread');
  const cleanups: (() => unknown)[] = [];
  const scope = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as Test;
  const pacer = new Pacer(FPS);
  let chair: ClientSocket | undefined;
  let ssrc = 100_000;

  /** Connect, join, a receive transport (consumers are accepted like the browser does), an ingest transport, a microphone and a camera, RTP. */
  const site = async (url: string, token: string, onJoined: () => void) => {
    const socket = connectSocket(scope, url, token);
    try {
      await connected(socket);
      socket.on('new-consumer', (_consumer, ack) => ack({ ok: true, data: null }));
      const caps = await ok(socket, 'router-capabilities', {});
      const joined = await ok(socket, 'join', { rtpCapabilities: caps });
      onJoined();
      await ok(socket, 'create-transport', { direction: 'recv' });
      await publishOverIngest(socket, caps, pacer, (ssrc += 10));
      return { socket, id: joined.self.id as string, producingAt: Date.now() };
    } catch (error) {
      socket.disconnect();
      throw error;
    }
  };

  const handlers: Handlers<ClientRequests> = {
    async storm({ url, chairToken, siteTokens, concurrency }) {
      let chairId = '';
      const c = await site(url, chairToken, () => {});
      chair = c.socket;
      chairId = c.id;
      await ok(chair, 'open-meeting', {});
      const firstConnectAt = Date.now();
      let allJoinedAt = firstConnectAt;
      const producingAt: number[] = [];
      const participantIds: string[] = [];
      const errors: string[] = [];
      let next = 0;
      const lane = async () => {
        while (next < siteTokens.length) {
          const i = next++;
          try {
            const s = await site(url, siteTokens[i]!, () => (allJoinedAt = Math.max(allJoinedAt, Date.now())));
            producingAt.push(s.producingAt);
            participantIds.push(s.id);
          } catch (error) {
            errors.push(`site ${i}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, siteTokens.length)) }, lane));
      return { firstConnectAt, allJoinedAt, producingAt, joined: participantIds.length, failed: errors.length, errors: errors.slice(0, 5), participantIds, chairId };
    },
    async 'grant-floor'({ participantId }) {
      if (!chair) throw new Error('the chair has not joined');
      await ok(chair, 'grant-floor', { participantId });
      return null;
    },
    async stats() {
      return { packetsSent: pacer.packetsSent, sites: pacer.sites };
    },
    async close() {
      pacer.close();
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      return null;
    },
  };

  serve<ClientRequests>(port, handlers);
}
