import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AppError, toErrorBody } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { Result } from '../protocol/events.js';

export type Handler<S extends TSchema, R> = (req: Static<S>) => Promise<R> | R;

/** What every request goes through first (the rate limit); it throws an AppError to refuse. */
export type Gate = () => void;

/**
 * Wraps a request handler: checks the gate, validates the payload, runs the handler
 * and always answers with a Result, so a client never waits forever.
 */
export function withAck<S extends TSchema, R>(schema: S, handler: Handler<S, R>, gate: Gate, log: Logger) {
  const check = TypeCompiler.Compile(schema);
  return async (payload: unknown, ack: unknown): Promise<void> => {
    if (typeof ack !== 'function') return; // a request without an ack has no one to answer
    const reply = ack as (result: Result<R>) => void;
    try {
      gate();
      if (!check.Check(payload)) {
        const first = check.Errors(payload).First();
        throw new AppError('BAD_REQUEST', first ? `Invalid request: ${first.path || '/'} ${first.message}` : 'Invalid request');
      }
      reply({ ok: true, data: await handler(payload) });
    } catch (error) {
      reply({ ok: false, error: toErrorBody(asAppError(error, log)) });
    }
  };
}

/** mediasoup rejects bad parameters with TypeError/UnsupportedError: the client's fault, so a 400 that says why. */
function asAppError(error: unknown, log: Logger): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof Error && (error.name === 'TypeError' || error.name === 'UnsupportedError')) {
    return new AppError('BAD_REQUEST', error.message.slice(0, 200));
  }
  log.error('request failed', { error: error instanceof Error ? error.stack : String(error) });
  return error;
}
