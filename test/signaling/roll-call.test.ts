/**
 * Roll call (điểm danh) on a meeting scheduled through the API: every invitation is on it, grouped
 * under the meeting's unit (district → communes) with its unit path; states go absent → connected →
 * audio / video → confirmed with the headcount its operator enters; totals per group and overall;
 * pushes to the watching console come at most once a second; link quality is measured; sites cannot
 * read or call the roll; headcounts out of range are refused.
 */
import t from 'tap';
import type { RollCall, RollCallEntry } from '../../protocol/conference.js';
import { seedProvince } from '../helpers/fixtures.js';
import { opusParameters } from '../helpers/rtp-parameters.js';
import { startServer } from '../helpers/server.js';
import { disconnected, ok, request } from '../helpers/socket-client.js';
import { nextEvent } from '../helpers/conference.js';
import { waitFor } from '../helpers/wait.js';
import { adminApi } from '../helpers/admin-api.js';
import { attendanceLog, joinWith, publish, type Joined } from './live-meeting.js';

t.test('roll call', async (top) => {
  const t = top;
  const server = await startServer(t);
  await seedProvince(server.store);
  const api = await adminApi(server);
  const meetingId = await api.schedule({ siteHallIds: ['hall-d1', 'hall-d1-c1', 'hall-d2', 'hall-d2-c1'], secretaryIds: ['sec-province'] });
  const tokens = await api.tokens(meetingId);
  const token = (id: string) => tokens.get(id) ?? '';

  const chair = await joinWith(t, server, token('p-off-province'));
  await ok(chair.socket, 'open-meeting', {});
  const entryOf = (view: RollCall, key: string): RollCallEntry => {
    const e = view.entries.find((x) => x.key === key);
    if (!e) throw new Error(`no roll-call entry ${key}`);
    return e;
  };
  /** The latest roll call pushed to the chair (after the first `from` pushes) once `check` holds for it. */
  const pushed = (what: string, check: (view: RollCall) => boolean, from = 0) =>
    waitFor(() => chair.rollCalls.slice(from).findLast((v) => check(v)), { what, timeout: 8000 });

  await t.test('every invitation is on it, grouped under the meeting unit, absent until connected', async (t) => {
    const view = await ok(chair.socket, 'get-roll-call', {});
    t.same(
      view.entries.map((e) => e.key).sort(),
      ['h-hall-d1', 'h-hall-d1-c1', 'h-hall-d2', 'h-hall-d2-c1', 'h-hall-province', 'p-off-province', 'p-sec-province'],
      'the seven invitations',
    );
    t.match(view.unit, { id: 'province' }, 'grouped under the meeting unit');
    const commune = entryOf(view, 'h-hall-d1-c1');
    t.same(commune.unitPath.map((u) => u.id), ['province', 'd1', 'd1-c1'], 'a commune hall carries its unit path');
    t.equal(commune.groupId, 'd1', 'and is counted under its district');
    t.equal(entryOf(view, 'h-hall-d1').groupId, 'd1', 'the district hall too');
    t.equal(entryOf(view, 'h-hall-province').groupId, 'province', 'the province hall is its own group');
    t.match(commune, { kind: 'hall', state: 'absent', expected: true, headcount: null, confirmedAt: null, participantIds: [] });
    t.match(entryOf(view, 'p-off-province'), { kind: 'person', role: 'chair', state: 'connected', participantIds: [chair.joined.self.id] });
    t.match(view.totals, { expected: 7, connected: 1, expectedConnected: 1, confirmed: 0, headcount: 0 });
    const d1 = view.groups.find((g) => g.unit?.id === 'd1');
    t.match(d1, { unit: { name: 'Huyện 1' }, totals: { expected: 2, connected: 0 } }, 'the district group and its totals');
  });

  let d1: Joined;
  let d2: Joined;
  await t.test('connected, then video; audio once its microphone is live', async (t) => {
    d1 = await joinWith(top, server, token('h-hall-d1'));
    let view = await pushed('d1 connected', (v) => entryOf(v, 'h-hall-d1').state === 'connected');
    t.same(entryOf(view, 'h-hall-d1').participantIds, [d1.joined.self.id], 'd1 is connected (pushed)');
    await publish(d1);
    view = await pushed('d1 video', (v) => entryOf(v, 'h-hall-d1').state === 'video');
    t.match(entryOf(view, 'h-hall-d1'), { video: true, audio: false }, 'video live; its microphone is held muted, so no audio');

    d2 = await joinWith(top, server, token('h-hall-d2'));
    await ok(d2.socket, 'create-transport', { direction: 'recv' });
    const send = await ok(d2.socket, 'create-transport', { direction: 'send' });
    await ok(d2.socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(d2.caps, 77_000) });
    view = await pushed('d2 connected with a held microphone', (v) => entryOf(v, 'h-hall-d2').participantIds.length === 1);
    t.equal(entryOf(view, 'h-hall-d2').state, 'connected', 'a held microphone is not audio');
    await ok(chair.socket, 'mute-site', { participantId: d2.joined.self.id, muted: false });
    view = await pushed('d2 audio', (v) => entryOf(v, 'h-hall-d2').state === 'audio');
    t.match(entryOf(view, 'h-hall-d2'), { audio: true, video: false }, 'unmuted by the chair: audio');
    t.match(view.totals, { expected: 7, expectedConnected: 3, audio: 1, video: 1 });
  });

  await t.test('the chair calls the roll; a site confirms with its headcount, another enters a headcount', async (t) => {
    const started = [d1, d2].map((p) => nextEvent<{ calledAt: number }>(p.socket, 'roll-call-started'));
    const { calledAt } = await ok(chair.socket, 'call-roll', {});
    t.same(
      (await Promise.all(started)).map((s) => s.calledAt),
      [calledAt, calledAt],
      'every site hears roll-call-started',
    );
    await ok(d1.socket, 'confirm-presence', { headcount: 25 });
    await ok(d2.socket, 'set-headcount', { headcount: 12 });
    const view = await pushed('d1 confirmed, d2 counted', (v) => entryOf(v, 'h-hall-d1').state === 'confirmed' && entryOf(v, 'h-hall-d2').headcount === 12);
    t.equal(view.calledAt, calledAt);
    t.match(entryOf(view, 'h-hall-d1'), { state: 'confirmed', headcount: 25, video: true });
    t.ok((entryOf(view, 'h-hall-d1').confirmedAt ?? 0) >= calledAt, 'confirmed after the call');
    t.match(entryOf(view, 'h-hall-d2'), { state: 'audio', headcount: 12, confirmedAt: null });
    t.match(view.totals, { expected: 7, expectedConnected: 3, confirmed: 1, headcount: 37 });
    t.match(view.groups.find((g) => g.unit?.id === 'd1')?.totals, { expected: 2, connected: 1, confirmed: 1, headcount: 25 });
    t.match(view.groups.find((g) => g.unit?.id === 'd2')?.totals, { expected: 2, connected: 1, confirmed: 0, headcount: 12 });
    t.match(await request(d2.socket, 'set-headcount', { headcount: 10_001 }), { ok: false, error: { code: 'BAD_REQUEST' } }, 'at most 10000');
    const log = await attendanceLog(server, meetingId, (l) => l.some((e) => e.type === 'headcount'));
    t.match(log.find((e) => e.type === 'roll-call'), { bySubjectId: 'off-province' });
    t.match(log.find((e) => e.type === 'confirmed'), { subjectId: 'hall-d1', hallId: 'hall-d1', invitationId: 'h-hall-d1', headcount: 25 });
    t.match(log.find((e) => e.type === 'headcount'), { subjectId: 'hall-d2', headcount: 12 });
  });

  await t.test('link quality is measured while the chair watches; pushes come at most once a second', async (t) => {
    const view = await pushed('d1 quality', (v) => entryOf(v, 'h-hall-d1').quality !== null);
    const quality = entryOf(view, 'h-hall-d1').quality;
    t.equal(quality?.sendKbps, 0, 'a Node client sends no RTP: 0 kbit/s');
    t.type(quality?.at, 'number');
    const times = chair.rollCalls.map((v) => v.at);
    const gaps = times.slice(1).map((at, i) => at - (times[i] as number));
    t.ok(times.length >= 3, `${times.length} pushes so far`);
    t.ok(gaps.every((gap) => gap >= 990), `pushes at least a second apart (smallest gap ${Math.min(...gaps)} ms)`);

    // Nothing changes from here: two more measuring passes find the same figures and push nothing.
    const measuredAt = async () => entryOf(await ok(chair.socket, 'get-roll-call', { watch: true }), 'h-hall-d1').quality?.at ?? 0;
    const first = await waitFor(async () => {
      const at = await measuredAt();
      return at > (quality?.at ?? 0) ? at : undefined;
    }, { what: 'a new measuring pass', timeout: 10_000 });
    const pushes = chair.rollCalls.length;
    await waitFor(async () => (await measuredAt()) > first, { what: 'one more measuring pass', timeout: 10_000 });
    t.equal(chair.rollCalls.length, pushes, 'a pass that measured the same figures pushes nothing');
  });

  await t.test('only the chair and secretary read and call the roll', async (t) => {
    t.match(await request(d1.socket, 'get-roll-call', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'a site cannot read it');
    t.match(await request(d1.socket, 'call-roll', {}), { ok: false, error: { code: 'FORBIDDEN' } }, 'nor call it');
    const secretary = await joinWith(top, server, token('p-sec-province'));
    const view = await ok(secretary.socket, 'get-roll-call', { watch: false });
    t.equal(entryOf(view, 'p-sec-province').state, 'connected', 'the secretary reads it');
  });

  await t.test('a site that leaves is absent again', async (t) => {
    const gone = disconnected(d1.socket);
    const from = chair.rollCalls.length;
    d1.socket.disconnect();
    await gone;
    const view = await pushed('d1 absent', (v) => entryOf(v, 'h-hall-d1').state === 'absent', from);
    t.match(entryOf(view, 'h-hall-d1'), { participantIds: [], headcount: 25 }, 'absent, its headcount kept');
    t.equal(view.totals.confirmed, 0, 'no longer counted as confirmed');
  });
});
