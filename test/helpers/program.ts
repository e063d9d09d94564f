/** `npm start`'s program (node main.ts) as a child process on loopback, for tests of the program itself. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Test } from 'tap';
import { TEST_ADMIN, TEST_JWT_SECRET } from './config.js';

export interface Program {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves once the output matches `pattern`; rejects if the program exits first. */
  printed(pattern: RegExp): Promise<RegExpMatchArray>;
  output(): string;
}

/** Starts the program with a data dir, free ports and one worker on loopback, plus `env`; killed at teardown. */
export function startProgram(t: Test, dataDir: string, env: Record<string, string>): Program {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', MEDIASOUP_WORKERS: '1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  const printed = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const look = () => {
        const match = out.match(pattern);
        if (match) resolve(match);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      exited.then(() => reject(new Error(`exited before printing ${pattern}: ${out}`)));
      look();
    });
  return { child, exited, printed, output: () => out };
}

export interface ClusterNode extends Program {
  /** Its URL, once it says it is running. */
  url: Promise<string>;
}

/**
 * A node of a test cluster: the program in a temp data dir (removed at teardown) on a shared Redis
 * and key prefix, with the tests' JWT secret and admin password, plus `env` (NODE_ID, timings, NODE_UNITS…).
 */
export function startNode(t: Test, redisUrl: string, prefix: string, env: Record<string, string>): ClusterNode {
  const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-node-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const program = startProgram(t, dataDir, { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, JWT_SECRET: TEST_JWT_SECRET, ADMIN_PASSWORD: TEST_ADMIN.password, ...env });
  return { ...program, url: program.printed(/running at (http:\/\/\S+)/).then((m) => m[1] as string) };
}
