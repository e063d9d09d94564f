/**
 * "My meetings" (#/home): the meetings ahead (and the live ones) where the signed-in person
 * chairs, is a secretary or is invited, or — for an operator — where a hall they operate hosts or
 * is a site; each with their own invitations, RSVP buttons and a join button that opens by itself
 * 30 minutes before the session.
 */
import type { MeetingView } from '../../../../scheduler/meeting-view.js';
import type { Hall } from '../../../../store/records.js';
import type { ScreenFactory } from '../context.js';
import { defineStrings } from '../i18n.js';
import { h, heading } from '../ui.js';
import { meetingCard, tokenOf, type HomeItem, type InvitationRow, type MeetingCard } from '../widgets/rsvp-card.js';

/** Reach back this far so a live meeting running over its end is still listed. */
const LOOK_BACK_MS = 24 * 3600_000;
/** setTimeout holds at most ~24.8 days. */
const MAX_TIMER_MS = 2_000_000_000;

const strings = defineStrings({
  vi: {
    title: 'Cuộc họp sắp tới của tôi',
    deviceCheck: 'Kiểm tra thiết bị',
    none: 'Bạn không có cuộc họp nào sắp tới.',
    timeZone: 'Giờ Việt Nam (UTC+7). Nút "Vào họp" mở trước giờ họp 30 phút.',
  },
  en: {
    title: 'My upcoming meetings',
    deviceCheck: 'Device check',
    none: 'You have no upcoming meetings.',
    timeZone: 'Vietnam time (UTC+7). The "Join" button opens 30 minutes before the start.',
  },
});

interface LandingMeeting {
  meeting: { hostHall: string | null };
}

export const homeScreen: ScreenFactory = async (ctx, root) => {
  const t = ctx.t(strings);
  const me = ctx.session.person?.id ?? '';
  const now = Date.now();
  const from = new Date(now - LOOK_BACK_MS).toISOString();

  const halls = await ctx.api.get<Hall[]>('/api/halls');
  const hallNames = new Map(halls.map((hall) => [hall.id, hall.name]));
  const ownHalls = ctx.session.has('operator') ? halls.filter((hall) => hall.operatorId === me) : [];
  const ownHallIds = new Set(ownHalls.map((hall) => hall.id));

  // As a person, and for each hall operated: the API's own filters, merged.
  const lists = await Promise.all([
    ctx.api.get<{ meetings: MeetingView[] }>('/api/meetings', { from, personId: me, limit: 1000 }),
    ...ownHalls.map((hall) => ctx.api.get<{ meetings: MeetingView[] }>('/api/meetings', { from, hallId: hall.id, limit: 1000 })),
  ]);
  const meetings = new Map<string, MeetingView>();
  for (const list of lists) for (const m of list.meetings) meetings.set(m.id, m);

  const sessions = [...meetings.values()]
    .map((meeting) => ({ meeting, session: sessionOf(meeting, now) }))
    .filter((x): x is { meeting: MeetingView; session: { start: number; end: number } } => x.session !== undefined)
    .sort((a, b) => a.session.start - b.session.start || a.meeting.title.localeCompare(b.meeting.title, 'vi'));

  const items: HomeItem[] = await Promise.all(
    sessions.map(async ({ meeting, session }) => {
      const { invitations } = await ctx.api.get<{ invitations: InvitationRow[] }>(`/api/meetings/${encodeURIComponent(meeting.id)}/invitations`);
      const mine = invitations.filter((i) => !i.removed && ((i.kind === 'person' && i.personId === me) || (i.kind === 'hall' && i.hallId !== undefined && ownHallIds.has(i.hallId))));
      return { meeting, ...session, invitations: mine, place: await placeOf(meeting, mine) };
    }),
  );

  /** The host hall's name: from the directory when the caller sees that hall, else from their own invitation's landing. */
  async function placeOf(meeting: MeetingView, mine: InvitationRow[]): Promise<string> {
    const known = hallNames.get(meeting.hostHallId) ?? mine.find((i) => i.hallId === meeting.hostHallId)?.name;
    if (known) return known;
    const token = mine.map((i) => (i.joinUrl ? tokenOf(i.joinUrl) : null)).find((x) => x);
    if (!token) return meeting.hostHallId;
    try {
      const landing = await ctx.api.get<LandingMeeting>(`/api/invitations/${encodeURIComponent(token)}`);
      return landing.meeting.hostHall ?? meeting.hostHallId;
    } catch {
      return meeting.hostHallId;
    }
  }

  const cards: MeetingCard[] = items.map((item) => meetingCard(ctx, item));
  root.append(
    heading(t('title'), h('a', { className: 'button', href: '#/device-check' }, t('deviceCheck'))),
    h('p', { className: 'muted' }, t('timeZone')),
    cards.length === 0 ? h('p', { className: 'empty' }, t('none')) : h('div', { className: 'home-list' }, ...cards.map((c) => c.el)),
  );

  // One timer for the whole page: at the next opening or closing, refresh every card and re-arm.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    const at = Date.now();
    const next = cards.map((c) => c.nextChange(at)).filter((x): x is number => x !== undefined);
    if (next.length === 0) return;
    timer = setTimeout(
      () => {
        const tick = Date.now();
        for (const c of cards) c.refresh(tick);
        arm();
      },
      Math.min(Math.max(0, Math.min(...next) - at), MAX_TIMER_MS),
    );
  };
  arm();
  return {
    dispose() {
      clearTimeout(timer);
    },
  };
};

/**
 * The session to show: the first that has not ended; for a live meeting past all of them, its
 * last. Ended and past meetings: none.
 */
function sessionOf(meeting: MeetingView, now: number): { start: number; end: number } | undefined {
  if (meeting.status === 'ended') return undefined;
  const all = (meeting.occurrences ?? [{ start: meeting.start, end: meeting.end }]).map((o) => ({ start: Date.parse(o.start), end: Date.parse(o.end) }));
  const next = all.find((o) => o.end > now);
  if (next) return next;
  return meeting.status === 'live' ? all.at(-1) : undefined;
}
