/**
 * Meeting lifecycle with a meeting scheduled through the API: sites arriving before the chair opens
 * it wait in the waiting room (the join ack says so, media requests are refused MEETING_NOT_OPEN);
 * chair and secretary come in early; only the chair opens (store status live, the waiting room gets
 * meeting-opened and may then publish) and ends it (everyone gets meeting-ended and is disconnected,
 * store status ended, the links are refused afterwards). A site cannot open or end; a secretary
 * cannot end.
 */
import t from 'tap';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { disconnected, ok, refused, request, connectSocket } from '../helpers/socket-client.js';
import { nextEvent } from '../helpers/conference.js';
import type { EnteredMeeting } from '../../protocol/events.js';
import { waitFor } from '../helpers/wait.js';
import { adminApi } from '../helpers/admin-api.js';
import { attendanceLog, joinWith, publish } from './live-meeting.js';

t.test('waiting room, open, end', async (t) => {
  const server = await startServer(t);
  await seedProvince(server.store);
  const api = await adminApi(server);
  const meetingId = await api.schedule({ title: 'Giao ban quý IV', siteHallIds: ['hall-d1', 'hall-d2'], secretaryIds: ['sec-province'] });
  const tokens = await api.tokens(meetingId);
  const token = (id: string) => {
    const value = tokens.get(id);
    if (!value) throw new Error(`no link for ${id}`);
    return value;
  };

  const d1 = await joinWith(t, server, token('h-hall-d1'));
  await t.test('a site arriving before the opening waits, without media', async (t) => {
    t.match(d1.joined.waiting, { title: 'Giao ban quý IV' }, 'the join ack says it waits, with the title');
    t.equal(d1.joined.title, 'Giao ban quý IV', "the join ack names the scheduler's meeting");
    t.ok(d1.joined.waiting && Date.parse(d1.joined.waiting.startsAt) > Date.now(), 'and the start time');
    t.equal(d1.joined.lobby, undefined, 'not a lobby');
    t.equal(d1.joined.conference.phase, 'waiting');
    t.same(d1.joined.participants, [], 'it sees nobody');
    const transport = await request(d1.socket, 'create-transport', { direction: 'send' });
    t.match(transport, { ok: false, error: { code: 'MEETING_NOT_OPEN' } }, 'no transport before the opening');
    const floor = await request(d1.socket, 'request-floor', {});
    t.match(floor, { ok: false, error: { code: 'MEETING_NOT_OPEN' } }, 'no floor request either');
    t.equal((await server.store.meetings.getMeeting(meetingId))?.status, 'scheduled');
  });

  const chair = await joinWith(t, server, token('p-off-province'));
  const secretary = await joinWith(t, server, token('p-sec-province'));
  await t.test('chair and secretary come in before the opening; a site and a secretary cannot open', async (t) => {
    t.equal(chair.joined.waiting, undefined, 'the chair is in');
    t.equal(secretary.joined.waiting, undefined, 'the secretary is in');
    t.equal(chair.joined.conference.phase, 'waiting', 'the meeting is not open yet');
    t.notOk(chair.joined.participants.some((p) => p.id === d1.joined.self.id), 'the waiting site is not among the participants');
    t.match(await request(d1.socket, 'open-meeting', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'a site cannot open');
    t.match(await request(secretary.socket, 'open-meeting', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'a secretary cannot open');
    t.match(await request(d1.socket, 'end-meeting', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'a site cannot end');
    t.match(await request(secretary.socket, 'end-meeting', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'a secretary cannot end');
    t.equal((await server.store.meetings.getMeeting(meetingId))?.status, 'scheduled', 'still scheduled');
  });

  await t.test('the chair opens: status live, the waiting room comes in and may publish', async (t) => {
    const opened = nextEvent<EnteredMeeting>(d1.socket, 'meeting-opened');
    const joinedChair = nextEvent<{ id: string }>(chair.socket, 'participant-joined', 15_000, (p) => p.id === d1.joined.self.id);
    await ok(chair.socket, 'open-meeting', {});
    const entered = await opened;
    t.equal(entered.conference.phase, 'live', 'meeting-opened carries the live state');
    t.ok(entered.participants.some((p) => p.id === chair.joined.self.id), 'and the participants, the chair among them');
    t.equal(entered.muted, true, 'the site is held muted');
    await joinedChair;
    t.pass('the others hear that the site joined');
    t.equal((await server.store.meetings.getMeeting(meetingId))?.status, 'live', 'the store says live');
    const { micId } = await publish(d1);
    t.ok(micId, 'the site publishes now');
    t.match(await request(chair.socket, 'open-meeting', {}), { ok: false, error: { code: 'CONFLICT' } }, 'opening twice is a conflict');
  });

  const d2 = await joinWith(t, server, token('h-hall-d2'));
  await t.test('after the opening, a site is in at once', async (t) => {
    t.equal(d2.joined.waiting, undefined);
    t.equal(d2.joined.conference.phase, 'live');
    t.ok(d2.joined.participants.some((p) => p.id === d1.joined.self.id), 'it sees the others');
    t.ok(await publish(d2), 'and publishes');
  });

  await t.test('the chair ends: everyone told and disconnected, status ended, links refused', async (t) => {
    const everyone = [chair, secretary, d1, d2];
    const told = everyone.map((p) => nextEvent<{ at: number }>(p.socket, 'meeting-ended'));
    const gone = everyone.map((p) => disconnected(p.socket));
    await ok(chair.socket, 'end-meeting', {}).catch((error: Error) => t.fail(`end-meeting: ${error.message}`));
    const ends = await Promise.all(told);
    t.ok(ends.every((e) => e.at > 0), 'all four got meeting-ended');
    const reasons = await Promise.all(gone);
    t.same(reasons, reasons.map(() => 'io server disconnect'), 'the server disconnected all four');
    t.equal((await server.store.meetings.getMeeting(meetingId))?.status, 'ended', 'the store says ended');
    const again = await refused(connectSocket(t, server.url, token('h-hall-d1')));
    t.equal(again.data?.code, 'MEETING_CLOSED', 'a link is refused afterwards');
    const chairAgain = await refused(connectSocket(t, server.url, token('p-off-province')));
    t.equal(chairAgain.data?.code, 'MEETING_CLOSED', 'the chair too');
    t.equal(server.signaling.participantCount(meetingId), 0, 'nobody is left');
    const log = await attendanceLog(server, meetingId, (l) => l.filter((e) => e.type === 'left').length >= 4);
    const types = log.map((e) => e.type);
    t.ok(types.indexOf('opened') >= 0 && types.indexOf('opened') < types.indexOf('ended'), 'the log has opened, then ended');
    t.match(log.find((e) => e.type === 'opened'), { bySubjectId: 'off-province' });
    t.match(log.find((e) => e.type === 'ended'), { bySubjectId: 'off-province' });
  });
});

t.test('a live meeting left empty after its scheduled end is ended by the server', async (t) => {
  const server = await startServer(t);
  await seedProvince(server.store);
  const api = await adminApi(server);
  // It started half an hour ago and ends in a few seconds. Its links expire then (at the whole second
  // before), and scheduling it, fetching its links, both joins and the opening must come first: on a
  // loaded CI machine they can take seconds, so the end is not too near.
  const end = Date.now() + 10_000;
  const r = await api.call('POST', '/api/meetings', {
    title: 'Họp ngắn',
    start: new Date(end - 30 * 60_000).toISOString(),
    end: new Date(end).toISOString(),
    chairId: 'off-province',
    hostHallId: 'hall-province',
    sites: { hallIds: ['hall-d1'] },
  });
  t.equal(r.statusCode, 201, r.body);
  const meetingId = (r.json() as { id: string }).id;
  const tokens = await api.tokens(meetingId);
  const chair = await joinWith(t, server, tokens.get('p-off-province') ?? '');
  const site = await joinWith(t, server, tokens.get('h-hall-d1') ?? '');
  await ok(chair.socket, 'open-meeting', {});

  await waitFor(() => Date.now() > end + 100, { timeout: 20_000, what: 'the scheduled end to pass' });
  chair.socket.disconnect();
  await waitFor(() => server.signaling.participantCount(meetingId) === 1, { what: 'the chair gone' });
  t.equal((await server.store.meetings.getMeeting(meetingId))?.status, 'live', 'still live while a site is in');
  site.socket.disconnect();
  const ended = await waitFor(async () => {
    const m = await server.store.meetings.getMeeting(meetingId);
    return m?.status === 'ended' ? m : undefined;
  }, { what: 'the store to say ended' });
  t.equal(ended.status, 'ended', 'the last one left after the end: the meeting is ended');
  const log = await attendanceLog(server, meetingId, (l) => l.some((e) => e.type === 'ended'));
  t.notOk(log.find((e) => e.type === 'ended')?.bySubjectId, 'ended by nobody in particular');
});
