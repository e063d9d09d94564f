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
}

/** Signs a join token: HS256, audience "diemcau:join", scoped to one meeting. */
export function signJoinToken(secret: string, claims: JoinClaims, options: SignOptions): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256' });
  const now = Math.floor(Date.now() / 1000);
  return sign({
    ...claims,
    jti: claims.jti ?? randomUUID(),
    aud: JOIN_AUDIENCE,
    iat: now,
    nbf: options.notBefore ?? now,
    exp: options.expiresAt,
  });
}

/** A verifier for join tokens; its errors say clearly why a token was refused. */
export function createJoinTokenVerifier(secret: string): (token: unknown) => JoinClaims {
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], allowedAud: JOIN_AUDIENCE, requiredClaims: ['exp'] });
  return (token) => {
    if (typeof token !== 'string' || token.length === 0) throw new AppError('UNAUTHORIZED', 'A join token is required');
    if (token.length > 4096) throw new AppError('UNAUTHORIZED', 'The join token is malformed');
    let payload: unknown;
    try {
      payload = verify(token);
    } catch (error) {
      throw refusal(error);
    }
    const claims = { ...(payload as Record<string, unknown>) };
    for (const registered of ['aud', 'iat', 'nbf', 'exp', 'iss']) delete claims[registered];
    if (!checkClaims.Check(claims)) throw new AppError('UNAUTHORIZED', 'The join token does not name a meeting, role and participant');
    return claims;
  };
}

function refusal(error: unknown): AppError {
  const code = error instanceof TokenError ? error.code : undefined;
  switch (code) {
    case TokenError.codes.expired:
      return new AppError('TOKEN_EXPIRED', 'The join link has expired');
    case TokenError.codes.inactive:
      return new AppError('TOKEN_NOT_YET_VALID', 'The join link is not valid yet: the meeting has not opened');
    case TokenError.codes.invalidSignature:
      return new AppError('UNAUTHORIZED', 'The join link has an invalid signature');
    case TokenError.codes.invalidClaimValue:
      return new AppError('UNAUTHORIZED', 'The token is not a join link');
    default:
      return new AppError('UNAUTHORIZED', 'The join link is malformed');
  }
}
