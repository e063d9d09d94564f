/**
 * RSVP by the holder of an invitation link: each answer, delegation (the delegate is invited),
 * an iCalendar REPLY, the RSVP table and the .ics following the answers; tokens that are
 * tampered with, of another meeting, expired, or not join tokens; answers to cancelled meetings
 * and withdrawn invitations; answers racing meeting changes.
 */
import t from 'tap';
import { signJoinToken } from '../../lib/join-token.js';
import { startApi } from '../helpers/api.js';
import { TEST_JWT_SECRET } from '../helpers/config.js';
import { seedProvince } from '../helpers/fixtures.js';
import { attendees, changeMeeting, parseIcs, storeMeeting, tokenOf } from './invitation-fixtures.js';

const later = (iso: string) => new Date(Date.parse(iso) + 10 * 60_000).toISOString();

interface Row {
  id: string;
  name: string;
  rsvp: string;
  role: string;
  delegatedTo?: string;
  delegatedToName?: string;
  comment?: string;
  removed: boolean;
  updatedAt: string;
  joinUrl: string | null;
}

t.test('RSVP', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store);
  const admin = await api.login();
  await storeMeeting(api.store, { id: 'hop-a', siteHallIds: ['hall-d1'], invitedPersonIds: ['off-d1', 'off-d2'] });
  await storeMeeting(api.store, { id: 'hop-b', start: '2030-12-05T01:00:00.000Z', end: '2030-12-05T02:00:00.000Z', siteHallIds: ['hall-d2'], invitedPersonIds: ['off-d2'] });

  const table = async (meetingId: string): Promise<Row[]> => {
    const r = await api.request(admin, { method: 'GET', url: `/api/meetings/${meetingId}/invitations` });
    if (r.statusCode !== 200) throw new Error(`table ${meetingId}: ${r.statusCode} ${r.body}`);
    return (r.json() as { invitations: Row[] }).invitations;
  };
  const tokenFor = async (meetingId: string, invitationId: string): Promise<string> => {
    const row = (await table(meetingId)).find((i) => i.id === invitationId);
    if (!row?.joinUrl) throw new Error(`no link for ${meetingId}/${invitationId}`);
    return tokenOf(row.joinUrl);
  };
  const rsvp = (token: string, payload: Record<string, unknown>) => api.request(undefined, { method: 'POST', url: `/api/invitations/${token}/rsvp`, payload });
  const reply = (token: string, body: string, contentType = 'text/calendar; charset=utf-8') =>
    api.request(undefined, { method: 'POST', url: `/api/invitations/${token}/reply`, payload: body, headers: { 'content-type': contentType } });
  const organiserCopy = async (meetingId: string) => parseIcs((await api.request(admin, { method: 'GET', url: `/api/meetings/${meetingId}.ics` })).body);

  await t.test('the link tells what it is, with no sign-in, before the meeting opens', async (t) => {
    const token = await tokenFor('hop-a', 'p-off-d1');
    const r = await api.request(undefined, { method: 'GET', url: `/api/invitations/${token}` });
    t.equal(r.statusCode, 200, r.body);
    t.match(r.json(), {
      meeting: { id: 'hop-a', title: 'Giao ban tháng 12', start: '2030-12-02T01:00:00.000Z', status: 'scheduled', hostHall: 'Điểm cầu UBND tỉnh Thử nghiệm' },
      invitation: { id: 'p-off-d1', name: 'Lãnh đạo Huyện 1', role: 'official', rsvp: 'NEEDS-ACTION' },
    });
  });

  await t.test('accept, decline, tentative: each shows in the table and in the .ics', async (t) => {
    const token = await tokenFor('hop-a', 'p-off-d1');
    for (const [response, state] of [
      ['accepted', 'ACCEPTED'],
      ['declined', 'DECLINED'],
      ['tentative', 'TENTATIVE'],
    ] as const) {
      const before = (await table('hop-a')).find((i) => i.id === 'p-off-d1');
      const r = await rsvp(token, { response, comment: `trả lời ${response}` });
      t.equal(r.statusCode, 200, r.body);
      t.equal(r.json().invitation.rsvp, state);
      const row = (await table('hop-a')).find((i) => i.id === 'p-off-d1');
      t.equal(row?.rsvp, state, `${response}: the RSVP table`);
      t.equal(row?.comment, `trả lời ${response}`);
      t.ok((row?.updatedAt ?? '') >= (before?.updatedAt ?? ''), 'updatedAt moves on');
      const mine = attendees((await organiserCopy('hop-a')).event).find((a) => a.params.cn === 'Lãnh đạo Huyện 1');
      t.equal(mine?.params.partstat, state, `${response}: PARTSTAT in the .ics`);
    }
    const hall = await rsvp(await tokenFor('hop-a', 'h-hall-d1'), { response: 'accepted' });
    t.equal(hall.statusCode, 200, 'a hall answers too');
    t.equal((await table('hop-a')).find((i) => i.id === 'h-hall-d1')?.rsvp, 'ACCEPTED');
    t.equal((await table('hop-a')).find((i) => i.id === 'p-off-d2')?.rsvp, 'NEEDS-ACTION', 'nobody else changed');
  });

  await t.test('delegation invites the delegate as an official, and the .ics links both', async (t) => {
    const token = await tokenFor('hop-a', 'p-off-d2');
    const r = await rsvp(token, { response: 'delegated', delegateTo: 'off-d2-c1', comment: 'Bận họp tỉnh' });
    t.equal(r.statusCode, 200, r.body);
    t.match(r.json().invitation, { rsvp: 'DELEGATED', delegatedTo: 'off-d2-c1', delegatedToName: 'Lãnh đạo Xã 1 Huyện 2' });
    const rows = await table('hop-a');
    t.match(rows.find((i) => i.id === 'p-off-d2-c1'), { role: 'official', rsvp: 'NEEDS-ACTION', removed: false }, 'the delegate holds an invitation');
    t.ok((await api.store.meetings.getMeeting('hop-a'))?.invitedPersonIds.includes('off-d2-c1'), 'and is on the meeting');
    const list = attendees((await organiserCopy('hop-a')).event);
    const from = list.find((a) => a.params.cn === 'Lãnh đạo Huyện 2');
    const to = list.find((a) => a.params.cn === 'Lãnh đạo Xã 1 Huyện 2');
    t.equal(from?.params.partstat, 'DELEGATED');
    t.equal(from?.params['delegated-to']?.toLowerCase(), to?.address.toLowerCase(), 'DELEGATED-TO names the delegate');
    t.equal(to?.params['delegated-from']?.toLowerCase(), from?.address.toLowerCase(), 'DELEGATED-FROM names the delegator');
    // The delegate's own link works for its own answer.
    const theirs = await rsvp(await tokenFor('hop-a', 'p-off-d2-c1'), { response: 'accepted' });
    t.equal(theirs.statusCode, 200);
    // Delegating twice to the same person reuses the invitation.
    t.equal((await rsvp(token, { response: 'delegated', delegateTo: 'off-d2-c1' })).statusCode, 200);
    t.equal((await table('hop-a')).filter((i) => i.id === 'p-off-d2-c1').length, 1);
    t.equal((await table('hop-a')).find((i) => i.id === 'p-off-d2-c1')?.rsvp, 'ACCEPTED', "the delegate's answer stays");
  });

  await t.test('bad delegations are refused', async (t) => {
    const token = await tokenFor('hop-a', 'p-off-d1');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ response: 'delegated' }, 400, 'no delegate'],
      [{ response: 'delegated', delegateTo: 'off-d1' }, 400, 'oneself'],
      [{ response: 'delegated', delegateTo: 'nobody' }, 404, 'unknown person'],
      [{ response: 'accepted', delegateTo: 'off-d1-c1' }, 400, 'a delegate with another answer'],
      [{ response: 'maybe' }, 400, 'unknown answer'],
      [{ response: 'accepted', comment: 'x'.repeat(1001) }, 400, 'huge comment'],
    ];
    for (const [payload, status, what] of cases) {
      const r = await rsvp(token, payload);
      t.equal(r.statusCode, status, what);
      t.ok(r.json().code, `${what}: a code`);
    }
    const hall = await rsvp(await tokenFor('hop-a', 'h-hall-d1'), { response: 'delegated', delegateTo: 'off-d1-c1' });
    t.equal(hall.statusCode, 400, "a hall's invitation is not delegated");
    t.equal((await table('hop-a')).find((i) => i.id === 'p-off-d1')?.rsvp, 'TENTATIVE', 'the stored answer is untouched');
  });

  await t.test('an iCalendar REPLY sets PARTSTAT; anything else is a 400', async (t) => {
    const token = await tokenFor('hop-a', 'p-off-d1');
    const meeting = await api.store.meetings.getMeeting('hop-a');
    const replyText = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
    const event = (uid: string, partstat: string, extra: string[] = []) => [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `SEQUENCE:${meeting?.sequence}`,
      'DTSTAMP:20301101T000000Z',
      `ATTENDEE;PARTSTAT=${partstat};CN="Lãnh đạo Huyện 1":mailto:person.off-d1@diemcau.invalid`,
      ...extra,
      'END:VEVENT',
    ];
    const ok = await reply(token, replyText(['METHOD:REPLY', ...event('hop-a@diemcau.test', 'ACCEPTED', ['COMMENT:Sẽ dự đúng giờ'])]));
    t.equal(ok.statusCode, 200, ok.body);
    t.match(ok.json().invitation, { rsvp: 'ACCEPTED', comment: 'Sẽ dự đúng giờ' });
    t.equal((await table('hop-a')).find((i) => i.id === 'p-off-d1')?.rsvp, 'ACCEPTED');

    const delegated = await reply(
      token,
      replyText(['METHOD:REPLY', ...event('hop-a@diemcau.test', 'DELEGATED;DELEGATED-TO="mailto:person.off-d1-c1@diemcau.invalid"')]),
    );
    t.equal(delegated.statusCode, 200, delegated.body);
    t.match(delegated.json().invitation, { rsvp: 'DELEGATED', delegatedTo: 'off-d1-c1' });

    const refused: [string, string, number][] = [
      ['garbage', 'this is not a calendar', 400],
      ['METHOD:REQUEST', replyText(['METHOD:REQUEST', ...event('hop-a@diemcau.test', 'ACCEPTED')]), 400],
      ['no METHOD', replyText(event('hop-a@diemcau.test', 'ACCEPTED')), 400],
      ['another UID', replyText(['METHOD:REPLY', ...event('hop-b@diemcau.test', 'ACCEPTED')]), 400],
      ['no VEVENT', replyText(['METHOD:REPLY']), 400],
      ['unknown PARTSTAT', replyText(['METHOD:REPLY', ...event('hop-a@diemcau.test', 'SLEEPY')]), 400],
      ['truncated', replyText(['METHOD:REPLY', 'BEGIN:VEVENT', 'UID:hop-a@diemcau.test']).slice(0, -30), 400],
    ];
    for (const [what, body, status] of refused) {
      const r = await reply(token, body);
      t.equal(r.statusCode, status, `${what}: ${r.body}`);
      t.equal(r.json().code, 'BAD_REQUEST', what);
    }
    const json = await api.request(undefined, { method: 'POST', url: `/api/invitations/${token}/reply`, payload: { response: 'accepted' } });
    t.equal(json.statusCode, 400, 'JSON is not a REPLY');
    const huge = await reply(token, replyText(['METHOD:REPLY', ...event('hop-a@diemcau.test', 'ACCEPTED', [`COMMENT:${'x'.repeat(70_000)}`])]));
    t.equal(huge.statusCode, 413, 'a huge body is refused');
    t.equal(huge.json().code, 'PAYLOAD_TOO_LARGE');
    t.equal((await table('hop-a')).find((i) => i.id === 'p-off-d1')?.rsvp, 'DELEGATED', 'refused replies changed nothing');
  });

  await t.test('tokens that do not open this invitation', async (t) => {
    const tokenA = await tokenFor('hop-a', 'p-off-d2');
    const [header, payload, signature] = tokenA.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, meetingId: 'hop-b' })).toString('base64url')}.${signature}`;
    const r1 = await rsvp(tampered, { response: 'declined' });
    t.equal(r1.statusCode, 401, "meeting A's token with meeting B's id: bad signature");
    t.match(r1.json().message, /signature/);

    const exp = Math.floor(Date.parse('2030-12-02T03:00:00Z') / 1000);
    const ofA = (over: Record<string, string>) =>
      signJoinToken(TEST_JWT_SECRET, { sub: 'hall-d2', meetingId: 'hop-a', role: 'site', name: 'Điểm cầu Huyện 2', jti: 'h-hall-d2', ...over }, { expiresAt: exp });
    const r2 = await rsvp(ofA({}), { response: 'declined' });
    t.equal(r2.statusCode, 404, "a token of meeting A naming meeting B's invitation finds nothing in A");
    const r3 = await rsvp(ofA({ jti: 'p-off-d1' }), { response: 'declined' });
    t.equal(r3.statusCode, 403, "a token whose subject is not the invitation's");

    const expired = signJoinToken(TEST_JWT_SECRET, { sub: 'off-d2', meetingId: 'hop-b', role: 'official', name: 'x', jti: 'p-off-d2' }, {
      notBefore: Math.floor(Date.now() / 1000) - 7200,
      expiresAt: Math.floor(Date.now() / 1000) - 60,
    });
    const r4 = await rsvp(expired, { response: 'accepted' });
    t.equal(r4.statusCode, 401, 'expired');
    t.equal(r4.json().code, 'TOKEN_EXPIRED');
    t.equal((await api.request(undefined, { method: 'GET', url: `/api/invitations/${expired}` })).statusCode, 401);

    const r5 = await rsvp(admin, { response: 'accepted' });
    t.equal(r5.statusCode, 401, 'an API session token is not an invitation link');
    t.equal((await rsvp('not.a.token', { response: 'accepted' })).statusCode, 401, 'garbage');
    t.equal((await rsvp('x'.repeat(5000), { response: 'accepted' })).statusCode, 414, 'an absurdly long token never reaches a route');
    t.equal((await table('hop-b')).find((i) => i.id === 'p-off-d2')?.rsvp, 'NEEDS-ACTION', "meeting B's invitation untouched");
    t.equal((await table('hop-a')).find((i) => i.id === 'p-off-d2')?.rsvp, 'DELEGATED', "meeting A's untouched");
  });

  await t.test('no answers to a withdrawn invitation or a cancelled meeting', async (t) => {
    const tokenD1 = await tokenFor('hop-b', 'h-hall-d2');
    const tokenPerson = await tokenFor('hop-b', 'p-off-d2');
    await changeMeeting(api.store, 'hop-b', (m) => ({ ...m, invitedPersonIds: [] }));
    const removed = await rsvp(tokenPerson, { response: 'accepted' });
    t.equal(removed.statusCode, 409);
    t.match(removed.json().message, /withdrawn/);
    t.equal((await api.request(undefined, { method: 'GET', url: `/api/invitations/${tokenPerson}` })).json().invitation.removed, true, 'the landing says so');
    t.ok((await api.store.meetings.setStatus('hop-b', 'cancelled')).ok);
    const cancelled = await rsvp(tokenD1, { response: 'accepted' });
    t.equal(cancelled.statusCode, 409);
    t.match(cancelled.json().message, /cancelled/);
    t.equal((await api.request(undefined, { method: 'GET', url: `/api/invitations/${tokenD1}` })).json().meeting.status, 'cancelled');
  });

  await t.test('answers racing changes of the meeting: neither is lost', async (t) => {
    const people = ['off-d1-c1', 'off-d1-c2', 'off-d1-c3', 'off-d2-c1', 'off-d2-c2', 'off-d2-c3'];
    await storeMeeting(api.store, { id: 'dua', start: '2030-12-06T01:00:00.000Z', end: '2030-12-06T02:00:00.000Z', invitedPersonIds: people });
    const tokens = await Promise.all(people.map((p) => tokenFor('dua', `p-${p}`)));
    const answers = ['accepted', 'declined', 'tentative'] as const;
    const results = await Promise.all([
      ...tokens.map((token, i) => rsvp(token, { response: answers[i % 3] })),
      // Moving the meeting rewrites every invitation (new SEQUENCE): the real race with an answer.
      ...[1, 2, 3].map((n) =>
        changeMeeting(api.store, 'dua', (m) => ({ ...m, start: later(m.start), end: later(m.end), agenda: [...m.agenda, { title: `Mục ${n}` }] })),
      ),
    ]);
    for (const r of results.slice(0, tokens.length)) t.equal((r as { statusCode: number }).statusCode, 200);
    const rows = await table('dua');
    for (const [i, p] of people.entries()) t.equal(rows.find((r) => r.id === `p-${p}`)?.rsvp, answers[i % 3]?.toUpperCase(), `${p}'s answer kept`);
    const meeting = await api.store.meetings.getMeeting('dua');
    t.equal(meeting?.agenda.length, 4, 'every meeting change kept');
    t.equal(meeting?.start, '2030-12-06T01:30:00.000Z', 'moved three times');
    t.equal(meeting?.sequence, 3);
    const stored = await api.store.meetings.listInvitations('dua');
    t.same([...new Set(stored.map((i) => i.sequence))], [3], 'every invitation reissued for the last SEQUENCE');
  });

  await t.test('a hall with the longest id (64 characters): its invitation, .ics, link and RSVP work', async (t) => {
    const hallId = `xa-${'x'.repeat(61)}`;
    t.equal(hallId.length, 64);
    const made = await api.request(admin, { method: 'POST', url: '/api/halls', payload: { id: hallId, name: 'Hội trường tên dài', unitId: 'd1-c1' } });
    t.equal(made.statusCode, 201, made.body);
    await storeMeeting(api.store, { id: 'dai', start: '2030-12-08T01:00:00.000Z', end: '2030-12-08T02:00:00.000Z', siteHallIds: [hallId] });
    const invitationId = `h-${hallId}`;
    const ics = await api.request(admin, { method: 'GET', url: `/api/meetings/dai/invitations/${invitationId}.ics` });
    t.equal(ics.statusCode, 200, 'its .ics (a 66-character invitation id)');
    const token = await tokenFor('dai', invitationId);
    t.equal((await rsvp(token, { response: 'accepted' })).statusCode, 200, 'its link answers');
    t.equal((await table('dai')).find((r) => r.id === invitationId)?.rsvp, 'ACCEPTED');
    const bad = await api.request(admin, { method: 'GET', url: `/api/meetings/dai/invitations/x-${hallId}.ics` });
    t.equal(bad.statusCode, 400, 'an id that is no invitation id is refused');
  });
});
