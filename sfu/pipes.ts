import type { types as ms } from 'mediasoup';
import type { Trackable } from './on-demand.js';

/** One producer made available on another router: the pipe consumer at its origin, the pipe producer (same id) at the target. */
interface Pipe {
  ready: Promise<void>;
  pipeConsumer?: ms.Consumer;
  pipeProducer?: ms.Producer;
  /** Consumers at the target (or beyond it, on another node) that depend on this pipe. */
  readonly users: Set<Trackable>;
  /** Consumes waiting on this pipe or running: it stays while any is in flight. */
  pending: number;
  /** Kept for as long as the producer lives (the active speaker observer listens here). */
  pinned: boolean;
  closed: boolean;
}

/**
 * The producers of one meeting piped between its routers (`router.pipeToRouter`), on demand:
 * a pipe opens when a consumer on the target router needs the producer and closes when the last
 * such consumer goes, or when the producer (or either router) closes.
 */
export class Pipes {
  readonly #pipes = new Map<string, Pipe>();
  #opened = 0;
  #closed = false;

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
    return [...this.#pipes.entries()].filter(([k]) => k.endsWith(`>${target.id}`)).map(([k]) => k.slice(0, k.indexOf('>')));
  }

  /**
   * Runs `consume` (which creates a consumer of `producer` on `target`) once the producer is piped
   * there from `origin`; the consumer it returns keeps the pipe open until it closes.
   */
  async use<T extends Trackable>(
    producer: ms.Producer,
    origin: ms.Router,
    target: ms.Router,
    consume: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const pipe = this.#open(producer, origin, target);
    pipe.pending++;
    let consumer: T | undefined;
    try {
      await pipe.ready;
      consumer = await consume();
      if (consumer && !consumer.closed && !pipe.closed) {
        pipe.users.add(consumer);
        consumer.observer.once('close', () => {
          pipe.users.delete(consumer!);
          this.#closeIfUnused(producer.id, target, pipe);
        });
      }
      return consumer;
    } finally {
      pipe.pending--;
      this.#closeIfUnused(producer.id, target, pipe);
    }
  }

  /** Pipes `producer` to `target` for as long as it lives, whoever consumes it there. */
  async pin(producer: ms.Producer, origin: ms.Router, target: ms.Router): Promise<void> {
    const pipe = this.#open(producer, origin, target);
    pipe.pinned = true;
    await pipe.ready;
  }

  /** Closes every pipe (the meeting is closing). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pipe of this.#pipes.values()) closePipe(pipe);
    this.#pipes.clear();
  }

  #open(producer: ms.Producer, origin: ms.Router, target: ms.Router): Pipe {
    if (this.#closed) throw new Error('pipes closed');
    const k = key(producer.id, target);
    const existing = this.#pipes.get(k);
    if (existing) return existing;
    const pipe: Pipe = { ready: Promise.resolve(), users: new Set(), pending: 0, pinned: false, closed: false };
    pipe.ready = origin.pipeToRouter({ producerId: producer.id, router: target }).then(
      ({ pipeConsumer, pipeProducer }) => {
        if (!pipeConsumer || !pipeProducer) throw new Error('pipeToRouter returned no pipe consumer or producer');
        pipe.pipeConsumer = pipeConsumer;
        pipe.pipeProducer = pipeProducer;
        // mediasoup closes each side with the other, and both with the producer or either router.
        pipeProducer.observer.once('close', () => this.#forget(k, pipe));
        if (pipe.closed || pipeProducer.closed) closePipe(pipe);
      },
      (error: unknown) => {
        this.#forget(k, pipe);
        throw error;
      },
    );
    // A failure reaches whoever awaits `ready`; nobody may be left holding an unhandled rejection.
    pipe.ready.catch(() => {});
    this.#pipes.set(k, pipe);
    this.#opened++;
    return pipe;
  }

  #closeIfUnused(producerId: string, target: ms.Router, pipe: Pipe): void {
    if (pipe.closed || pipe.pinned || pipe.pending > 0 || pipe.users.size > 0) return;
    this.#forget(key(producerId, target), pipe);
    closePipe(pipe);
  }

  #forget(k: string, pipe: Pipe): void {
    pipe.closed = true;
    if (this.#pipes.get(k) === pipe) this.#pipes.delete(k);
  }
}

function key(producerId: string, target: ms.Router): string {
  return `${producerId}>${target.id}`;
}

/** Closing the pipe consumer closes the pipe producer too (and with it the consumers of it). */
function closePipe(pipe: Pipe): void {
  pipe.closed = true;
  pipe.pipeConsumer?.close();
  pipe.pipeProducer?.close();
}
