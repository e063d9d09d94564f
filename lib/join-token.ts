import { randomUUID } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AppError } from './errors.js';
import { JOIN_AUDIENCE, JoinClaims } from '../protocol/claims.js';

const checkClaims = TypeCompiler.Compile(JoinClaims);

export interface SignOptions {
  /** Seconds since the epoch from which the token is valid. */
  notBefore?: number;
  /** Seconds since the epoch at which it expires. */
  expiresAt: number;
  /** Seconds since the epoch; default now. A fixed value makes the same claims sign to the same token. */
  issuedAt?: number;
}

/** A signer of join tokens (HS256, audience "diemcau:join"), made once and used for many tokens. */
export function createJoinTokenSigner(secret: string): (claims: JoinClaims, options: SignOptions) => string {
  const sign = createSigner({ key: secret, algorithm: 'HS256' });
  return (claims, options) => {
    const now = Math.floor(Date.now() / 1000);
    return sign({
      ...claims,
      jti: claims.jti ?? randomUUID(),
      aud: JOIN_AUDIENCE,
      iat: options.issuedAt ?? now,
      nbf: options.notBefore ?? now,
      exp: options.expiresAt,
    });
  };
}

/** Signs one join token: HS256, audience "diemcau:join", scoped to one meeting. */
export function signJoinToken(secret: string, claims: JoinClaims, options: SignOptions): string {
  return createJoinTokenSigner(secret)(claims, options);
}

/** The page a join token opens. */
export function joinUrl(base: string, token: string): string {
  return `${base}/join?token=${encodeURIComponent(token)}`;
}

/**
 * How refusals read: a join link at the meeting's door, or an invitation link answered (RSVP)
 * before the meeting opens — which is why an invitation link is checked without `nbf` and must
 * name its invitation (`jti`).
 */
const KINDS = {
  join: {
    required: 'A join token is required',
    link: 'join link',
    expired: 'The join link has expired',
    notKind: 'The token is not a join link',
    claims: 'The join token does not name a meeting, role and participant',
  },
  invitation: {
    required: 'The invitation link is malformed',
    link: 'invitation link',
    expired: 'The invitation link has expired: the meeting is over',
    notKind: 'The token is not an invitation link',
    claims: 'The link does not name an invitation',
  },
} as const;

export function createJoinTokenVerifier(secret: string): (token: unknown) => JoinClaims;
export function createJoinTokenVerifier(secret: string, kind: 'invitation'): (token: unknown) => JoinClaims & { jti: string };
/** A verifier of join tokens; its errors say clearly why a token was refused. */
export function createJoinTokenVerifier(secret: string, kind: keyof typeof KINDS = 'join'): (token: unknown) => JoinClaims {
  const words = KINDS[kind];
  const invitation = kind === 'invitation';
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], allowedAud: JOIN_AUDIENCE, requiredClaims: ['exp'], ignoreNotBefore: invitation });
  return (token) => {
    if (typeof token !== 'string' || token.length === 0) throw new AppError('UNAUTHORIZED', words.required);
    if (token.length > 4096) throw new AppError('UNAUTHORIZED', `The ${words.link} is malformed`);
    let payload: unknown;
    try {
      payload = verify(token);
    } catch (error) {
      throw refusal(error, words);
    }
    const claims = { ...(payload as Record<string, unknown>) };
    for (const registered of ['aud', 'iat', 'nbf', 'exp', 'iss']) delete claims[registered];
    if (!checkClaims.Check(claims) || (invitation && typeof claims.jti !== 'string')) throw new AppError('UNAUTHORIZED', words.claims);
    return claims;
  };
}

function refusal(error: unknown, words: (typeof KINDS)[keyof typeof KINDS]): AppError {
  const code = error instanceof TokenError ? error.code : undefined;
  switch (code) {
    case TokenError.codes.expired:
      return new AppError('TOKEN_EXPIRED', words.expired);
    case TokenError.codes.inactive:
      return new AppError('TOKEN_NOT_YET_VALID', 'The join link is not valid yet: the meeting has not opened');
    case TokenError.codes.invalidSignature:
      return new AppError('UNAUTHORIZED', `The ${words.link} has an invalid signature`);
    case TokenError.codes.invalidClaimValue:
      return new AppError('UNAUTHORIZED', words.notKind);
    default:
      return new AppError('UNAUTHORIZED', `The ${words.link} is malformed`);
  }
}
