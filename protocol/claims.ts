import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN } from './ids.js';

export const ROLES = ['chair', 'secretary', 'site', 'official', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** Audience of join tokens, so an API session token never opens a meeting. */
export const JOIN_AUDIENCE = 'diemcau:join';

/** The claims of a join token: who joins which meeting, in which role. */
export const JoinClaims = Type.Object({
  sub: Type.String({ pattern: ID_PATTERN }),
  meetingId: Type.String({ pattern: ID_PATTERN }),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  hallId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
  unitId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
  /** The invitation the link came from (INVITATION_ID_PATTERN), or a random id for other links. */
  jti: Type.Optional(Type.String({ maxLength: 66 })),
});
export type JoinClaims = Static<typeof JoinClaims>;
