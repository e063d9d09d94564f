/**
 * Hash routes (#/meetings/m-1?tab=invitations): the server serves one page at /app, and links
 * to screens work when copied, reloaded, or opened in a new tab.
 */
import type { AccountRole } from '../../../store/records.js';
import type { ScreenFactory } from './context.js';

export interface Route {
  /** e.g. '/meetings/:id/attendance' */
  pattern: string;
  /** Who may open it (an admin counts as a secretariat); every signed-in person when absent. */
  roles?: AccountRole[];
  screen: ScreenFactory;
}

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function currentLocation(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

export function match(routes: readonly Route[], path: string): { route: Route; params: Record<string, string> } | null {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const want = route.pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (const [i, segment] of want.entries()) {
      const got = parts[i] as string;
      if (segment.startsWith(':')) {
        try {
          params[segment.slice(1)] = decodeURIComponent(got);
        } catch {
          ok = false;
        }
      } else if (segment !== got) ok = false;
      if (!ok) break;
    }
    if (ok) return { route, params };
  }
  return null;
}
