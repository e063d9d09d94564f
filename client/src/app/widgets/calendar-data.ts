/**
 * What the calendar shows, computed once per load: each occurrence of each meeting in the range
 * as an entry with its day (in Vietnam), its host hall's and chair's names, and a folded text to
 * search — so filtering hundreds of entries as one types is a string test per row, no request.
 */
import type { MeetingView } from '../../../../scheduler/meeting-view.js';
import type { Hall, Person, Unit } from '../../../../store/records.js';
import type { AppContext } from '../context.js';
import { localDateValue } from '../format.js';
import { fold } from '../text.js';

export { fold };

export type { MeetingView };

export interface CalendarEntry {
  meeting: MeetingView;
  /** The occurrence, epoch ms. */
  start: number;
  end: number;
  /** Its start day in Vietnam, YYYY-MM-DD. */
  day: string;
  hallName: string;
  chairName: string;
  /** Title, hall and chair, folded (no case, no marks) for the search box. */
  haystack: string;
}

export interface UnitOption {
  unit: Unit;
  depth: number;
}

export interface Directory {
  units: UnitOption[];
  halls: Hall[];
  hallNames: ReadonlyMap<string, string>;
  personNames: ReadonlyMap<string, string>;
}


/** Does the entry match every word of the (folded) query? */
export function matches(entry: CalendarEntry, foldedQuery: string): boolean {
  if (foldedQuery === '') return true;
  return foldedQuery.split(/\s+/).every((word) => entry.haystack.includes(word));
}

const DIRECTORY_TTL_MS = 60_000;
const collator = new Intl.Collator('vi');

/**
 * Units, halls and (for the office) people, kept for a minute across the calendar's re-renders:
 * paging week by week should not re-read the directory each time.
 */
export async function loadDirectory(ctx: AppContext): Promise<Directory> {
  const cache = ctx.draft<{ at: number; directory: Directory | null }>('calendar:directory', () => ({ at: 0, directory: null }));
  if (cache.directory && Date.now() - cache.at < DIRECTORY_TTL_MS) return cache.directory;
  const [units, halls, people] = await Promise.all([
    ctx.api.get<Unit[]>('/api/units'),
    ctx.api.get<Hall[]>('/api/halls'),
    // Others than the office see only themselves in /api/people: their own name is in the session.
    ctx.session.isOffice ? ctx.api.get<Person[]>('/api/people') : Promise.resolve([] as Person[]),
  ]);
  const personNames = new Map(people.map((p) => [p.id, p.name]));
  const me = ctx.session.person;
  if (me) personNames.set(me.id, me.name);
  const directory: Directory = {
    units: withDepth(units),
    halls,
    hallNames: new Map(halls.map((h) => [h.id, h.name])),
    personNames,
  };
  cache.at = Date.now();
  cache.directory = directory;
  return directory;
}

/** Units come parents first: a unit's depth is its parent's plus one (0 when the parent is out of sight). */
function withDepth(units: readonly Unit[]): UnitOption[] {
  const depth = new Map<string, number>();
  return units.map((unit) => {
    const d = unit.parentId !== null && depth.has(unit.parentId) ? (depth.get(unit.parentId) as number) + 1 : 0;
    depth.set(unit.id, d);
    return { unit, depth: d };
  });
}

export interface RangeQuery {
  from: number;
  to: number;
  unitId?: string | undefined;
  hallId?: string | undefined;
}

/** The most meetings one request returns (the API's own ceiling). */
export const MEETINGS_MAX = 1000;

/**
 * The meetings with an occurrence in [from, to), one entry per occurrence, in time order;
 * `truncated` when the API's ceiling cut the answer short.
 */
export async function loadEntries(ctx: AppContext, directory: Directory, q: RangeQuery): Promise<{ entries: CalendarEntry[]; truncated: boolean }> {
  const { meetings } = await ctx.api.get<{ meetings: MeetingView[] }>('/api/meetings', {
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    unitId: q.unitId,
    hallId: q.hallId,
    limit: MEETINGS_MAX,
  });
  const entries: CalendarEntry[] = [];
  for (const meeting of meetings) {
    const hallName = meeting.hostHallName ?? directory.hallNames.get(meeting.hostHallId) ?? meeting.hostHallId;
    const chairName = meeting.chairName ?? directory.personNames.get(meeting.chairId) ?? meeting.chairId;
    const haystack = fold(`${meeting.title} ${hallName} ${chairName}`);
    const occurrences = meeting.occurrences ?? [{ start: meeting.start, end: meeting.end }];
    for (const o of occurrences) {
      const start = Date.parse(o.start);
      entries.push({ meeting, start, end: Date.parse(o.end), day: localDateValue(start), hallName, chairName, haystack });
    }
  }
  entries.sort((a, b) => a.start - b.start || collator.compare(a.meeting.title, b.meeting.title));
  return { entries, truncated: meetings.length >= MEETINGS_MAX };
}

/** Entries by their Vietnam day. */
export function byDay(entries: readonly CalendarEntry[]): Map<string, CalendarEntry[]> {
  const days = new Map<string, CalendarEntry[]>();
  for (const e of entries) {
    const list = days.get(e.day);
    if (list) list.push(e);
    else days.set(e.day, [e]);
  }
  return days;
}
