import { ErrorCodes, type ErrorBody, type ErrorCode } from '../protocol/errors.js';

/** An error a client may see: it carries a wire code and an HTTP status. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Machine-readable specifics a client may show, e.g. the meeting a booking conflicts with. */
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ErrorCodes[code];
    this.details = details;
  }
}

export const badRequest = (message: string): AppError => new AppError('BAD_REQUEST', message);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message);
export const notFound = (message: string): AppError => new AppError('NOT_FOUND', message);
export const conflict = (message: string, details?: unknown): AppError => new AppError('CONFLICT', message, details);

/** Any thrown value → the body a client may see. 5xx messages are never shown. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError && error.status < 500)
    return error.details === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, details: error.details };
  if (error instanceof AppError) return { code: error.code, message: 'Internal error' };
  return { code: 'INTERNAL', message: 'Internal error' };
}
