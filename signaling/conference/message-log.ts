/** The meeting's text messages, newest last; the attendance log will persist them. */
import type { ChatMessage } from '../../protocol/conference.js';

const KEEP = 500;

export class MessageLog {
  #messages: ChatMessage[] = [];
  #nextId = 1;

  add(message: Omit<ChatMessage, 'id'>): ChatMessage {
    const stored = { id: this.#nextId++, ...message };
    this.#messages.push(stored);
    if (this.#messages.length > KEEP) this.#messages = this.#messages.slice(-KEEP);
    return stored;
  }

  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }
}
