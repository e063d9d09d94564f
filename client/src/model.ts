/**
 * What the page knows about the meeting, fed by the server's events; the views render from it.
 * One change signal: control actions are human-paced, so views simply re-render.
 */
import type { ChatMessage, ConferenceState, GridPage, RollCall, WaitingInfo } from '../../protocol/conference.js';
import type { ParticipantInfo, AgendaEntry } from '../../protocol/events.js';
import type { ParticipantId } from '../../protocol/ids.js';

/** Where this page is: before the join ack, the waiting room, the guest lobby, in the meeting, or after it. */
export type Phase = 'joining' | 'waiting' | 'lobby' | 'live' | 'ended';

export class Model {
  self: ParticipantInfo | null = null;
  meetingId: string | null = null;
  phase: Phase = 'joining';
  waiting: WaitingInfo | null = null;
  /** A scheduled meeting's agenda: floor requests pick an item of it. */
  agenda: AgendaEntry[] = [];
  readonly participants = new Map<ParticipantId, ParticipantInfo>();
  conference: ConferenceState | null = null;
  grid: GridPage | null = null;
  rollCall: RollCall | null = null;
  /** The server does not answer get-roll-call (an older server): the console says so. */
  rollCallUnavailable = false;
  readonly messages: ChatMessage[] = [];
  /** The server holds this participant's microphone. */
  muted = true;
  /** The local microphone's own switch (the user muted it). */
  micPaused = false;
  /** What the server sends this page: all video, or audio only on a weak link. */
  linkMode: 'full' | 'audio-only' = 'full';
  cameraPaused = false;
  activeSpeaker: ParticipantId | null = null;
  /** The roll call as this site sees it: when the chair last called it, and our confirmation. */
  rollCalledAt: number | null = null;
  confirmedAt: number | null = null;
  headcount: number | null = null;
  readonly #listeners = new Set<() => void>();
  #scheduled = false;

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Re-renders once per frame however many events arrived. */
  changed(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      for (const listener of this.#listeners) listener();
    });
  }

  get isControl(): boolean {
    return this.self?.role === 'chair' || this.self?.role === 'secretary';
  }

  name(id: ParticipantId | null | undefined): string {
    if (!id) return '';
    if (id === this.self?.id) return this.self.name;
    return this.participants.get(id)?.name ?? '…';
  }

  /** Takes a newer conference state; an older snapshot arriving late is dropped. */
  setConference(state: ConferenceState): void {
    if (this.conference && state.version < this.conference.version) return;
    this.conference = state;
    this.changed();
  }

  /** 1-based position of our floor request in the queue, or null. */
  get queuePosition(): number | null {
    const index = this.conference?.queue.findIndex((r) => r.participantId === this.self?.id) ?? -1;
    return index < 0 ? null : index + 1;
  }

  get hasFloor(): boolean {
    return !!this.self && this.conference?.floor?.participantId === this.self.id;
  }

  mayRequestFloor(): boolean {
    const role = this.self?.role;
    return role === 'site' || role === 'official' || role === 'secretary';
  }

  mayMessageAll(): boolean {
    return this.self?.role !== 'observer';
  }

  /** Whether the site may switch its microphone on itself: it holds the floor, or the chair let it speak. */
  get maySpeak(): boolean {
    return !!this.self && (this.conference?.speakers.includes(this.self.id) ?? false);
  }
}
