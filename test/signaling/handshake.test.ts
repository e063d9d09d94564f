import t from 'tap';
import { createSigner } from 'fast-jwt';
import { JOIN_AUDIENCE } from '../../protocol/claims.js';
import { startServer } from '../helpers/server.js';
import { TEST_JWT_SECRET } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';
import { connectSocket, connected, ok, refused } from '../helpers/socket-client.js';

const server = await startServer(t);
const claims = { sub: 'hall-1', meetingId: 'meeting-a', role: 'site' as const, name: 'Xã Tân Lập' };
const now = () => Math.floor(Date.now() / 1000);

t.test('a valid join token connects and can join its meeting', async (t) => {
  const socket = connectSocket(t, server.url, server.signToken(claims));
  await connected(socket);
  const caps = await ok(socket, 'router-capabilities', {});
  const joined = await ok(socket, 'join', { rtpCapabilities: caps });
  t.equal(joined.meetingId, 'meeting-a');
  t.equal(joined.self.name, 'Xã Tân Lập');
  t.equal(joined.self.role, 'site');
  t.equal(server.signaling.participantCount('meeting-a'), 1);
  t.equal(server.signaling.participantCount('meeting-b'), 0, 'a token for one meeting joins only that meeting');
});

const refusals: [string, unknown, string, RegExp][] = [
  ['no token', undefined, 'UNAUTHORIZED', /required/],
  ['a token that is not a string', { token: 1 }, 'UNAUTHORIZED', /required/],
  ['a malformed token', 'not.a.jwt', 'UNAUTHORIZED', /malformed/],
  ['an expired token', server.signToken(claims, { notBefore: now() - 7200, expiresAt: now() - 60 }), 'TOKEN_EXPIRED', /expired/],
  ['a token not yet valid', server.signToken(claims, { notBefore: now() + 3600, expiresAt: now() + 7200 }), 'TOKEN_NOT_YET_VALID', /not valid yet/],
  [
    'a token signed with another secret',
    createSigner({ key: 'another-secret-another-secret-another-secret' })({ ...claims, aud: JOIN_AUDIENCE, exp: now() + 60 }),
    'UNAUTHORIZED',
    /signature/,
  ],
  [
    'a token for another audience (an API session token)',
    createSigner({ key: TEST_JWT_SECRET })({ ...claims, aud: 'diemcau:api', exp: now() + 60 }),
    'UNAUTHORIZED',
    /not a join link/,
  ],
  [
    'a token without a meeting',
    createSigner({ key: TEST_JWT_SECRET })({ sub: 'x', role: 'site', name: 'x', aud: JOIN_AUDIENCE, exp: now() + 60 }),
    'UNAUTHORIZED',
    /meeting/,
  ],
  [
    'a token with an unknown role',
    createSigner({ key: TEST_JWT_SECRET })({ ...claims, role: 'king', aud: JOIN_AUDIENCE, exp: now() + 60 }),
    'UNAUTHORIZED',
    /role/,
  ],
  [
    'a token without an expiry',
    createSigner({ key: TEST_JWT_SECRET })({ ...claims, aud: JOIN_AUDIENCE }),
    'UNAUTHORIZED',
    /malformed/,
  ],
];

for (const [what, token, code, message] of refusals) {
  t.test(`${what} is refused with a clear connect_error`, async (t) => {
    const error = await refused(connectSocket(t, server.url, token));
    t.equal(error.data?.code, code);
    t.match(error.message, message);
  });
}

t.test('refused connections leave no participant behind', async (t) => {
  await waitFor(() => server.signaling.participantCount('meeting-a') === 0, { what: 'the joined socket to leave' });
  await waitFor(() => server.sfu.existingRoom('meeting-a' as never) === undefined, { what: 'the room to close' });
  t.pass('the room closed with its last participant');
});
