/** `npm start`'s program: starts with working defaults, serves the client and /healthz, prints join-link help, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';

const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-start-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

function run(env: Record<string, string>) {
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

t.test('starts, serves, and stops cleanly', async (t) => {
  const server = run({});
  const [, url] = await server.printed(/running at (http:\/\/\S+)/);
  t.match(server.output(), /npm run token -- --meeting/, 'says how to make a join link');
  const health = await fetch(`${url}/healthz`);
  t.equal(health.status, 200);
  t.same(await health.json(), { status: 'ok', workers: 1, liveWorkers: 1 });
  const page = await fetch(`${url}/join?token=x`);
  t.equal(page.status, 200);
  t.match(await page.text(), /<html lang="vi">/, 'serves the join page');
  const missing = await fetch(`${url}/nope`);
  t.same(await missing.json(), { code: 'NOT_FOUND', message: 'No route GET /nope' });
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'exits 0 on SIGTERM');
});

t.test('invalid configuration stops start-up with a clear message', async (t) => {
  const server = run({ PORT: 'eighty' });
  t.equal(await server.exited, 1);
  t.match(server.output(), /invalid configuration: PORT must be a port number/);
});
