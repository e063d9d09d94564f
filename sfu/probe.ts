/**
 * Network probes for the device check: a receive-only WebRtcTransport restricted to one protocol,
 * on the WebRtcServer (so the same port) the conferences use. A browser sends a few seconds of
 * media through it; the packets counted here tell whether that protocol gets through.
 */
import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { mediaCodecs } from './codecs.js';
import type { WorkerPool, WorkerSlot } from './worker-pool.js';

export type ProbeProtocol = 'udp' | 'tcp';

export interface ProbeTransportInfo {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

export interface ProbeStatus {
  iceState: ms.IceState;
  dtlsState: ms.DtlsState;
  /** Protocol of the selected ICE tuple, once there is one. */
  protocol: ProbeProtocol | null;
  /** RTP packets the probe's producers received. */
  packetsReceived: number;
}

export interface ProbeOptions {
  /** A probe closes itself this long after it opened. */
  lifetimeMs?: number;
  /** Open probes one owner may hold at once. */
  perOwner?: number;
}

type ProbeEvents = { closed: [] };

/** One probe: its transport and at most one producer per kind. */
export class Probe extends TypedEmitter<ProbeEvents> {
  readonly id = randomUUID();
  readonly #producers = new Map<ms.MediaKind, ms.Producer>();
  readonly #pendingKinds = new Set<ms.MediaKind>();
  readonly #timer: ReturnType<typeof setTimeout>;
  #connected = false;
  #closed = false;

  constructor(
    /** Whoever opened it (an opaque key); only they may use it. */
    readonly owner: string,
    readonly protocol: ProbeProtocol,
    readonly rtpCapabilities: ms.RtpCapabilities,
    private readonly transport: ms.WebRtcTransport,
    lifetimeMs: number,
  ) {
    super();
    this.#timer = setTimeout(() => this.close(), lifetimeMs);
    this.#timer.unref();
    transport.on('routerclose', () => this.close());
    transport.on('listenserverclose', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  get transportInfo(): ProbeTransportInfo {
    return {
      id: this.transport.id,
      iceParameters: this.transport.iceParameters,
      // The transport enables only this protocol; the filter keeps that promise whatever the server offers.
      iceCandidates: this.transport.iceCandidates.filter((c) => c.protocol === this.protocol),
      dtlsParameters: this.transport.dtlsParameters,
    };
  }

  async connect(dtlsParameters: ms.DtlsParameters): Promise<void> {
    this.#assertOpen();
    if (this.#connected) throw new AppError('CONFLICT', 'This probe is already connected');
    this.#connected = true;
    try {
      await this.transport.connect({ dtlsParameters });
    } catch (error) {
      this.#connected = false;
      throw this.#refusal(error, 'dtlsParameters');
    }
  }

  async produce(kind: ms.MediaKind, rtpParameters: ms.RtpParameters): Promise<string> {
    this.#assertOpen();
    if (this.#producers.has(kind) || this.#pendingKinds.has(kind)) throw new AppError('CONFLICT', `This probe already receives ${kind}`);
    this.#pendingKinds.add(kind);
    try {
      const producer = await this.transport.produce({ kind, rtpParameters });
      if (this.#closed) {
        producer.close();
        throw new AppError('NOT_FOUND', 'The probe closed');
      }
      this.#producers.set(kind, producer);
      return producer.id;
    } catch (error) {
      throw this.#refusal(error, 'rtpParameters');
    } finally {
      this.#pendingKinds.delete(kind);
    }
  }

  async status(): Promise<ProbeStatus> {
    this.#assertOpen();
    let packetsReceived = 0;
    for (const producer of this.#producers.values()) {
      const stats = await producer.getStats().catch(() => []);
      for (const s of stats) packetsReceived += s.packetCount;
    }
    const tuple = this.transport.iceSelectedTuple;
    return {
      iceState: this.transport.iceState,
      dtlsState: this.transport.dtlsState,
      protocol: tuple ? tuple.protocol : null,
      packetsReceived,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.transport.close();
    this.emit('closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('NOT_FOUND', 'The probe has closed');
  }

  /** mediasoup refuses malformed parameters with TypeError/UnsupportedError: the caller's input, so a 400. */
  #refusal(error: unknown, what: string): unknown {
    if (error instanceof AppError) return error;
    if (this.#closed) return new AppError('NOT_FOUND', 'The probe has closed');
    return new AppError('BAD_REQUEST', `Invalid ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The probes of one node: a small router per worker for them, and the per-owner limit. */
export interface Probes {
  open(owner: string, protocol: ProbeProtocol): Promise<Probe>;
  /** An open probe of this owner; another owner's probe is not found. */
  get(owner: string, id: string): Probe;
  /** Open probes of one owner. */
  count(owner: string): number;
  close(): void;
}

export function createProbes(pool: WorkerPool, log: Logger, options: ProbeOptions = {}): Probes {
  const lifetimeMs = options.lifetimeMs ?? 60_000;
  const perOwner = options.perOwner ?? 5;
  const probes = new Map<string, Probe>();
  /** Probes being opened, counted against the limit across the await. */
  const opening = new Map<string, number>();
  const routers = new Map<WorkerSlot, Promise<ms.Router>>();
  let closed = false;

  // Kept apart from the meetings' routers, and not counted as a meeting on the worker.
  function router(slot: WorkerSlot): Promise<ms.Router> {
    let r = routers.get(slot);
    if (!r) {
      r = slot.worker.createRouter({ mediaCodecs, appData: { probe: true } });
      const made = r;
      routers.set(slot, made);
      made.then(
        (router) => router.observer.once('close', () => routers.get(slot) === made && routers.delete(slot)),
        () => routers.get(slot) === made && routers.delete(slot),
      );
    }
    return r;
  }

  const count = (owner: string) => [...probes.values()].filter((p) => p.owner === owner).length + (opening.get(owner) ?? 0);

  return {
    async open(owner, protocol) {
      if (closed) throw new AppError('NOT_FOUND', 'Media is shutting down');
      if (count(owner) >= perOwner)
        throw new AppError('RATE_LIMITED', `At most ${perOwner} network checks may be open at once; close one or wait a minute`);
      opening.set(owner, (opening.get(owner) ?? 0) + 1);
      try {
        const slot = pool.leastLoaded();
        const r = await router(slot);
        const transport = await r.createWebRtcTransport({
          webRtcServer: slot.webRtcServer,
          enableUdp: protocol === 'udp',
          enableTcp: protocol === 'tcp',
          appData: { probe: true, owner },
        });
        const probe = new Probe(owner, protocol, r.rtpCapabilities, transport, lifetimeMs);
        if (closed) {
          probe.close();
          throw new AppError('NOT_FOUND', 'Media is shutting down');
        }
        probes.set(probe.id, probe);
        probe.once('closed', () => probes.delete(probe.id));
        log.debug('network probe opened', { probe: probe.id, protocol, worker: slot.index });
        return probe;
      } finally {
        const n = (opening.get(owner) ?? 1) - 1;
        if (n > 0) opening.set(owner, n);
        else opening.delete(owner);
      }
    },
    get(owner, id) {
      const probe = probes.get(id);
      if (!probe || probe.owner !== owner) throw new AppError('NOT_FOUND', `No open network check "${id}"`);
      return probe;
    },
    count,
    close() {
      if (closed) return;
      closed = true;
      for (const probe of [...probes.values()]) probe.close();
      for (const r of routers.values()) void r.then((router) => router.close(), () => {});
      routers.clear();
    },
  };
}
