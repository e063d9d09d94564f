import type { types as ms } from 'mediasoup';
import { OnDemand, type Trackable } from './on-demand.js';

/** One producer made available on another router: the pipe consumer at its origin, the pipe producer (same id) at the target. */
interface Pipe {
  pipeConsumer: ms.Consumer;
  pipeProducer: ms.Producer;
}

/**
 * The producers of one meeting piped between its routers (`router.pipeToRouter`), on demand:
 * a pipe opens when a consumer on the target router needs the producer and closes when the last
 * such consumer goes, or when the producer (or either router) closes.
 */
export class Pipes {
  /** Closing the pipe consumer closes the pipe producer too (and with it the consumers of it). */
  readonly #pipes = new OnDemand<Pipe>((pipe) => {
    pipe.pipeConsumer.close();
    pipe.pipeProducer.close();
  });
  #opened = 0;

  /** Pipes opened since the meeting started (a figure for benchmarks and logs). */
  get opened(): number {
    return this.#opened;
  }

  /** Pipes open now. */
  get size(): number {
    return this.#pipes.size;
  }

  /** Whether `producerId` is piped to `target` now. */
  has(producerId: string, target: ms.Router): boolean {
    return this.#pipes.has(key(producerId, target));
  }

  /** Producer ids piped to `target` now. */
  pipedTo(target: ms.Router): string[] {
    return this.#pipes
      .keys()
      .filter((k) => k.endsWith(`>${target.id}`))
      .map((k) => k.slice(0, k.indexOf('>')));
  }

  /**
   * Runs `consume` (which creates a consumer of `producer` on `target`) once the producer is piped
   * there from `origin`; the consumer it returns keeps the pipe open until it closes.
   */
  use<T extends Trackable>(producer: ms.Producer, origin: ms.Router, target: ms.Router, consume: () => Promise<T | undefined>): Promise<T | undefined> {
    return this.#pipes.use(key(producer.id, target), () => this.#open(producer, origin, target), () => consume());
  }

  /** Pipes `producer` to `target` for as long as it lives, whoever consumes it there. */
  async pin(producer: ms.Producer, origin: ms.Router, target: ms.Router): Promise<void> {
    await this.#pipes.pin(key(producer.id, target), () => this.#open(producer, origin, target));
  }

  /** Closes every pipe (the meeting is closing). */
  close(): void {
    this.#pipes.close();
  }

  async #open(producer: ms.Producer, origin: ms.Router, target: ms.Router): Promise<Pipe> {
    this.#opened++;
    const { pipeConsumer, pipeProducer } = await origin.pipeToRouter({ producerId: producer.id, router: target });
    if (!pipeConsumer || !pipeProducer) throw new Error('pipeToRouter returned no pipe consumer or producer');
    // mediasoup closes each side with the other, and both with the producer or either router.
    pipeProducer.observer.once('close', () => this.#pipes.forget(key(producer.id, target)));
    // Closed while it was being made (the producer went): nobody keeps it.
    if (pipeProducer.closed) this.#pipes.forget(key(producer.id, target));
    return { pipeConsumer, pipeProducer };
  }
}

function key(producerId: string, target: ms.Router): string {
  return `${producerId}>${target.id}`;
}
