/**
 * The RSVP table of a meeting: who is invited, their answer, and the links to send them (join
 * link, their .ics copy, their calendar-feed address). Built once per load; the name filter only
 * hides rows, so 240 invitations stay quick to type against.
 */
import type { AppContext } from '../context.js';
import { errorText, serverDetail } from '../errors.js';
import { defineStrings, type Translate } from '../i18n.js';
import { formatDate, formatTime } from '../format.js';
import { field, h, input } from '../ui.js';
import { copyButton, type copyTimers } from './invitation-copy.js';
import { fold } from '../text.js';

export { fold };

/** One row of GET /api/meetings/:id/invitations. */
export interface InvitationRow {
  id: string;
  meetingId: string;
  kind: 'hall' | 'person';
  hallId?: string;
  personId?: string;
  name: string;
  role: 'chair' | 'secretary' | 'site' | 'official' | 'observer';
  rsvp: RsvpState;
  delegatedTo?: string;
  delegatedToName?: string;
  comment?: string;
  removed: boolean;
  sequence: number;
  updatedAt: string;
  joinUrl: string | null;
  icsUrl: string;
}

export type RsvpState = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'DELEGATED';

interface FeedAddress {
  https: string;
  webcal: string;
}

export const invitationStrings = defineStrings({
  vi: {
    heading: 'Giấy mời',
    count: '{n} được mời',
    accepted: 'Tham dự',
    declined: 'Không tham dự',
    tentative: 'Chưa chắc chắn',
    needsAction: 'Chưa trả lời',
    delegated: 'Đã ủy quyền',
    delegatedTo: 'Đã ủy quyền → {name}',
    withdrawnCount: '{n} đã rút',
    withdrawn: 'Đã rút',
    filter: 'Lọc theo tên',
    filterHint: 'Gõ một phần tên điểm cầu hoặc cán bộ (không cần dấu)',
    shown: 'Hiển thị {shown}/{total}',
    noMatch: 'Không có giấy mời nào khớp với “{q}”.',
    none: 'Cuộc họp chưa có giấy mời nào.',
    colInvitee: 'Điểm cầu / cán bộ',
    colKind: 'Loại',
    colRole: 'Vai trò',
    colRsvp: 'Trả lời',
    colComment: 'Ghi chú',
    colUpdated: 'Cập nhật',
    colLinks: 'Liên kết',
    kind_hall: 'Điểm cầu',
    kind_person: 'Cá nhân',
    role_chair: 'Chủ trì',
    role_secretary: 'Thư ký',
    role_site: 'Điểm cầu',
    role_official: 'Đại biểu',
    role_observer: 'Quan sát',
    copyLink: 'Sao chép liên kết',
    noLink: 'Không có liên kết',
    ics: '.ics',
    icsOf: 'Tải .ics của {name}',
    feed: 'Địa chỉ lịch',
    feedOf: 'Địa chỉ lịch của {name}',
    feedLoading: 'Đang lấy địa chỉ lịch…',
    feedHttps: 'Địa chỉ https (Google Calendar, Outlook)',
    feedWebcal: 'Địa chỉ webcal (mở thẳng trong ứng dụng lịch)',
    feedHint: 'Địa chỉ bí mật: ai có nó đều xem được lịch họp của {name}. Chỉ gửi cho đúng người.',
    copy: 'Sao chép',
  },
  en: {
    heading: 'Invitations',
    count: '{n} invited',
    accepted: 'Attending',
    declined: 'Not attending',
    tentative: 'Tentative',
    needsAction: 'No answer',
    delegated: 'Delegated',
    delegatedTo: 'Delegated → {name}',
    withdrawnCount: '{n} withdrawn',
    withdrawn: 'Withdrawn',
    filter: 'Filter by name',
    filterHint: 'Type part of a hall’s or person’s name (accents optional)',
    shown: 'Showing {shown}/{total}',
    noMatch: 'No invitation matches “{q}”.',
    none: 'This meeting has no invitations yet.',
    colInvitee: 'Hall / person',
    colKind: 'Kind',
    colRole: 'Role',
    colRsvp: 'Answer',
    colComment: 'Comment',
    colUpdated: 'Updated',
    colLinks: 'Links',
    kind_hall: 'Hall',
    kind_person: 'Person',
    role_chair: 'Chair',
    role_secretary: 'Secretary',
    role_site: 'Site',
    role_official: 'Official',
    role_observer: 'Observer',
    copyLink: 'Copy link',
    noLink: 'No link',
    ics: '.ics',
    icsOf: 'Download the .ics of {name}',
    feed: 'Calendar address',
    feedOf: 'Calendar address of {name}',
    feedLoading: 'Getting the calendar address…',
    feedHttps: 'https address (Google Calendar, Outlook)',
    feedWebcal: 'webcal address (opens in a calendar app)',
    feedHint: 'A secret address: whoever has it sees the meetings of {name}. Send it only to them.',
    copy: 'Copy',
  },
});

type Key = keyof typeof invitationStrings.vi;

const RSVP: Record<RsvpState, { key: Key; className: string }> = {
  'NEEDS-ACTION': { key: 'needsAction', className: 'needs-action' },
  ACCEPTED: { key: 'accepted', className: 'accepted' },
  DECLINED: { key: 'declined', className: 'declined' },
  TENTATIVE: { key: 'tentative', className: 'tentative' },
  DELEGATED: { key: 'delegated', className: 'delegated' },
};

/** dd/mm/yyyy HH:mm in Vietnam time. */
export function dateTime(at: string): string {
  return `${formatDate(at)} ${formatTime(at)}`;
}


/** The section: counts, filter, table. Download and feed calls go through ctx.api. */
export function invitationSection(ctx: AppContext, meetingId: string, rows: readonly InvitationRow[], timers: ReturnType<typeof copyTimers>): HTMLElement {
  const t = ctx.t(invitationStrings);
  const section = h('section', { className: 'invitations', 'aria-labelledby': 'invitations-heading' }, h('h2', { id: 'invitations-heading' }, t('heading')));
  if (rows.length === 0) {
    section.append(h('p', { className: 'empty' }, t('none')));
    return section;
  }
  section.append(summary(t, rows));

  const draft = ctx.draft(`invitations-filter:${meetingId}`, () => ({ q: '' }));
  const filterInput = input({ type: 'search', autocomplete: 'off', value: draft.q });
  const filter = field(t('filter'), filterInput, t('filterHint'));
  filter.el.classList.add('invitation-filter');
  const shown = h('p', { className: 'muted invitation-shown', 'aria-live': 'polite' });
  const noMatch = h('p', { className: 'empty', hidden: true });
  section.append(h('div', { className: 'row no-print' }, filter.el, shown));

  const headers = [t('colInvitee'), t('colKind'), t('colRole'), t('colRsvp'), t('colComment'), t('colUpdated'), t('colLinks')];
  const tbody = h('tbody');
  const entries = rows.map((row) => {
    const tr = invitationRow(ctx, t, meetingId, row, timers, headers.length);
    tbody.append(tr);
    return { tr, key: fold(row.name) };
  });
  const tableEl = h('table', { className: 'data invitations-table' }, h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))), tbody);
  section.append(tableEl, noMatch);

  const apply = () => {
    const q = fold(filterInput.value.trim());
    draft.q = filterInput.value;
    let count = 0;
    for (const { tr, key } of entries) {
      const hide = q !== '' && !key.includes(q);
      tr.hidden = hide;
      // The row's open feed panel goes with it.
      const next = tr.nextElementSibling;
      if (next instanceof HTMLTableRowElement && next.classList.contains('feed-row')) next.hidden = hide || next.dataset['open'] !== 'true';
      if (!hide) count++;
    }
    shown.textContent = t('shown', { shown: count, total: rows.length });
    noMatch.hidden = count > 0;
    noMatch.textContent = count > 0 ? '' : t('noMatch', { q: filterInput.value.trim() });
  };
  filterInput.addEventListener('input', apply);
  apply();
  return section;
}

function summary(t: Translate<Key>, rows: readonly InvitationRow[]): HTMLElement {
  const live = rows.filter((r) => !r.removed);
  const tally = (state: RsvpState) => live.filter((r) => r.rsvp === state).length;
  const withdrawn = rows.length - live.length;
  const item = (state: RsvpState) =>
    h('li', { 'data-rsvp': state }, h('span', { className: `badge ${RSVP[state].className}` }, t(RSVP[state].key)), ' ', h('strong', {}, String(tally(state))));
  return h(
    'ul',
    { className: 'invitation-counts', 'aria-label': t('heading') },
    h('li', { 'data-count': 'invited' }, h('strong', {}, t('count', { n: live.length }))),
    item('ACCEPTED'),
    item('DECLINED'),
    item('TENTATIVE'),
    item('NEEDS-ACTION'),
    tally('DELEGATED') > 0 ? item('DELEGATED') : null,
    withdrawn > 0 ? h('li', { 'data-count': 'withdrawn', className: 'muted' }, t('withdrawnCount', { n: withdrawn })) : null,
  );
}

function invitationRow(
  ctx: AppContext,
  t: Translate<Key>,
  meetingId: string,
  row: InvitationRow,
  timers: ReturnType<typeof copyTimers>,
  columns: number,
): HTMLTableRowElement {
  const rsvp = RSVP[row.rsvp];
  const rsvpText = row.rsvp === 'DELEGATED' && row.delegatedToName ? t('delegatedTo', { name: row.delegatedToName }) : t(rsvp.key);
  const badge = row.removed ? h('span', { className: 'badge withdrawn' }, t('withdrawn')) : h('span', { className: `badge ${rsvp.className}` }, rsvpText);

  const ics = h('button', { type: 'button', className: 'small', 'aria-label': t('icsOf', { name: row.name }) }, t('ics'));
  ics.addEventListener('click', () => {
    ics.disabled = true;
    ctx.api
      .download(`/api/meetings/${encodeURIComponent(meetingId)}/invitations/${encodeURIComponent(row.id)}.ics`, `${meetingId}-${row.id}.ics`)
      .catch((error: unknown) => ctx.fail(error))
      .finally(() => (ics.disabled = false));
  });

  const feedButton = h('button', { type: 'button', className: 'small', 'aria-expanded': 'false', 'aria-label': t('feedOf', { name: row.name }) }, t('feed'));
  const tr = h(
    'tr',
    { 'data-invitation': row.id, className: row.removed ? 'removed' : '' },
    h('td', {}, h('span', { className: 'invitee' }, row.name)),
    h('td', {}, t(`kind_${row.kind}`)),
    h('td', {}, t(`role_${row.role}`)),
    h('td', { 'data-rsvp': row.rsvp }, badge),
    h('td', { className: 'comment' }, row.comment ?? ''),
    h('td', { className: 'nowrap' }, h('time', { datetime: row.updatedAt }, dateTime(row.updatedAt))),
    h(
      'td',
      { className: 'links' },
      row.joinUrl ? copyButton(ctx, t('copyLink'), row.joinUrl, row.name, timers) : h('span', { className: 'muted' }, t('noLink')),
      ' ',
      ics,
      ' ',
      feedButton,
    ),
  );

  let panel: HTMLTableRowElement | null = null;
  let state: 'none' | 'loading' | 'loaded' | 'failed' = 'none';
  feedButton.addEventListener('click', () => {
    if (state === 'loading') return;
    if (panel && state === 'loaded') {
      const open = panel.dataset['open'] !== 'true';
      panel.dataset['open'] = String(open);
      panel.hidden = !open;
      feedButton.setAttribute('aria-expanded', String(open));
      return;
    }
    // First click, or a retry after a refusal: fetched on demand, since each address is a
    // directory read and a token write on the server (240 at once would be wasteful).
    panel?.remove();
    const cell = h('td', { colspan: String(columns) }, h('p', { className: 'muted' }, t('feedLoading')));
    const current = h('tr', { className: 'feed-row', 'data-feed-for': row.id, 'data-open': 'true' }, cell);
    panel = current;
    tr.after(current);
    feedButton.setAttribute('aria-expanded', 'true');
    state = 'loading';
    const path = row.kind === 'hall' ? `/api/feeds/halls/${encodeURIComponent(row.hallId ?? '')}` : `/api/feeds/people/${encodeURIComponent(row.personId ?? '')}`;
    ctx.api.get<FeedAddress>(path).then(
      (address) => {
        state = 'loaded';
        const box = (label: string, value: string, name: string) => {
          const control = input({ readonly: true, value, className: 'feed-address', 'data-feed': name });
          control.addEventListener('focus', () => control.select());
          const f = field(label, control);
          f.el.append(copyButton(ctx, t('copy'), value, `${label} — ${row.name}`, timers));
          return f.el;
        };
        cell.replaceChildren(
          h('div', { className: 'row feed-addresses' }, box(t('feedHttps'), address.https, 'https'), box(t('feedWebcal'), address.webcal, 'webcal')),
          h('p', { className: 'hint muted' }, t('feedHint', { name: row.name })),
        );
      },
      (error: unknown) => {
        // The refusal stays in the row (another row's address may still be the caller's to see);
        // the next click asks again.
        state = 'failed';
        const detail = serverDetail(error, ctx.lang);
        cell.replaceChildren(h('div', { className: 'form-error', role: 'alert' }, h('p', {}, errorText(error, ctx.lang)), detail ? h('p', { className: 'detail' }, detail) : ''));
      },
    );
  });
  return tr;
}
