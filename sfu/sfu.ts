import type { Logger } from '../lib/log.js';
import type { MeetingId } from '../protocol/ids.js';
import type { SfuConfig } from './config.js';
import { Room } from './room.js';
import { WorkerPool } from './worker-pool.js';

export interface Sfu {
  readonly pool: WorkerPool;
  /** The meeting's room, created on first use, held for the caller (who must release() it). */
  holdRoom(meetingId: MeetingId): Promise<Room>;
  /** The meeting's room if it is open. */
  existingRoom(meetingId: MeetingId): Room | undefined;
  /** Rooms open on this node (the cluster registry announces it as load). */
  openRooms(): number;
  close(): void;
}

export async function createSfu(config: SfuConfig, log: Logger): Promise<Sfu> {
  const pool = await WorkerPool.start(config, log);
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
      { initialOutgoingBitrate: config.initialOutgoingBitrate, consumersPerWorker: config.consumersPerWorker, listenIp: config.listenIp, announcedAddress: config.announcedAddress },
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

  return {
    pool,
    holdRoom,
    existingRoom: (meetingId) => open.get(meetingId),
    openRooms: () => open.size,
    close() {
      for (const r of open.values()) r.close();
      pool.close();
    },
  };
}
