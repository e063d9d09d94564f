/** The live meetings of this node, by meeting id. */
import type { Logger } from '../../lib/log.js';
import type { MeetingId } from '../../protocol/ids.js';
import type { LiveStore } from '../live-store.js';
import type { MeetingServer } from '../session.js';
import type { JoinClaims } from '../../protocol/claims.js';
import { Admission } from './admission.js';
import { Conference } from './conference.js';

export class Conferences {
  readonly #byMeeting = new Map<MeetingId, Conference>();
  /** Log writes of conferences already forgotten, still on their way to the store. */
  readonly #draining = new Set<Promise<void>>();
  /** Meetings being looked up in the store, so two arrivals at once open one conference. */
  readonly #opening = new Map<MeetingId, Promise<Conference>>();

  constructor(
    private readonly deps: {
      io: MeetingServer;
      log: Logger;
      live?: LiveStore | undefined;
      /** A meeting's conference was closed and dropped: this node holds nothing of it any more. */
      forgotten?: ((meetingId: MeetingId) => void) | undefined;
    },
  ) {}

  get(meetingId: MeetingId): Conference | undefined {
    return this.#byMeeting.get(meetingId);
  }

  /**
   * The handshake's check of removed links and the lock: against the live meeting on this node,
   * else against what was saved (after a restart, or once everyone had left).
   */
  async checkEntry(claims: JoinClaims): Promise<void> {
    const meetingId = claims.meetingId as MeetingId;
    const live = this.#byMeeting.get(meetingId);
    if (live) return live.checkEntry(claims);
    const saved = await this.deps.live?.admission(meetingId);
    if (!saved) return;
    const admission = new Admission();
    admission.restore(saved);
    admission.check(claims, false);
  }

  /** The meeting's conference, opened with what the scheduler holds of it (an ad-hoc meeting when nothing). */
  async open(meetingId: MeetingId): Promise<Conference> {
    const existing = this.#byMeeting.get(meetingId);
    if (existing) return existing;
    let opening = this.#opening.get(meetingId);
    if (!opening) {
      opening = (async () => {
        const [meeting, admission] = await Promise.all([this.deps.live?.meeting(meetingId), this.deps.live?.admission(meetingId)]);
        const conference = this.#byMeeting.get(meetingId) ?? new Conference({ meetingId, ...this.deps, meeting, admission });
        this.#byMeeting.set(meetingId, conference);
        return conference;
      })();
      this.#opening.set(meetingId, opening);
      const forget = () => this.#opening.delete(meetingId);
      opening.then(forget, forget);
    }
    return opening;
  }

  /**
   * After someone leaves: an empty meeting past its scheduled end is ended (as the chair would), so
   * its status is not left live; an empty meeting is forgotten, unless it must remember removed
   * links, its lock or that it ended.
   */
  settle(meetingId: MeetingId): void {
    const conference = this.#byMeeting.get(meetingId);
    if (!conference || conference.connected > 0) return;
    if (conference.overdue(Date.now())) {
      const ending = conference
        .end(null)
        .catch((error: Error) => this.deps.log.error('could not end an empty meeting past its end', { meetingId, error: error.message }))
        .then(() => this.settle(meetingId));
      this.#draining.add(ending);
      void ending.then(() => this.#draining.delete(ending));
      return;
    }
    if (conference.remembers) return;
    conference.close();
    this.#byMeeting.delete(meetingId);
    const draining = conference.flushed();
    this.#draining.add(draining);
    void draining.then(() => this.#draining.delete(draining));
    this.deps.forgotten?.(meetingId);
  }

  /** The meetings this node has a conference for. */
  meetings(): MeetingId[] {
    return [...this.#byMeeting.keys()];
  }

  /** Everyone connected and joined: in the meeting, the waiting room or the lobby. */
  count(meetingId: MeetingId): number {
    return this.#byMeeting.get(meetingId)?.connected ?? 0;
  }

  /** Everyone connected and joined, over all meetings of this node. */
  total(): number {
    let n = 0;
    for (const conference of this.#byMeeting.values()) n += conference.connected;
    return n;
  }

  /** Resolves once every conference's attendance entries made so far are written. */
  flushed(): Promise<void> {
    return Promise.all([...[...this.#byMeeting.values()].map((c) => c.flushed()), ...this.#draining]).then(() => undefined);
  }

  close(): void {
    for (const conference of this.#byMeeting.values()) conference.close();
    this.#byMeeting.clear();
  }
}
