/**
 * Conference control over the wire, with a real worker: every control action against every role,
 * the floor queue, server-enforced mutes, removal, lock, spotlight and messages.
 */
import t, { type Test } from 'tap';
import type { Role } from '../../protocol/claims.js';
import type { ChatMessage, FloorTurn } from '../../protocol/conference.js';
import type { ClientToServerEvents } from '../../protocol/events.js';
import type { MeetingId } from '../../protocol/ids.js';
import { startServer } from '../helpers/server.js';
import { connectSocket, connected, disconnected, joinAs, ok, rawRequest, refused, request } from '../helpers/socket-client.js';
import { nextEvent, participant, type Participant } from '../helpers/conference.js';
import { waitFor } from '../helpers/wait.js';

const server = await startServer(t);

const join = (t: Test, meetingId: string, sub: string, role: Role, options?: { publish?: boolean }) =>
  participant(t, server, { sub, meetingId, role, name: `${role} ${sub}` }, options);

/** The server's microphone producer of a participant. */
const mic = (p: Participant) => p.peer().producers.find((x) => x.kind === 'audio')!;

type Floor = { floor: FloorTurn | null; reason: string };

t.test('sites, officials and observers cannot use chair controls; nothing changes', async (t) => {
  const meetingId = 'control-forbidden';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const site = await join(t, meetingId, 'site-a', 'site');
  const other = await join(t, meetingId, 'site-b', 'site');
  const official = await join(t, meetingId, 'official', 'official');
  const observer = await join(t, meetingId, 'observer', 'observer', { publish: false });
  const before = JSON.stringify({ ...chair.state(), version: 0 });

  for (const actor of [site, official, observer]) {
    const attempts: [keyof ClientToServerEvents, unknown][] = [
      ['grant-floor', { participantId: actor.id }],
      ['skip-floor', {}],
      ['revoke-floor', {}],
      ['mute-site', { participantId: other.id }],
      ['mute-site', { participantId: chair.id }],
      ['mute-all', {}],
      ['set-free-discussion', { open: true }],
      ['spotlight', { participantId: actor.id }],
      ['lock-meeting', { locked: true }],
      ['remove-participant', { participantId: other.id }],
      ['admit', { subjectId: 'site-b' }],
      ['set-grid-page', { page: 0, pageSize: 9 }],
    ];
    for (const [event, payload] of attempts) {
      t.match(await rawRequest(actor.socket, event, payload), { ok: false, error: { code: 'FORBIDDEN' } }, `${actor.name}: ${event} is forbidden`);
    }
  }
  t.match(await request(observer.socket, 'request-floor', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'an observer cannot ask for the floor');
  t.match(await request(observer.socket, 'send-message', { to: 'all', text: 'hello' }), { ok: false, error: { code: 'FORBIDDEN' } }, 'an observer cannot message everyone');
  const send = await ok(observer.socket, 'create-transport', { direction: 'send' });
  t.match(
    await rawRequest(observer.socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus', clockRate: 48000 }] } }),
    { ok: false, error: { code: 'FORBIDDEN' } },
    'an observer cannot produce',
  );

  await ok(chair.socket, 'send-message', { to: 'all', text: 'barrier' });
  t.equal(JSON.stringify({ ...chair.state(), version: 0 }), before, 'the live state is unchanged');
  t.equal(server.signaling.participantCount(meetingId), 5, 'nobody was removed');
  t.ok(mic(other).paused, "the other site's microphone is still held");
});

t.test('control requests before joining are refused, with NOT_JOINED', async (t) => {
  const socket = connectSocket(t, server.url, server.signToken({ sub: 'early', meetingId: 'control-early', role: 'chair', name: 'Early' }));
  await connected(socket);
  t.match(await request(socket, 'lock-meeting', { locked: true }), { ok: false, error: { code: 'NOT_JOINED' } });
  t.match(await rawRequest(socket, 'grant-floor', { timeLimitSeconds: 0 }), { ok: false, error: { code: 'BAD_REQUEST' } }, 'payloads are validated');
});

t.test('the secretary runs the meeting, but cannot act on the chair', async (t) => {
  const meetingId = 'control-secretary';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const secretary = await join(t, meetingId, 'secretary', 'secretary');
  const site = await join(t, meetingId, 'site-a', 'site');
  const other = await join(t, meetingId, 'site-b', 'site');

  t.match(await ok(secretary.socket, 'grant-floor', { participantId: site.id }), { participantId: site.id });
  await ok(secretary.socket, 'revoke-floor', {});
  await ok(secretary.socket, 'mute-site', { participantId: site.id, muted: false });
  await ok(secretary.socket, 'mute-site', { participantId: site.id });
  t.match(await ok(secretary.socket, 'mute-all', {}), { muted: 0 });
  await ok(secretary.socket, 'set-free-discussion', { open: true });
  await ok(secretary.socket, 'set-free-discussion', { open: false });
  await ok(secretary.socket, 'spotlight', { participantId: site.id });
  await ok(secretary.socket, 'spotlight', { participantId: null });
  await ok(secretary.socket, 'lock-meeting', { locked: true });
  await ok(secretary.socket, 'lock-meeting', { locked: false });
  t.match(await ok(secretary.socket, 'set-grid-page', { page: 0, pageSize: 2 }), { page: 0, pageSize: 2, total: 3 });
  await ok(secretary.socket, 'remove-participant', { participantId: other.id });
  t.match(await ok(secretary.socket, 'admit', { subjectId: 'site-b' }), { admitted: 1 });
  t.pass('every control action answered ok');

  t.match(await request(secretary.socket, 'mute-site', { participantId: chair.id }), { ok: false, error: { code: 'FORBIDDEN' } }, 'the secretary cannot mute the chair');
  t.match(await request(secretary.socket, 'remove-participant', { participantId: chair.id }), { ok: false, error: { code: 'FORBIDDEN' } }, '... nor remove it');
  t.match(await request(chair.socket, 'mute-site', { participantId: chair.id }), { ok: false, error: { code: 'CONFLICT' } }, 'the chair mutes itself with its own button');
  t.match(await request(chair.socket, 'remove-participant', { participantId: chair.id }), { ok: false, error: { code: 'CONFLICT' } });
  t.match(await request(chair.socket, 'mute-site', { participantId: 'nobody' }), { ok: false, error: { code: 'NOT_FOUND' } }, 'an unknown participant');
});

t.test('the floor: queue order, grant, skip, revoke, and a time limit that runs out', async (t) => {
  const meetingId = 'control-floor';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const a = await join(t, meetingId, 'site-a', 'site');
  const b = await join(t, meetingId, 'site-b', 'site');
  const c = await join(t, meetingId, 'official-c', 'official');

  t.same(await ok(a.socket, 'request-floor', { subject: 'Đê điều', agendaItem: 'item-2' }), { position: 1 });
  t.same(await ok(b.socket, 'request-floor', {}), { position: 2 });
  t.same(await ok(c.socket, 'request-floor', { subject: 'Giá lúa' }), { position: 3 });
  t.match(await request(a.socket, 'request-floor', {}), { ok: false, error: { code: 'CONFLICT' } }, 'one request per participant');
  await ok(b.socket, 'cancel-floor-request', {});
  t.match(await request(b.socket, 'cancel-floor-request', {}), { ok: false, error: { code: 'NOT_FOUND' } }, 'nothing left to cancel');

  // The chair's state comes on its own socket: it may still show [a, b] (two long as well) or [a, b, c].
  const queueAt = (p: Participant) => p.state().queue.map((r) => r.participantId).join(' ');
  await waitFor(() => queueAt(chair) === `${a.id} ${c.id}`, { what: 'the queue at the chair, after the cancel' });
  t.match(chair.state().queue, [{ participantId: a.id, subject: 'Đê điều', agendaItem: 'item-2' }, { participantId: c.id, subject: 'Giá lúa' }], 'the chair sees the queue in order');
  await waitFor(() => queueAt(a) === `${a.id} ${c.id}`, { what: 'the queue at a site, after the cancel' });
  t.equal(a.state().removed, undefined, 'a site does not get the control-only fields');

  const toB = nextEvent<Floor>(b.socket, 'floor-changed');
  const granted = await ok(chair.socket, 'grant-floor', {});
  t.match(granted, { participantId: a.id, subject: 'Đê điều', agendaItem: 'item-2', deadline: null }, 'grant without a name: the head of the queue');
  t.match(await toB, { floor: { participantId: a.id }, reason: 'granted' }, 'everyone hears who has the floor');
  t.match(await request(a.socket, 'request-floor', {}), { ok: false, error: { code: 'CONFLICT' } }, 'the holder does not queue');

  await ok(chair.socket, 'skip-floor', {});
  await waitFor(() => chair.state().queue.length === 0, { what: 'the skipped request to leave the queue' });
  t.equal(chair.state().floor?.participantId, a.id, 'skipping leaves the turn alone');
  t.match(await request(chair.socket, 'skip-floor', {}), { ok: false, error: { code: 'NOT_FOUND' } }, 'nothing to skip');

  const handover = nextEvent<Floor>(a.socket, 'floor-changed', 15_000, (m) => m.floor?.participantId === b.id);
  await ok(chair.socket, 'grant-floor', { participantId: b.id });
  t.match(await handover, { floor: { participantId: b.id }, reason: 'granted' }, 'the floor can be given to someone who did not ask; the last holder loses it');

  // Other sockets may still be receiving the grant: wait for the revocation itself.
  const revoked = nextEvent<Floor>(c.socket, 'floor-changed', 15_000, (m) => m.reason === 'revoked');
  await ok(chair.socket, 'revoke-floor', {});
  t.same(await revoked, { floor: null, reason: 'revoked' });
  t.match(await request(chair.socket, 'revoke-floor', {}), { ok: false, error: { code: 'CONFLICT' } }, 'nobody to revoke');
  t.match(await request(chair.socket, 'grant-floor', {}), { ok: false, error: { code: 'NOT_FOUND' } }, 'an empty queue grants nobody');

  // Listened to before the grant (the limit runs out a second later, whenever this side gets to it),
  // and read after the timed grant: the revocation above may still be on its way to this socket.
  const seenAtA: Floor[] = [];
  const onFloorAtA = (m: Floor) => seenAtA.push(m);
  a.socket.on('floor-changed', onFloorAtA);
  const timed = await ok(chair.socket, 'grant-floor', { participantId: c.id, timeLimitSeconds: 1 });
  t.equal(timed.deadline! - timed.grantedAt, 1000, 'the deadline is in the turn, for every countdown');
  const expired = await waitFor(
    () => {
      const grant = seenAtA.findIndex((m) => m.reason === 'granted' && m.floor?.participantId === c.id);
      return grant >= 0 ? seenAtA[grant + 1] : undefined;
    },
    { what: 'the next floor change after the timed grant, at a site' },
  );
  a.socket.off('floor-changed', onFloorAtA);
  t.same(expired, { floor: null, reason: 'expired' }, 'the time limit revokes the floor');
  await waitFor(() => mic(c).paused, { what: "the expired speaker's microphone held again" });

  await ok(a.socket, 'request-floor', {});
  await ok(chair.socket, 'grant-floor', { participantId: a.id });
  const gone = nextEvent<Floor>(chair.socket, 'floor-changed', 15_000, (m) => m.reason === 'left');
  a.socket.disconnect();
  t.same(await gone, { floor: null, reason: 'left' }, 'the floor is freed when its holder leaves');
});

t.test('mutes are enforced on the server whatever the client asks', async (t) => {
  const meetingId = 'control-mute';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const site = await join(t, meetingId, 'site-a', 'site');
  const other = await join(t, meetingId, 'site-b', 'site');

  t.notOk(mic(chair).paused, "the chair's microphone is live");
  t.ok(mic(site).paused, "a site's microphone is paused on the server from the start");
  t.ok(site.peer().audioHeld, '... and held');
  const refusedResume = await request(site.socket, 'resume-producer', { producerId: site.micId! });
  t.match(refusedResume, { ok: false, error: { code: 'FORBIDDEN' } }, 'the site cannot unmute itself');
  t.ok(mic(site).paused, 'its microphone stays paused');
  await ok(site.socket, 'pause-producer', { producerId: site.cameraId! });
  await ok(site.socket, 'resume-producer', { producerId: site.cameraId! });
  t.pass('its camera is its own to pause and resume');
  await server.sfu.existingRoom(meetingId as MeetingId)!.settled();
  t.notOk(
    [chair, other].some((p) => p.peer().consumers.some((c) => c.producerId === site.micId)),
    'nobody receives the muted microphone',
  );

  const unmuted = nextEvent(site.socket, 'muted');
  await ok(chair.socket, 'grant-floor', { participantId: site.id });
  t.same(await unmuted, { muted: false, micOn: true }, 'the floor holder is told its microphone is on');
  await waitFor(() => !mic(site).paused, { what: "the holder's microphone resumed by the server" });
  await ok(site.socket, 'pause-producer', { producerId: site.micId! });
  await ok(site.socket, 'resume-producer', { producerId: site.micId! });
  t.notOk(mic(site).paused, 'while it holds the floor it may mute and unmute itself');

  const muted = nextEvent(site.socket, 'muted');
  await ok(chair.socket, 'revoke-floor', {});
  t.same(await muted, { muted: true, micOn: false });
  await waitFor(() => mic(site).paused, { what: 'the microphone paused after the turn' });
  t.match(await request(site.socket, 'resume-producer', { producerId: site.micId! }), { ok: false, error: { code: 'FORBIDDEN' } });

  const free = nextEvent(site.socket, 'muted');
  await ok(chair.socket, 'set-free-discussion', { open: true });
  t.same(await free, { muted: false, micOn: false }, 'free discussion: the site may unmute, the server does not do it');
  t.ok(mic(site).paused, 'still paused until the site unmutes');
  await ok(site.socket, 'resume-producer', { producerId: site.micId! });
  t.notOk(mic(site).paused, 'in free discussion a site unmutes itself');
  await ok(chair.socket, 'set-free-discussion', { open: false });
  await waitFor(() => mic(site).paused && site.peer().audioHeld, { what: 'the end of free discussion to mute again' });

  await ok(chair.socket, 'mute-site', { participantId: site.id, muted: false });
  await waitFor(() => !mic(site).paused, { what: 'the chair unmuting one site' });
  await ok(chair.socket, 'mute-site', { participantId: other.id, muted: false });
  await waitFor(() => !mic(other).paused, { what: 'the chair unmuting another site' });
  await ok(chair.socket, 'mute-site', { participantId: other.id });
  await waitFor(() => mic(other).paused, { what: 'the chair muting one site' });
  t.notOk(mic(site).paused, 'muting one leaves the others');

  await ok(chair.socket, 'mute-site', { participantId: other.id, muted: false });
  await waitFor(() => !mic(other).paused, { what: 'unmuted again' });
  t.same(await ok(chair.socket, 'mute-all', {}), { muted: 2 }, 'mute all: both sites');
  await waitFor(() => mic(site).paused && mic(other).paused, { what: 'every site muted' });
  t.notOk(mic(chair).paused, 'but not the chair');
  t.same(chair.state().speakers, [chair.id], 'only the chair may speak');
});

t.test('a removed participant is disconnected and its link cannot come back until re-admitted', async (t) => {
  const meetingId = 'control-remove';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const keep = await join(t, meetingId, 'site-keep', 'site');
  const token = server.signToken({ sub: 'site-out', meetingId, role: 'site', name: 'Xã bị mời ra' });
  const first = await joinAs(t, server, { sub: 'site-out', meetingId, role: 'site', name: 'unused' });
  // Its first connection's participant-left must reach `keep` before we listen for the removal's.
  const firstLeft = nextEvent<{ participantId: string }>(keep.socket, 'participant-left', 15_000, (m) => m.participantId === first.joined.self.id);
  first.socket.disconnect();
  await firstLeft;
  const out = await joinWithToken(t, token);

  const removed = nextEvent(out.socket, 'removed');
  const gone = disconnected(out.socket);
  const left = nextEvent<{ participantId: string }>(keep.socket, 'participant-left');
  await ok(chair.socket, 'remove-participant', { participantId: out.id });
  t.match(await removed, { code: 'REMOVED' }, 'it is told');
  t.equal(await gone, 'io server disconnect', 'and disconnected');
  t.same(await left, { participantId: out.id }, 'the others see it leave');
  await waitFor(() => server.signaling.participantCount(meetingId) === 2, { what: 'the count to drop' });
  await waitFor(() => chair.state().removed?.length === 1, { what: 'the removal in the chair state' });
  t.match(chair.state().removed, [{ subjectId: 'site-out' }]);

  const again = await refused(connectSocket(t, server.url, token));
  t.equal(again.data?.code, 'REMOVED', 'the same link is refused at the handshake');
  const otherLink = connectSocket(t, server.url, server.signToken({ sub: 'site-out', meetingId: 'another-meeting', role: 'site', name: 'x' }));
  await connected(otherLink);
  t.pass('the removal is for this meeting only');

  t.same(await ok(chair.socket, 'admit', { subjectId: 'site-out' }), { admitted: 1 });
  await joinWithToken(t, token);
  t.pass('re-admitted, the same link joins again');
});

async function joinWithToken(t: Test, token: string) {
  const socket = connectSocket(t, server.url, token);
  await connected(socket);
  const caps = await ok(socket, 'router-capabilities', {});
  const joined = await ok(socket, 'join', { rtpCapabilities: caps });
  return { socket, id: joined.self.id };
}

t.test('a locked meeting refuses newcomers, not those already in, nor the chair and secretary', async (t) => {
  const meetingId = 'control-lock';
  const chair = await join(t, meetingId, 'chair', 'chair');
  await join(t, meetingId, 'site-in', 'site');
  const early = connectSocket(t, server.url, server.signToken({ sub: 'site-early', meetingId, role: 'site', name: 'Early' }));
  await connected(early);

  await ok(chair.socket, 'lock-meeting', { locked: true });
  await waitFor(() => chair.state().locked, { what: 'the lock in the state' });
  const late = await refused(connectSocket(t, server.url, server.signToken({ sub: 'site-late', meetingId, role: 'site', name: 'Late' })));
  t.equal(late.data?.code, 'MEETING_LOCKED', 'a new site is refused at the handshake');
  t.match(late.message, /locked/);
  const caps = await ok(early, 'router-capabilities', {});
  t.match(await request(early, 'join', { rtpCapabilities: caps }), { ok: false, error: { code: 'MEETING_LOCKED' } }, 'and at join, if it connected before the lock');
  await joinWithToken(t, server.signToken({ sub: 'site-in', meetingId, role: 'site', name: 'Second screen' }));
  t.pass('a subject already present gets in (a hall reconnecting)');
  await joinWithToken(t, server.signToken({ sub: 'secretary', meetingId, role: 'secretary', name: 'Thư ký' }));
  t.pass('the secretary gets in');

  await ok(chair.socket, 'lock-meeting', { locked: false });
  await joinWithToken(t, server.signToken({ sub: 'site-late', meetingId, role: 'site', name: 'Late' }));
  t.pass('unlocked, newcomers join');
});

t.test('spotlight picks the main video; it falls back to the chair', async (t) => {
  const meetingId = 'control-spotlight';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const site = await join(t, meetingId, 'site-a', 'site');
  const observer = await join(t, meetingId, 'observer', 'observer', { publish: false });
  t.equal(site.state().main, chair.id, 'the main video is the chair by default');
  t.equal(site.state().spotlight, null);

  await ok(chair.socket, 'spotlight', { participantId: site.id });
  await waitFor(() => observer.state().main === site.id, { what: 'the spotlight to reach everyone' });
  t.equal(observer.state().spotlight, site.id);
  t.match(await request(chair.socket, 'spotlight', { participantId: observer.id }), { ok: false, error: { code: 'CONFLICT' } }, 'an observer has no video');
  site.socket.disconnect();
  await waitFor(() => observer.state().main === chair.id, { what: 'the main video back to the chair when the spotlighted site leaves' });
  t.equal(observer.state().spotlight, null);
});

t.test('messages go to everyone or to the chair and secretary only', async (t) => {
  const meetingId = 'control-messages';
  const chair = await join(t, meetingId, 'chair', 'chair', { publish: false });
  const secretary = await join(t, meetingId, 'secretary', 'secretary', { publish: false });
  const hall = await join(t, meetingId, 'site-a', 'site', { publish: false });
  const other = await join(t, meetingId, 'site-b', 'site', { publish: false });
  const observer = await join(t, meetingId, 'observer', 'observer', { publish: false });
  const seenByOther: ChatMessage[] = [];
  other.socket.on('message', (m) => seenByOther.push(m));

  const atChair = nextEvent<ChatMessage>(chair.socket, 'message');
  const atSecretary = nextEvent<ChatMessage>(secretary.socket, 'message');
  const echoed = nextEvent<ChatMessage>(hall.socket, 'message');
  const sent = await ok(hall.socket, 'send-message', { to: 'control', text: 'Hội trường không nghe được tiếng' });
  t.match(sent, { from: hall.id, role: 'site', to: 'control', text: 'Hội trường không nghe được tiếng' });
  t.same(await atChair, sent, 'the chair gets the report');
  t.same(await atSecretary, sent, 'the secretary gets it');
  t.same(await echoed, sent, 'the sender sees its own message');

  const observerReport = nextEvent<ChatMessage>(chair.socket, 'message');
  await ok(observer.socket, 'send-message', { to: 'control', text: 'Mất hình' });
  t.match(await observerReport, { role: 'observer' }, 'an observer may report to the chair');

  const announcement = nextEvent<ChatMessage>(other.socket, 'message');
  await ok(chair.socket, 'send-message', { to: 'all', text: 'Nghỉ giải lao 10 phút' });
  t.match(await announcement, { to: 'all', text: 'Nghỉ giải lao 10 phút' }, 'everyone gets a message to all');
  t.same(seenByOther.map((m) => m.to), ['all'], 'another site never saw the control messages (they were sent first)');
  t.match(await rawRequest(hall.socket, 'send-message', { to: 'all', text: '' }), { ok: false, error: { code: 'BAD_REQUEST' } }, 'an empty message');
});

t.test("a receiver whose link gets too weak is told it gets audio only, and when its video comes back", async (t) => {
  const meetingId = 'control-weak-link';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const site = await join(t, meetingId, 'site-weak', 'site');
  await server.sfu.existingRoom(meetingId as MeetingId)!.settled();
  // Consumers are created paused and resumed once the client acks them: start from a site that receives.
  await waitFor(
    () => {
      const consumers = site.peer().consumers;
      return ['audio', 'video'].every((kind) => consumers.some((c) => c.kind === kind)) && consumers.every((c) => !c.paused);
    },
    { what: "the site's consumers of the chair resumed" },
  );
  const modes: string[] = [];
  site.socket.on('link-mode', ({ mode }) => modes.push(mode));
  // Estimates as the receive transport's bwe trace gives them, one a second.
  for (let s = 0; s < 5; s++) site.peer().linkEstimate(50_000, s * 1000);
  await waitFor(() => modes.length === 1, { what: 'link-mode audio-only at the site' });
  t.same(modes, ['audio-only']);
  await waitFor(() => site.peer().consumers.filter((c) => c.kind === 'video').every((c) => c.paused), { what: "the site's video consumers paused" });
  t.ok(site.peer().consumers.some((c) => c.kind === 'audio' && !c.paused), "the chair's audio still reaches it");
  for (let s = 5; s < 14; s++) site.peer().linkEstimate(1_000_000, s * 1000);
  await waitFor(() => modes.length === 2, { what: 'link-mode full at the site' });
  t.same(modes, ['audio-only', 'full']);
  t.equal(chair.peer().linkMode, 'full', "the chair's link is untouched");
});

t.test('a participant who comes in late gets the messages it may read', async (t) => {
  const meetingId = 'control-late-messages';
  const chair = await join(t, meetingId, 'chair', 'chair');
  const site = await join(t, meetingId, 'site-early', 'site');
  await ok(chair.socket, 'send-message', { to: 'all', text: 'Chào các điểm cầu' });
  await ok(site.socket, 'send-message', { to: 'control', text: 'Điểm cầu không nghe được tiếng' });
  const late = await joinAs(t, server, { sub: 'site-late', meetingId, role: 'site', name: 'Điểm cầu đến muộn' });
  t.same(late.joined.messages?.map((m) => m.text), ['Chào các điểm cầu'], 'a site: the message to everyone, not the one to the chair');
  const secretary = await joinAs(t, server, { sub: 'secretary', meetingId, role: 'secretary', name: 'Thư ký' });
  t.same(secretary.joined.messages?.map((m) => m.text), ['Chào các điểm cầu', 'Điểm cầu không nghe được tiếng'], 'the secretary: both');
  t.equal(late.joined.title, undefined, 'an ad-hoc meeting has no title');
});
