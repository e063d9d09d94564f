/**
 * The raw curve's forwarder: mediasoup with no application on top. One worker, one router, a plain
 * comedia transport per sender (as an ingest transport), and per receiver a plain transport to a UDP
 * port nobody reads with the consumers asked for, as the system's egress taps do. No WebRTC
 * transports, no observers, no signaling, no stats polling.
 */
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { mediaCodecs } from '../../sfu/codecs.js';
import { egressTap, type EgressTap } from '../../test/helpers/egress-tap.js';
import { opusParameters, vp8SimulcastParameters } from '../../test/helpers/rtp-parameters.js';
import { Pacer } from '../load/rtp.js';

/** One consumer a receiver holds: a sender's microphone, or its camera at a simulcast layer. */
export interface ConsumerSpec {
  sender: number;
  kind: 'audio' | 'video';
  layer?: number | undefined;
}

export class RawForwarder {
  readonly receivers: EgressTap[] = [];
  readonly #pacer: Pacer;
  readonly #producers: { audio: ms.Producer; video: ms.Producer }[] = [];

  private constructor(
    readonly worker: ms.Worker,
    readonly router: ms.Router,
    readonly sink: { ip: string; port: number },
    fps: number,
  ) {
    this.#pacer = new Pacer(fps);
  }

  static async start(options: { senders: number; fps: number; sink: { ip: string; port: number } }): Promise<RawForwarder> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    const router = await worker.createRouter({ mediaCodecs });
    const raw = new RawForwarder(worker, router, options.sink, options.fps);
    try {
      for (let i = 0; i < options.senders; i++) await raw.#addSender(200_000 + 10 * i);
    } catch (error) {
      raw.close();
      throw error;
    }
    return raw;
  }

  get pid(): number {
    return this.worker.pid;
  }

  get consumers(): ms.Consumer[] {
    return this.receivers.flatMap((r) => r.consumers);
  }

  get producers(): ms.Producer[] {
    return this.#producers.flatMap((p) => [p.audio, p.video]);
  }

  /** A sender: a plain transport in, Opus and 3-layer VP8 simulcast producers, the pacer's RTP into it. */
  async #addSender(ssrc: number): Promise<void> {
    const transport = await this.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: this.sink.ip }, rtcpMux: true, comedia: true });
    const caps = this.router.rtpCapabilities;
    const audio = opusParameters(caps, ssrc);
    const video = vp8SimulcastParameters(caps, ssrc + 1);
    this.#producers.push({
      audio: await transport.produce({ kind: 'audio', rtpParameters: audio }),
      video: await transport.produce({ kind: 'video', rtpParameters: video }),
    });
    await this.#pacer.add({
      audio: { ssrc, payloadType: audio.codecs[0]!.payloadType },
      video: { firstSsrc: ssrc + 1, payloadType: video.codecs[0]!.payloadType },
      to: { ip: transport.tuple.localAddress ?? this.sink.ip, port: transport.tuple.localPort },
    });
  }

  /** Receivers, each one plain transport holding its consumers; created a few dozen at a time. */
  async addReceivers(receivers: readonly (readonly ConsumerSpec[])[]): Promise<void> {
    const wanted = receivers.map((specs) =>
      specs.map((s) => {
        const producers = this.#producers[s.sender];
        if (!producers) throw new Error(`no sender ${s.sender}`);
        return { producerId: producers[s.kind].id, rtpCapabilities: this.router.rtpCapabilities, spatialLayer: s.kind === 'video' ? s.layer : undefined };
      }),
    );
    for (let i = 0; i < wanted.length; i += 25) {
      this.receivers.push(...(await Promise.all(wanted.slice(i, i + 25).map((w) => egressTap(this.router, this.sink, w)))));
    }
  }

  close(): void {
    this.#pacer.close();
    this.worker.close();
  }
}
