import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { startLocalRedis, type LocalRedis } from '../../store/local-redis.js';

/** A private redis-server (unix socket, AOF, temp dir) for one test file, stopped at teardown. */
export async function startRedis(t: Test): Promise<LocalRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'diemcau-redis-'));
  const redis = await startLocalRedis(dir);
  t.teardown(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return redis;
}
