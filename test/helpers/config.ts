import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { defaultNodeId, type ClusterConfig } from '../../cluster/config.js';
import type { SfuConfig } from '../../sfu/config.js';
import type { SchedulerConfig } from '../../scheduler/config.js';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const TEST_ADMIN = { username: 'admin', password: 'admin-password-for-tests' } as const;

/** A scheduler configuration: no REDIS_URL, so the server runs a private redis-server in its temp data dir. */
export function testSchedulerConfig(overrides: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return {
    redisUrl: undefined,
    redisPrefix: 'test',
    adminUsername: TEST_ADMIN.username,
    adminPassword: TEST_ADMIN.password,
    rootUnitName: 'UBND tỉnh Thử nghiệm',
    sessionHours: 12,
    loginAttempts: 10,
    loginWindowSeconds: 900,
    ...overrides,
  };
}

/** Media on loopback, ports chosen by mediasoup: nothing shared with other test files. */
export function testSfuConfig(overrides: Partial<SfuConfig> = {}): SfuConfig {
  return {
    workers: 1,
    rtcPort: 0,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    workerLogLevel: 'warn',
    initialOutgoingBitrate: 1_000_000,
    consumersPerWorker: 500,
    portRange: undefined,
    ...overrides,
  };
}

/** A fresh node id and the default timings; a test that waits for a node to be noticed as gone passes quicker ones. */
export function testClusterConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return { nodeId: defaultNodeId(), heartbeatMs: 2000, timeoutMs: 6000, units: [], ...overrides };
}

/** A configuration that owns nothing shared: HTTP and RTC on free ports, one worker, a temp data dir. */
export function testConfig(overrides: Partial<Config> = {}): Config & { cleanup(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-test-'));
  return {
    host: '127.0.0.1',
    port: 0,
    publicUrl: undefined,
    tls: undefined,
    dataDir,
    clientDir: resolve('client/dist'),
    logLevel: 'warn',
    sfu: testSfuConfig(),
    signaling: {
      jwtSecret: TEST_JWT_SECRET,
      maxMessageBytes: 256 * 1024,
      rateBurst: 60,
      ratePerSecond: 20,
      consumerAckTimeoutMs: 10_000,
    },
    scheduler: testSchedulerConfig(),
    cluster: testClusterConfig(),
    ...overrides,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
