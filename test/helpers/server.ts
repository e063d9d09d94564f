import type { Test } from 'tap';
import { createServer, type DiemcauServer } from '../../server.js';
import type { Config } from '../../config.js';
import { testConfig } from './config.js';

/** Starts a whole server for one test file and tears it down with the test. */
export async function startServer(t: Test, overrides: Partial<Config> = {}): Promise<DiemcauServer> {
  const config = testConfig(overrides);
  const server = await createServer(config);
  t.teardown(async () => {
    await server.close();
    config.cleanup();
  });
  return server;
}
