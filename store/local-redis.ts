import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export interface LocalRedis {
  /** unix:///…/redis.sock, for connectRedis. */
  readonly url: string;
  readonly dir: string;
  /** Stops the server; it writes its AOF before it exits. */
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  'redis-server is not installed: run `npm run setup` (or `apt-get install redis-server`), or set REDIS_URL to a running Redis';

/**
 * Starts a private redis-server with its data (AOF on) in `dir`, listening on a unix socket
 * only, so it never collides with another server or test on a TCP port.
 */
export async function startLocalRedis(dir: string, options: { timeoutMs?: number } = {}): Promise<LocalRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error(REDIS_MISSING);
  mkdirSync(dir, { recursive: true });
  const socket = localRedisSocket(dir);
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--appendonly', 'yes',
      '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForSocket(socket, child, options.timeoutMs ?? 10_000, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `unix://${socket}`,
    dir,
    stop: () => (stopping ??= (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : (child.kill('SIGTERM'), exited))),
  };
}

/** Where startLocalRedis(dir) listens. A unix socket path must fit in 107 bytes; a deep data dir gets one under the temp dir. */
export function localRedisSocket(dir: string): string {
  const socket = join(dir, 'redis.sock');
  return Buffer.byteLength(socket) > 100 ? join(tmpdir(), `diemcau-redis-${createHash('sha1').update(dir).digest('hex').slice(0, 12)}.sock`) : socket;
}

async function waitForSocket(path: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr().trim() || 'no output'}`);
    if (existsSync(path) && (await canConnect(path))) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not open ${path} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Does a server accept connections on this unix socket (is `npm start`'s Redis running)? */
export function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
