/** Vietnamese first, English second. Text nodes carry their key so a language switch re-renders them. */
import type { Role } from '../../protocol/claims.js';
import { en } from './strings/en.js';
import { vi, type MessageKey } from './strings/vi.js';

export type { MessageKey };

export type Lang = 'vi' | 'en';

const dictionaries: Record<Lang, Record<MessageKey, string>> = { vi, en };

const REFUSALS: Record<string, MessageKey> = {
  cancelled: 'closed.cancelled',
  ended: 'closed.ended',
  removed: 'closed.removed',
  outdated: 'closed.outdated',
  moved: 'closed.moved',
  between: 'closed.between',
  /** MOVED (signaling/signaling.ts) seen again after following it once. */
  'other-node': 'closed.otherNode',
};

/** The text for a refused join: by the server's `details.reason` (scheduler/join-admission.ts), else by code. */
export function refusalKey(body: { code?: string; details?: unknown } | undefined): MessageKey {
  const reason = (body?.details as { reason?: unknown } | undefined)?.reason;
  if (typeof reason === 'string' && REFUSALS[reason]) return REFUSALS[reason];
  if (body?.code === 'MEETING_LOCKED') return 'locked';
  if (body?.code === 'REMOVED') return 'kicked';
  return body?.code === 'TOKEN_EXPIRED' ? 'expired' : body?.code === 'TOKEN_NOT_YET_VALID' ? 'notYet' : 'refused';
}
const STORAGE_KEY = 'diemcau.lang';

export type Params = Record<string, string>;

/** Meetings are held, and their times shown, in Vietnam's time zone. */
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

export class I18n {
  #lang: Lang;
  readonly #listeners: (() => void)[] = [];

  /** Views that format text themselves (times, counts) re-render on a language switch. */
  onSwitch(listener: () => void): void {
    this.#listeners.push(listener);
  }

  constructor(search: URLSearchParams, storage: Storage | null) {
    const wanted = search.get('lang') ?? safeGet(storage, STORAGE_KEY);
    this.#lang = wanted === 'en' ? 'en' : 'vi';
  }

  get lang(): Lang {
    return this.#lang;
  }

  t(key: MessageKey, params: Params = {}): string {
    return dictionaries[this.#lang][key].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
  }

  role(role: Role): string {
    return this.t(`role.${role}`);
  }

  /** Sets an element's text from a key and remembers the key for later switches. */
  bind(el: HTMLElement, key: MessageKey, params: Params = {}): void {
    el.dataset['i18n'] = key;
    el.dataset['i18nParams'] = JSON.stringify(params);
    el.textContent = this.t(key, params);
  }

  /** Sets an attribute (aria-label, placeholder, title) from a key, and remembers it for later switches. */
  bindAttr(el: HTMLElement, attr: 'aria-label' | 'placeholder' | 'title', key: MessageKey, params: Params = {}): void {
    const keys = JSON.parse(el.dataset['i18nAttrs'] ?? '{}') as Record<string, [MessageKey, Params]>;
    keys[attr] = [key, params];
    el.dataset['i18nAttrs'] = JSON.stringify(keys);
    el.setAttribute(attr, this.t(key, params));
  }

  /** A time of day in the meeting's zone (Vietnam), e.g. 08:30. */
  time(at: number | string): string {
    return new Date(at).toLocaleTimeString(this.#lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
  }

  /** A date and time in the meeting's zone, e.g. 08:30 thứ Hai, 01/12/2026. */
  dateTime(at: number | string): string {
    return new Date(at).toLocaleString(this.#lang === 'vi' ? 'vi-VN' : 'en-GB', {
      timeZone: TIME_ZONE,
      weekday: 'long',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  switchTo(lang: Lang, root: ParentNode, storage: Storage | null): void {
    this.#lang = lang;
    try {
      storage?.setItem(STORAGE_KEY, lang);
    } catch {
      // Private mode or blocked storage: the switch still applies to this page.
    }
    document.documentElement.lang = lang;
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
      const params = JSON.parse(el.dataset['i18nParams'] ?? '{}') as Params;
      el.textContent = this.t(el.dataset['i18n'] as MessageKey, params);
    }
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attrs]')) {
      const keys = JSON.parse(el.dataset['i18nAttrs'] ?? '{}') as Record<string, [MessageKey, Params]>;
      for (const [attr, [key, params]] of Object.entries(keys)) el.setAttribute(attr, this.t(key, params));
    }
    for (const listener of this.#listeners) listener();
  }
}

function safeGet(storage: Storage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
