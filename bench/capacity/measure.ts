/** The capacity bench's measurements: a worker's CPU from /proc, forwarded packets, and the load crossings. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { types as ms } from 'mediasoup';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds the process has used (user + system), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** The process's resident memory in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : NaN;
}

/**
 * Packets consumers have sent (their outbound-rtp; a consumer's stats also hold its producer's
 * inbound-rtp) or producers received (inbound-rtp, every layer), summed.
 */
async function packets(of: readonly (ms.Consumer | ms.Producer)[], type: 'outbound-rtp' | 'inbound-rtp'): Promise<number> {
  let n = 0;
  for (const stats of await Promise.all(of.map((x) => x.getStats().catch(() => [])))) {
    for (const s of stats) if (s.type === type) n += s.packetCount;
  }
  return n;
}

export interface Sample {
  consumers: number;
  /** The worker's CPU over the window, in % of one core. */
  cpu: number;
  /** Packets the consumers forwarded per second. */
  pps: number;
  /** Packets the producers received per second (the senders' RTP, every layer). */
  ingest: number;
  /** os.loadavg()[0] at the end of the window. */
  load1: number;
}

/** Consumers whose packets are counted: a random few, so the reads are quick even when the worker is busy. */
const COUNTED = 200;

/**
 * The worker's CPU over `windowMs`, and the forwarded packet rate: the mean rate of a random sample
 * of the consumers (every consumer of a kind and layer forwards the same stream) times their number.
 * The stats are read outside the CPU window (getStats is work for the worker too); each rate is taken
 * between the middles of its two reads.
 */
export async function sample(
  pid: number,
  media: { consumers: readonly ms.Consumer[]; producers: readonly ms.Producer[] },
  windowMs: number,
  load1: () => number,
): Promise<Sample> {
  const { consumers, producers } = media;
  const counted = pick(consumers, COUNTED);
  const read = async () => {
    const before = performance.now();
    const [sent, received] = await Promise.all([packets(counted, 'outbound-rtp'), packets(producers, 'inbound-rtp')]);
    return { sent, received, at: (before + performance.now()) / 2 };
  };
  const p0 = await read();
  const c0 = cpuSeconds(pid);
  const w0 = performance.now();
  await delay(windowMs);
  const c1 = cpuSeconds(pid);
  const w1 = performance.now();
  const p1 = await read();
  const perSecond = (n: number) => (n * 1000) / (p1.at - p0.at);
  const perConsumer = counted.length > 0 ? perSecond(p1.sent - p0.sent) / counted.length : 0;
  return {
    consumers: consumers.length,
    cpu: (100 * (c1 - c0) * 1000) / (w1 - w0),
    pps: perConsumer * consumers.length,
    ingest: perSecond(p1.received - p0.received),
    load1: load1(),
  };
}

/** Up to n of the items, chosen at random without repeats. */
function pick<T>(items: readonly T[], n: number): T[] {
  const copy = [...items];
  for (let i = 0; i < Math.min(n, copy.length); i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

export interface Crossing {
  /** Consumers at the level, interpolated between the two samples around it (or extrapolated past the last). */
  consumers: number;
  pps: number;
  load1: number;
  /** True when no sample reached the level: a straight line through the last two samples. */
  extrapolated: boolean;
}

/**
 * Where the CPU curve first crosses `level` (% of a core), linear between the samples on either
 * side. Past the last sample (marked extrapolated): the least-squares line through all samples, with
 * the last sample's packets per consumer and load average.
 */
export function crossing(samples: readonly Sample[], level: number): Crossing | undefined {
  const sorted = [...samples].sort((a, b) => a.consumers - b.consumers);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return undefined;
  if (first.cpu >= level) return { consumers: first.consumers, pps: first.pps, load1: first.load1, extrapolated: false };
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.cpu < level) continue;
    const f = (level - a.cpu) / (b.cpu - a.cpu);
    const lerp = (x: number, y: number) => x + f * (y - x);
    return { consumers: lerp(a.consumers, b.consumers), pps: lerp(a.pps, b.pps), load1: lerp(a.load1, b.load1), extrapolated: false };
  }
  const { intercept, perConsumer } = fit(sorted);
  if (!(perConsumer > 0)) return undefined;
  const consumers = (level - intercept) / perConsumer;
  return { consumers, pps: last.consumers > 0 ? (last.pps / last.consumers) * consumers : NaN, load1: last.load1, extrapolated: true };
}

/** The least-squares line of CPU % against consumers. */
export function fit(samples: readonly Sample[]): { intercept: number; perConsumer: number } {
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + s.consumers, 0) / n;
  const my = samples.reduce((a, s) => a + s.cpu, 0) / n;
  const sxy = samples.reduce((a, s) => a + (s.consumers - mx) * (s.cpu - my), 0);
  const sxx = samples.reduce((a, s) => a + (s.consumers - mx) ** 2, 0);
  const perConsumer = sxx > 0 ? sxy / sxx : NaN;
  return { intercept: my - perConsumer * mx, perConsumer };
}
