/** Vietnamese first, English second. Text nodes carry their key so a language switch re-renders them. */
import type { Role } from '../../protocol/claims.js';

export type Lang = 'vi' | 'en';

const vi = {
  title: 'Hội nghị trực tuyến',
  connecting: 'Đang kết nối…',
  reconnecting: 'Mất kết nối tới máy chủ, đang thử lại…',
  joining: 'Đang vào phòng họp…',
  joined: 'Đã vào phòng họp',
  'state.refused': 'Không được vào',
  'state.error': 'Gián đoạn',
  'state.left': 'Đã rời',
  left: 'Bạn đã rời cuộc họp.',
  noToken: 'Thiếu mã tham dự trong liên kết. Hãy mở đúng liên kết được gửi cho điểm cầu.',
  refused: 'Liên kết tham dự không hợp lệ hoặc đã hết hạn.',
  expired: 'Liên kết tham dự đã hết hạn. Đề nghị liên hệ thư ký cuộc họp để được cấp liên kết mới.',
  notYet: 'Cuộc họp chưa mở. Đề nghị vào lại theo đúng giờ họp.',
  'closed.cancelled': 'Cuộc họp này đã bị hủy.',
  'closed.ended': 'Cuộc họp này đã kết thúc.',
  'closed.removed': 'Giấy mời này đã bị thu hồi: bạn không còn trong danh sách tham dự cuộc họp.',
  'closed.outdated': 'Liên kết tham dự đã cũ. Đề nghị mở liên kết trong giấy mời mới nhất.',
  'closed.moved': 'Cuộc họp đã được dời lịch. Đề nghị vào lại theo giờ họp mới.',
  failed: 'Không vào được phòng họp.',
  disconnected: 'Mất kết nối với phòng họp.',
  kicked: 'Bạn đã bị mời ra khỏi cuộc họp.',
  noMedia: 'Không mở được camera hoặc micro; bạn vẫn xem và nghe được cuộc họp.',
  detail: 'Chi tiết: {message}',
  meeting: 'Cuộc họp',
  you: 'Bạn',
  mute: 'Tắt micro',
  unmute: 'Bật micro',
  cameraOff: 'Tắt camera',
  cameraOn: 'Bật camera',
  leave: 'Rời cuộc họp',
  rejoin: 'Tham dự lại',
  enableAudio: 'Bật âm thanh',
  videoOff: 'Camera đang tắt',
  micOff: 'Micro đang tắt',
  noParticipants: 'Chưa có điểm cầu nào khác trong phòng họp.',
  switchLang: 'English',
  'role.chair': 'Chủ trì',
  'role.secretary': 'Thư ký',
  'role.site': 'Điểm cầu',
  'role.official': 'Đại biểu',
  'role.observer': 'Quan sát viên',
} as const;

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  title: 'Online conference',
  connecting: 'Connecting…',
  reconnecting: 'Lost the connection to the server, retrying…',
  joining: 'Joining the meeting…',
  joined: 'In the meeting',
  'state.refused': 'Not admitted',
  'state.error': 'Interrupted',
  'state.left': 'Left',
  left: 'You have left the meeting.',
  noToken: 'The link has no join token. Open the exact link that was sent to your site.',
  refused: 'The join link is invalid or has expired.',
  expired: 'The join link has expired. Ask the meeting secretary for a new one.',
  notYet: 'The meeting has not opened yet. Please join at the scheduled time.',
  'closed.cancelled': 'This meeting was cancelled.',
  'closed.ended': 'This meeting has ended.',
  'closed.removed': 'This invitation was withdrawn: you are no longer invited to this meeting.',
  'closed.outdated': 'This join link is out of date. Open the link in your latest invitation.',
  'closed.moved': 'The meeting was rescheduled. Please join at the new time.',
  failed: 'Could not join the meeting.',
  disconnected: 'Lost the connection to the meeting.',
  kicked: 'You have been removed from the meeting.',
  noMedia: 'Could not open the camera or microphone; you can still watch and listen.',
  detail: 'Details: {message}',
  meeting: 'Meeting',
  you: 'You',
  mute: 'Mute microphone',
  unmute: 'Unmute microphone',
  cameraOff: 'Turn camera off',
  cameraOn: 'Turn camera on',
  leave: 'Leave',
  rejoin: 'Join again',
  enableAudio: 'Enable sound',
  videoOff: 'Camera is off',
  micOff: 'Microphone is off',
  noParticipants: 'No other site has joined yet.',
  switchLang: 'Tiếng Việt',
  'role.chair': 'Chair',
  'role.secretary': 'Secretary',
  'role.site': 'Site',
  'role.official': 'Official',
  'role.observer': 'Observer',
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { vi, en };

const REFUSALS: Record<string, MessageKey> = {
  cancelled: 'closed.cancelled',
  ended: 'closed.ended',
  removed: 'closed.removed',
  outdated: 'closed.outdated',
  moved: 'closed.moved',
};

/** The text for a refused join: by the server's `details.reason` (scheduler/join-admission.ts), else by code. */
export function refusalKey(body: { code?: string; details?: unknown } | undefined): MessageKey {
  const reason = (body?.details as { reason?: unknown } | undefined)?.reason;
  if (typeof reason === 'string' && REFUSALS[reason]) return REFUSALS[reason];
  return body?.code === 'TOKEN_EXPIRED' ? 'expired' : body?.code === 'TOKEN_NOT_YET_VALID' ? 'notYet' : 'refused';
}
const STORAGE_KEY = 'diemcau.lang';

export type Params = Record<string, string>;

export class I18n {
  #lang: Lang;

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
  }
}

function safeGet(storage: Storage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
