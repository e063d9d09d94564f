// Prints a join link for the running server, until the scheduler issues invitations:
//   npm run token -- --meeting <id> --role <role> --name "<display name>" [--subject <id>] [--hours 12]
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { joinUrl, signJoinToken } from '../lib/join-token.js';
import { JoinClaims, ROLES } from '../protocol/claims.js';
import { loadJwtSecret } from '../signaling/config.js';

const usage = `usage: npm run token -- --meeting <id> --role <${ROLES.join('|')}> --name "<display name>" [--subject <id>] [--hours <n>] [--url <base url>]`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      meeting: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      subject: { type: 'string' },
      hours: { type: 'string', default: '12' },
      url: { type: 'string' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
const hours = Number(values.hours);
if (!(hours > 0 && hours <= 24 * 31)) fail('--hours must be a number of hours from 0 to 744');
const claims = {
  sub: values.subject ?? `guest-${randomBytes(4).toString('hex')}`,
  meetingId: values.meeting ?? fail('--meeting is required'),
  role: values.role ?? fail('--role is required'),
  name: values.name ?? fail('--name is required'),
};
const check = TypeCompiler.Compile(JoinClaims);
if (!check.Check(claims)) {
  const first = check.Errors(claims).First();
  fail(`invalid ${first?.path.slice(1) ?? 'claims'}: ${first?.message ?? ''}`);
}

const env = process.env;
const secret = loadJwtSecret(env, resolve(env.DATA_DIR || 'data'));
const base = (values.url || env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
const token = signJoinToken(secret, claims, { expiresAt: Math.floor(Date.now() / 1000 + hours * 3600) });
console.log(joinUrl(base, token));
