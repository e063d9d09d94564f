/**
 * The server's refusals in plain words. The API answers in English with a stable code; people
 * read Vietnamese, so the code (and, for a few, the details) picks the text shown.
 */
import { ApiError } from './api.js';
import { defineStrings, translator, type Lang } from './i18n.js';

const strings = defineStrings({
  vi: {
    BAD_REQUEST: 'Dữ liệu chưa hợp lệ. Vui lòng kiểm tra lại các ô đã nhập.',
    UNAUTHORIZED: 'Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.',
    TOKEN_EXPIRED: 'Liên kết đã hết hạn.',
    TOKEN_NOT_YET_VALID: 'Liên kết chưa đến thời gian sử dụng.',
    FORBIDDEN: 'Bạn không có quyền thực hiện thao tác này.',
    NOT_FOUND: 'Không tìm thấy dữ liệu (có thể đã bị xoá).',
    CONFLICT: 'Thao tác bị từ chối vì xung đột với dữ liệu hiện có.',
    PAYLOAD_TOO_LARGE: 'Dữ liệu gửi lên quá lớn.',
    RATE_LIMITED: 'Quá nhiều lần thử. Vui lòng đợi 15 phút rồi thử lại.',
    NETWORK: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    INTERNAL: 'Máy chủ gặp lỗi. Vui lòng thử lại sau.',
    other: 'Thao tác không thành công.',
    wrongPassword: 'Sai tên đăng nhập hoặc mật khẩu.',
    serverSaid: 'Máy chủ báo: {message}',
  },
  en: {
    BAD_REQUEST: 'Some of the data is not valid. Please check the fields.',
    UNAUTHORIZED: 'Your session has expired or is not valid. Please sign in again.',
    TOKEN_EXPIRED: 'The link has expired.',
    TOKEN_NOT_YET_VALID: 'The link is not valid yet.',
    FORBIDDEN: 'You are not allowed to do this.',
    NOT_FOUND: 'Not found (it may have been deleted).',
    CONFLICT: 'Refused: it conflicts with what is already there.',
    PAYLOAD_TOO_LARGE: 'What was sent is too large.',
    RATE_LIMITED: 'Too many attempts. Wait 15 minutes and try again.',
    NETWORK: 'Cannot reach the server. Check the network and try again.',
    INTERNAL: 'The server failed. Please try again later.',
    other: 'That did not work.',
    wrongPassword: 'Wrong username or password.',
    serverSaid: 'The server said: {message}',
  },
});

type Key = keyof typeof strings.vi;

/** The headline for a failed call, in the current language. */
export function errorText(error: unknown, lang: Lang): string {
  const t = translator(strings, () => lang);
  if (!(error instanceof ApiError)) return t('other');
  return error.code in strings.vi ? t(error.code as Key) : t('other');
}

/** The server's own message, for a detail line under the headline (it names the field, the hall, the meeting). */
export function serverDetail(error: unknown, lang: Lang): string | null {
  if (!(error instanceof ApiError) || error.code === 'NETWORK' || error.code === 'INTERNAL') return null;
  return translator(strings, () => lang)('serverSaid', { message: error.message });
}

export function wrongPasswordText(lang: Lang): string {
  return translator(strings, () => lang)('wrongPassword');
}
