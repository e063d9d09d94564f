export interface SchedulerConfig {
  /** redis://, rediss:// or unix:///path; unset: `npm start` runs its own redis-server in DATA_DIR/redis. */
  redisUrl: string | undefined;
  /** Prefix of every key, so several installs can share one Redis. */
  redisPrefix: string;
  /** The first admin account, created on first start. */
  adminUsername: string;
  /** Unset: a one-time password is generated and printed on first start. */
  adminPassword: string | undefined;
  /** Name of the root unit created on first start when there is none. */
  rootUnitName: string;
  /** How long an API session (login) lasts. */
  sessionHours: number;
  /** Failed sign-ins allowed per username (ten times as many per address) within `loginWindowSeconds`. */
  loginAttempts: number;
  loginWindowSeconds: number;
}

type Env = Record<string, string | undefined>;

export function loadSchedulerConfig(env: Env): SchedulerConfig {
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^(rediss?:\/\/.+|unix:\/\/\/.+)$/.test(redisUrl))
    throw new Error(`REDIS_URL must be redis://host:port, rediss://… or unix:///path/to/socket, got "${redisUrl}"`);
  const redisPrefix = env.REDIS_PREFIX || 'diemcau';
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(redisPrefix)) throw new Error('REDIS_PREFIX may hold letters, digits, "_", "." and "-" only');
  const adminUsername = (env.ADMIN_USERNAME || 'admin').toLowerCase();
  if (!/^[a-z0-9][a-z0-9_.-]{1,63}$/.test(adminUsername)) throw new Error('ADMIN_USERNAME must be 2–64 letters, digits, "_", "." or "-"');
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) throw new Error('ADMIN_PASSWORD must be at least 8 characters');
  const sessionHours = Number(env.SESSION_HOURS ?? 12);
  if (!(sessionHours > 0 && sessionHours <= 24 * 30)) throw new Error('SESSION_HOURS must be a number of hours between 0 and 720');
  return {
    redisUrl,
    redisPrefix,
    adminUsername,
    adminPassword,
    rootUnitName: env.ROOT_UNIT_NAME || 'UBND tỉnh',
    sessionHours,
    loginAttempts: 10,
    loginWindowSeconds: 15 * 60,
  };
}
