/**
 * The remote media the page has, by participant: one consumer per producer, shown in as many places
 * as the layout wants (the chair's grid, the main video, the speaker view).
 */
import type { ParticipantId } from '../../protocol/ids.js';

export type Kind = 'audio' | 'video';

export interface ParticipantTracks {
  video: MediaStreamTrack | null;
  audio: MediaStreamTrack | null;
  videoPaused: boolean;
  audioPaused: boolean;
}

export class RemoteTracks {
  readonly #tracks = new Map<ParticipantId, ParticipantTracks>();
  readonly #listeners = new Set<(id: ParticipantId) => void>();

  onChange(listener: (id: ParticipantId) => void): void {
    this.#listeners.add(listener);
  }

  get(id: ParticipantId | null | undefined): ParticipantTracks | undefined {
    return id ? this.#tracks.get(id) : undefined;
  }

  set(id: ParticipantId, kind: Kind, track: MediaStreamTrack, paused: boolean): void {
    const entry = this.#ensure(id);
    entry[kind] = track;
    entry[kind === 'video' ? 'videoPaused' : 'audioPaused'] = paused;
    this.#emit(id);
  }

  clear(id: ParticipantId, kind: Kind): void {
    const entry = this.#tracks.get(id);
    if (!entry) return;
    entry[kind] = null;
    entry[kind === 'video' ? 'videoPaused' : 'audioPaused'] = true;
    this.#emit(id);
  }

  setPaused(id: ParticipantId, kind: Kind, paused: boolean): void {
    const entry = this.#tracks.get(id);
    if (!entry) return;
    entry[kind === 'video' ? 'videoPaused' : 'audioPaused'] = paused;
    this.#emit(id);
  }

  remove(id: ParticipantId): void {
    if (this.#tracks.delete(id)) this.#emit(id);
  }

  clearAll(): void {
    for (const id of [...this.#tracks.keys()]) this.remove(id);
  }

  #ensure(id: ParticipantId): ParticipantTracks {
    let entry = this.#tracks.get(id);
    if (!entry) {
      entry = { video: null, audio: null, videoPaused: true, audioPaused: true };
      this.#tracks.set(id, entry);
    }
    return entry;
  }

  #emit(id: ParticipantId): void {
    for (const listener of this.#listeners) listener(id);
  }
}
