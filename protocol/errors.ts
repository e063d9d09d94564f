/** Error codes shared by every ack and every HTTP error body. */
export const ErrorCodes = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_NOT_YET_VALID: 401,
  FORBIDDEN: 403,
  /** Removed from this meeting by the chair; the same join link stays out until re-admitted. */
  REMOVED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_JOINED: 409,
  ALREADY_JOINED: 409,
  /** The meeting is served by another node of the cluster: `details.url` says where to connect. */
  MOVED: 307,
  PAYLOAD_TOO_LARGE: 413,
  /** The chair has locked the meeting: nobody new may join. */
  MEETING_LOCKED: 423,
  RATE_LIMITED: 429,
  MEETING_CLOSED: 410,
  /** In the waiting room: the chair has not opened the meeting yet (no media until meeting-opened). */
  MEETING_NOT_OPEN: 425,
  /** A guest in the lobby: no media until the chair or secretary admits it. */
  NOT_ADMITTED: 403,
  TIMEOUT: 504,
  /** The media of this participant was on another node of the cluster, which does not answer. */
  MEDIA_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}
