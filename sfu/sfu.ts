import type { Logger } from '../lib/log.js';
import type { MeetingId, NodeId } from '../protocol/ids.js';
import { CascadeAgent } from './cascade/agent.js';
import { M, type PeerEventReport, type ProducerPause, type ProducerRef } from './cascade/messages.js';
import type { SfuConfig } from './config.js';
import { Room, type RoomCascade } from './room.js';
import { WorkerPool } from './worker-pool.js';

export interface Sfu {
  readonly pool: WorkerPool;
  /** The meeting's room, created on first use, held for the caller (who must release() it). */
  holdRoom(meetingId: MeetingId): Promise<Room>;
  /** The meeting's room if it is open. */
  existingRoom(meetingId: MeetingId): Room | undefined;
  /** Rooms open on this node (the cluster registry announces it as load). */
  openRooms(): number;
  /** This node's media for meetings served by other nodes (the cascade), if it is in a cluster. */
  readonly agent: CascadeAgent | undefined;
  /** A node left the cluster: its part of meetings served here, and meetings it served with media here, close. */
  nodeGone(node: NodeId): void;
  close(): void;
}

export async function createSfu(config: SfuConfig, log: Logger, cascade?: RoomCascade): Promise<Sfu> {
  const pool = await WorkerPool.start(config, log);
  const listen = { listenIp: config.listenIp, announcedAddress: config.announcedAddress, portRange: config.portRange };
  // Promises, so two sessions arriving at once share one room.
  const rooms = new Map<MeetingId, Promise<Room>>();
  const open = new Map<MeetingId, Room>();

  async function room(meetingId: MeetingId): Promise<Room> {
    const existing = rooms.get(meetingId);
    if (existing) {
      const r = await existing;
      if (!r.closed) return r;
    }
    const created = Room.create(
      meetingId,
      pool,
      {
        initialOutgoingBitrate: config.initialOutgoingBitrate,
        consumersPerWorker: config.consumersPerWorker,
        listen,
        cascade,
      },
      log,
    );
    rooms.set(meetingId, created);
    try {
      const r = await created;
      open.set(meetingId, r);
      r.once('closed', () => {
        if (open.get(meetingId) === r) open.delete(meetingId);
        if (rooms.get(meetingId) === created) rooms.delete(meetingId);
      });
      return r;
    } catch (error) {
      rooms.delete(meetingId);
      throw error;
    }
  }

  async function holdRoom(meetingId: MeetingId): Promise<Room> {
    // A room can close between being found and being held (its last holder just left): look again.
    for (;;) {
      const r = await room(meetingId);
      if (!r.closed) {
        r.hold();
        return r;
      }
    }
  }

  let agent: CascadeAgent | undefined;
  if (cascade) {
    const { bus } = cascade;
    agent = new CascadeAgent(
      bus,
      pool,
      {
        initialOutgoingBitrate: config.initialOutgoingBitrate,
        consumersPerWorker: config.consumersPerWorker,
        listen,
      },
      log,
    );
    // Media nodes report on the participants of meetings served here.
    bus.handle(M.peerEvent, (p, from) => open.get((p as PeerEventReport).meetingId as MeetingId)?.remoteReport(from, p as PeerEventReport));
    bus.handle(M.importPause, (p, from) => {
      const { meetingId, producerId, paused } = p as ProducerPause;
      open.get(meetingId as MeetingId)?.remoteProducer(from, producerId, { paused });
    });
    bus.handle(M.importClosed, (p, from) => {
      const { meetingId, producerId } = p as ProducerRef;
      open.get(meetingId as MeetingId)?.remoteProducer(from, producerId, 'closed');
    });
  }

  return {
    pool,
    holdRoom,
    existingRoom: (meetingId) => open.get(meetingId),
    openRooms: () => open.size,
    agent,
    nodeGone(node) {
      for (const r of open.values()) r.nodeGone(node);
      agent?.nodeGone(node);
    },
    close() {
      agent?.close();
      for (const r of open.values()) r.close();
      pool.close();
    },
  };
}
