import t from 'tap';
import { expand, formatLocal, lastEnd, overlaps, ruleStarts, toRRule } from '../../scheduler/recurrence.js';
import type { Recurrence } from '../../store/records.js';

const iso = (ms: number) => new Date(ms).toISOString();
const starts = (schedule: Parameters<typeof expand>[0]) => expand(schedule).map((o) => iso(o.start));
const weekly = (r: Partial<Recurrence>): Recurrence => ({ freq: 'weekly', interval: 1, exdates: [], ...r });
const monthly = (r: Partial<Recurrence>): Recurrence => ({ freq: 'monthly', interval: 1, exdates: [], ...r });

t.test('weekly: same weekday and time, exdates left out, COUNT counts them', async (t) => {
  // Monday 08:00 in Hanoi time.
  const schedule = { start: '2030-01-07T01:00:00.000Z', end: '2030-01-07T03:00:00.000Z', recurrence: weekly({ count: 4, exdates: ['2030-01-14T01:00:00.000Z'] }) };
  t.same(starts(schedule), ['2030-01-07T01:00:00.000Z', '2030-01-21T01:00:00.000Z', '2030-01-28T01:00:00.000Z']);
  t.same(
    expand(schedule, { withCancelled: true }).map((o) => iso(o.start)),
    ['2030-01-07T01:00:00.000Z', '2030-01-14T01:00:00.000Z', '2030-01-21T01:00:00.000Z', '2030-01-28T01:00:00.000Z'],
  );
  t.same(
    expand(schedule).map((o) => o.end - o.start),
    [7_200_000, 7_200_000, 7_200_000],
    'every occurrence lasts as long as the first',
  );
  t.equal(lastEnd(schedule), Date.parse('2030-01-28T03:00:00.000Z'));
});

t.test('weekly, interval 2', async (t) => {
  const schedule = { start: '2030-01-07T01:00:00.000Z', end: '2030-01-07T02:00:00.000Z', recurrence: weekly({ interval: 2, count: 3 }) };
  t.same(starts(schedule), ['2030-01-07T01:00:00.000Z', '2030-01-21T01:00:00.000Z', '2030-02-04T01:00:00.000Z']);
});

t.test('until is inclusive and gives the same set as the matching count', async (t) => {
  const start = Date.parse('2030-01-07T01:00:00.000Z');
  const byUntil = ruleStarts(start, weekly({ until: '2030-01-28T01:00:00.000Z' }));
  const byCount = ruleStarts(start, weekly({ count: 4 }));
  t.same(byUntil.map(iso), byCount.map(iso));
  t.equal(byUntil.length, 4, 'an occurrence starting exactly at until is included');
  t.equal(ruleStarts(start, weekly({ until: '2030-01-28T00:59:59.000Z' })).length, 3, 'one second earlier and it is not');
});

t.test('monthly on the 31st skips the months without one, in Hanoi local time', async (t) => {
  // 06:00 on the 31st in Hanoi is 23:00 UTC on the 30th: the day must be taken in local time.
  const schedule = { start: '2030-01-30T23:00:00.000Z', end: '2030-01-31T01:00:00.000Z', recurrence: monthly({ count: 5 }) };
  const locals = expand(schedule).map((o) => formatLocal(o.start));
  t.same(locals, ['2030-01-31 06:00', '2030-03-31 06:00', '2030-05-31 06:00', '2030-07-31 06:00', '2030-08-31 06:00']);
  const year = monthly({ until: '2030-12-31T23:00:00.000Z' });
  t.equal(ruleStarts(Date.parse(schedule.start), year).length, 7, 'seven months of 2030 have a 31st');
});

t.test('monthly on the 29th: February only in leap years; interval 12 jumps years', async (t) => {
  const start = Date.parse('2028-02-29T01:00:00.000Z');
  t.same(ruleStarts(start, monthly({ interval: 12, count: 2 })).map(iso), ['2028-02-29T01:00:00.000Z', '2032-02-29T01:00:00.000Z']);
});

t.test('range filters: an occurrence is in [from, to) when it overlaps it', async (t) => {
  const schedule = { start: '2030-01-07T01:00:00.000Z', end: '2030-01-07T03:00:00.000Z', recurrence: weekly({ count: 4, exdates: ['2030-01-14T01:00:00.000Z'] }) };
  const at = (s: string) => Date.parse(s);
  t.same(expand(schedule, { from: at('2030-01-21T02:00:00Z') }).map((o) => iso(o.start)), ['2030-01-21T01:00:00.000Z', '2030-01-28T01:00:00.000Z']);
  t.same(expand(schedule, { to: at('2030-01-21T01:00:00Z') }).map((o) => iso(o.start)), ['2030-01-07T01:00:00.000Z'], 'to is exclusive');
  t.notOk(overlaps(schedule, at('2030-01-14T00:00:00Z'), at('2030-01-15T00:00:00Z')), 'the cancelled week overlaps nothing');
  t.ok(overlaps(schedule, at('2030-01-28T02:59:00Z'), undefined));
  t.notOk(overlaps(schedule, at('2030-01-28T03:00:00Z'), undefined));
  t.same(expand(schedule, { limit: 2 }).length, 2);
});

t.test('toRRule', async (t) => {
  t.equal(toRRule(weekly({ until: '2027-01-01T00:00:00.000Z' }), '2026-12-01T01:00:00.000Z'), 'FREQ=WEEKLY;INTERVAL=1;UNTIL=20270101T000000Z');
  t.equal(toRRule(monthly({ interval: 2, count: 10 }), '2026-12-01T01:00:00.000Z'), 'FREQ=MONTHLY;INTERVAL=2;COUNT=10');
});

t.test('formatLocal is UTC+7', async (t) => {
  t.equal(formatLocal('2026-12-01T01:00:00.000Z'), '2026-12-01 08:00');
  t.equal(formatLocal(Date.parse('2026-12-31T20:30:00.000Z')), '2027-01-01 03:30');
});
