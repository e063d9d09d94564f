/**
 * A meeting's page (#/meetings/:id): what, when (recurrence in words, the next sessions), where,
 * who chairs, the agenda; for who may edit it the actions; then the invitations with their
 * answers and the links to send.
 */
import type { Meeting, Recurrence } from '../../../../store/records.js';
import type { AppContext, ScreenFactory } from '../context.js';
import { formatDate, formatDay, formatRange, formatTime, localWeekday, weekdayName } from '../format.js';
import { defineStrings, type Lang, type Translate } from '../i18n.js';
import { h, heading } from '../ui.js';
import { copyTimers } from '../widgets/invitation-copy.js';
import { invitationSection, type InvitationRow } from '../widgets/invitation-table.js';

/** GET /api/meetings/:id */
export interface MeetingView extends Meeting {
  startLocal: string;
  endLocal: string;
  timeZone: string;
  editable: boolean;
  occurrences?: { start: string; end: string; startLocal: string; endLocal: string }[];
  hostHallName?: string;
  chairName?: string;
}

const strings = defineStrings({
  vi: {
    edit: 'Sửa',
    attendance: 'Báo cáo điểm danh',
    ics: 'Tải .ics cả cuộc họp',
    status_scheduled: 'Đã lên lịch',
    status_live: 'Đang diễn ra',
    status_ended: 'Đã kết thúc',
    status_cancelled: 'Đã hủy',
    when: 'Thời gian',
    repeats: 'Lặp lại',
    upcoming: 'Các buổi sắp tới',
    noUpcoming: 'Không còn buổi nào sắp tới.',
    cancelledSessions: 'Các buổi đã hủy',
    host: 'Điểm cầu chủ trì',
    chair: 'Chủ trì',
    description: 'Nội dung',
    agenda: 'Chương trình',
    noAgenda: 'Chưa có chương trình.',
    minutes: '{n} phút',
    weekly: 'Hằng tuần vào {weekday}',
    weeklyN: '{n} tuần một lần vào {weekday}',
    monthly: 'Hằng tháng vào ngày {day}',
    monthlyN: '{n} tháng một lần vào ngày {day}',
    until: ', đến hết ngày {date}',
    count: ', {n} buổi',
    atTime: ', lúc {time}',
    timeZone: 'giờ Việt Nam, UTC+7',
  },
  en: {
    edit: 'Edit',
    attendance: 'Attendance report',
    ics: 'Download the meeting’s .ics',
    status_scheduled: 'Scheduled',
    status_live: 'Live',
    status_ended: 'Ended',
    status_cancelled: 'Cancelled',
    when: 'When',
    repeats: 'Repeats',
    upcoming: 'Next sessions',
    noUpcoming: 'No sessions ahead.',
    cancelledSessions: 'Cancelled sessions',
    host: 'Host hall',
    chair: 'Chair',
    description: 'Description',
    agenda: 'Agenda',
    noAgenda: 'No agenda yet.',
    minutes: '{n} min',
    weekly: 'Every week on {weekday}',
    weeklyN: 'Every {n} weeks on {weekday}',
    monthly: 'Every month on day {day}',
    monthlyN: 'Every {n} months on day {day}',
    until: ', until {date}',
    count: ', {n} sessions',
    atTime: ', at {time}',
    timeZone: 'Vietnam time, UTC+7',
  },
});

type Key = keyof typeof strings.vi;

export const meetingDetailScreen: ScreenFactory = async (ctx, root, { params }) => {
  const id = params['id'] ?? '';
  const t = ctx.t(strings);
  const path = `/api/meetings/${encodeURIComponent(id)}`;
  const [meeting, { invitations }] = await Promise.all([
    ctx.api.get<MeetingView>(path),
    ctx.api.get<{ invitations: InvitationRow[] }>(`${path}/invitations`),
  ]);
  const hostName = meeting.hostHallName ?? nameOf(invitations, `h-${meeting.hostHallId}`) ?? meeting.hostHallId;
  const chairName = meeting.chairName ?? nameOf(invitations, `p-${meeting.chairId}`) ?? meeting.chairId;
  const timers = copyTimers();

  const me = ctx.session.person?.id;
  const runsIt = me !== undefined && (meeting.chairId === me || meeting.secretaryIds.includes(me));
  const actions: HTMLElement[] = [];
  if (meeting.editable && meeting.status !== 'cancelled') actions.push(h('a', { className: 'button', href: `#/meetings/${encodeURIComponent(meeting.id)}/edit` }, t('edit')));
  if (meeting.editable || runsIt) actions.push(h('a', { className: 'button', href: `#/meetings/${encodeURIComponent(meeting.id)}/attendance` }, t('attendance')));
  if (meeting.editable) {
    const ics = h('button', { type: 'button' }, t('ics'));
    ics.addEventListener('click', () => {
      ics.disabled = true;
      ctx.api
        .download(`${path}.ics`, `${meeting.id}.ics`)
        .catch((error: unknown) => ctx.fail(error))
        .finally(() => (ics.disabled = false));
    });
    actions.push(ics);
  }

  const head = heading(meeting.title, ...actions);
  head.querySelector('h1')?.after(h('span', { className: `badge ${meeting.status}`, 'data-status': meeting.status }, t(`status_${meeting.status}`)));

  root.append(
    head,
    h(
      'section',
      { className: 'card meeting-facts' },
      h(
        'dl',
        { className: 'facts' },
        h('dt', {}, t('when')),
        h('dd', { 'data-fact': 'when' }, sessionTime(meeting.start, meeting.end, ctx.lang), h('span', { className: 'muted' }, ` (${t('timeZone')})`)),
        ...(meeting.recurrence ? recurrenceFacts(ctx, t, meeting, meeting.recurrence) : []),
        h('dt', {}, t('host')),
        h('dd', { 'data-fact': 'host' }, hostName),
        h('dt', {}, t('chair')),
        h('dd', { 'data-fact': 'chair' }, chairName),
        ...(meeting.description ? [h('dt', {}, t('description')), h('dd', { className: 'description' }, meeting.description)] : []),
      ),
      h('h2', {}, t('agenda')),
      meeting.agenda.length === 0
        ? h('p', { className: 'muted' }, t('noAgenda'))
        : h(
            'ol',
            { className: 'agenda' },
            ...meeting.agenda.map((item) =>
              h(
                'li',
                {},
                item.title,
                item.presenter ? h('span', { className: 'muted' }, ` — ${item.presenter}`) : '',
                item.minutes ? h('span', { className: 'muted' }, ` (${t('minutes', { n: item.minutes })})`) : '',
              ),
            ),
          ),
    ),
    invitationSection(ctx, meeting.id, invitations, timers),
  );
  return { dispose: () => timers.clear() };
};

/** A name from the invitations, for a server that does not send the names with the meeting. */
function nameOf(invitations: readonly InvitationRow[], invitationId: string): string | undefined {
  return invitations.find((i) => i.id === invitationId)?.name;
}

function recurrenceFacts(ctx: AppContext, t: Translate<Key>, meeting: MeetingView, rule: Recurrence): HTMLElement[] {
  const upcoming = meeting.occurrences ?? [];
  const cancelled = [...rule.exdates].sort();
  return [
    h('dt', {}, t('repeats')),
    h('dd', { 'data-fact': 'recurrence' }, describeRecurrence(t, ctx, meeting.start, rule)),
    h('dt', {}, t('upcoming')),
    h(
      'dd',
      { 'data-fact': 'occurrences' },
      upcoming.length === 0
        ? h('span', { className: 'muted' }, t('noUpcoming'))
        : h('ul', { className: 'occurrences' }, ...upcoming.map((o) => h('li', {}, sessionTime(o.start, o.end, ctx.lang)))),
    ),
    ...(cancelled.length > 0
      ? [h('dt', {}, t('cancelledSessions')), h('dd', { 'data-fact': 'exdates' }, cancelled.map((d) => formatDate(d)).join(', '))]
      : []),
  ];
}

/** "Thứ Hai, 01/12/2026, 08:00–10:30"; across days the two instants in full. */
export function sessionTime(start: string, end: string, lang: Lang): string {
  return formatDate(start) === formatDate(end) ? `${formatDay(start, lang)}, ${formatTime(start)}–${formatTime(end)}` : formatRange(start, end);
}

/** "2 tuần một lần vào Thứ Hai, lúc 08:00, đến hết ngày 31/12/2026" */
export function describeRecurrence(t: Translate<Key>, ctx: AppContext, start: string, rule: Recurrence): string {
  const n = rule.interval ?? 1;
  const base =
    rule.freq === 'weekly'
      ? t(n === 1 ? 'weekly' : 'weeklyN', { n, weekday: weekdayName(localWeekday(start), ctx.lang) })
      : t(n === 1 ? 'monthly' : 'monthlyN', { n, day: Number(formatDate(start).slice(0, 2)) });
  const end = rule.until ? t('until', { date: formatDate(rule.until) }) : rule.count ? t('count', { n: rule.count }) : '';
  return `${base}${t('atTime', { time: formatTime(start) })}${end}`;
}
