/** `npm start`'s program (node main.ts) as a child process on loopback, for tests of the program itself. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Test } from 'tap';

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
