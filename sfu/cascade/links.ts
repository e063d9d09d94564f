/**
 * The home side of a meeting's links to its media nodes: one pipe transport per node on the home
 * router, and over it only what is watched: a media node's producer comes home (an import) while
 * someone here or on a third node consumes it, and a producer of this node goes to a media node
 * (an export) while someone there consumes it. Third-node traffic goes through the home.
 */
import type { types as ms } from 'mediasoup';
import type { Logger } from '../../lib/log.js';
import type { NodeId } from '../../protocol/ids.js';
import { OnDemand, type Trackable } from '../on-demand.js';
import type { ProducerAppData } from '../peer.js';
import type { CascadeBus } from './bus.js';
import { M, type PipeEnd, type ProducerOffer } from './messages.js';
import type { MediaListen } from '../listen.js';
import { connectPipe, createPipe, pipeEnd, receiveAcross, sendAcross } from './pipe-link.js';

const key = (node: NodeId, producerId: string) => `${node}|${producerId}`;
const split = (k: string) => {
  const at = k.indexOf('|');
  return { node: k.slice(0, at) as NodeId, producerId: k.slice(at + 1) };
};

export class NodeLinks {
  readonly #pipes = new Map<NodeId, Promise<ms.PipeTransport>>();
  readonly #imports: OnDemand<ms.Producer<ProducerAppData>>;
  readonly #exports: OnDemand<ms.Consumer>;
  #opened = 0;
  #closed = false;

  constructor(
    private readonly meetingId: string,
    private readonly router: ms.Router,
    private readonly bus: CascadeBus,
    private readonly listen: MediaListen,
    private readonly log: Logger,
  ) {
    this.#imports = new OnDemand((producer, k) => {
      producer.close();
      this.bus.notify(split(k).node, M.importClose, { meetingId, producerId: split(k).producerId });
    });
    this.#exports = new OnDemand((consumer) => consumer.close());
  }

  /** Streams carried across links since the meeting started, and now. */
  get figures(): { opened: number; imports: number; exports: number; nodes: number } {
    return { opened: this.#opened, imports: this.#imports.size, exports: this.#exports.size, nodes: this.#pipes.size };
  }

  /** Producer ids of `node` imported here now. */
  importedFrom(node: NodeId): string[] {
    return this.#imports.keys().filter((k) => k.startsWith(`${node}|`)).map((k) => split(k).producerId);
  }

  /** Producer ids exported to `node` now. */
  exportedTo(node: NodeId): string[] {
    return this.#exports.keys().filter((k) => k.startsWith(`${node}|`)).map((k) => split(k).producerId);
  }

  /** Runs `consume` with a media node's producer brought to the home router; it stays while the consumer does. */
  useImport<T extends Trackable>(node: NodeId, producerId: string, consume: (producer: ms.Producer<ProducerAppData>) => Promise<T | undefined>): Promise<T | undefined> {
    return this.#imports.use(key(node, producerId), () => this.#openImport(node, producerId), consume);
  }

  /** A media node's producer at home for good (the active speaker observer hears every microphone). */
  pinImport(node: NodeId, producerId: string): Promise<ms.Producer<ProducerAppData>> {
    return this.#imports.pin(key(node, producerId), () => this.#openImport(node, producerId));
  }

  /** Runs `consume` (a consume on `node`) once `producer` (on the home router) is there; it stays while that consumer does. */
  useExport<T extends Trackable>(node: NodeId, producer: { id: string; appData: ProducerAppData }, consume: () => Promise<T | undefined>): Promise<T | undefined> {
    return this.#exports.use(key(node, producer.id), () => this.#openExport(node, producer), () => consume());
  }

  /** The media node paused or resumed a producer this node imported. */
  importPaused(node: NodeId, producerId: string, paused: boolean): void {
    const producer = this.#imports.value(key(node, producerId));
    if (!producer || producer.closed) return;
    (paused ? producer.pause() : producer.resume()).catch(() => {});
  }

  /** The media node's producer ended: so does its import. */
  importClosed(node: NodeId, producerId: string): void {
    this.#imports.value(key(node, producerId))?.close();
    this.#imports.forget(key(node, producerId));
  }

  /** The node is gone: its link and everything carried over it close (the node hears nothing more). */
  nodeGone(node: NodeId): void {
    const mine = (k: string) => k.startsWith(`${node}|`);
    for (const k of this.#imports.keys().filter(mine)) {
      this.#imports.value(k)?.close();
      this.#imports.forget(k);
    }
    this.#exports.closeWhere(mine);
    const pipe = this.#pipes.get(node);
    this.#pipes.delete(node);
    void pipe?.then((p) => p.close(), () => {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#imports.close();
    this.#exports.close();
    for (const [node, pipe] of this.#pipes) {
      void pipe.then((p) => p.close(), () => {});
      this.bus.notify(node, M.shardClose, { meetingId: this.meetingId });
    }
    this.#pipes.clear();
  }

  /** The pipe transport to `node`, opened on first use: ours created, theirs created and connected to it, ours connected to theirs. */
  #pipe(node: NodeId): Promise<ms.PipeTransport> {
    const existing = this.#pipes.get(node);
    if (existing) return existing;
    const opening = (async () => {
      const pipe = await createPipe(this.router, this.listen);
      try {
        const theirs = await this.bus.call<PipeEnd>(node, M.linkOpen, { meetingId: this.meetingId, ...pipeEnd(pipe) });
        await connectPipe(pipe, theirs);
      } catch (error) {
        pipe.close();
        throw error;
      }
      pipe.observer.once('close', () => {
        if (this.#pipes.get(node) === opening) this.#pipes.delete(node);
      });
      this.log.info('media link to another node opened', { node });
      return pipe;
    })();
    this.#pipes.set(node, opening);
    opening.catch(() => {
      if (this.#pipes.get(node) === opening) this.#pipes.delete(node);
    });
    return opening;
  }

  async #openImport(node: NodeId, producerId: string): Promise<ms.Producer<ProducerAppData>> {
    const k = key(node, producerId);
    const pipe = await this.#pipe(node);
    const offer = await this.bus.call<ProducerOffer>(node, M.importProducer, { meetingId: this.meetingId, producerId });
    let producer: ms.Producer<ProducerAppData>;
    try {
      producer = await receiveAcross(pipe, offer);
    } catch (error) {
      this.bus.notify(node, M.importClose, { meetingId: this.meetingId, producerId });
      throw error;
    }
    this.#opened++;
    producer.observer.once('close', () => this.#imports.forget(k));
    return producer;
  }

  async #openExport(node: NodeId, producer: { id: string; appData: ProducerAppData }): Promise<ms.Consumer> {
    const k = key(node, producer.id);
    const producerId = producer.id;
    const pipe = await this.#pipe(node);
    const { consumer, offer } = await sendAcross(pipe, producer, this.meetingId);
    const ref = { meetingId: this.meetingId, producerId };
    // Before the offer is answered: a pause meanwhile follows it (the bus keeps the order).
    consumer.on('producerpause', () => this.bus.notify(node, M.exportPause, { ...ref, paused: true }));
    consumer.on('producerresume', () => this.bus.notify(node, M.exportPause, { ...ref, paused: false }));
    try {
      await this.bus.call(node, M.exportProducer, offer);
    } catch (error) {
      consumer.close();
      throw error;
    }
    this.#opened++;
    consumer.observer.once('close', () => {
      this.#exports.forget(k);
      this.bus.notify(node, M.exportClose, ref);
    });
    return consumer;
  }
}
