import t, { type Test } from 'tap';
import { startServer } from '../helpers/server.js';
import {
  FAKE_DTLS,
  connectSocket,
  connected,
  disconnected,
  joinAs,
  ok,
  opusParameters,
  rawRequest,
} from '../helpers/socket-client.js';

const server = await startServer(t);
const meetingId = 'meeting-bad-input';
// A bystander in the same meeting: whatever the others send, it must keep being served.
const bystander = await joinAs(t, server, { sub: 'bystander', meetingId, role: 'site', name: 'Bystander' });
async function bystanderStillServed(t: Test) {
  t.ok(bystander.socket.connected, 'the bystander is still connected');
  const caps = await rawRequest(bystander.socket, 'router-capabilities', {});
  t.equal(caps.ok, true, 'and still gets answers');
}

t.test('requests before join are refused in order', async (t) => {
  const socket = connectSocket(t, server.url, server.signToken({ sub: 'early', meetingId, role: 'site', name: 'Early' }));
  await connected(socket);
  t.match(await rawRequest(socket, 'create-transport', { direction: 'send' }), { ok: false, error: { code: 'NOT_JOINED' } });
  t.match(await rawRequest(socket, 'produce', { transportId: 'x', kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus', clockRate: 48000 }] } }), {
    ok: false,
    error: { code: 'NOT_JOINED' },
  });
  t.match(await rawRequest(socket, 'leave', {}), { ok: true }, 'leaving before joining is harmless');
});

t.test('malformed payloads get BAD_REQUEST with a reason', async (t) => {
  const { socket, caps } = await joinAs(t, server, { sub: 'malformed', meetingId, role: 'site', name: 'Malformed' });
  const cases: [string, string, unknown][] = [
    ['a string', 'create-transport', 'send'],
    ['null', 'create-transport', null],
    ['an array', 'connect-transport', [1, 2]],
    ['a wrong enum', 'create-transport', { direction: 'sideways' }],
    ['a wrong type', 'create-transport', { direction: 'send', forceTcp: 'yes' }],
    ['an extra field', 'create-transport', { direction: 'send', admin: true }],
    ['a missing field', 'connect-transport', { transportId: 'x' }],
    ['a huge id', 'pause-producer', { producerId: 'x'.repeat(10_000) }],
    ['an empty fingerprint list', 'connect-transport', { transportId: 'x', dtlsParameters: { fingerprints: [] } }],
    ['a source that does not exist', 'produce', { transportId: 'x', kind: 'audio', source: 'radio', rtpParameters: opusParameters(caps) }],
  ];
  for (const [what, event, payload] of cases) {
    const result = await rawRequest(socket, event, payload);
    t.match(result, { ok: false, error: { code: 'BAD_REQUEST', message: /Invalid request/ } }, what);
  }
  t.match(await rawRequest(socket, 'join', { rtpCapabilities: caps }), { ok: false, error: { code: 'ALREADY_JOINED' } }, 'joining twice');
});

t.test('unknown ids get NOT_FOUND; parameters mediasoup rejects get BAD_REQUEST', async (t) => {
  const { socket, caps } = await joinAs(t, server, { sub: 'unknown-ids', meetingId, role: 'site', name: 'Unknown' });
  t.match(await rawRequest(socket, 'connect-transport', { transportId: 'nope', dtlsParameters: FAKE_DTLS }), { ok: false, error: { code: 'NOT_FOUND' } });
  t.match(await rawRequest(socket, 'restart-ice', { transportId: 'nope' }), { ok: false, error: { code: 'NOT_FOUND' } });
  t.match(await rawRequest(socket, 'resume-producer', { producerId: 'nope' }), { ok: false, error: { code: 'NOT_FOUND' } });
  t.match(await rawRequest(socket, 'close-producer', { producerId: 'nope' }), { ok: false, error: { code: 'NOT_FOUND' } });
  // Another participant's transport is just as unknown to this one.
  const other = await joinAs(t, server, { sub: 'other', meetingId, role: 'site', name: 'Other' });
  const theirs = await ok(other.socket, 'create-transport', { direction: 'send' });
  t.match(await rawRequest(socket, 'connect-transport', { transportId: theirs.id, dtlsParameters: FAKE_DTLS }), { ok: false, error: { code: 'NOT_FOUND' } });

  const send = await ok(socket, 'create-transport', { direction: 'send' });
  const av1 = { ...opusParameters(caps), codecs: [{ mimeType: 'video/AV1', payloadType: 45, clockRate: 90000, parameters: {}, rtcpFeedback: [] }] };
  t.match(await rawRequest(socket, 'produce', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: av1 }), { ok: false, error: { code: 'BAD_REQUEST' } }, 'an unsupported codec');
  t.match(await rawRequest(socket, 'produce', { transportId: send.id, kind: 'video', source: 'mic', rtpParameters: opusParameters(caps) }), { ok: false, error: { code: 'BAD_REQUEST' } }, 'a mic that sends video');
  await ok(socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(caps) });
  t.match(await rawRequest(socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(caps, 2222) }), { ok: false, error: { code: 'CONFLICT' } }, 'a second mic');
  await bystanderStillServed(t);
});

t.test('unknown events are answered, events without an ack are ignored', async (t) => {
  const { socket } = await joinAs(t, server, { sub: 'unknown-events', meetingId, role: 'site', name: 'Unknown events' });
  t.match(await rawRequest(socket, 'make-me-chair', {}), { ok: false, error: { code: 'BAD_REQUEST', message: /Unknown request/ } });
  (socket as unknown as { emit(e: string, p: unknown): void }).emit('create-transport', { direction: 'send' });
  t.match(await rawRequest(socket, 'router-capabilities', {}), { ok: true }, 'the socket is still served');
});

t.test('an oversized message disconnects its sender only', async (t) => {
  const { socket } = await joinAs(t, server, { sub: 'oversized', meetingId, role: 'site', name: 'Oversized' });
  const gone = disconnected(socket);
  (socket as unknown as { emit(e: string, p: unknown): void }).emit('create-transport', { direction: 'x'.repeat(1024 * 1024) });
  t.match(await gone, /transport (close|error)/, 'the sender is disconnected');
  await bystanderStillServed(t);
});

t.test('a flood of requests is rate-limited, then cut off', async (t) => {
  const { socket } = await joinAs(t, server, { sub: 'flood', meetingId, role: 'site', name: 'Flood' });
  const gone = disconnected(socket);
  const kicked = new Promise((resolve) => socket.once('kicked', resolve));
  const results = await Promise.allSettled(Array.from({ length: 400 }, () => rawRequest(socket, 'router-capabilities', {})));
  const limited = results.filter((r) => r.status === 'fulfilled' && !r.value.ok && r.value.error.code === 'RATE_LIMITED');
  t.ok(limited.length > 0, `some requests were refused as RATE_LIMITED (${limited.length})`);
  t.match(await kicked, { code: 'RATE_LIMITED' }, 'the flooder is told why');
  t.equal(await gone, 'io server disconnect', 'and disconnected');
  await bystanderStillServed(t);
});
