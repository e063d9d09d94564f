import t from 'tap';
import { startApi } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { createMeeting, hanoi, meetingBody, patchMeeting, postMeeting } from './meeting-fixtures.js';

t.test('hall booking under concurrent requests', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 10 });
  const sec = await api.login('sec-province', FIXTURE_PASSWORD);
  const meetingCount = () => api.store.redis.zCard(api.store.keys.meetingsByEnd());

  await t.test('20 parallel bookings of one hall at overlapping times: exactly one wins', async (t) => {
    const before = await meetingCount();
    const bodies = Array.from({ length: 20 }, (_, i) =>
      meetingBody({ title: `Race ${i}`, hostHallId: 'hall-d1', chairId: 'off-d1', start: hanoi(`2031-01-06T08:${String(i).padStart(2, '0')}`), end: hanoi('2031-01-06T10:00') }),
    );
    const answers = await Promise.all(bodies.map((b) => postMeeting(api, sec, b)));
    const statuses = answers.map((a) => a.statusCode);
    t.equal(statuses.filter((s) => s === 201).length, 1, 'one created');
    t.equal(statuses.filter((s) => s === 409).length, 19, 'nineteen refused');
    const winner = answers.find((a) => a.statusCode === 201)?.json().id as string;
    for (const a of answers.filter((x) => x.statusCode === 409)) t.equal(a.json().details.conflicts[0].meetingId, winner);
    t.equal(await meetingCount(), before + 1, 'only the winner is stored');
    t.same(
      (await api.store.meetings.listBookings('hall-d1')).map((b) => b.meetingId),
      [winner],
      'one booking in the hall',
    );
  });

  await t.test('parallel bookings of different halls all succeed', async (t) => {
    const communes = Array.from({ length: 10 }, (_, i) => `d2-c${i + 1}`);
    const answers = await Promise.all(
      communes.map((c) => postMeeting(api, sec, meetingBody({ title: `Xã ${c}`, hostHallId: `hall-${c}`, chairId: `off-${c}`, start: hanoi('2031-01-06T08:00'), end: hanoi('2031-01-06T10:00') }))),
    );
    t.same(answers.map((a) => a.statusCode), communes.map(() => 201));
    for (const c of communes) t.equal((await api.store.meetings.listBookings(`hall-${c}`)).length, 1, c);
  });

  await t.test('a recurring booking racing single ones on its third week: one side wins, never both', async (t) => {
    const weekly = postMeeting(
      api,
      sec,
      meetingBody({ title: 'Weekly', hostHallId: 'hall-d1-c1', chairId: 'off-d1-c1', start: hanoi('2031-02-03T08:00'), end: hanoi('2031-02-03T09:00'), recurrence: { freq: 'weekly', count: 5 } }),
    );
    const singles = Array.from({ length: 5 }, (_, i) =>
      postMeeting(api, sec, meetingBody({ title: `Single ${i}`, hostHallId: 'hall-d1-c1', chairId: 'off-d1-c1', start: hanoi('2031-02-17T08:30'), end: hanoi(`2031-02-17T09:0${i}`) })),
    );
    const [w, ...s] = await Promise.all([weekly, ...singles]);
    const created = [w, ...s].filter((a) => a?.statusCode === 201);
    t.equal(created.length, 1, 'exactly one of them holds 17 February');
    const bookings = await api.store.meetings.listBookings('hall-d1-c1');
    for (let i = 1; i < bookings.length; i++) t.ok((bookings[i - 1]?.end ?? 0) <= (bookings[i]?.start ?? 0), 'no two bookings overlap');
  });

  await t.test('a change and a new booking racing for one slot: one wins', async (t) => {
    const mover = await createMeeting(api, sec, meetingBody({ title: 'Mover', hostHallId: 'hall-d1-c2', chairId: 'off-d1-c2', start: hanoi('2031-03-03T08:00'), end: hanoi('2031-03-03T09:00') }));
    const [moved, created] = await Promise.all([
      patchMeeting(api, sec, mover, { start: hanoi('2031-03-04T08:00'), end: hanoi('2031-03-04T09:00') }),
      postMeeting(api, sec, meetingBody({ title: 'Newcomer', hostHallId: 'hall-d1-c2', chairId: 'off-d1-c2', start: hanoi('2031-03-04T08:30'), end: hanoi('2031-03-04T09:30') })),
    ]);
    const outcome = `${moved.statusCode}/${created.statusCode}`;
    t.ok(outcome === '200/409' || outcome === '409/201', `one wins, the other gets 409 (${outcome})`);
    const bookings = await api.store.meetings.listBookings('hall-d1-c2');
    t.equal(bookings.filter((b) => b.meetingId === mover).length, 1, 'the mover holds one slot, moved or not');
    t.equal(bookings.length, moved.statusCode === 200 ? 1 : 2, 'and the newcomer one only if it won');
    for (let i = 1; i < bookings.length; i++) t.ok((bookings[i - 1]?.end ?? 0) <= (bookings[i]?.start ?? 0), 'no two bookings overlap');
  });

  await t.test('an RSVP racing a change that re-issues every invitation is not lost', async (t) => {
    const id = await createMeeting(api, sec, meetingBody({ title: 'RSVP race', hostHallId: 'hall-d2', chairId: 'off-d2', start: hanoi('2031-04-01T08:00'), end: hanoi('2031-04-01T09:00') }));
    const changes = Array.from({ length: 5 }, (_, i) => patchMeeting(api, sec, id, { end: hanoi(`2031-04-01T09:1${i}`) }));
    const rsvp = api.store.meetings.updateInvitation(id, 'p-off-d2', (i) => ({ ...i, rsvp: 'ACCEPTED' }));
    const answers = await Promise.all(changes);
    await rsvp;
    t.same(answers.map((a) => a.statusCode), [200, 200, 200, 200, 200]);
    const meeting = await api.store.meetings.getMeeting(id);
    const invitation = await api.store.meetings.getInvitation(id, 'p-off-d2');
    t.equal(meeting?.sequence, 5, 'every change counted once');
    t.equal(invitation?.rsvp, 'ACCEPTED', 'the RSVP survived');
    t.equal(invitation?.sequence, 5, 'and the invitation carries the last SEQUENCE');
  });

  await t.test('a write computed before an RSVP landed is recomputed, not written over it', async (t) => {
    const id = await createMeeting(api, sec, meetingBody({ title: 'Interleaved', hostHallId: 'hall-d2', chairId: 'off-d2', start: hanoi('2031-05-01T08:00'), end: hanoi('2031-05-01T09:00') }));
    let attempts = 0;
    const result = await api.store.meetings.update(id, async (current) => {
      attempts++;
      // The RSVP lands after this write read the invitations and before it commits.
      if (attempts === 1) await api.store.meetings.updateInvitation(id, 'p-off-d2', (i) => ({ ...i, rsvp: 'TENTATIVE' }));
      return { ...current, end: '2031-05-01T02:30:00.000Z' };
    });
    t.equal(attempts, 2, 'the first attempt was refused as stale');
    t.ok(result.ok);
    const invitation = await api.store.meetings.getInvitation(id, 'p-off-d2');
    t.equal(invitation?.rsvp, 'TENTATIVE');
    t.equal(invitation?.sequence, 1);
  });

  await t.test('booking a hall while it is deleted: the meeting never points at a missing hall', async (t) => {
    const admin = await api.login();
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      const hallId = `race-hall-${round}`;
      const made = await api.request(admin, { method: 'POST', url: '/api/halls', payload: { id: hallId, name: `Phòng ${round}`, unitId: 'd2-c3', operatorId: null } });
      t.equal(made.statusCode, 201);
      const [booked, deleted] = await Promise.all([
        postMeeting(api, sec, meetingBody({ title: `Hall race ${round}`, hostHallId: hallId, chairId: 'off-d2-c3', start: hanoi(`2031-06-0${round + 1}T08:00`), end: hanoi(`2031-06-0${round + 1}T09:00`) })),
        api.request(admin, { method: 'DELETE', url: `/api/halls/${hallId}` }),
      ]);
      const hallExists = (await api.store.directory.getHall(hallId)) !== undefined;
      const bookings = await api.store.meetings.listBookings(hallId);
      outcomes.push(`${booked.statusCode}/${deleted.statusCode}`);
      if (booked.statusCode === 201) {
        t.ok(hallExists, 'a booked hall was not deleted');
        t.equal(deleted.statusCode, 409);
        t.equal(bookings.length, 1);
      } else {
        t.equal(deleted.statusCode, 200, 'the delete won');
        t.notOk(hallExists);
        t.equal(bookings.length, 0, 'no booking of the deleted hall');
        t.ok([404, 409].includes(booked.statusCode), `the booking was refused (${booked.statusCode})`);
      }
    }
    t.comment(`outcomes (booking/delete): ${outcomes.join(' ')}`);
  });
});
