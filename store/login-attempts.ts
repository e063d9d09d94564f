import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** Failed sign-ins counted per username and per address in Redis, so every node sees them. */
export class LoginAttemptStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async attempts(who: string): Promise<number> {
    return Number((await this.redis.get(this.keys.loginAttempts(who))) ?? 0);
  }

  async recordFailure(who: string, windowSeconds: number): Promise<void> {
    const key = this.keys.loginAttempts(who);
    // The window starts at the first failure and is not extended by later ones.
    await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec();
  }

  async clear(who: string): Promise<void> {
    await this.redis.del(this.keys.loginAttempts(who));
  }
}
