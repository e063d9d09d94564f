import type { AccountRole, Person } from '../../store/records.js';

/** Who is asking: the signed-in person, read fresh from the store on every request. */
export interface Caller {
  readonly person: Person;
  readonly roles: ReadonlySet<AccountRole>;
}

/** Claims of an API session token (audience "diemcau:api", never a join token). */
export interface SessionClaims {
  sub: string;
}

export const API_AUDIENCE = 'diemcau:api';
