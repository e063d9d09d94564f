import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { ParticipantId } from '../protocol/ids.js';
import type { ProducerAppData } from './peer.js';

/**
 * The meeting's active speaker, from one ActiveSpeakerObserver on one router. Dominance is relative,
 * so every microphone of the meeting must be heard by the same observer: a meeting spread over
 * several routers pipes its microphones to this one (see Room).
 */
export class SpeakerDetector extends TypedEmitter<{ speaker: [ParticipantId | null] }> {
  #speakerId: string | undefined;

  private constructor(
    readonly router: ms.Router,
    private readonly observer: ms.ActiveSpeakerObserver,
  ) {
    super();
    observer.on('dominantspeaker', ({ producer }) => {
      this.#speakerId = producer.id;
      this.emit('speaker', (producer.appData as ProducerAppData).peerId);
    });
  }

  static async create(router: ms.Router): Promise<SpeakerDetector> {
    return new SpeakerDetector(router, await router.createActiveSpeakerObserver({ interval: 300 }));
  }

  get closed(): boolean {
    return this.observer.closed;
  }

  /** Listens to a microphone that is (or has been piped to) this router; `producer` is its original. */
  async add(producer: ms.Producer<ProducerAppData>): Promise<void> {
    // The observer says nothing when the speaker's producer goes: nobody is speaking then.
    producer.observer.once('close', () => {
      if (this.#speakerId !== producer.id || this.closed) return;
      this.#speakerId = undefined;
      this.emit('speaker', null);
    });
    await this.observer.addProducer({ producerId: producer.id });
  }

  close(): void {
    this.observer.close();
  }
}
