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
  /**
   * Subjects in the meeting while it is locked: not newcomers, so they get back in after a drop,
   * on this node or (the node died) on another. Absent in rules saved before it was kept.
   */
  inside?: string[];
  /** linkKey → who was removed. */
  removed: Record<string, RemovedInfo>;
}

export class Admission {
  readonly #removed = new Map<string, RemovedInfo>();
  readonly #inside = new Set<string>();
  #locked = false;

  /** Starts from what was kept (a node restarted, or the meeting was forgotten while empty). */
  restore(saved: AdmissionSnapshot): void {
    this.#locked = saved.locked;
    for (const [key, info] of Object.entries(saved.removed)) this.#removed.set(key, info);
    for (const subject of saved.inside ?? []) this.#inside.add(subject);
  }

  /** Forgets removals and the lock: the next session of a recurring meeting starts afresh. */
  reset(): void {
    this.#locked = false;
    this.#removed.clear();
    this.#inside.clear();
  }

  snapshot(): AdmissionSnapshot {
    return { locked: this.#locked, removed: Object.fromEntries(this.#removed), ...(this.#locked ? { inside: [...this.#inside] } : {}) };
  }

  get locked(): boolean {
    return this.#locked;
  }

  /** Anything for this node to remember once everyone has left (a removal or a lock). */
  get remembers(): boolean {
    return this.#locked || this.#removed.size > 0;
  }

  /** Locks (with the subjects inside now) or unlocks; whether it changed. */
  setLocked(locked: boolean, inside: readonly string[] = []): boolean {
    if (this.#locked === locked) return false;
    this.#locked = locked;
    this.#inside.clear();
    if (locked) for (const subject of inside) this.#inside.add(subject);
    return true;
  }

  /** Someone entered the locked meeting (the chair, say); whether this is news worth saving. */
  entered(subject: string): boolean {
    if (!this.#locked || this.#inside.has(subject)) return false;
    this.#inside.add(subject);
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
    if (this.#locked && !present && !this.#inside.has(claims.sub) && !may(claims.role, 'enter-locked')) {
      throw new AppError('MEETING_LOCKED', 'The chair has locked the meeting: nobody new may join');
    }
  }
}
