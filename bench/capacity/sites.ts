/**
 * The system curve's sites, in a worker thread so their CPU is not the server's event loop: the
 * chair and one floor holder join and publish (plain RTP ingest, Opus + VP8 simulcast from the load
 * harness's pacer); every other site joins receive-only (a WebRTC receive transport, consumers
 * accepted as the browser does) and sends nothing, so the worker's ingest stays the same while its
 * consumers grow.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import type { Test } from 'tap';
import { serve, type Handlers } from '../thread-rpc.js';
import { connectSocket, connected, ok, type ClientSocket } from '../../test/helpers/socket-client.js';
import { Pacer, publishOverIngest } from '../load/rtp.js';

export type SiteRequests = {
  /** The chair joins, opens the meeting and publishes; the first site token joins, publishes and gets the floor. */
  setup: [{ url: string; chairToken: string; floorToken: string; fps: number }, { chairId: string; floorId: string }];
  /** Receive-only sites join with these tokens, `concurrency` at a time; their participant ids. */
  receivers: [{ url: string; tokens: string[]; concurrency: number }, { ids: string[]; errors: string[] }];
  stats: [Record<string, never>, { packetsSent: number }];
  close: [Record<string, never>, null];
};

if (!isMainThread && parentPort) serveSites(parentPort);

function serveSites(port: NonNullable<typeof parentPort>): void {
  const cleanups: (() => unknown)[] = [];
  const scope = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as Test;
  let pacer: Pacer | undefined;
  let ssrc = 100_000;

  const join = async (url: string, token: string) => {
    const socket = connectSocket(scope, url, token);
    await connected(socket);
    socket.on('new-consumer', (_consumer, ack) => ack({ ok: true, data: null }));
    const caps = await ok(socket, 'router-capabilities', {});
    const joined = await ok(socket, 'join', { rtpCapabilities: caps });
    await ok(socket, 'create-transport', { direction: 'recv' });
    return { socket, caps, id: joined.self.id as string };
  };

  const publish = async (socket: ClientSocket, caps: Awaited<ReturnType<typeof join>>['caps']) => {
    if (!pacer) throw new Error('no pacer');
    await publishOverIngest(socket, caps, pacer, (ssrc += 10));
  };

  const handlers: Handlers<SiteRequests> = {
    async setup({ url, chairToken, floorToken, fps }) {
      pacer = new Pacer(fps);
      const chair = await join(url, chairToken);
      await ok(chair.socket, 'open-meeting', {});
      await publish(chair.socket, chair.caps);
      const floor = await join(url, floorToken);
      await publish(floor.socket, floor.caps);
      await ok(chair.socket, 'grant-floor', { participantId: floor.id });
      return { chairId: chair.id, floorId: floor.id };
    },
    async receivers({ url, tokens, concurrency }) {
      const ids: string[] = [];
      const errors: string[] = [];
      let next = 0;
      const lane = async () => {
        while (next < tokens.length) {
          const i = next++;
          try {
            ids.push((await join(url, tokens[i]!)).id);
          } catch (error) {
            errors.push(error instanceof Error ? error.message : String(error));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tokens.length)) }, lane));
      return { ids, errors: errors.slice(0, 5) };
    },
    async stats() {
      return { packetsSent: pacer?.packetsSent ?? 0 };
    },
    async close() {
      pacer?.close();
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      return null;
    },
  };
  serve<SiteRequests>(port, handlers);
}
