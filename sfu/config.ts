import { availableParallelism, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { types as ms } from 'mediasoup';

export interface SfuConfig {
  /** mediasoup workers, one per core by default. */
  workers: number;
  /** First WebRtcServer port (UDP and TCP); worker i listens on rtcPort + i. 0: any free port. */
  rtcPort: number;
  /** Local address the WebRtcServers bind to. */
  listenIp: string;
  /** Address put in ICE candidates: what browsers can reach (public IP or DNS name). */
  announcedAddress: string | undefined;
  workerLogLevel: ms.WorkerLogLevel;
  /** Bitrate a new transport assumes before its estimate is known. */
  initialOutgoingBitrate: number;
  /**
   * Consumers one worker (one core) is meant to carry, pipe consumers included. A meeting's new
   * participants go to a worker with room left under it, so a big meeting spreads over the workers.
   */
  consumersPerWorker: number;
  /** UDP ports of plain RTP ingest transports and of the cascade's links between nodes (RTC_PORT_RANGE "min-max"); unset: mediasoup's 10000–59999. */
  portRange: { min: number; max: number } | undefined;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** The first non-internal IPv4 address, so one machine on a LAN works without configuration. */
function defaultAnnouncedAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function portRange(raw: string | undefined): SfuConfig['portRange'] {
  if (!raw) return undefined;
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(raw.trim());
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(min >= 1024 && max <= 65535 && min <= max)) throw new Error(`RTC_PORT_RANGE must be "min-max" within 1024–65535, got "${raw}"`);
  return { min, max };
}

const LOG_LEVELS = ['debug', 'warn', 'error', 'none'] as const;

export function loadSfuConfig(env: Env): SfuConfig {
  const listenIp = env.RTC_LISTEN_IP || '0.0.0.0';
  if (!isIP(listenIp)) throw new Error(`RTC_LISTEN_IP must be an IP address, got "${listenIp}"`);
  const workers = integer(env, 'MEDIASOUP_WORKERS', availableParallelism(), 1, 256);
  const rtcPort = integer(env, 'RTC_PORT', 40000, 0, 65535);
  if (rtcPort !== 0 && rtcPort + workers - 1 > 65535) throw new Error(`RTC_PORT ${rtcPort} leaves no room for ${workers} workers`);
  const workerLogLevel = (env.MEDIASOUP_LOG_LEVEL || 'warn') as ms.WorkerLogLevel;
  if (!LOG_LEVELS.includes(workerLogLevel)) throw new Error(`MEDIASOUP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const wildcard = listenIp === '0.0.0.0' || listenIp === '::';
  return {
    workers,
    rtcPort,
    listenIp,
    announcedAddress: env.RTC_ANNOUNCED_ADDRESS || (wildcard ? defaultAnnouncedAddress() : undefined),
    workerLogLevel,
    initialOutgoingBitrate: integer(env, 'RTC_INITIAL_BITRATE', 1_000_000, 100_000, 100_000_000),
    consumersPerWorker: integer(env, 'CONSUMERS_PER_WORKER', 500, 1, 100_000),
    portRange: portRange(env.RTC_PORT_RANGE),
  };
}
