/**
 * What a simulated site sends: Opus (a fixed frame every 20 ms) and a 3-SSRC VP8 simulcast camera at
 * a low frame rate, with real VP8 payload descriptors (15-bit picture id, start bit on a frame's first
 * packet) and a key-frame header every KEYFRAME_EVERY frames, so mediasoup can switch layers; and an
 * RTCP sender report per stream every second, which it needs to align layers' timestamps.
 * One pacer drives every site: a single 20 ms timer, not one per site.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { types as ms } from 'mediasoup';
import { opusParameters, vp8SimulcastParameters } from '../../test/helpers/rtp-parameters.js';
import { OPUS_PAYLOAD, rtpPacket, senderReport } from '../../test/helpers/rtp-sender.js';
import { ok, type ClientSocket } from '../../test/helpers/socket-client.js';

/** Per simulcast layer (low, middle, high): packets per frame and payload bytes per packet. */
export const LAYERS = [
  { packets: 1, bytes: 200 },
  { packets: 1, bytes: 500 },
  { packets: 2, bytes: 900 },
] as const;
const TICK_MS = 20;
const KEYFRAME_EVERY = 15;
const VP8_KEYFRAME_HEADER = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]); // P=0, 640×480
const VP8_DELTA_HEADER = Buffer.from([0x11, 0x02, 0x00]); // P=1

/** One frame's packets for one layer: descriptor X=1 (I=1, M=1), S=1 on the first packet only. */
function vp8Frame(pictureId: number, key: boolean, layer: (typeof LAYERS)[number]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < layer.packets; i++) {
    const descriptor = Buffer.from([i === 0 ? 0x90 : 0x80, 0x80, 0x80 | ((pictureId >> 8) & 0x7f), pictureId & 0xff]);
    const header = i === 0 ? (key ? VP8_KEYFRAME_HEADER : VP8_DELTA_HEADER) : Buffer.alloc(0);
    out.push(Buffer.concat([descriptor, header, Buffer.alloc(layer.bytes - header.length, 0xab)]));
  }
  return out;
}

interface Stream {
  ssrc: number;
  payloadType: number;
  seq: number;
  timestamp: number;
  packets: number;
  octets: number;
}

export interface SiteMedia {
  audio: { ssrc: number; payloadType: number };
  video: { firstSsrc: number; payloadType: number };
  to: { ip: string; port: number };
}

class SiteSender {
  readonly audio: Stream;
  readonly video: Stream[];
  constructor(
    readonly socket: Socket,
    readonly to: { ip: string; port: number },
    media: SiteMedia,
    readonly phase: number,
  ) {
    const stream = (ssrc: number, payloadType: number): Stream => ({ ssrc, payloadType, seq: 0, timestamp: 0, packets: 0, octets: 0 });
    this.audio = stream(media.audio.ssrc, media.audio.payloadType);
    this.video = LAYERS.map((_, k) => stream(media.video.firstSsrc + k, media.video.payloadType));
  }

  send(s: Stream, payload: Buffer, marker: boolean): void {
    const packet = rtpPacket({ payloadType: s.payloadType, sequenceNumber: s.seq++, timestamp: s.timestamp, ssrc: s.ssrc, payload });
    if (!marker) packet[1] = packet[1]! & 0x7f;
    s.packets++;
    s.octets += payload.length;
    this.socket.send(packet, this.to.port, this.to.ip);
  }

  report(nowMs: number): void {
    for (const s of [this.audio, ...this.video]) {
      this.socket.send(senderReport({ ssrc: s.ssrc, timestamp: s.timestamp, packets: s.packets, octets: s.octets, nowMs }), this.to.port, this.to.ip);
    }
  }
}

/** Ticks a late timer may make up at once. */
const MAX_CATCH_UP = 10;

/** Every site's RTP, on one timer. */
export class Pacer {
  readonly #sites: SiteSender[] = [];
  #tick = 0;
  #frame = -1;
  #timer: NodeJS.Timeout | undefined;
  packetsSent = 0;

  constructor(readonly fps: number) {}

  get sites(): number {
    return this.#sites.length;
  }

  /** A UDP socket for one site, sending from the next tick on. */
  async add(media: SiteMedia): Promise<void> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    // The server's RTCP (receiver reports, PLIs) is not read; errors on a closed server port are not ours to fix.
    socket.on('message', () => {});
    socket.on('error', () => {});
    const site = new SiteSender(socket, media.to, media, this.#sites.length % 50);
    this.#sites.push(site);
    site.report(Date.now());
    this.#timer ??= this.#start();
  }

  /**
   * setInterval drifts behind under load (240 sites' sends take longer than a tick on a busy
   * core): each wake-up runs every tick due by the clock, so the rate is what was asked for.
   * A stall longer than MAX_CATCH_UP ticks is dropped, not sent as one burst.
   */
  #start(): NodeJS.Timeout {
    const t0 = performance.now();
    return setInterval(() => {
      const due = Math.floor((performance.now() - t0) / TICK_MS);
      if (due - this.#tick > MAX_CATCH_UP) this.#tick = due - MAX_CATCH_UP;
      while (this.#tick <= due) this.#step();
    }, TICK_MS);
  }

  #step(): void {
    const tick = this.#tick++;
    const frame = Math.floor((tick * TICK_MS * this.fps) / 1000);
    const videoDue = frame !== this.#frame;
    this.#frame = frame;
    const now = Date.now();
    const key = frame % KEYFRAME_EVERY === 0;
    const frames = videoDue ? LAYERS.map((layer) => vp8Frame(frame & 0x7fff, key, layer)) : [];
    for (const site of this.#sites) {
      site.audio.timestamp += 960;
      site.send(site.audio, OPUS_PAYLOAD, true);
      this.packetsSent++;
      if (videoDue) {
        site.video.forEach((s, k) => {
          s.timestamp = Math.round((frame * 90_000) / this.fps);
          const packets = frames[k]!;
          packets.forEach((p, i) => site.send(s, p, i === packets.length - 1));
          this.packetsSent += packets.length;
        });
      }
      // Sender reports once a second per site, spread over the ticks.
      if (tick % 50 === site.phase) site.report(now);
    }
  }

  close(): void {
    clearInterval(this.#timer);
    for (const site of this.#sites) site.socket.close();
  }
}

/**
 * A simulated site publishes: a plain RTP ingest transport over the protocol, a microphone and a
 * 3-layer camera on it (SSRCs from `ssrc`), and their RTP from the pacer.
 */
export async function publishOverIngest(socket: ClientSocket, caps: ms.RtpCapabilities, pacer: Pacer, ssrc: number): Promise<void> {
  const ingest = await ok(socket, 'create-ingest-transport', {});
  const audio = opusParameters(caps, ssrc);
  const video = vp8SimulcastParameters(caps, ssrc + 1);
  await ok(socket, 'produce', { transportId: ingest.transportId, kind: 'audio', source: 'mic', rtpParameters: audio });
  await ok(socket, 'produce', { transportId: ingest.transportId, kind: 'video', source: 'camera', rtpParameters: video });
  await pacer.add({
    audio: { ssrc, payloadType: audio.codecs[0]!.payloadType },
    video: { firstSsrc: ssrc + 1, payloadType: video.codecs[0]!.payloadType },
    to: { ip: ingest.ip, port: ingest.port },
  });
}
