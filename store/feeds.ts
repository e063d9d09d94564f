import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';

/** Whose calendar feed a token opens. */
export interface FeedSubject {
  kind: 'person' | 'hall';
  id: string;
}

const subjectField = (s: FeedSubject) => `${s.kind}:${s.id}`;

// Both directions in one script, so two first requests for one subject agree on one token.
const ISSUE_SCRIPT = `
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current and ARGV[3] == '0' then return current end
if current then redis.call('HDEL', KEYS[1], current) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return ARGV[2]
`;

const REVOKE_SCRIPT = `
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current then redis.call('HDEL', KEYS[1], current) end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

/**
 * Secret feed tokens: every person and hall has one, made on first use; the token alone opens
 * that subject's calendar feed (calendar apps cannot sign in). Rotating makes the old one useless.
 */
export class FeedStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** The subject's token, made now if it has none. */
  tokenFor(subject: FeedSubject): Promise<string> {
    return this.issue(subject, false);
  }

  /** A new token for the subject; the old one stops working at once. */
  rotate(subject: FeedSubject): Promise<string> {
    return this.issue(subject, true);
  }

  /** The subject is gone: its token stops working (and cannot open a later subject with the same id). */
  async revoke(subject: FeedSubject): Promise<void> {
    await this.redis.eval(REVOKE_SCRIPT, { keys: [this.keys.feedTokens(), this.keys.feedTokenBySubject()], arguments: [subjectField(subject)] });
  }

  /** Whose feed the token opens, or undefined. */
  async subjectOf(token: string): Promise<FeedSubject | undefined> {
    const value = await this.redis.hGet(this.keys.feedTokens(), token);
    if (value == null) return undefined;
    const colon = value.indexOf(':');
    const kind = value.slice(0, colon);
    if (kind !== 'person' && kind !== 'hall') return undefined;
    return { kind, id: value.slice(colon + 1) };
  }

  private async issue(subject: FeedSubject, replace: boolean): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    const answer = await this.redis.eval(ISSUE_SCRIPT, {
      keys: [this.keys.feedTokens(), this.keys.feedTokenBySubject()],
      arguments: [subjectField(subject), token, replace ? '1' : '0'],
    });
    return String(answer);
  }
}
