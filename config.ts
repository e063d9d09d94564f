import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadClusterConfig, type ClusterConfig } from './cluster/config.js';
import type { LogLevel } from './lib/log.js';
import { loadSchedulerConfig, type SchedulerConfig } from './scheduler/config.js';
import { loadSfuConfig, type SfuConfig } from './sfu/config.js';
import { loadSignalingConfig, type SignalingConfig } from './signaling/config.js';

export interface Config {
  host: string;
  port: number;
  /** Base URL people open; join links are built on it. Default: http://localhost:PORT. */
  publicUrl: string | undefined;
  tls: { key: Buffer; cert: Buffer } | undefined;
  dataDir: string;
  clientDir: string;
  logLevel: LogLevel | 'silent';
  sfu: SfuConfig;
  signaling: SignalingConfig;
  scheduler: SchedulerConfig;
  cluster: ClusterConfig;
}

type Env = Record<string, string | undefined>;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** Reads and validates the whole configuration once; throws with a clear message. */
export function loadConfig(env: Env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new Error(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) throw new Error('Set both TLS_CERT and TLS_KEY (PEM files), or neither');
  const read = (name: 'TLS_CERT' | 'TLS_KEY') => {
    try {
      return readFileSync(env[name] as string);
    } catch (error) {
      throw new Error(`${name}: cannot read ${env[name]}: ${(error as Error).message}`);
    }
  };
  const dataDir = resolve(env.DATA_DIR || 'data');
  return {
    host: env.HOST || '0.0.0.0',
    port,
    publicUrl,
    tls: env.TLS_CERT ? { cert: read('TLS_CERT'), key: read('TLS_KEY') } : undefined,
    dataDir,
    clientDir: resolve(env.CLIENT_DIR || 'client/dist'),
    logLevel,
    sfu: loadSfuConfig(env),
    signaling: loadSignalingConfig(env, dataDir),
    scheduler: loadSchedulerConfig(env),
    cluster: loadClusterConfig(env),
  };
}
