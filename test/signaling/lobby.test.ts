/**
 * Guests: a join link of a stored meeting that is no invitation of it (signed with the server's
 * secret) waits in the lobby — the join ack says so, no media (NOT_ADMITTED) — and the chair and
 * secretary see it in their conference-state; a site cannot admit; admitted, it is in with media
 * (or in the waiting room when the meeting is not open yet); refused, it is told and disconnected;
 * admit-all lets every waiting guest in. Admissions are logged.
 */
import t from 'tap';
import type { JoinClaims } from '../../protocol/claims.js';
import type { ErrorBody } from '../../protocol/errors.js';
import type { EnteredMeeting, GuestAdmitted } from '../../protocol/events.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { disconnected, ok, request } from '../helpers/socket-client.js';
import { nextEvent } from '../helpers/conference.js';
import { waitFor } from '../helpers/wait.js';
import { adminApi } from '../helpers/admin-api.js';
import { attendanceLog, joinWith, publish } from './live-meeting.js';

t.test('guest lobby', async (top) => {
  const server = await startServer(top);
  await seedProvince(server.store);
  const api = await adminApi(server);
  const meetingId = await api.schedule({ siteHallIds: ['hall-d1'], secretaryIds: ['sec-province'] });
  const tokens = await api.tokens(meetingId);
  const guestToken = (n: number, meeting = meetingId) =>
    server.signToken({ sub: `guest-${n}`, meetingId: meeting, role: 'official', name: `Khách mời ${n}` } satisfies JoinClaims);

  const chair = await joinWith(top, server, tokens.get('p-off-province') ?? '');
  await ok(chair.socket, 'open-meeting', {});
  const d1 = await joinWith(top, server, tokens.get('h-hall-d1') ?? '');
  const lobbyOf = () => chair.state().lobby ?? [];

  const guest = await joinWith(top, server, guestToken(1));
  await top.test('a guest waits in the lobby, without media; the chair sees it, a site does not', async (t) => {
    t.equal(guest.joined.lobby, true, 'the join ack says lobby');
    t.same(guest.joined.participants, [], 'it sees nobody');
    t.notOk('lobby' in guest.joined.conference, 'nor the lobby list');
    t.match(await request(guest.socket, 'create-transport', { direction: 'recv' }), { ok: false, error: { code: 'NOT_ADMITTED' } });
    t.match(await request(guest.socket, 'send-message', { text: 'xin vào', to: 'control' }), { ok: false, error: { code: 'NOT_ADMITTED' } });
    t.match(await request(guest.socket, 'confirm-presence', {}), { ok: false, error: { code: 'NOT_ADMITTED' } });
    const lobby = await waitFor(() => lobbyOf().find((g) => g.participantId === guest.joined.self.id), { what: 'the guest in the lobby list' });
    t.match(lobby, { subjectId: 'guest-1', name: 'Khách mời 1', role: 'official' });
    t.equal(d1.state().lobby, undefined, 'a site is not shown the lobby');
    t.match(await request(d1.socket, 'admit-guest', { participantId: guest.joined.self.id }), { ok: false, error: { code: 'FORBIDDEN' } }, 'a site cannot admit');
    t.match(await request(d1.socket, 'admit-all-guests', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'nor admit all');
    t.match(await request(d1.socket, 'refuse-guest', { participantId: guest.joined.self.id }), { ok: false, error: { code: 'FORBIDDEN' } }, 'nor refuse');
    t.notOk(chair.joined.participants.some((p) => p.id === guest.joined.self.id), 'it is not a participant');
  });

  await top.test('admitted, it is in and publishes; the roll call lists it as a guest', async (t) => {
    const admitted = nextEvent<GuestAdmitted>(guest.socket, 'guest-admitted');
    const joinedChair = nextEvent<{ id: string }>(chair.socket, 'participant-joined', 15_000, (p) => p.id === guest.joined.self.id);
    await ok(chair.socket, 'admit-guest', { participantId: guest.joined.self.id });
    const msg = await admitted;
    t.equal(msg.waiting, undefined, 'in at once: the meeting is open');
    t.ok(!msg.waiting && msg.participants.some((p) => p.id === chair.joined.self.id), 'with the participants');
    await joinedChair;
    t.pass('the others hear it joined');
    t.ok(await publish(guest), 'it publishes');
    await waitFor(() => lobbyOf().length === 0, { what: 'an empty lobby' });
    t.pass('the lobby is empty');
    const view = await ok(chair.socket, 'get-roll-call', { watch: false });
    t.match(view.entries.find((e) => e.subjectId === 'guest-1'), { expected: false, guest: true, state: 'video', kind: 'person' });
    t.match(await request(chair.socket, 'admit-guest', { participantId: guest.joined.self.id }), { ok: false, error: { code: 'NOT_FOUND' } }, 'not in the lobby any more');
  });

  await top.test('refused, a guest is told and disconnected', async (t) => {
    const second = await joinWith(top, server, guestToken(2));
    await waitFor(() => lobbyOf().some((g) => g.participantId === second.joined.self.id), { what: 'guest 2 in the lobby' });
    const told = nextEvent<ErrorBody>(second.socket, 'guest-refused');
    const gone = disconnected(second.socket);
    await ok(chair.socket, 'refuse-guest', { participantId: second.joined.self.id });
    t.match(await told, { code: 'FORBIDDEN' });
    t.equal(await gone, 'io server disconnect');
    await waitFor(() => lobbyOf().length === 0, { what: 'an empty lobby' });
    t.pass('gone from the lobby');
  });

  await top.test('admit all', async (t) => {
    const guests = [await joinWith(top, server, guestToken(3)), await joinWith(top, server, guestToken(4))];
    await waitFor(() => lobbyOf().length === 2, { what: 'two guests in the lobby' });
    const secretary = await joinWith(top, server, tokens.get('p-sec-province') ?? '');
    const admitted = guests.map((g) => nextEvent<GuestAdmitted>(g.socket, 'guest-admitted'));
    t.same(await ok(secretary.socket, 'admit-all-guests', {}), { admitted: 2 }, 'the secretary admits both');
    t.equal((await Promise.all(admitted)).length, 2, 'both told');
    await waitFor(() => lobbyOf().length === 0, { what: 'an empty lobby' });
    t.ok(await publish(guests[0] as (typeof guests)[number]), 'an admitted guest publishes');
    const log = await attendanceLog(server, meetingId, (l) => l.filter((e) => e.type === 'admitted').length >= 3);
    t.match(log.find((e) => e.type === 'admitted' && e.subjectId === 'guest-1'), { bySubjectId: 'off-province', name: 'Khách mời 1', role: 'official' });
    t.match(log.find((e) => e.type === 'admitted' && e.subjectId === 'guest-3'), { bySubjectId: 'sec-province' });
    const guestJoin = log.find((e) => e.type === 'joined' && e.subjectId === 'guest-1');
    t.ok(guestJoin && guestJoin.invitationId === undefined, 'a guest joins with no invitation id');
    t.notOk(log.some((e) => e.subjectId === 'guest-2'), 'a refused guest never joined');
  });

  await top.test('a guest admitted before the opening goes to the waiting room', async (t) => {
    const later = await api.schedule({ title: 'Họp chưa mở', hostHallId: 'hall-d2', siteHallIds: ['hall-d2-c1'] });
    const laterTokens = await api.tokens(later);
    const laterChair = await joinWith(top, server, laterTokens.get('p-off-province') ?? '');
    const early = await joinWith(top, server, guestToken(5, later));
    t.equal(early.joined.lobby, true, 'in the lobby first');
    const admitted = nextEvent<GuestAdmitted>(early.socket, 'guest-admitted');
    await ok(laterChair.socket, 'admit-guest', { participantId: early.joined.self.id });
    t.match(await admitted, { waiting: { title: 'Họp chưa mở' } }, 'admitted into the waiting room');
    t.match(await request(early.socket, 'create-transport', { direction: 'recv' }), { ok: false, error: { code: 'MEETING_NOT_OPEN' } });
    const opened = nextEvent<EnteredMeeting>(early.socket, 'meeting-opened');
    await ok(laterChair.socket, 'open-meeting', {});
    t.equal((await opened).conference.phase, 'live', 'in when the chair opens');
    t.ok(await publish(early), 'and publishes');
  });
});
