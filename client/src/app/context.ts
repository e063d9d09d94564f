/** What every screen gets: the API, the session, the language, navigation and the page's notices. */
import type { Api } from './api.js';
import type { Lang, Strings, Translate } from './i18n.js';
import type { Session } from './session.js';

export interface AppContext {
  readonly api: Api;
  readonly session: Session;
  readonly lang: Lang;
  /** The translator of a screen's own strings, following the current language. */
  t<K extends string>(strings: Strings<K>): Translate<K>;
  /** Goes to a route, e.g. navigate('/meetings/m-1'). */
  navigate(path: string): void;
  /** A notice at the top of the page (kind 'error' is announced to screen readers at once). */
  flash(message: string, kind?: 'info' | 'error', detail?: string | null): void;
  /** Shows a failed API call: its plain-language headline and the server's own words. */
  fail(error: unknown): void;
  /**
   * Per-route scratch state that outlives a re-render (a language switch re-renders the screen):
   * forms keep what was typed in it.
   */
  draft<T>(key: string, init: () => T): T;
  dropDraft(key: string): void;
}

/** A screen fills `root`; `dispose` stops its timers and listeners when the route changes. */
export interface Screen {
  dispose?(): void;
}

export interface RouteMatch {
  params: Record<string, string>;
  query: URLSearchParams;
}

export type ScreenFactory = (ctx: AppContext, root: HTMLElement, match: RouteMatch) => Screen | void | Promise<Screen | void>;
