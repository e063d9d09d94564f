import { randomBytes } from 'node:crypto';
import { Type, type Static, type TString } from '@sinclair/typebox';
import { AccountRole, Id } from '../../store/records.js';

/** Request pieces shared by the unit, hall and people routes. */

/** 1–200 characters with at least one that is not a space. */
export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const OptionalText = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
/**
 * A string or null, as one `type: ["string", "null"]`: with coerceTypes on, a union would let
 * Ajv turn null into "" (string branch first) or "" into null (null branch first), and "" must
 * stay an invalid id rather than mean "none".
 */
export function Nullable<S extends TString>(schema: S, options: { description?: string } = {}) {
  return Type.Unsafe<Static<S> | null>({ ...schema, ...options, type: ['string', 'null'] });
}
/** In a PATCH: a new value, or null to clear the field. */
export const Clearable = (maxLength: number, extra: Record<string, unknown> = {}) => Type.Optional(Nullable(Type.String({ maxLength, ...extra })));

/** Usernames are compared in lower case; any case is accepted and stored lower-cased. */
export const Username = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$', description: '2–64 letters, digits, "_", "." or "-"; case-insensitive' });
export const Password = Type.String({ minLength: 8, maxLength: 200 });
export const Roles = Type.Array(AccountRole, { minItems: 0, maxItems: 4, uniqueItems: true });

/** An id a client may choose (a code such as "d01"); the server makes one when it is left out. */
export const ClientId = Type.Optional(Id);

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Lower case without Vietnamese marks, for name search: "Việt Trì" matches "viet tri". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

export const ListQuery = {
  unitId: Type.Optional(Type.String({ pattern: Id.pattern as string, description: 'Only records in this unit’s subtree' })),
};
