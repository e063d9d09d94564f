import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorCodes } from '../protocol/errors.js';

/** The body of every 4xx/5xx answer. */
export const ErrorResponse = Type.Object(
  {
    code: Type.Union(Object.keys(ErrorCodes).map((c) => Type.Literal(c))),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'ErrorResponse', description: 'What went wrong: a stable code and a message for people' },
);

const errorRef = Type.Ref('ErrorResponse');

/** Response schemas of a route: its success body plus the errors it can answer. */
export function responses<S extends TSchema>(status: 200 | 201, body: S, errors: readonly (400 | 401 | 403 | 404 | 409 | 429)[] = [400, 401, 403]) {
  const map: Record<number, TSchema> = { [status]: body };
  for (const e of errors) map[e] = errorRef;
  return map as { [K in typeof status]: S } & Record<number, TSchema>;
}

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }) });

export const Deleted = Type.Object({ deleted: Type.Literal(true) });
