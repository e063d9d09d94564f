/**
 * What "my meetings" (#/home) reads of the API: an official finds their meeting with the
 * personId filter and sees only their own invitation row, with a join link whose token answers
 * it; an operator finds its hall's meeting with the hallId filter and sees only its hall's row;
 * someone with no part in the meeting is refused its invitations.
 */
import t from 'tap';
import { startApi } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { storeMeeting, tokenOf } from './invitation-fixtures.js';

interface Row {
  id: string;
  rsvp: string;
  joinUrl: string | null;
}

t.test("my invitations: an official's and an operator's own rows", async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store);
  await storeMeeting(api.store, { id: 'hop-home', unitId: 'd1', hostHallId: 'hall-d1', siteHallIds: ['hall-d2'], invitedPersonIds: ['off-d1', 'off-d2'] });
  const as = async (username: string) => api.login(username, FIXTURE_PASSWORD);
  const rows = async (token: string) => {
    const r = await api.request(token, { method: 'GET', url: '/api/meetings/hop-home/invitations' });
    return { status: r.statusCode, rows: r.statusCode === 200 ? (r.json() as { invitations: Row[] }).invitations : [] };
  };
  const listed = async (token: string, query: string) => {
    const r = await api.request(token, { method: 'GET', url: `/api/meetings?${query}` });
    t.equal(r.statusCode, 200, `GET /api/meetings?${query}`);
    return (r.json() as { meetings: { id: string }[] }).meetings.map((m) => m.id);
  };

  const official = await as('off-d1');
  t.same(await listed(official, 'from=2030-12-01T00:00:00Z&personId=off-d1'), ['hop-home'], 'the official finds it by personId');
  const mine = await rows(official);
  t.equal(mine.status, 200);
  t.same(mine.rows.map((r) => r.id), ['p-off-d1'], 'only their own row');
  const joinUrl = mine.rows[0]?.joinUrl;
  t.ok(joinUrl, 'with its join link');
  const answered = await api.request(undefined, { method: 'POST', url: `/api/invitations/${tokenOf(joinUrl as string)}/rsvp`, payload: { response: 'accepted' } });
  t.equal(answered.statusCode, 200, 'RSVP with the token');
  t.equal((await rows(official)).rows[0]?.rsvp, 'ACCEPTED', 'its token answers it');

  const hostOperator = await as('op-d1');
  t.same(await listed(hostOperator, 'from=2030-12-01T00:00:00Z&hallId=hall-d1'), ['hop-home'], 'the operator finds it by hallId');
  const hostRows = await rows(hostOperator);
  t.same(hostRows.rows.map((r) => r.id), ['h-hall-d1'], "the host hall's operator sees its hall's row only");
  t.ok(hostRows.rows[0]?.joinUrl, 'with the hall’s join link');
  t.same((await rows(await as('op-d2'))).rows.map((r) => r.id), ['h-hall-d2'], "a site hall's operator sees its hall's row");

  t.equal((await rows(await as('op-d1-c1'))).status, 403, 'no part in it: refused');
});
