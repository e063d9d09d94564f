/** `npm run token`: prints a join URL whose token the server accepts for that meeting and role. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { createJoinTokenVerifier } from '../../lib/join-token.js';
import { loadJwtSecret } from '../../signaling/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-token-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

async function token(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '3456', PUBLIC_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

t.test('prints a join URL for the running server with the claims asked for', async (t) => {
  const result = await token('--meeting', 'hop-1', '--role', 'chair', '--name', 'UBND tỉnh', '--subject', 'ubnd');
  t.equal(result.code, 0);
  const url = new URL(result.stdout.trim());
  t.equal(url.origin, 'http://localhost:3456');
  t.equal(url.pathname, '/join');
  const claims = createJoinTokenVerifier(loadJwtSecret({}, dataDir))(url.searchParams.get('token'));
  t.match(claims, { meetingId: 'hop-1', role: 'chair', name: 'UBND tỉnh', sub: 'ubnd' });
});

t.test('bad arguments exit 2 with usage', async (t) => {
  for (const args of [[], ['--meeting', 'x', '--role', 'king', '--name', 'n'], ['--meeting', 'bad id', '--role', 'site', '--name', 'n'], ['--bogus']]) {
    const result = await token(...args);
    t.equal(result.code, 2, args.join(' '));
    t.match(result.stderr, /usage: npm run token/);
  }
});
