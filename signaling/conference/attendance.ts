/**
 * The meeting's attendance log as it happens: entries go to the LiveStore one after another, in the
 * order they were made, and a failure (Redis away) is logged, never thrown into the signaling path.
 */
import type { Logger } from '../../lib/log.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { AttendanceEntry, AttendanceEventType } from '../../store/records.js';
import type { LiveStore } from '../live-store.js';

/** Who an entry is about, from a join token (and the invitation it came from, if any). */
export interface Subject {
  claims: JoinClaims;
  invitationId?: string | undefined;
}

type Extra = Omit<AttendanceEntry, 'at' | 'type' | 'subjectId' | 'name' | 'role' | 'hallId' | 'invitationId'>;

export class AttendanceRecorder {
  #chain: Promise<void> = Promise.resolve();
  #failures = 0;
  #stopped = false;

  constructor(
    private readonly meetingId: string,
    private readonly store: LiveStore | undefined,
    private readonly log: Logger,
  ) {}

  record(type: AttendanceEventType, about?: Subject, extra: Extra = {}): void {
    if (!this.store || this.#stopped) return;
    const store = this.store;
    const entry: AttendanceEntry = {
      at: new Date().toISOString(),
      type,
      ...(about ? subjectFields(about) : {}),
      ...extra,
    };
    this.#chain = this.#chain
      .then(() => store.record(this.meetingId, entry))
      .catch((error: unknown) => {
        // Logged once in a while, not per entry: a 240-site meeting must not flood the log when Redis is away.
        if (this.#failures++ % 100 === 0)
          this.log.error('attendance entry not stored', { type, failures: this.#failures, error: error instanceof Error ? error.message : String(error) });
      });
  }

  /** No more entries (the node is shutting down and its store with it). */
  stop(): void {
    this.#stopped = true;
  }

  /** Resolves once every entry made so far has been written or given up on (tests, shutdown). */
  flushed(): Promise<void> {
    return this.#chain;
  }
}

function subjectFields({ claims, invitationId }: Subject): Partial<AttendanceEntry> {
  return {
    subjectId: claims.sub,
    name: claims.name.slice(0, 200),
    role: claims.role,
    ...(claims.hallId ? { hallId: claims.hallId } : {}),
    ...(invitationId ? { invitationId } : {}),
  };
}

/** The `by` of a control action. */
export const by = (claims: JoinClaims): { bySubjectId: string } => ({ bySubjectId: claims.sub });
