import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SignalingConfig {
  /** HS256 secret of join tokens. */
  jwtSecret: string;
  /** Largest message a socket may send; larger ones disconnect it. */
  maxMessageBytes: number;
  /** Requests a socket may make in a burst, and per second after that. */
  rateBurst: number;
  ratePerSecond: number;
  /** How long the server waits for a client to accept a new consumer. */
  consumerAckTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

/**
 * JWT_SECRET, or a secret generated once and kept in DATA_DIR so every process of
 * this install (server, token command, later the scheduler) signs and verifies alike.
 */
export function loadJwtSecret(env: Env, dataDir: string): string {
  const fromEnv = env.JWT_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
    return fromEnv;
  }
  const file = join(dataDir, 'jwt-secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': only the first process creates it; the others read what it wrote.
    writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create ${file}: ${(error as Error).message}`);
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret: delete it to generate a new one`);
  return secret;
}

export function loadSignalingConfig(env: Env, dataDir: string): SignalingConfig {
  return {
    jwtSecret: loadJwtSecret(env, dataDir),
    maxMessageBytes: 256 * 1024,
    rateBurst: 60,
    ratePerSecond: 20,
    consumerAckTimeoutMs: 10_000,
  };
}
