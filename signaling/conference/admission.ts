/** Who may come in: removed join links stay out until re-admitted, and a locked meeting takes nobody new. */
import { AppError } from '../../lib/errors.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { RemovedInfo } from '../../protocol/conference.js';
import type { SubjectId } from '../../protocol/ids.js';
import { may } from './permissions.js';

/** A join link: its token id, or its subject when the token has none (the meeting is implied). */
export function linkKey(claims: JoinClaims): string {
  return claims.jti === undefined ? `sub:${claims.sub}` : `jti:${claims.jti}`;
}

/** What is kept of the admission rules across restarts. */
export interface AdmissionSnapshot {
  locked: boolean;
  /** linkKey → who was removed. */
  removed: Record<string, RemovedInfo>;
}

export class Admission {
  readonly #removed = new Map<string, RemovedInfo>();
  #locked = false;

  /** Starts from what was kept (a node restarted, or the meeting was forgotten while empty). */
  restore(saved: AdmissionSnapshot): void {
    this.#locked = saved.locked;
    for (const [key, info] of Object.entries(saved.removed)) this.#removed.set(key, info);
  }

  /** Forgets removals and the lock: the next session of a recurring meeting starts afresh. */
  reset(): void {
    this.#locked = false;
    this.#removed.clear();
  }

  snapshot(): AdmissionSnapshot {
    return { locked: this.#locked, removed: Object.fromEntries(this.#removed) };
  }

  get locked(): boolean {
    return this.#locked;
  }

  /** Anything for this node to remember once everyone has left (a removal or a lock). */
  get remembers(): boolean {
    return this.#locked || this.#removed.size > 0;
  }

  setLocked(locked: boolean): boolean {
    if (this.#locked === locked) return false;
    this.#locked = locked;
    return true;
  }

  remove(claims: JoinClaims, now: number): void {
    this.#removed.set(linkKey(claims), { subjectId: claims.sub as SubjectId, name: claims.name, removedAt: now });
  }

  /** Lets every removed link of a subject in again; how many there were. */
  admit(subjectId: string): number {
    let admitted = 0;
    for (const [key, removed] of this.#removed) {
      if (removed.subjectId !== subjectId) continue;
      this.#removed.delete(key);
      admitted++;
    }
    return admitted;
  }

  removed(): RemovedInfo[] {
    return [...this.#removed.values()];
  }

  /**
   * Throws REMOVED for a removed link and MEETING_LOCKED for a newcomer to a locked meeting.
   * `present`: the subject is already in (a hall reconnecting is not new); chair and secretary always get in.
   */
  check(claims: JoinClaims, present: boolean): void {
    if (this.#removed.has(linkKey(claims))) {
      throw new AppError('REMOVED', 'The chair removed this join link from the meeting; ask the secretariat to re-admit you');
    }
    if (this.#locked && !present && !may(claims.role, 'enter-locked')) {
      throw new AppError('MEETING_LOCKED', 'The chair has locked the meeting: nobody new may join');
    }
  }
}
