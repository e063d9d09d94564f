/**
 * Capacity curve (issue 6): how many consumers one mediasoup worker carries at 50, 70 and 90 % of a
 * core with the whole diemcau application on top, against mediasoup alone forwarding the same media
 * on the same machine in the same run, as a ratio.
 *   npm run bench:capacity           SITE_STEP=50 WINDOW_S=8 npm run bench:capacity
 *
 * A consumer is one forwarded stream: a participant's microphone (Opus, 50 packets/s) or its camera
 * at one simulcast layer (VP8 at FPS frames/s: 1 packet a frame at the low and middle layers, 2 at
 * the high one), as bench/load/rtp.ts sends them.
 *
 * System curve: the real server (createServer, ONE worker, a private redis-server), the demo province
 * padded to MAX_SITES halls and one meeting over them. The chair joins over the real protocol, opens
 * the meeting and publishes (plain RTP ingest transport, Opus + 3-layer VP8 simulcast); one site
 * publishes too and is given the floor. Then receive-only sites join SITE_STEP at a time; the
 * conference policy gives each the chair's camera (high layer), the floor holder's (middle) and both
 * microphones: 4 consumers a site. Node cannot finish DTLS, so every policy consumer is mirrored by
 * an egress tap on a plain transport to a UDP port nobody reads. The policy's own consumers stay on
 * unconnected WebRTC transports, where the worker drops their packets early: the worker holds twice
 * the consumers it forwards, a cost of the bench (not of a real link) that the ratio includes.
 * After each step the worker's CPU is read from /proc/<pid>/stat over WINDOW_S, and packets/s from
 * the stats of 200 random tap consumers. Sites stop joining once the worker passes 90 % of a core, joins fail,
 * the senders' RTP no longer all reaches the worker (an overloaded machine), or the halls run out.
 *
 * Raw curve: mediasoup with no application on top: one worker, one router, a plain transport in per
 * sender with the same pacer's RTP, and the system run's receivers replayed as plain transports with
 * the same consumers (same producers, same layers), step for step, then more of the ordinary site's
 * 4 until 90 % (or the same overload stops) or RAW_MAX consumers. No WebRTC transports, observers,
 * signaling or stats polling.
 *
 * Both curves forward over plain transports: no SRTP and no congestion control, so both understate
 * what a browser's link costs by the same kind of work and the ratio compares like with like. Only
 * the worker's CPU is counted (Node's is printed beside it). Load crossings are interpolated between
 * steps; past the last step they come from the least-squares line through all steps, marked "~".
 *
 * SITE_STEP (default 100 sites), MAX_SITES (default 1000 halls), WINDOW_S (CPU window, default 3),
 * WARMUP_S (after a step settles, default 1), FPS (default 15), JOIN_CONCURRENCY (default 20),
 * RAW_MAX (default 8000 consumers).
 */
import { createSocket } from 'node:dgram';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { crossing, fit, rssMb, sample, type Sample } from './capacity/measure.js';
import { RawForwarder, type ConsumerSpec } from './capacity/raw.js';
import { atTheirLayers, SystemUnderTest } from './capacity/system.js';
import { LAYERS } from './load/rtp.js';

const SITE_STEP = Number(process.env['SITE_STEP'] ?? 100);
const MAX_SITES = Number(process.env['MAX_SITES'] ?? 1000);
const WINDOW_MS = Number(process.env['WINDOW_S'] ?? 3) * 1000;
const WARMUP_MS = Number(process.env['WARMUP_S'] ?? 1) * 1000;
const FPS = Number(process.env['FPS'] ?? 15);
const JOIN_CONCURRENCY = Number(process.env['JOIN_CONCURRENCY'] ?? 20);
const RAW_MAX = Number(process.env['RAW_MAX'] ?? 8000);
/** What the conference policy gives an ordinary site: the main and floor cameras and both microphones. */
const PER_SITE = 4;
const LEVELS = [50, 70, 90];
/** Packets/s the two senders send: Opus every 20 ms and the simulcast layers' packets per frame. */
const SENT = 2 * (50 + FPS * LAYERS.reduce((n, l) => n + l.packets, 0));
const TOP = LEVELS[LEVELS.length - 1]!;

const load1 = () => loadavg()[0]!;
const loads = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const started = Date.now();
console.log(`capacity curve: 1 mediasoup worker, FPS ${FPS}, site step ${SITE_STEP}, window ${WINDOW_MS / 1000} s; load average ${loads()}; Node ${process.version}`);

const sink = { ip: '127.0.0.1', port: await unusedUdpPort() };

// ── System ─────────────────────────────────────────────────────────────────────────────────────
console.log(`\nsystem: whole application, meeting of ${MAX_SITES} halls; chair and floor holder publish, the rest receive`);
const systemSamples: Sample[] = [];
/** Receivers (taps) present at each system sample, for the raw replay. */
const replaySteps: number[] = [];
let receivers: ConsumerSpec[][] = [];
let t0 = performance.now();
const system = await SystemUnderTest.start({ sites: MAX_SITES, fps: FPS, sink });
console.log(`  server, province and meeting, chair and floor holder publishing: ${seconds(performance.now() - t0)}`);
try {
  for (let step = 0; ; step++) {
    t0 = performance.now();
    const errors = step === 0 ? [] : await system.addReceivers(Math.min(SITE_STEP, system.sitesLeft), { perSite: PER_SITE, concurrency: JOIN_CONCURRENCY });
    for (const error of errors) console.log(`  ${error}`);
    const joined = performance.now() - t0;
    await delay(WARMUP_MS);
    const node = { cpu: process.cpuUsage(), at: performance.now() };
    const s = await sample(system.pid, system, WINDOW_MS, load1);
    const used = process.cpuUsage(node.cpu);
    const nodeCpu = (used.user + used.system) / 10 / (performance.now() - node.at);
    systemSamples.push(s);
    replaySteps.push(system.receivers.length);
    console.log(
      `  ${pad(system.room.peers.length, 4)} participants ${pad(s.consumers, 5)} consumers (worker holds ${pad(system.workerConsumers, 5)})  ` +
        `worker ${pad(s.cpu.toFixed(1), 5)} %  ${pad(s.pps.toFixed(0), 6)} pkt/s out, ${s.ingest.toFixed(0)}/${SENT} in  ` +
        `worker RSS ${rssMb(system.pid).toFixed(0)} MB  Node (server+sites) ${pad(nodeCpu.toFixed(0), 2)} %  load ${loads()}  (step ${seconds(joined)})`,
    );
    const stop = stopReason(s, errors.length, system.sitesLeft);
    if (stop) {
      console.log(`  stopped: ${stop}`);
      break;
    }
  }
  receivers = system.receivers;
  console.log(`  consumer mix: ${mix(receivers.flat())}`);
} finally {
  await system.close();
}

// ── Raw ────────────────────────────────────────────────────────────────────────────────────────
console.log('\nraw: mediasoup alone, the same senders and receivers on plain transports');
const rawSamples: Sample[] = [];
const raw = await RawForwarder.start({ senders: 2, fps: FPS, sink });
try {
  const ordinary = mostCommon(receivers);
  const rawSample = async () => {
    await atTheirLayers(raw.consumers);
    await delay(WARMUP_MS);
    const s = await sample(raw.pid, raw, WINDOW_MS, load1);
    rawSamples.push(s);
    console.log(
      `  ${pad(raw.receivers.length, 4)} receivers    ${pad(s.consumers, 5)} consumers                      ` +
        `worker ${pad(s.cpu.toFixed(1), 5)} %  ${pad(s.pps.toFixed(0), 6)} pkt/s out, ${s.ingest.toFixed(0)}/${SENT} in  worker RSS ${rssMb(raw.pid).toFixed(0)} MB  load ${loads()}`,
    );
    return s;
  };
  let last: Sample | undefined;
  for (const upTo of replaySteps) {
    await raw.addReceivers(receivers.slice(raw.receivers.length, upTo));
    last = await rawSample();
  }
  while (last && !stopReason(last, 0, 1) && raw.consumers.length + ordinary.length <= RAW_MAX) {
    const room = Math.floor((RAW_MAX - raw.consumers.length) / ordinary.length);
    await raw.addReceivers(Array.from({ length: Math.min(SITE_STEP, room) }, () => ordinary));
    last = await rawSample();
  }
} finally {
  raw.close();
}

// ── The table ──────────────────────────────────────────────────────────────────────────────────
console.log(`\nconsumers one worker carries at a load (interpolated between steps; ~ extrapolated from the fit past the last):`);
const fmt = (c: ReturnType<typeof crossing>) => (c ? `${c.extrapolated ? '~' : ''}${c.consumers.toFixed(0)}` : 'n/a');
console.table(
  LEVELS.map((level) => {
    const sys = crossing(systemSamples, level);
    const bare = crossing(rawSamples, level);
    return {
      'load %': level,
      'system consumers': fmt(sys),
      'raw consumers': fmt(bare),
      'system / raw': sys && bare ? (sys.consumers / bare.consumers).toFixed(2) : 'n/a',
      'system pkt/s': sys ? sys.pps.toFixed(0) : 'n/a',
      'raw pkt/s': bare ? bare.pps.toFixed(0) : 'n/a',
      'loadavg 1m (sys / raw)': `${sys?.load1.toFixed(2) ?? 'n/a'} / ${bare?.load1.toFixed(2) ?? 'n/a'}`,
    };
  }),
);
const [sysFit, rawFit] = [fit(systemSamples), fit(rawSamples)];
console.log(
  `per 1000 consumers: system ${(1000 * sysFit.perConsumer).toFixed(1)} % of a core, raw ${(1000 * rawFit.perConsumer).toFixed(1)} % ` +
    `(least squares over the steps; raw / system ${(rawFit.perConsumer / sysFit.perConsumer).toFixed(2)}); ` +
    `a consumer = one forwarded stream (a microphone, or a camera at one simulcast layer); plain transports both sides, no SRTP or congestion control`,
);
console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${loads()} (2 cores shared with whatever else runs: figures are noisy)`);

// ── Helpers ────────────────────────────────────────────────────────────────────────────────────

function mix(specs: readonly ConsumerSpec[]): string {
  const counts = new Map<string, number>();
  for (const s of specs) {
    const key = s.kind === 'audio' ? 'audio' : `video layer ${s.layer ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** The receiver most of them are: an ordinary site's consumers. */
function mostCommon(all: readonly ConsumerSpec[][]): ConsumerSpec[] {
  const counts = new Map<string, { n: number; specs: ConsumerSpec[] }>();
  for (const specs of all) {
    const key = JSON.stringify(specs);
    const entry = counts.get(key) ?? { n: 0, specs };
    entry.n++;
    counts.set(key, entry);
  }
  const best = [...counts.values()].sort((a, b) => b.n - a.n)[0];
  if (!best) throw new Error('the system run recorded no receivers');
  return best.specs;
}

/**
 * Why a curve stops after this sample: the top level reached, or the step no longer measures what it
 * should (sites failing to join, the senders' RTP not all reaching the worker: an overloaded machine).
 */
function stopReason(s: Sample, joinErrors: number, sitesLeft: number): string | undefined {
  if (s.cpu >= TOP) return `the worker passed ${TOP} % of a core`;
  if (joinErrors > 0) return `${joinErrors} joins failed or did not settle`;
  if (s.ingest < 0.9 * SENT) return `only ${s.ingest.toFixed(0)} of the ${SENT} packets/s sent reached the worker`;
  if (sitesLeft === 0) return 'no halls left (MAX_SITES)';
  return undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}

/** A local UDP port nobody listens on: the forwarded packets end in the kernel. */
async function unusedUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  s.close();
  return port;
}
