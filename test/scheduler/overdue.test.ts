/**
 * The sweep for live meetings nobody ended: a one-off meeting 6 h past its end is ended, with an
 * `ended` entry in its log (so the report stops counting presence); a recurring one ends only that
 * session; a meeting just over its end, one this node still holds people in, and scheduled ones
 * are left alone.
 */
import t from 'tap';
import { createLogger } from '../../lib/log.js';
import { MAX_OVERRUN_MS } from '../../scheduler/join-admission.js';
import { endOverdueMeetings } from '../../scheduler/overdue.js';
import { startApi } from '../helpers/api.js';
import { seedProvince } from '../helpers/fixtures.js';
import { storeMeeting } from './invitation-fixtures.js';

const HOUR = 3600_000;
const log = createLogger('error');

t.test('ending overdue live meetings', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store);
  const start = Date.parse('2030-12-02T01:00:00Z');
  const end = start + 2 * HOUR;
  const at = (ms: number) => ({ now: () => new Date(ms) });
  // Each in its own hall, so they may overlap.
  const live = async (id: string, hostHallId: string, extra: object = {}) => {
    await storeMeeting(api.store, { id, start: new Date(start).toISOString(), end: new Date(end).toISOString(), hostHallId, ...extra });
    t.ok((await api.store.meetings.setStatus(id, 'live', at(start))).ok);
  };
  await live('bo-quen', 'hall-province');
  await api.store.attendance.append('bo-quen', { at: new Date(start + 10 * 60_000).toISOString(), type: 'joined', subjectId: 'hall-d1' });
  await live('con-nguoi', 'hall-d1');
  await live('hang-tuan', 'hall-d2', { recurrence: { freq: 'weekly', interval: 1, count: 3, exdates: [] } });
  await storeMeeting(api.store, { id: 'chua-hop', start: new Date(start).toISOString(), end: new Date(end).toISOString(), hostHallId: 'hall-d1-c1' });

  const held = (id: string) => id === 'con-nguoi';
  t.same(await endOverdueMeetings(api.store, end + MAX_OVERRUN_MS - 60_000, held, log), [], 'nothing within 6 h of the end');
  const ended = await endOverdueMeetings(api.store, end + MAX_OVERRUN_MS, held, log);
  t.same(ended.sort(), ['bo-quen', 'hang-tuan'], 'the two nobody is in, 6 h after the end');
  t.equal((await api.store.meetings.getMeeting('bo-quen'))?.status, 'ended');
  t.match(await api.store.meetings.getMeeting('hang-tuan'), { status: 'scheduled', endedOccurrences: [new Date(start).toISOString()] }, 'a weekly one ends only that session');
  t.equal((await api.store.meetings.getMeeting('con-nguoi'))?.status, 'live', 'people still in on this node: left alone');
  t.equal((await api.store.meetings.getMeeting('chua-hop'))?.status, 'scheduled', 'a scheduled one is no business of the sweep');
  t.match(await api.store.attendance.last('bo-quen'), { type: 'ended', at: new Date(end).toISOString() }, 'the log ends at the scheduled end');
  t.same(await endOverdueMeetings(api.store, end + MAX_OVERRUN_MS + HOUR, held, log), [], 'a second sweep finds nothing more');
});
