/**
 * One meeting on "my meetings": what, when, where; the person's own invitations (as themselves,
 * and for the halls they operate) with their answer and buttons to answer; and a join button per
 * invitation that opens with the join link's window (30 minutes before the session) and closes
 * at its end. The page's clock drives `refresh`: buttons open by themselves when the time comes.
 */
import { OPENS_BEFORE_MS } from '../../../../scheduler/recurrence.js';
import type { MeetingView } from '../../../../scheduler/meeting-view.js';
import type { Invitation } from '../../../../store/records.js';
import type { AppContext } from '../context.js';
import { errorText, serverDetail } from '../errors.js';
import { formatDateTime, formatRange } from '../format.js';
import { defineStrings } from '../i18n.js';
import { btn, h } from '../ui.js';

/** A row of GET /api/meetings/:id/invitations, as far as this card reads it. */
export interface InvitationRow {
  id: string;
  meetingId: string;
  kind: Invitation['kind'];
  hallId?: string;
  personId?: string;
  name: string;
  role: Invitation['role'];
  rsvp: Invitation['rsvp'];
  removed: boolean;
  joinUrl: string | null;
}

export interface HomeItem {
  meeting: MeetingView;
  /** The session shown: the next one, or the one being held. */
  start: number;
  end: number;
  place: string;
  invitations: InvitationRow[];
}

const ANSWERS = [
  ['accepted', 'ACCEPTED'],
  ['declined', 'DECLINED'],
  ['tentative', 'TENTATIVE'],
] as const;

export const rsvpStrings = defineStrings({
  vi: {
    status_scheduled: 'Đã lên lịch',
    status_live: 'Đang họp',
    status_ended: 'Đã kết thúc',
    status_cancelled: 'Đã hủy',
    role_chair: 'Chủ trì',
    role_secretary: 'Thư ký',
    role_site: 'Điểm cầu',
    role_official: 'Đại biểu',
    role_observer: 'Dự thính',
    'rsvp_NEEDS-ACTION': 'Chưa trả lời',
    rsvp_ACCEPTED: 'Tham dự',
    rsvp_DECLINED: 'Không tham dự',
    rsvp_TENTATIVE: 'Chưa chắc chắn',
    rsvp_DELEGATED: 'Đã ủy quyền',
    answer_accepted: 'Tham dự',
    answer_declined: 'Không tham dự',
    answer_tentative: 'Chưa chắc chắn',
    answerGroup: 'Trả lời lời mời: {name}',
    answered: 'Đã ghi nhận: {answer}.',
    when: 'Thời gian',
    where: 'Địa điểm',
    join: 'Vào họp',
    joinAs: 'Vào họp với tư cách {name}',
    opensAt: 'Mở lúc {at}',
    closed: 'Đã hết giờ họp',
    cancelled: 'Cuộc họp đã bị hủy.',
    noInvitation: 'Không có lời mời nào của bạn.',
  },
  en: {
    status_scheduled: 'Scheduled',
    status_live: 'Live',
    status_ended: 'Ended',
    status_cancelled: 'Cancelled',
    role_chair: 'Chair',
    role_secretary: 'Secretary',
    role_site: 'Hall',
    role_official: 'Official',
    role_observer: 'Observer',
    'rsvp_NEEDS-ACTION': 'No answer yet',
    rsvp_ACCEPTED: 'Attending',
    rsvp_DECLINED: 'Not attending',
    rsvp_TENTATIVE: 'Tentative',
    rsvp_DELEGATED: 'Delegated',
    answer_accepted: 'Attend',
    answer_declined: 'Decline',
    answer_tentative: 'Tentative',
    answerGroup: 'Answer the invitation: {name}',
    answered: 'Answer recorded: {answer}.',
    when: 'When',
    where: 'Where',
    join: 'Join',
    joinAs: 'Join as {name}',
    opensAt: 'Opens at {at}',
    closed: 'The meeting time is over',
    cancelled: 'This meeting was cancelled.',
    noInvitation: 'You hold no invitation to it.',
  },
});

export interface MeetingCard {
  el: HTMLElement;
  /** Opens or closes the join buttons for the time `now`. */
  refresh(now: number): void;
  /** The next instant after `now` at which its join buttons open or close, if any. */
  nextChange(now: number): number | undefined;
}

/** The token of a join link (…/join?token=…): the key the RSVP endpoint takes. */
export function tokenOf(joinUrl: string): string | null {
  try {
    return new URL(joinUrl, location.href).searchParams.get('token');
  } catch {
    return null;
  }
}

export function meetingCard(ctx: AppContext, item: HomeItem): MeetingCard {
  const t = ctx.t(rsvpStrings);
  const { meeting } = item;
  const opensAt = item.start - OPENS_BEFORE_MS;
  const isOpen = (now: number) => meeting.status === 'live' || (meeting.status === 'scheduled' && now >= opensAt && now < item.end);
  const joins: { button: HTMLButtonElement; note: HTMLElement }[] = [];

  const invitationItem = (row: InvitationRow): HTMLElement => {
    const li = h('li', { className: 'rsvp-invitation', 'data-invitation-id': row.id });
    const token = row.joinUrl ? tokenOf(row.joinUrl) : null;
    const message = h('p', { className: 'rsvp-message', role: 'status', 'aria-live': 'polite' });
    const badge = h('span', { className: `badge ${row.rsvp.toLowerCase()}`, 'data-rsvp': row.rsvp }, t(`rsvp_${row.rsvp}`));
    const answerButtons = ANSWERS.map(([answer, state]) => {
      const b = btn(t(`answer_${answer}`), () => void send(answer), { className: 'small', 'data-answer': answer, 'aria-pressed': String(row.rsvp === state) });
      return b;
    });
    const send = async (answer: (typeof ANSWERS)[number][0]) => {
      if (!token) return;
      for (const b of answerButtons) b.disabled = true;
      message.className = 'rsvp-message';
      message.textContent = '';
      try {
        const { invitation } = await ctx.api.post<{ invitation: InvitationRow }>(`/api/invitations/${encodeURIComponent(token)}/rsvp`, { response: answer });
        row.rsvp = invitation.rsvp;
        badge.className = `badge ${row.rsvp.toLowerCase()}`;
        badge.dataset['rsvp'] = row.rsvp;
        badge.textContent = t(`rsvp_${row.rsvp}`);
        for (const [i, [, state]] of ANSWERS.entries()) answerButtons[i]?.setAttribute('aria-pressed', String(row.rsvp === state));
        message.textContent = t('answered', { answer: t(`rsvp_${row.rsvp}`) });
      } catch (error) {
        message.className = 'rsvp-message form-error';
        message.textContent = [errorText(error, ctx.lang), serverDetail(error, ctx.lang)].filter(Boolean).join(' ');
      } finally {
        for (const b of answerButtons) b.disabled = false;
      }
    };

    li.append(h('span', { className: 'rsvp-who' }, h('strong', {}, t(`role_${row.role}`)), ` — ${row.name} `), badge);
    if (token && row.joinUrl) {
      const joinUrl = row.joinUrl;
      li.append(h('div', { className: 'rsvp-answers', role: 'group', 'aria-label': t('answerGroup', { name: row.name }) }, ...answerButtons));
      const noteId = `join-note-${meeting.id}-${row.id}`;
      const note = h('span', { className: 'muted join-note', id: noteId });
      const button = btn(t('join'), () => location.assign(joinUrl), {
        className: 'primary join',
        'aria-describedby': noteId,
        ...(item.invitations.length > 1 ? { 'aria-label': t('joinAs', { name: row.name }) } : {}),
      });
      joins.push({ button, note });
      li.append(h('div', { className: 'rsvp-join' }, button, note));
    }
    li.append(message);
    return li;
  };

  const place = h('p', { className: 'home-where' }, h('span', { className: 'muted' }, `${t('where')}: `), item.place);
  const el = h(
    'article',
    { className: `card home-meeting ${meeting.status}`, 'data-meeting-id': meeting.id },
    h('h2', {}, h('a', { href: `#/meetings/${encodeURIComponent(meeting.id)}` }, meeting.title), ' ', h('span', { className: `badge ${meeting.status}` }, t(`status_${meeting.status}`))),
    h('p', { className: 'home-when' }, h('span', { className: 'muted' }, `${t('when')}: `), h('span', { className: 'home-time' }, formatRange(item.start, item.end))),
    place,
    meeting.status === 'cancelled' ? h('p', { className: 'form-error' }, t('cancelled')) : null,
    item.invitations.length === 0
      ? h('p', { className: 'muted' }, t('noInvitation'))
      : h('ul', { className: 'rsvp-invitations' }, ...item.invitations.map(invitationItem)),
  );

  const refresh = (now: number) => {
    const open = isOpen(now);
    for (const { button, note } of joins) {
      button.disabled = !open;
      note.textContent = open ? '' : now < opensAt ? t('opensAt', { at: formatDateTime(opensAt) }) : t('closed');
    }
  };
  refresh(Date.now());
  return {
    el,
    refresh,
    nextChange: (now) => (joins.length === 0 || meeting.status !== 'scheduled' ? undefined : [opensAt, item.end].find((at) => at > now)),
  };
}
