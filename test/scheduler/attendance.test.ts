/**
 * The attendance report from a meeting's log: per site first join, last leave, minutes present
 * (two devices count once), confirmation and headcount, floor turns and speaking time, those who
 * never came, guests, totals per district; the CSV; who may read it.
 */
import t from 'tap';
import { startApi } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import type { AttendanceEntry } from '../../store/records.js';
import { createMeeting, hanoi, meetingBody } from './meeting-fixtures.js';

t.test('attendance report and CSV', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 2 });
  const sec = await api.login('sec-province', FIXTURE_PASSWORD);
  const id = await createMeeting(api, sec, meetingBody({ sites: { unitIds: ['d1', 'd2'] }, invitedPersonIds: ['off-d1'] }));
  const t0 = Date.parse('2030-12-02T01:00:00Z'); // 08:00 in Hanoi
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const log: AttendanceEntry[] = [
    { at: at(0), type: 'opened', bySubjectId: 'off-province' },
    { at: at(0), type: 'joined', subjectId: 'hall-province', name: 'Điểm cầu UBND tỉnh', role: 'site', hallId: 'hall-province', invitationId: 'h-hall-province' },
    { at: at(1), type: 'joined', subjectId: 'hall-d1-c1', name: 'Điểm cầu Xã 1 Huyện 1', role: 'site', hallId: 'hall-d1-c1', invitationId: 'h-hall-d1-c1' },
    { at: at(2), type: 'confirmed', subjectId: 'hall-d1-c1', headcount: 12 },
    { at: at(5), type: 'floor-granted', subjectId: 'hall-d1-c1', bySubjectId: 'off-province' },
    { at: at(7), type: 'floor-ended', subjectId: 'hall-d1-c1' },
    { at: at(10), type: 'left', subjectId: 'hall-d1-c1' },
    { at: at(20), type: 'joined', subjectId: 'hall-d1-c1', hallId: 'hall-d1-c1' },
    // A second device of the same hall overlapping: presence counts once.
    { at: at(25), type: 'joined', subjectId: 'hall-d1-c1', hallId: 'hall-d1-c1' },
    { at: at(30), type: 'left', subjectId: 'hall-d1-c1' },
    { at: at(40), type: 'headcount', subjectId: 'hall-d1-c1', headcount: 15 },
    { at: at(3), type: 'joined', subjectId: 'off-d1', name: 'Lãnh đạo Huyện 1', role: 'official', invitationId: 'p-off-d1' },
    { at: at(4), type: 'joined', subjectId: 'guest-1', name: '=HYPERLINK("x")', role: 'observer' },
    { at: at(8), type: 'removed', subjectId: 'guest-1', bySubjectId: 'off-province' },
    { at: at(8), type: 'left', subjectId: 'guest-1' },
    { at: at(9), type: 'message', subjectId: 'hall-d2-c1', text: 'Không nghe được tiếng', to: 'chair' },
    { at: at(60), type: 'ended', bySubjectId: 'off-province' },
  ];
  for (const entry of log) await api.store.attendance.append(id, entry);

  await t.test('JSON: per site, per group, totals', async (t) => {
    const r = await api.request(sec, { method: 'GET', url: `/api/meetings/${id}/attendance` });
    t.equal(r.statusCode, 200, r.body);
    const report = r.json();
    const row = (subjectId: string) => report.rows.find((x: { subjectId: string }) => x.subjectId === subjectId);
    t.match(report.meeting, { id, title: 'Giao ban tháng 12', chair: 'Lãnh đạo UBND tỉnh Thử nghiệm', openedAt: at(0), endedAt: at(60) });
    t.match(row('hall-d1-c1'), {
      kind: 'hall',
      groupId: 'd1',
      groupName: 'Huyện 1',
      firstJoin: at(1),
      lastLeave: at(60),
      present: false,
      minutesPresent: 9 + 40,
      confirmed: true,
      headcount: 15,
      turns: 1,
      speakingSeconds: 120,
    });
    t.match(row('hall-province'), { firstJoin: at(0), lastLeave: at(60), minutesPresent: 60, confirmed: false, headcount: null, groupId: 'province' });
    t.match(row('hall-d2-c2'), { firstJoin: null, lastLeave: null, minutesPresent: 0, turns: 0, groupId: 'd2' }, 'invited but never came');
    t.match(row('off-d1'), { kind: 'person', minutesPresent: 57, groupId: 'd1' });
    t.match(row('guest-1'), { kind: 'guest', removed: true, minutesPresent: 4 });
    const d1 = report.groups.find((g: { groupId: string }) => g.groupId === 'd1');
    t.match(d1, { expected: 4, attended: 2, confirmed: 1, headcount: 15 }, 'district 1: its hall, two communes and its official');
    t.match(report.totals, { expected: 9, confirmed: 1, headcount: 15 });
    t.equal(report.totals.attended, 4, 'province hall, commune 1, the official and the guest came');
    const groupsInOrder = report.rows.map((x: { groupId: string }) => x.groupId);
    t.same([...new Set(groupsInOrder)], ['province', 'd1', 'd2'], 'rows follow the unit tree');
  });

  await t.test('CSV: BOM, Vietnamese headers, local times, a formula stays text', async (t) => {
    const r = await api.request(sec, { method: 'GET', url: `/api/meetings/${id}/attendance.csv` });
    t.equal(r.statusCode, 200);
    t.match(r.headers['content-type'], /^text\/csv; charset=utf-8/);
    t.match(r.headers['content-disposition'], /attachment; filename="diem-danh-/);
    t.ok(r.body.startsWith('\uFEFF'), 'a BOM for Excel');
    const lines = r.body.slice(1).trimEnd().split('\r\n');
    t.match(lines[0], /^Cụm \/ Group,"Điểm cầu, đại biểu \/ Site or official",Đơn vị \/ Unit,/);
    t.equal(lines.length, 1 + 10, 'a header and one line per site, official and guest');
    const commune = lines.find((l) => l.includes('Xã 1 Huyện 1') && l.includes('hall')) as string;
    t.match(commune, /02\/12\/2030 08:01,02\/12\/2030 09:00,49,có \/ yes,15,1,120/);
    t.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")"`)), 'a name starting with = is prefixed and quoted');
  });

  await t.test('who may read it', async (t) => {
    const chair = await api.login('off-province', FIXTURE_PASSWORD);
    t.equal((await api.request(chair, { method: 'GET', url: `/api/meetings/${id}/attendance` })).statusCode, 200, 'the chair');
    const secD1 = await api.login('sec-d1', FIXTURE_PASSWORD);
    const refused = await api.request(secD1, { method: 'GET', url: `/api/meetings/${id}/attendance.csv` });
    t.equal(refused.statusCode, 403, 'a district secretariat that only has sites in it');
    t.notMatch(refused.body, /Xã 1 Huyện 1/);
    const official = await api.login('off-d1', FIXTURE_PASSWORD);
    t.equal((await api.request(official, { method: 'GET', url: `/api/meetings/${id}/attendance` })).statusCode, 403, 'an invited official');
    t.equal((await api.request(undefined, { method: 'GET', url: `/api/meetings/${id}/attendance` })).statusCode, 401);
    t.equal((await api.request(sec, { method: 'GET', url: '/api/meetings/nope/attendance' })).statusCode, 404);
  });
});
