/**
 * What the chair's roll call (điểm danh) costs in a full province conference: the whole server
 * in-process (private redis-server in a temp dir), the Phú Thọ demo province cut or padded to SITES
 * halls (default 240), one meeting scheduled through the API over the whole province, the chair
 * and every hall joined as Node clients (transports, and a microphone and camera without RTP).
 * Prints the join time, the round trip and size of `get-roll-call`, the `roll-call` pushes per
 * second while sites confirm presence, the server's event-loop utilisation with and without a
 * watching console, and what one sweep of the link-quality sampler costs.
 *   npm run bench:rollcall            SITES=60 npm run bench:rollcall
 * JOIN_BATCH sites join at once (default 8); CONFIRMS_PER_S (default 20) sites confirm presence per
 * second during a WINDOW_S window (default 10); RTT_CALLS (default 20); PUBLISH av | mic | none.
 * The clients run in a worker thread, so the utilisation printed for the server is its own.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, type Worker } from 'node:worker_threads';
import { caller, serve, startThread, type Handlers } from './thread-rpc.js';
import type { Test } from 'tap';
import type { types as ms } from 'mediasoup';
import type { RollCall } from '../protocol/conference.js';
import type { MeetingId } from '../protocol/ids.js';
import { createServer, type DiemcauServer } from '../server.js';
import { buildRollCall, liveMedia, measureLink, type PresentParticipant } from '../signaling/conference/roll-call.js';
import { createLiveStore } from '../store/live.js';
import { CHAIR_ID, provinceMeeting } from './province.js';
import { testConfig } from '../test/helpers/config.js';
import { opusParameters, vp8SimulcastParameters } from '../test/helpers/rtp-parameters.js';
import { connectSocket, connected, ok, request, type ClientSocket } from '../test/helpers/socket-client.js';
import { waitFor } from '../test/helpers/wait.js';

type Publish = 'av' | 'mic' | 'none';

interface JoinOrder {
  url: string;
  chairToken: string;
  siteTokens: string[];
  batch: number;
  publish: Publish;
}

interface JoinReport {
  chairMs: number;
  sitesMs: number;
  joined: number;
  failed: number;
  errors: string[];
}

interface WindowReport {
  ms: number;
  pushes: number;
  pushBytes: number;
  confirms: number;
  failed: number;
}

/** What the main thread asks of the client thread, and what it answers. */
type ClientRequests = {
  join: [JoinOrder, JoinReport];
  'get-roll-call': [{ calls: number }, { rttMs: number[]; bytes: number; entries: number }];
  watch: [{ watch: boolean }, null];
  'call-roll': [Record<string, never>, null];
  window: [{ confirmsPerSecond: number; ms: number }, WindowReport];
  close: [Record<string, never>, null];
};

const SITES = Number(process.env['SITES'] ?? 240);
const JOIN_BATCH = Number(process.env['JOIN_BATCH'] ?? 8);
const CONFIRMS_PER_S = Number(process.env['CONFIRMS_PER_S'] ?? 20);
const WINDOW_MS = Number(process.env['WINDOW_S'] ?? 10) * 1000;
const RTT_CALLS = Number(process.env['RTT_CALLS'] ?? 20);
const PUBLISH = (process.env['PUBLISH'] ?? 'av') as Publish;

if (isMainThread) await main();
else clientThread();

// ── The server side ──────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  if (!['av', 'mic', 'none'].includes(PUBLISH)) throw new Error(`PUBLISH must be av, mic or none, not ${PUBLISH}`);
  const config = testConfig({ logLevel: 'error' });
  const server = await createServer(config);
  let clients: Worker | undefined;
  try {
    const { halls, meetingId, invitations, chairToken, siteTokens } = await provinceMeeting(server, SITES, 'Hội nghị trực tuyến toàn tỉnh');
    console.log(`province: ${halls} halls; meeting ${meetingId}: ${invitations} invitations (${siteTokens.length} halls + chair)`);

    const thread = startThread(import.meta.url);
    clients = thread;
    const call = caller<ClientRequests>(thread, 'client thread');
    const joined = await call('join', { url: server.url, chairToken, siteTokens, batch: JOIN_BATCH, publish: PUBLISH });
    const room = server.sfu.existingRoom(meetingId as MeetingId);
    if (!room) throw new Error('no room for the meeting');
    const consumers = room.peers.reduce((n, p) => n + p.consumers.length, 0);
    const producers = room.peers.reduce((n, p) => n + p.producers.length, 0);
    console.log(
      `joined: chair in ${(joined.chairMs / 1000).toFixed(1)} s, ${joined.joined}/${siteTokens.length} sites in ${(joined.sitesMs / 1000).toFixed(1)} s ` +
        `(${JOIN_BATCH} at a time, ${((joined.sitesMs / Math.max(1, joined.joined)) * JOIN_BATCH).toFixed(0)} ms per batch), ` +
        `${joined.failed} failed; room: ${room.peers.length} peers, ${producers} producers, ${consumers} consumers`,
    );
    for (const error of joined.errors) console.log(`  join failure: ${error}`);

    const worker = server.sfu.pool.slots[0]?.worker;
    if (!worker) throw new Error('no mediasoup worker');
    const measure = async (label: string, watch: boolean, confirmsPerSecond: number) => {
      const elu = performance.eventLoopUtilization();
      const clientElu = thread.performance.eventLoopUtilization();
      const cpu = await workerCpuMs(worker);
      const report = await call('window', { confirmsPerSecond, ms: WINDOW_MS });
      const seconds = report.ms / 1000;
      return {
        window: label,
        watching: watch ? 'yes' : 'no',
        'confirms/s': (report.confirms / seconds).toFixed(1),
        'pushes/s': (report.pushes / seconds).toFixed(2),
        'push kB/s': (report.pushBytes / 1024 / seconds).toFixed(1),
        'server ELU': percent(performance.eventLoopUtilization(elu).utilization),
        'mediasoup CPU': percent((await workerCpuMs(worker)) - cpu, report.ms),
        'client-thread ELU': percent(thread.performance.eventLoopUtilization(clientElu).utilization),
        failed: report.failed,
      };
    };

    const windows = [];
    windows.push(await measure('idle', false, 0));
    await call('call-roll', {});
    windows.push(await measure('sites confirming', false, CONFIRMS_PER_S));

    // The chair opens the roll call: from here it is watched, and the sampler measures every link.
    const rtt = await call('get-roll-call', { calls: RTT_CALLS });
    windows.push(await measure('idle', true, 0));
    await call('call-roll', {});
    windows.push(await measure('sites confirming', true, CONFIRMS_PER_S));
    await call('watch', { watch: false });
    // The sampler notices at its next tick (every 3 s) that nobody watches, and stops.
    await waitFor(() => server.signaling.conference(meetingId)?.measuringLinks === false, { timeout: 10_000, what: 'the link-quality sampler to stop' });

    const parts = await rollCallParts(server, meetingId);
    const sweeps = await samplerSweeps(room.peers, worker, 5);

    const sorted = [...rtt.rttMs].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
    console.log(`\nroll-call benchmark: ${SITES} halls, PUBLISH=${PUBLISH}, ${WINDOW_MS / 1000} s windows, Node ${process.version}, load average ${loadAverage()}`);
    console.log(
      `get-roll-call { watch: true } round trip over ${sorted.length} calls: median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, ` +
        `max ${pct(1).toFixed(1)} ms (the first, which starts the link-quality sampler: ${(rtt.rttMs[0] ?? NaN).toFixed(1)} ms)`,
    );
    console.log(`one roll-call view: ${(rtt.bytes / 1024).toFixed(1)} kB of JSON (${rtt.bytes} bytes), ${rtt.entries} entries`);
    console.log(
      `server side, median: meeting re-read from Redis ${parts.refreshMs.toFixed(1)} ms (at most once per 10 s of get-roll-calls), view built ${parts.buildMs.toFixed(1)} ms, ` +
        `JSON.stringify ${parts.stringifyMs.toFixed(1)} ms, emit to one console ${parts.emitMs.toFixed(1)} ms ` +
        `(a push = build + stringify for the change check + emit per watcher)`,
    );
    console.table(windows);
    console.log(
      `link-quality sampler, one sweep of ${room.peers.length} peers (it runs every 3 s while someone watches): ` +
        `median ${sweeps.wallMs.toFixed(0)} ms wall, ${sweeps.requests} requests to the mediasoup worker, ` +
        `${sweeps.workerCpuMs.toFixed(0)} ms of worker CPU, server event loop busy ${sweeps.loopBusyMs.toFixed(0)} ms`,
    );
    await call('close', {});
  } finally {
    await clients?.terminate();
    await server.close();
    config.cleanup();
  }
}

/**
 * Where a get-roll-call's and a push's time goes, on the server: the meeting read again from the
 * store (every get-roll-call), the view built, its JSON (the change check stringifies it once more),
 * and the emit to the chair's socket (Socket.IO encodes and frames it).
 */
async function rollCallParts(server: DiemcauServer, meetingId: string) {
  const live = createLiveStore(server.store);
  const conference = server.signaling.conference(meetingId);
  const room = server.sfu.existingRoom(meetingId as MeetingId);
  if (!conference || !room) throw new Error('no live conference');
  const chairSocket = [...server.signaling.io.sockets.sockets.values()].find((s) => s.data.claims?.sub === CHAIR_ID);
  if (!chairSocket) throw new Error('no server socket for the chair');
  const present: PresentParticipant[] = [...conference.state.members].map((m) => ({
    id: m.info.id,
    claims: m.claims,
    guest: false,
    waiting: false,
    ...liveMedia(room.peer(m.info.id)),
    quality: { sendKbps: 0, lossPercent: null, rttMs: null, score: null, at: Date.now() },
  }));
  const refresh: number[] = [];
  const build: number[] = [];
  const stringify: number[] = [];
  const emit: number[] = [];
  for (let i = 0; i < RTT_CALLS; i++) {
    let t0 = performance.now();
    const meeting = await live.meeting(meetingId);
    refresh.push(performance.now() - t0);
    t0 = performance.now();
    const view = buildRollCall({ meeting, phase: 'live', calledAt: Date.now(), present, confirmations: new Map(), headcounts: new Map(), now: Date.now() });
    build.push(performance.now() - t0);
    t0 = performance.now();
    JSON.stringify(view);
    stringify.push(performance.now() - t0);
    t0 = performance.now();
    chairSocket.emit('roll-call', view);
    emit.push(performance.now() - t0);
  }
  return { refreshMs: median(refresh), buildMs: median(build), stringifyMs: median(stringify), emitMs: median(emit) };
}

/** The sampler's work, done here the way #sampleQuality does it: measureLink on every peer at once. */
async function samplerSweeps(peers: Parameters<typeof measureLink>[0][], worker: ms.Worker, count: number) {
  const wall: number[] = [];
  const cpu: number[] = [];
  const busy: number[] = [];
  // measureLink asks for each producer's stats, and for two consumers' when no producer stream has a round-trip time.
  const requests = peers.reduce((n, p) => n + p.producers.filter((x) => !x.closed).length + Math.min(2, p.consumers.length), 0);
  for (let i = 0; i < count; i++) {
    const cpu0 = await workerCpuMs(worker);
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    await Promise.all(peers.map((p) => measureLink(p, Date.now()).catch(() => undefined)));
    wall.push(performance.now() - t0);
    const used = performance.eventLoopUtilization(elu);
    busy.push(used.active);
    cpu.push((await workerCpuMs(worker)) - cpu0);
  }
  return { wallMs: median(wall), workerCpuMs: median(cpu), loopBusyMs: median(busy), requests };
}

async function workerCpuMs(worker: ms.Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function percent(value: number, of = 1): string {
  return `${((100 * value) / of).toFixed(1)} %`;
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

// ── The client side (worker thread): the chair's console and every hall ──────────────────────

function clientThread(): void {
  const port = parentPort;
  if (!port) throw new Error('the client side runs in a worker thread');
  const cleanups: (() => unknown)[] = [];
  const scope = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as Test;
  let chair: ClientSocket | undefined;
  const sites: ClientSocket[] = [];
  let pushes = 0;
  let pushBytes = 0;
  let ssrc = 100_000;

  const chairSocket = () => {
    if (!chair) throw new Error('the chair has not joined');
    return chair;
  };

  /** Connects and joins; new consumers are accepted like the browser client does. */
  const enter = async (url: string, token: string) => {
    const socket = connectSocket(scope, url, token);
    try {
      await connected(socket);
      socket.on('new-consumer', (_consumer, ack) => ack({ ok: true, data: null }));
      const caps = await ok(socket, 'router-capabilities', {});
      await ok(socket, 'join', { rtpCapabilities: caps });
      return { socket, caps };
    } catch (error) {
      socket.disconnect();
      throw error;
    }
  };

  /** Both transports, and what a hall publishes (no RTP is sent: the producers exist, silent). */
  const setUpMedia = async (socket: ClientSocket, caps: ms.RtpCapabilities, publish: Publish) => {
    await ok(socket, 'create-transport', { direction: 'recv' });
    const send = await ok(socket, 'create-transport', { direction: 'send' });
    ssrc += 10;
    if (publish === 'none') return;
    await ok(socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(caps, ssrc) });
    if (publish === 'av') {
      await ok(socket, 'produce', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastParameters(caps, ssrc + 1) });
    }
  };

  const handlers: Handlers<ClientRequests> = {
    async join({ url, chairToken, siteTokens, batch, publish }) {
      let t0 = performance.now();
      const c = await enter(url, chairToken);
      chair = c.socket;
      chair.on('roll-call', (view: RollCall) => {
        pushes++;
        pushBytes += Buffer.byteLength(JSON.stringify(view));
      });
      await ok(chair, 'open-meeting', {});
      await setUpMedia(chair, c.caps, publish);
      const chairMs = performance.now() - t0;
      t0 = performance.now();
      const errors: string[] = [];
      for (let i = 0; i < siteTokens.length; i += batch) {
        await Promise.all(
          siteTokens.slice(i, i + batch).map(async (token, k) => {
            try {
              const site = await enter(url, token);
              await setUpMedia(site.socket, site.caps, publish);
              sites.push(site.socket);
            } catch (error) {
              errors.push(`site ${i + k}: ${error instanceof Error ? error.message : String(error)}`);
            }
          }),
        );
      }
      return { chairMs, sitesMs: performance.now() - t0, joined: sites.length, failed: errors.length, errors: errors.slice(0, 5) };
    },
    async 'get-roll-call'({ calls }) {
      const rttMs: number[] = [];
      let view: RollCall | undefined;
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        view = await ok(chairSocket(), 'get-roll-call', { watch: true });
        rttMs.push(performance.now() - t0);
      }
      return { rttMs, bytes: view ? Buffer.byteLength(JSON.stringify(view)) : 0, entries: view?.entries.length ?? 0 };
    },
    async watch({ watch }) {
      await ok(chairSocket(), 'get-roll-call', { watch });
      return null;
    },
    async 'call-roll'() {
      await ok(chairSocket(), 'call-roll', {});
      return null;
    },
    async window({ confirmsPerSecond, ms }) {
      pushes = 0;
      pushBytes = 0;
      let confirms = 0;
      let failed = 0;
      let next = 0;
      const inFlight = new Set<Promise<void>>();
      const t0 = performance.now();
      // Sites take turns, one every 1000/rate ms, each with a headcount that changes from turn to turn.
      const timer =
        confirmsPerSecond > 0 && sites.length > 0
          ? setInterval(() => {
              const n = next++;
              const site = sites[n % sites.length] as ClientSocket;
              const sent = request(site, 'confirm-presence', { headcount: 5 + (n % 50) })
                .then((result) => (result.ok ? confirms++ : failed++))
                .catch(() => failed++)
                .then(() => void inFlight.delete(sent));
              inFlight.add(sent);
            }, 1000 / confirmsPerSecond)
          : undefined;
      await new Promise((resolve) => setTimeout(resolve, ms));
      clearInterval(timer);
      await Promise.all(inFlight);
      return { ms: performance.now() - t0, pushes, pushBytes, confirms, failed };
    },
    async close() {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      return null;
    },
  };

  serve<ClientRequests>(port, handlers);
}
