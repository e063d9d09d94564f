/**
 * The system curve's subject: the whole server (createServer, one mediasoup worker, a private
 * redis-server) with one province meeting, its sites in a worker thread (./sites.ts) speaking the
 * real protocol. Every consumer the media policy gives a participant is mirrored by an egress tap
 * (test/helpers/egress-tap.ts), so the worker forwards what connected links would make it forward.
 */
import type { Worker } from 'node:worker_threads';
import type { types as ms } from 'mediasoup';
import type { MeetingId, ParticipantId } from '../../protocol/ids.js';
import { createServer, type DiemcauServer } from '../../server.js';
import type { Peer } from '../../sfu/peer.js';
import type { Room } from '../../sfu/room.js';
import { testConfig, testSfuConfig } from '../../test/helpers/config.js';
import { egressTap, type EgressTap } from '../../test/helpers/egress-tap.js';
import { waitFor } from '../../test/helpers/wait.js';
import { provinceMeeting } from '../province.js';
import { caller, startThread, type Call } from '../thread-rpc.js';
import type { ConsumerSpec } from './raw.js';
import type { SiteRequests } from './sites.js';

export class SystemUnderTest {
  readonly #taps: EgressTap[] = [];
  /** What each tap consumes, in the raw forwarder's terms (sender 0 the chair, 1 the floor holder). */
  readonly receivers: ConsumerSpec[][] = [];
  readonly #senderOf = new Map<string, { sender: number; kind: 'audio' | 'video' }>();
  /** The chair's and the floor holder's producers. */
  readonly producers: ms.Producer[] = [];
  #unused: string[];

  private constructor(
    readonly server: DiemcauServer,
    readonly room: Room,
    readonly sink: { ip: string; port: number },
    readonly thread: Worker,
    readonly call: Call<SiteRequests>,
    readonly cleanup: () => void,
    tokens: string[],
  ) {
    this.#unused = tokens;
  }

  /** The server, a meeting of `sites` halls, the chair and the floor holder publishing. */
  static async start(options: { sites: number; fps: number; sink: { ip: string; port: number } }): Promise<SystemUnderTest> {
    // One worker, and a consumer budget placement never reaches: the curve is one worker's.
    const config = testConfig({ logLevel: 'error', sfu: testSfuConfig({ workers: 1, consumersPerWorker: 1_000_000 }) });
    const server = await createServer(config);
    let thread: Worker | undefined;
    try {
      const meeting = await provinceMeeting(server, options.sites, 'Hội nghị trực tuyến (đường cong tải)');
      const [floorToken, ...tokens] = meeting.siteTokens;
      if (!floorToken) throw new Error('the meeting has no sites');
      thread = startThread(new URL('./sites.ts', import.meta.url).href);
      const call = caller<SiteRequests>(thread, 'site thread');
      const { chairId, floorId } = await call('setup', { url: server.url, chairToken: meeting.chairToken, floorToken, fps: options.fps });
      const room = server.sfu.existingRoom(meeting.meetingId as MeetingId);
      if (!room) throw new Error('no room for the meeting');
      const system = new SystemUnderTest(server, room, options.sink, thread, call, () => config.cleanup(), tokens);
      const senders = [chairId, floorId].map((id) => room.peer(id as ParticipantId));
      await waitFor(() => senders.every((p) => p && p.producers.length === 2), { timeout: 30_000, what: 'the chair and the floor holder to publish' });
      senders.forEach((peer, sender) => {
        for (const p of peer!.producers) {
          system.#senderOf.set(p.id, { sender, kind: p.kind });
          system.producers.push(p);
        }
      });
      // Each receives the other's camera and microphone (the chair the floor holder's, the floor holder the main video's).
      await waitFor(() => senders.every((p) => p!.consumers.length >= 2 && p!.consumers.every((c) => !c.paused)), {
        timeout: 30_000,
        what: 'the chair and the floor holder to consume each other',
      });
      await system.#tap(senders as Peer[]);
      return system;
    } catch (error) {
      await thread?.terminate();
      await server.close();
      config.cleanup();
      throw error;
    }
  }

  get pid(): number {
    return this.server.sfu.pool.slots[0]!.worker.pid;
  }

  /** The forwarding consumers (the taps'): one per consumer the policy gave a participant. */
  get consumers(): ms.Consumer[] {
    return this.#taps.flatMap((t) => t.consumers);
  }

  /** Consumers the worker holds: the policy's (on receive transports nobody connects) and the taps'. */
  get workerConsumers(): number {
    return this.server.sfu.pool.slots[0]!.consumers;
  }

  get sitesLeft(): number {
    return this.#unused.length;
  }

  /**
   * `count` more receive-only sites join; once each holds `perSite` resumed consumers (or after a
   * deadline, with what it has), a tap mirrors them. Join errors are returned, not thrown.
   */
  async addReceivers(count: number, options: { perSite: number; concurrency: number }): Promise<string[]> {
    const tokens = this.#unused.splice(0, count);
    const { ids, errors } = await this.call('receivers', { url: this.server.url, tokens, concurrency: options.concurrency });
    const peers = ids.map((id) => this.room.peer(id as ParticipantId)).filter((p): p is Peer => !!p);
    await waitFor(() => peers.every((p) => p.consumers.length >= options.perSite && p.consumers.every((c) => !c.paused)), {
      timeout: 60_000,
      what: `${options.perSite} resumed consumers at each new site`,
    }).catch((error: Error) => errors.push(error.message));
    await this.#tap(peers);
    return errors;
  }

  async #tap(peers: readonly Peer[]): Promise<void> {
    const added: ms.Consumer[] = [];
    const withConsumers = peers.filter((p) => p.consumers.length > 0);
    const taps: EgressTap[] = [];
    // A few dozen at a time: one by one, a step of a hundred sites waits on 600 worker requests in a row.
    for (let i = 0; i < withConsumers.length; i += 25) {
      const batch = withConsumers.slice(i, i + 25).map((peer) =>
        egressTap(
          peer.place.router,
          this.sink,
          peer.consumers.map((c) => ({ producerId: c.producerId, rtpCapabilities: peer.rtpCapabilities, spatialLayer: c.preferredLayers?.spatialLayer })),
        ),
      );
      taps.push(...(await Promise.all(batch)));
    }
    for (const tap of taps) {
      this.#taps.push(tap);
      added.push(...tap.consumers);
      this.receivers.push(
        tap.consumers.map((c) => {
          const from = this.#senderOf.get(c.producerId);
          if (!from) throw new Error(`a consumer of a producer that is not the chair's or the floor holder's (${c.producerId})`);
          return { ...from, layer: c.kind === 'video' ? c.preferredLayers?.spatialLayer : undefined };
        }),
      );
    }
    await atTheirLayers(added);
  }

  async close(): Promise<void> {
    for (const tap of this.#taps) tap.close();
    await this.call('close', {}).catch(() => null);
    await this.thread.terminate();
    await this.server.close();
    this.cleanup();
  }
}

/** Video consumers forward from their preferred layer once a key frame of it arrives (one a second here). */
export async function atTheirLayers(consumers: readonly ms.Consumer[]): Promise<void> {
  const video = consumers.filter((c) => c.kind === 'video');
  await waitFor(() => video.every((c) => c.currentLayers?.spatialLayer === c.preferredLayers?.spatialLayer), {
    timeout: 15_000,
    what: 'every video consumer at its layer',
  }).catch((error: Error) => console.log(`  ${error.message}`));
}
