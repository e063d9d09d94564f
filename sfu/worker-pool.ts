import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { Logger } from '../lib/log.js';
import type { SfuConfig } from './config.js';

/** One mediasoup worker (a child process, one core) with its WebRtcServer: all its transports share one port. */
export interface WorkerSlot {
  index: number;
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer;
  /** The UDP port its WebRtcServer listens on (RTC_PORT + index, or the one the system gave for RTC_PORT=0). */
  rtcPort: number;
  /** Routers placed on this worker (a meeting has one per worker it uses). */
  routers: number;
  /** Consumers alive in this worker, pipe consumers included: what `consumersPerWorker` limits. */
  consumers: number;
  /** Participants placed here that do not hold all their consumers yet, each saying how many are still to come. */
  readonly expected: Set<ExpectedConsumers>;
}

/** A placed participant's consumers still to come, so participants joining together do not all pick one worker. */
export interface ExpectedConsumers {
  readonly outstanding: number;
}

/** What a worker carries, and is about to: its consumers plus those its new participants will get. */
export function load(slot: WorkerSlot): number {
  let outstanding = 0;
  for (const e of slot.expected) outstanding += e.outstanding;
  return slot.consumers + outstanding;
}

type WorkerPoolEvents = { 'worker-died': [WorkerSlot, Error] };

export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #slots: WorkerSlot[] = [];
  #closed = false;

  private constructor(private readonly log: Logger) {
    super();
  }

  static async start(config: SfuConfig, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(log);
    try {
      for (let index = 0; index < config.workers; index++) pool.#slots.push(await pool.#startWorker(index, config));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  async #startWorker(index: number, config: SfuConfig): Promise<WorkerSlot> {
    const worker = await mediasoup.createWorker({ logLevel: config.workerLogLevel, appData: { index } });
    const port = config.rtcPort === 0 ? undefined : config.rtcPort + index;
    const listen = (protocol: 'udp' | 'tcp'): ms.TransportListenInfo => ({
      protocol,
      ip: config.listenIp,
      ...(config.announcedAddress ? { announcedAddress: config.announcedAddress } : {}),
      ...(port === undefined ? {} : { port }),
    });
    let webRtcServer: ms.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
    } catch (error) {
      worker.close();
      throw new Error(`cannot listen for media on ${config.listenIp}:${port ?? 'any'} (worker ${index}): ${(error as Error).message}`);
    }
    const rtcPort = port ?? (await webRtcServer.dump()).udpSockets[0]?.port ?? 0;
    const slot: WorkerSlot = { index, worker, webRtcServer, rtcPort, routers: 0, consumers: 0, expected: new Set() };
    // Counted from mediasoup's own observer events, so every consumer (a participant's or a pipe's) is seen once.
    worker.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (transport) =>
        transport.observer.on('newconsumer', (consumer) => {
          slot.consumers++;
          consumer.observer.once('close', () => slot.consumers--);
        }),
      ),
    );
    worker.on('died', (error) => {
      // Recovery (moving meetings to a live worker) is a later step; for now say it loudly.
      this.log.error('mediasoup worker died', { worker: index, pid: worker.pid, error: error.message });
      this.emit('worker-died', slot, error);
    });
    this.log.info('mediasoup worker started', { worker: index, pid: worker.pid, port: rtcPort });
    return slot;
  }

  get slots(): readonly WorkerSlot[] {
    return this.#slots;
  }

  /** Workers that have not died or been closed. */
  get live(): WorkerSlot[] {
    return this.#slots.filter((s) => !s.worker.closed);
  }

  /** The live worker carrying the fewest consumers (then the fewest routers). */
  leastLoaded(): WorkerSlot {
    const slot = this.live.sort((a, b) => load(a) - load(b) || a.routers - b.routers)[0];
    if (!slot) throw new Error('no live mediasoup worker');
    return slot;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.close();
  }
}
