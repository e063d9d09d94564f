/** One typed request helper: every request has an ack, and every ack is a Result. */
import type { Socket } from 'socket.io-client';
import type { ErrorCode } from '../../protocol/errors.js';
import type { Ack, ClientToServerEvents, RequestName, Result, ServerToClientEvents } from '../../protocol/events.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type RequestPayload<E extends RequestName> = Parameters<ClientToServerEvents[E]>[0];
export type ResponseData<E extends RequestName> = Parameters<ClientToServerEvents[E]>[1] extends Ack<infer T> ? T : never;

interface AckEmitter {
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}

export const REQUEST_TIMEOUT_MS = 10_000;

export class RequestError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

export async function request<E extends RequestName>(
  socket: ClientSocket,
  event: E,
  payload: RequestPayload<E>,
): Promise<ResponseData<E>> {
  // Socket.IO's emit signature cannot be narrowed through a type parameter; the
  // signature of this function is what keeps event, payload and response in step.
  const timed = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as AckEmitter;
  let result: Result<ResponseData<E>>;
  try {
    result = (await timed.emitWithAck(event, payload)) as Result<ResponseData<E>>;
  } catch {
    throw new RequestError('TIMEOUT', `${event}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
  }
  if (!result.ok) throw new RequestError(result.error.code, result.error.message);
  return result.data;
}
