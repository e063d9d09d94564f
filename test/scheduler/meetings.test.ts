import t from 'tap';
import { startApi } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import type { Invitation } from '../../store/records.js';
import { createMeeting, getMeeting, hanoi, listIds, meetingBody, patchMeeting, postMeeting } from './meeting-fixtures.js';
import { storeMeeting } from './invitation-fixtures.js';

t.test('meetings: schedule, read, change, cancel, lifecycle, conflicts, filters', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 3 });
  const admin = await api.login();
  const sec = await api.login('sec-province', FIXTURE_PASSWORD);
  const invitationsOf = async (id: string) => new Map((await api.store.meetings.listInvitations(id)).map((i) => [i.id, i]));
  const stored = async (id: string) => api.store.meetings.getMeeting(id);

  await t.test('create: times stored in UTC, shown in Hanoi time; sites by unit resolve to the subtree’s halls; invitations made', async (t) => {
    const r = await postMeeting(
      api,
      sec,
      meetingBody({
        sites: { unitIds: ['d1'], hallIds: ['hall-d2'] },
        secretaryIds: ['sec-province', 'off-province'],
        invitedPersonIds: ['off-d1', 'off-d2', 'off-d1'],
        description: 'Họp trực tuyến',
      }),
    );
    t.equal(r.statusCode, 201, r.body);
    const m = r.json();
    t.match(m.id, /^m-[0-9a-f]{12}$/);
    t.equal(m.uid, `${m.id}@diemcau`);
    t.equal(m.start, '2030-12-02T01:00:00.000Z');
    t.equal(m.end, '2030-12-02T03:00:00.000Z');
    t.equal(m.startLocal, '2030-12-02 08:00');
    t.equal(m.endLocal, '2030-12-02 10:00');
    t.equal(m.timeZone, 'Asia/Ho_Chi_Minh');
    t.equal(m.status, 'scheduled');
    t.equal(m.sequence, 0);
    t.equal(m.unitId, 'province');
    t.equal(m.createdBy, 'sec-province');
    t.same([...m.siteHallIds].sort(), ['hall-d1', 'hall-d1-c1', 'hall-d1-c2', 'hall-d1-c3', 'hall-d2']);
    t.same(m.secretaryIds, ['sec-province'], 'the chair is not also a secretary');
    t.same(m.invitedPersonIds, ['off-d1', 'off-d2'], 'no repeats');
    t.same(m.occurrences, [{ start: m.start, end: m.end, startLocal: '2030-12-02 08:00', endLocal: '2030-12-02 10:00' }]);

    const invitations = await invitationsOf(m.id);
    t.same(
      [...invitations.keys()].sort(),
      ['h-hall-d1', 'h-hall-d1-c1', 'h-hall-d1-c2', 'h-hall-d1-c3', 'h-hall-d2', 'h-hall-province', 'p-off-d1', 'p-off-d2', 'p-off-province', 'p-sec-province'],
    );
    t.match(invitations.get('h-hall-province'), { kind: 'hall', hallId: 'hall-province', role: 'site', rsvp: 'NEEDS-ACTION', sequence: 0 });
    t.match(invitations.get('p-off-province'), { kind: 'person', personId: 'off-province', role: 'chair' });
    t.match(invitations.get('p-sec-province'), { role: 'secretary' });
    t.match(invitations.get('p-off-d2'), { role: 'official' });

    const read = await getMeeting(api, sec, m.id);
    t.equal(read.statusCode, 200);
    t.equal(read.json().title, 'Giao ban tháng 12');
    t.equal(read.json().editable, true);
    t.same(read.json().agenda, [{ title: 'Tình hình kinh tế - xã hội', presenter: 'Sở KH&ĐT', minutes: 30 }]);
    t.equal((await api.store.meetings.listBookings('hall-d1-c2')).length, 1, 'every site hall is booked');
    t.ok((await api.store.meetings.meetingIdsOfPerson('off-d2')).includes(m.id));
  });

  await t.test('validation: 400 for bad times, recurrences and bodies, 404 naming unknown ids; nothing stored', async (t) => {
    const before = await api.store.redis.zCard(api.store.keys.meetingsByEnd());
    const bad: [string, Record<string, unknown>, number, RegExp?][] = [
      ['no offset', { start: '2030-12-02T08:00:00' }, 400, /offset/],
      ['date only', { start: '2030-12-02' }, 400, /offset/],
      ['invalid date', { start: '2030-02-30T08:00:00+07:00', end: '2030-03-01T10:00:00+07:00' }, 400, /not a valid date/],
      ['invalid hour', { start: '2030-12-02T25:00:00+07:00' }, 400, /not a valid date/],
      ['garbage', { end: 'tomorrow' }, 400],
      ['end before start', { end: hanoi('2030-12-02T07:00') }, 400, /after start/],
      ['end equal to start', { end: hanoi('2030-12-02T08:00') }, 400, /after start/],
      ['over 24 hours', { end: hanoi('2030-12-03T08:01') }, 400, /24 hours/],
      ['huge title', { title: 'x'.repeat(301) }, 400],
      ['blank title', { title: '   ' }, 400, /blank/],
      ['wrong type', { sites: 'everything' }, 400],
      ['wrong item type', { agenda: ['item'] }, 400],
      ['unknown field', { color: 'red' }, 400],
      ['bad id', { chairId: '../etc' }, 400],
      ['recurrence without until or count', { recurrence: { freq: 'weekly' } }, 400, /until or count/],
      ['recurrence with both', { recurrence: { freq: 'weekly', count: 3, until: '2031-01-01' } }, 400, /until or count/],
      ['too many occurrences', { recurrence: { freq: 'weekly', until: '2040-01-01' } }, 400, /200/],
      ['count over 200', { recurrence: { freq: 'monthly', count: 201 } }, 400],
      ['until before start', { recurrence: { freq: 'weekly', until: '2030-11-01' } }, 400, /before the start/],
      ['daily', { recurrence: { freq: 'daily', count: 3 } }, 400],
      ['unknown host hall', { hostHallId: 'hall-nowhere' }, 404, /hall-nowhere/],
      ['unknown site hall', { sites: { hallIds: ['hall-d1', 'hall-ghost'] } }, 404, /hall-ghost/],
      ['unknown unit', { sites: { unitIds: ['d9'] } }, 404, /d9/],
      ['unknown chair', { chairId: 'nobody' }, 404, /nobody/],
      ['unknown invitee', { invitedPersonIds: ['off-d1', 'ghost'] }, 404, /ghost/],
    ];
    for (const [what, override, status, message] of bad) {
      const r = await postMeeting(api, sec, meetingBody(override));
      t.equal(r.statusCode, status, `${what}: ${r.body}`);
      t.ok(r.json().code && r.json().message, `${what}: a code and a message`);
      if (message) t.match(r.json().message, message, what);
    }
    const missing = await postMeeting(api, sec, { title: 'no times', chairId: 'off-province', hostHallId: 'hall-province' });
    t.equal(missing.statusCode, 400);
    const malformed = await api.request(sec, { method: 'POST', url: '/api/meetings', payload: '{"title": "x",', headers: { 'content-type': 'application/json' } });
    t.equal(malformed.statusCode, 400);
    t.equal(malformed.json().code, 'BAD_REQUEST');
    t.equal(await api.store.redis.zCard(api.store.keys.meetingsByEnd()), before, 'no meeting was stored');
    const unknown = await getMeeting(api, sec, 'm-doesnotexist');
    t.equal(unknown.statusCode, 404);
    const badQuery = await api.request(sec, { method: 'GET', url: '/api/meetings?from=yesterday' });
    t.equal(badQuery.statusCode, 400);
    const noToken = await postMeeting(api, '', meetingBody());
    t.equal(noToken.statusCode, 401);
    const official = await api.login('off-d1', FIXTURE_PASSWORD);
    t.equal((await postMeeting(api, official, meetingBody({ start: hanoi('2031-05-01T08:00'), end: hanoi('2031-05-01T09:00') }))).statusCode, 403, 'officials do not schedule');
  });

  await t.test('until as a date means that whole day in Hanoi; a monthly meeting lists its occurrences', async (t) => {
    const r = await postMeeting(
      api,
      sec,
      meetingBody({ title: 'Monthly', start: hanoi('2031-01-31T14:00'), end: hanoi('2031-01-31T15:00'), recurrence: { freq: 'monthly', until: '2031-05-31' } }),
    );
    t.equal(r.statusCode, 201, r.body);
    t.equal(r.json().recurrence.until, '2031-05-31T16:59:59.000Z');
    t.same(
      r.json().occurrences.map((o: { startLocal: string }) => o.startLocal),
      ['2031-01-31 14:00', '2031-03-31 14:00', '2031-05-31 14:00'],
    );
    const ranged = await getMeeting(api, sec, r.json().id, `?from=${encodeURIComponent(hanoi('2031-03-01T00:00'))}&to=${encodeURIComponent(hanoi('2031-04-01T00:00'))}`);
    t.same(ranged.json().occurrences.map((o: { startLocal: string }) => o.startLocal), ['2031-03-31 14:00']);
    t.equal((await api.request(sec, { method: 'POST', url: `/api/meetings/${r.json().id}/cancel` })).statusCode, 200);
  });

  await t.test('conflicts: the same hall at overlapping times is refused with 409 naming the meeting; adjacent times are fine', async (t) => {
    const first = await createMeeting(api, sec, meetingBody({ title: 'Hội nghị A', start: hanoi('2031-02-03T08:00'), end: hanoi('2031-02-03T10:00'), sites: { hallIds: ['hall-d1-c1'] } }));
    const host = await postMeeting(api, sec, meetingBody({ title: 'B', start: hanoi('2031-02-03T09:30'), end: hanoi('2031-02-03T11:00') }));
    t.equal(host.statusCode, 409);
    t.equal(host.json().code, 'CONFLICT');
    t.match(host.json().message, /Hall "Điểm cầu UBND tỉnh Thử nghiệm" \(hall-province\) is already booked by meeting "Hội nghị A" from 2031-02-03 08:00 to 2031-02-03 10:00/);
    t.same(host.json().details.conflicts, [
      { hallId: 'hall-province', hallName: 'Điểm cầu UBND tỉnh Thử nghiệm', meetingId: first, title: 'Hội nghị A', start: '2031-02-03T01:00:00.000Z', end: '2031-02-03T03:00:00.000Z' },
    ]);
    const site = await postMeeting(
      api,
      sec,
      meetingBody({ title: 'C', hostHallId: 'hall-d1', chairId: 'off-d1', start: hanoi('2031-02-03T07:00'), end: hanoi('2031-02-03T08:30'), sites: { unitIds: ['d1'] } }),
    );
    t.equal(site.statusCode, 409, 'a site hall booked elsewhere conflicts too');
    t.equal(site.json().details.conflicts[0].hallId, 'hall-d1-c1');
    const before = await postMeeting(api, sec, meetingBody({ title: 'Before', start: hanoi('2031-02-03T06:00'), end: hanoi('2031-02-03T08:00') }));
    const after = await postMeeting(api, sec, meetingBody({ title: 'After', start: hanoi('2031-02-03T10:00'), end: hanoi('2031-02-03T12:00') }));
    t.equal(before.statusCode, 201, 'ending when the other starts is fine');
    t.equal(after.statusCode, 201, 'starting when the other ends is fine');
    const inside = await postMeeting(api, sec, meetingBody({ title: 'Inside', start: hanoi('2031-02-03T08:30'), end: hanoi('2031-02-03T09:00') }));
    const around = await postMeeting(api, sec, meetingBody({ title: 'Around', start: hanoi('2031-02-03T05:00'), end: hanoi('2031-02-03T13:00') }));
    t.equal(inside.statusCode, 409);
    t.equal(around.statusCode, 409);
    t.equal(around.json().details.conflicts.length, 3, 'every overlapped booking is named');
  });

  await t.test('conflicts: a recurring meeting books every occurrence except cancelled ones', async (t) => {
    const weekly = await createMeeting(
      api,
      sec,
      meetingBody({ title: 'Weekly', hostHallId: 'hall-d2', chairId: 'off-d2', start: hanoi('2031-03-03T08:00'), end: hanoi('2031-03-03T09:00'), recurrence: { freq: 'weekly', count: 4 } }),
    );
    t.equal((await api.store.meetings.listBookings('hall-d2')).filter((b) => b.meetingId === weekly).length, 4);
    const third = meetingBody({ title: 'Single', hostHallId: 'hall-d2', chairId: 'off-d2', start: hanoi('2031-03-17T08:30'), end: hanoi('2031-03-17T09:30') });
    const refused = await postMeeting(api, sec, third);
    t.equal(refused.statusCode, 409);
    t.equal(refused.json().details.conflicts[0].start, '2031-03-17T01:00:00.000Z', 'the third occurrence is named');
    t.equal(refused.json().details.conflicts[0].meetingId, weekly);
    const recurringVsSingle = await postMeeting(
      api,
      sec,
      meetingBody({ title: 'Monthly', hostHallId: 'hall-d2-c1', chairId: 'off-d2', sites: { hallIds: ['hall-d2'] }, start: hanoi('2031-02-24T08:00'), end: hanoi('2031-02-24T08:30'), recurrence: { freq: 'weekly', count: 3 } }),
    );
    t.equal(recurringVsSingle.statusCode, 409, 'a new recurring meeting meets the existing one at its third occurrence');

    const cancelled = await api.request(sec, { method: 'POST', url: `/api/meetings/${weekly}/occurrences/cancel`, payload: { start: hanoi('2031-03-17T08:00') } });
    t.equal(cancelled.statusCode, 200, cancelled.body);
    t.same(cancelled.json().recurrence.exdates, ['2031-03-17T01:00:00.000Z']);
    t.equal(cancelled.json().sequence, 1, 'cancelling an occurrence raises SEQUENCE');
    t.equal((await api.store.meetings.listBookings('hall-d2')).filter((b) => b.meetingId === weekly).length, 3, 'that occurrence is freed');
    t.equal((await postMeeting(api, sec, third)).statusCode, 201, 'so the hall can be booked then');
    const invitation = await api.store.meetings.getInvitation(weekly, 'h-hall-d2');
    t.equal(invitation?.sequence, 1, 'invitations re-issued for the new SEQUENCE');

    const again = await api.request(sec, { method: 'POST', url: `/api/meetings/${weekly}/occurrences/cancel`, payload: { start: hanoi('2031-03-17T08:00') } });
    t.equal(again.statusCode, 400, 'already cancelled');
    const noSuch = await api.request(sec, { method: 'POST', url: `/api/meetings/${weekly}/occurrences/cancel`, payload: { start: hanoi('2031-03-18T08:00') } });
    t.equal(noSuch.statusCode, 400);
    t.match(noSuch.json().message, /no remaining occurrence/);
    const single = await createMeeting(api, sec, meetingBody({ title: 'One-off', start: hanoi('2031-06-01T08:00'), end: hanoi('2031-06-01T09:00') }));
    const notRecurring = await api.request(sec, { method: 'POST', url: `/api/meetings/${single}/occurrences/cancel`, payload: { start: hanoi('2031-06-01T08:00') } });
    t.equal(notRecurring.statusCode, 400);
    t.equal((await stored(weekly))?.sequence, 1, 'refusals change nothing');
  });

  await t.test('update: SEQUENCE rises on time, place and site changes, not on a title edit; invitations follow', async (t) => {
    const id = await createMeeting(
      api,
      sec,
      meetingBody({ title: 'Sơ kết', start: hanoi('2031-04-07T08:00'), end: hanoi('2031-04-07T10:00'), sites: { hallIds: ['hall-d1', 'hall-d2'] }, invitedPersonIds: ['off-d1'] }),
    );
    const titled = await patchMeeting(api, sec, id, { title: 'Sơ kết quý I', agenda: [], description: 'Mô tả' });
    t.equal(titled.statusCode, 200, titled.body);
    t.equal(titled.json().title, 'Sơ kết quý I');
    t.equal(titled.json().description, 'Mô tả');
    t.equal(titled.json().sequence, 0, 'title, agenda, description: no new SEQUENCE');
    t.ok(titled.json().updatedAt > titled.json().createdAt || titled.json().updatedAt === titled.json().createdAt);
    t.ok([...(await invitationsOf(id)).values()].every((i) => i.sequence === 0));

    const moved = await patchMeeting(api, sec, id, { start: hanoi('2031-04-07T14:00'), end: hanoi('2031-04-07T16:00') });
    t.equal(moved.json().sequence, 1, 'a time change');
    t.equal(moved.json().start, '2031-04-07T07:00:00.000Z');
    t.ok([...(await invitationsOf(id)).values()].every((i) => i.sequence === 1), 'every invitation re-issued');
    t.same(
      (await api.store.meetings.listBookings('hall-d1')).filter((b) => b.meetingId === id).map((b) => new Date(b.start).toISOString()),
      ['2031-04-07T07:00:00.000Z'],
      'the booking moved with it',
    );

    // An RSVP, then the hall is taken off and put back.
    await api.store.meetings.updateInvitation(id, 'h-hall-d2', (i) => ({ ...i, rsvp: 'ACCEPTED' }));
    const dropped = await patchMeeting(api, sec, id, { sites: { hallIds: ['hall-d1'] } });
    t.equal(dropped.json().sequence, 2, 'a site change');
    t.same(dropped.json().siteHallIds, ['hall-d1']);
    let invitations = await invitationsOf(id);
    t.match(invitations.get('h-hall-d2'), { removed: true, sequence: 2, rsvp: 'ACCEPTED' }, 'kept, marked removed');
    t.equal((await api.store.meetings.listBookings('hall-d2')).filter((b) => b.meetingId === id).length, 0, 'its booking is freed');
    const back = await patchMeeting(api, sec, id, { sites: { hallIds: ['hall-d1', 'hall-d2'] } });
    t.equal(back.json().sequence, 3);
    invitations = await invitationsOf(id);
    const reinstated = invitations.get('h-hall-d2') as Invitation;
    t.equal(reinstated.removed, undefined, 'reinstated');
    t.equal(reinstated.rsvp, 'NEEDS-ACTION', 'asked again');
    t.equal(reinstated.sequence, 3);

    const hosted = await patchMeeting(api, sec, id, { hostHallId: 'hall-d1' });
    t.equal(hosted.json().sequence, 4, 'a host hall change');
    t.equal(hosted.json().unitId, 'd1', 'the meeting belongs to the new host hall’s unit');
    t.same(hosted.json().siteHallIds, ['hall-d2'], 'the host is not also a site');
    t.match((await invitationsOf(id)).get('h-hall-province'), { removed: true });

    const recurring = await patchMeeting(api, sec, id, { recurrence: { freq: 'weekly', count: 2 } });
    t.equal(recurring.json().sequence, 5, 'a recurrence change');
    t.equal((await api.store.meetings.listBookings('hall-d2')).filter((b) => b.meetingId === id).length, 2);

    const person = await patchMeeting(api, sec, id, { invitedPersonIds: ['off-d1', 'off-d2'] });
    t.equal(person.json().sequence, 5, 'a new invitee alone does not raise SEQUENCE');
    t.match((await invitationsOf(id)).get('p-off-d2'), { role: 'official', sequence: 5, rsvp: 'NEEDS-ACTION' });
    const unperson = await patchMeeting(api, sec, id, { invitedPersonIds: ['off-d2'] });
    t.equal(unperson.json().sequence, 6, 'taking an invitee off does: its holder gets a cancellation');
    t.match((await invitationsOf(id)).get('p-off-d1'), { removed: true, sequence: 6 });
    const retitled = await patchMeeting(api, sec, id, { title: 'Sơ kết quý I/2031' });
    t.equal(retitled.json().sequence, 6);
    t.equal((await patchMeeting(api, sec, id, {})).statusCode, 400, 'an empty change is refused');
    t.equal((await patchMeeting(api, sec, 'm-nope', { title: 'x' })).statusCode, 404);
  });

  await t.test('a title edit of a meeting stored with other spellings of the same times keeps SEQUENCE', async (t) => {
    await storeMeeting(api.store, {
      id: 'm-spelled',
      title: 'Spelled',
      agenda: [],
      start: '2031-09-01T01:00:00Z',
      end: '2031-09-01T02:00:00Z',
      recurrence: { exdates: ['2031-09-08T01:00:00Z'], count: 3, interval: 1, freq: 'weekly' },
    });
    const r = await patchMeeting(api, sec, 'm-spelled', { title: 'Spelled again' });
    t.equal(r.statusCode, 200, r.body);
    t.equal(r.json().sequence, 0);
    t.same(r.json().recurrence.exdates, ['2031-09-08T01:00:00.000Z'], 'the exdate is kept');
  });

  await t.test('a refused change leaves everything as it was', async (t) => {
    const a = await createMeeting(api, sec, meetingBody({ title: 'Fixed', start: hanoi('2031-05-05T08:00'), end: hanoi('2031-05-05T09:00') }));
    const b = await createMeeting(api, sec, meetingBody({ title: 'Mover', start: hanoi('2031-05-05T09:00'), end: hanoi('2031-05-05T10:00'), sites: { hallIds: ['hall-d1'] } }));
    const meetingBefore = await stored(b);
    const invitationsBefore = await api.store.meetings.listInvitations(b);
    const bookingsBefore = [await api.store.meetings.listBookings('hall-province'), await api.store.meetings.listBookings('hall-d1')];
    const clash = await patchMeeting(api, sec, b, { start: hanoi('2031-05-05T08:30'), sites: { hallIds: ['hall-d2'] } });
    t.equal(clash.statusCode, 409);
    t.equal(clash.json().details.conflicts[0].meetingId, a);
    for (const body of [{ end: hanoi('2031-05-05T08:00') }, { hostHallId: 'hall-ghost' }, { title: '' }, { start: 'soon' }]) {
      t.not((await patchMeeting(api, sec, b, body)).statusCode, 200);
    }
    t.same(await stored(b), meetingBefore, 'meeting unchanged');
    t.same(await api.store.meetings.listInvitations(b), invitationsBefore, 'invitations unchanged');
    t.same([await api.store.meetings.listBookings('hall-province'), await api.store.meetings.listBookings('hall-d1')], bookingsBefore, 'bookings unchanged');
    t.same(await api.store.meetings.listBookings('hall-d2', Date.parse('2031-05-05T00:00:00Z'), Date.parse('2031-05-06T00:00:00Z')), [], 'nothing booked in the hall it tried');
  });

  await t.test('cancel: SEQUENCE rises, halls are freed, nothing more can change', async (t) => {
    const body = meetingBody({ title: 'To cancel', start: hanoi('2031-07-01T08:00'), end: hanoi('2031-07-01T09:00'), sites: { hallIds: ['hall-d1'] } });
    const id = await createMeeting(api, sec, body);
    t.equal((await postMeeting(api, sec, body)).statusCode, 409);
    const r = await api.request(sec, { method: 'POST', url: `/api/meetings/${id}/cancel` });
    t.equal(r.statusCode, 200, r.body);
    t.equal(r.json().status, 'cancelled');
    t.equal(r.json().sequence, 1);
    t.ok([...(await invitationsOf(id)).values()].every((i) => i.sequence === 1 && !i.removed), 'every invitation re-issued as a cancellation');
    t.equal((await api.store.meetings.listBookings('hall-d1')).filter((b) => b.meetingId === id).length, 0);
    t.equal((await postMeeting(api, sec, body)).statusCode, 201, 'the slot is free again');
    const again = await api.request(sec, { method: 'POST', url: `/api/meetings/${id}/cancel` });
    t.equal(again.statusCode, 409);
    t.equal((await patchMeeting(api, sec, id, { title: 'Revived?' })).statusCode, 409);
    t.equal((await api.request(sec, { method: 'POST', url: `/api/meetings/${id}/status`, payload: { status: 'live' } })).statusCode, 409);
    t.equal((await stored(id))?.sequence, 1, 'refusals did not raise it');
    t.equal((await stored(id))?.title, 'To cancel');
  });

  await t.test('status: scheduled → live → ended only; ending frees the halls', async (t) => {
    const body = meetingBody({ title: 'Lifecycle', start: hanoi('2031-08-01T08:00'), end: hanoi('2031-08-01T09:00') });
    const id = await createMeeting(api, sec, body);
    const status = (s: string) => api.request(sec, { method: 'POST', url: `/api/meetings/${id}/status`, payload: { status: s } });
    const skip = await status('ended');
    t.equal(skip.statusCode, 409);
    t.same(skip.json().details, { status: 'scheduled', allowed: ['live', 'cancelled'] });
    t.equal((await status('scheduled')).statusCode, 400, 'not a status one sets');
    t.equal((await status('live')).json().status, 'live');
    t.equal((await status('live')).statusCode, 409);
    t.equal((await api.request(sec, { method: 'POST', url: `/api/meetings/${id}/cancel` })).statusCode, 409, 'a live meeting is ended, not cancelled');
    const ended = await status('ended');
    t.equal(ended.json().status, 'ended');
    t.equal(ended.json().sequence, 0, 'status changes are not calendar changes');
    t.equal((await status('live')).statusCode, 409);
    t.equal((await api.store.meetings.listBookings('hall-province')).filter((b) => b.meetingId === id).length, 0, 'future bookings freed');

    const direct = await createMeeting(api, sec, meetingBody({ title: 'Direct', start: hanoi('2031-08-02T08:00'), end: hanoi('2031-08-02T09:00') }));
    const live = await api.store.meetings.setStatus(direct, 'live');
    t.ok(live.ok && live.meeting.status === 'live', 'MeetingStore.setStatus for the live conference code');
    await t.rejects(api.store.meetings.setStatus(direct, 'scheduled'), { name: 'IllegalTransition' });
    t.match(await api.store.meetings.setStatus('m-nothing', 'live'), { ok: false, reason: 'not-found' });

    const series = await createMeeting(api, sec, meetingBody({ title: 'Series', start: hanoi('2031-08-03T08:00'), end: hanoi('2031-08-03T09:00'), recurrence: { freq: 'weekly', count: 2 } }));
    const seriesStatus = (s: string) => api.request(sec, { method: 'POST', url: `/api/meetings/${series}/status`, payload: { status: s } });
    t.equal((await seriesStatus('live')).json().status, 'live');
    const first = (await seriesStatus('ended')).json();
    t.match(first, { status: 'scheduled', endedOccurrences: [new Date(hanoi('2031-08-03T08:00')).toISOString()], sequence: 0 }, 'ending a recurring meeting ends one session: the first, opened early');
    t.equal((await api.store.meetings.listBookings('hall-province')).filter((b) => b.meetingId === series).length, 1, "the ended session's booking is freed, the next one's stays");
    t.equal((await seriesStatus('live')).json().status, 'live');
    t.match((await seriesStatus('ended')).json(), { status: 'ended' }, 'ending the last session ends the meeting');
  });

  await t.test('filters: time range, unit subtree, hall, person, status', async (t) => {
    const when = (day: string) => ({ start: hanoi(`${day}T08:00`), end: hanoi(`${day}T09:00`) });
    const p = await createMeeting(api, sec, meetingBody({ title: 'F-province', ...when('2032-01-05'), sites: { hallIds: ['hall-d2-c3'] } }));
    const d1 = await createMeeting(api, sec, meetingBody({ title: 'F-d1', hostHallId: 'hall-d1', chairId: 'off-d1', ...when('2032-01-06'), invitedPersonIds: ['off-d1-c2'] }));
    const c1 = await createMeeting(api, sec, meetingBody({ title: 'F-c1', hostHallId: 'hall-d1-c1', chairId: 'off-d1-c1', ...when('2032-01-07') }));
    const weekly = await createMeeting(
      api,
      sec,
      meetingBody({ title: 'F-weekly', hostHallId: 'hall-d2', chairId: 'off-d2', ...when('2031-12-01'), recurrence: { freq: 'weekly', count: 10, interval: 2 } }),
    );
    const range = (from: string, to: string) => `from=${encodeURIComponent(hanoi(from))}&to=${encodeURIComponent(hanoi(to))}`;
    const jan = range('2032-01-01T00:00', '2032-02-01T00:00');
    t.same(await listIds(api, admin, `?${jan}`), [p, d1, c1, weekly].sort(), 'the weekly one has occurrences in January');
    t.same(await listIds(api, admin, `?${range('2032-01-06T00:00', '2032-01-07T00:00')}`), [d1], 'one day');
    t.same(await listIds(api, admin, `?${range('2032-01-06T09:00', '2032-01-07T08:00')}`), [], 'end and start are exclusive');
    t.same(await listIds(api, admin, `?${range('2031-12-02T00:00', '2031-12-14T00:00')}`), [], 'between two occurrences of the weekly one');
    t.same(await listIds(api, admin, `?${jan}&unitId=d1`), [c1, d1].sort(), 'hosted in d1’s subtree');
    t.same(await listIds(api, admin, `?${jan}&unitId=d2`), [p, weekly].sort(), 'a site hall in d2’s subtree counts');
    t.same(await listIds(api, admin, `?${jan}&unitId=d1-c1`), [c1]);
    t.same(await listIds(api, admin, `?${jan}&hallId=hall-d2-c3`), [p]);
    t.same(await listIds(api, admin, `?${jan}&personId=off-d1-c2`), [d1], 'an invited person');
    t.same(await listIds(api, admin, `?${jan}&personId=off-d1`), [d1], 'the chair');
    t.same(await listIds(api, admin, `?${jan}&unitId=d1&hallId=hall-d1`), [d1], 'filters combine');
    const all = await api.request(admin, { method: 'GET', url: `/api/meetings?${jan}` });
    const w = all.json().meetings.find((m: { id: string }) => m.id === weekly);
    t.same(
      w.occurrences.map((o: { startLocal: string }) => o.startLocal),
      ['2032-01-12 08:00', '2032-01-26 08:00'],
      'list items carry their occurrences in the range',
    );
    await api.store.meetings.setStatus(c1, 'live');
    t.same(await listIds(api, admin, `?${jan}&status=live`), [c1]);
    t.ok((await listIds(api, admin, '?status=scheduled')).includes(p));
    t.notOk((await listIds(api, admin, '?status=scheduled')).includes(c1));
    t.equal((await api.request(admin, { method: 'GET', url: '/api/meetings?unitId=nowhere' })).statusCode, 404);
    t.equal((await api.request(admin, { method: 'GET', url: '/api/meetings?status=bogus' })).statusCode, 400);
    t.equal((await api.request(admin, { method: 'GET', url: `/api/meetings?${range('2032-01-02T00:00', '2032-01-01T00:00')}` })).statusCode, 400);
    const limited = await api.request(admin, { method: 'GET', url: `/api/meetings?${jan}&limit=2` });
    t.equal(limited.json().meetings.length, 2);
  });

  await t.test('nothing lives only in memory: a new app reads the same meetings', async (t) => {
    const id = await createMeeting(api, sec, meetingBody({ title: 'Persisted', start: hanoi('2032-03-01T08:00'), end: hanoi('2032-03-01T09:00') }));
    await api.rebuild();
    const token = await api.login('sec-province', FIXTURE_PASSWORD);
    t.equal((await getMeeting(api, token, id)).json().title, 'Persisted');
    t.equal((await postMeeting(api, token, meetingBody({ title: 'Clash', start: hanoi('2032-03-01T08:30'), end: hanoi('2032-03-01T09:30') }))).statusCode, 409);
  });
});

t.test('a two-level province (province → communes): sites by unit, scope, lists', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 0, communes: 4 });
  const sec = await api.login('sec-province', FIXTURE_PASSWORD);
  const r = await postMeeting(api, sec, meetingBody({ sites: { unitIds: ['province'] }, invitedPersonIds: ['off-c2'] }));
  t.equal(r.statusCode, 201, r.body);
  t.same([...r.json().siteHallIds].sort(), ['hall-c1', 'hall-c2', 'hall-c3', 'hall-c4'], 'the whole tree but the host hall');
  const official = await api.login('off-c2', FIXTURE_PASSWORD);
  t.same(await listIds(api, official), [r.json().id]);
  const operator = await api.login('op-c4', FIXTURE_PASSWORD);
  t.same(await listIds(api, operator, '?unitId=c4'), [r.json().id]);
  t.equal((await getMeeting(api, operator, r.json().id)).json().editable, false);
  const commune = await postMeeting(api, sec, meetingBody({ hostHallId: 'hall-c1', chairId: 'off-c1', start: hanoi('2030-12-02T09:00'), end: hanoi('2030-12-02T11:00') }));
  t.equal(commune.statusCode, 409, 'hall-c1 is a site of the first meeting then');
});
