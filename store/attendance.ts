import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';
import type { AttendanceEntry } from './records.js';

/** Entries kept per meeting at most; a 240-site meeting of a day writes a few thousand. */
const MAX_ENTRIES = 100_000;

/**
 * The attendance log of a meeting: joins, leaves, roll-call confirmations, headcounts, floor
 * turns, removals and messages, appended (RPUSH) as they happen so nothing is lost when a node
 * stops, and read whole for the report.
 */
export class AttendanceStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async append(meetingId: string, entry: AttendanceEntry): Promise<void> {
    const key = this.keys.attendance(meetingId);
    await this.redis.multi().rPush(key, JSON.stringify(entry)).lTrim(key, -MAX_ENTRIES, -1).exec();
  }

  /** The newest entry, if any. */
  async last(meetingId: string): Promise<AttendanceEntry | undefined> {
    const value = await this.redis.lIndex(this.keys.attendance(meetingId), -1);
    return value == null ? undefined : (JSON.parse(value) as AttendanceEntry);
  }

  async list(meetingId: string): Promise<AttendanceEntry[]> {
    const values = await this.redis.lRange(this.keys.attendance(meetingId), 0, -1);
    return values.map((v) => JSON.parse(v) as AttendanceEntry);
  }
}
