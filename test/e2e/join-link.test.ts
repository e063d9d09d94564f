/**
 * Invitation join links end to end: a meeting scheduled through the API, a hall's link from
 * the RSVP table opened in Chromium lands in that meeting with the hall's name and role; the
 * same link with meeting B's id put in is refused (signature) and B stays empty; once meeting
 * A is cancelled its link is refused with the cancellation message.
 */
import t from 'tap';
import { assertClientBuilt, launchChromium, openJoinPage, settledState } from '../helpers/browser.js';
import { adminApi } from '../helpers/admin-api.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

assertClientBuilt();
const server = await startServer(t);
await seedProvince(server.store);
const browser = await launchChromium();
t.teardown(() => browser.close());

const api = await adminApi(server);

/** Schedules a meeting from now for two hours; returns its id. */
async function schedule(title: string, hostHallId: string, siteHallIds: string[]): Promise<string> {
  const start = new Date(Date.now() + 60_000);
  const r = await api.call('POST', '/api/meetings', {
    title,
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
    chairId: 'off-province',
    hostHallId,
    sites: { hallIds: siteHallIds },
  });
  if (r.statusCode !== 201) throw new Error(`schedule ${title}: ${r.statusCode} ${r.body}`);
  return (r.json() as { id: string }).id;
}

async function joinLink(meetingId: string, invitationId: string): Promise<string> {
  const r = await api.call('GET', `/api/meetings/${meetingId}/invitations`);
  const row = (r.json() as { invitations: { id: string; joinUrl: string | null }[] }).invitations.find((i) => i.id === invitationId);
  if (!row?.joinUrl) throw new Error(`no join link for ${invitationId}: ${r.statusCode} ${r.body}`);
  return row.joinUrl;
}

/** Opens a link, waits for the page to settle, reads what a person and a test would see. */
async function visit(url: string) {
  const { context, page, errors } = await openJoinPage(browser, url);
  t.teardown(() => context.close());
  const state = await settledState(page);
  const seen = await page.evaluate(() => ({
    self: window.diemcau.self,
    meeting: document.querySelector('#meeting-id')?.textContent ?? '',
    errorText: document.querySelector('#error')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
  }));
  return { state, errors, ...seen };
}

const meetingA = await schedule('Giao ban trực tuyến A', 'hall-province', ['hall-d1']);
const meetingB = await schedule('Họp chuyên đề B', 'hall-d2', ['hall-d2-c1']);
const linkA = await joinLink(meetingA, 'h-hall-d1');

t.test("a hall's invitation link lands in its meeting with the hall's name and role", async (t) => {
  t.ok(linkA.startsWith(`${server.url}/join?token=`), 'the link points at this server');
  const seen = await visit(linkA);
  // The meeting is scheduled and its chair has not opened it: the hall is in its waiting room.
  t.equal(seen.state, 'waiting', seen.errors.join('; '));
  t.equal(seen.self?.name, 'Điểm cầu Huyện 1');
  t.equal(seen.self?.role, 'site');
  t.equal(seen.meeting, meetingA, 'in meeting A');
  t.equal(server.signaling.participantCount(meetingA), 1);
});

t.test("meeting A's link with meeting B's id put in does not open B", async (t) => {
  const token = new URL(linkA).searchParams.get('token') as string;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, meetingId: meetingB })).toString('base64url')}.${signature}`;
  const seen = await visit(server.joinUrl(forged));
  t.equal(seen.state, 'refused');
  t.match(seen.errorText, /invalid signature/);
  t.equal(seen.self, null);
  t.equal(server.signaling.participantCount(meetingB), 0, 'nobody in B');
});

t.test("after cancelling meeting A, its link is refused with the cancellation", async (t) => {
  const cancelled = await api.call('POST', `/api/meetings/${meetingA}/cancel`);
  t.equal(cancelled.statusCode, 200, 'cancelled through the API');
  const seen = await visit(linkA);
  t.equal(seen.state, 'refused');
  t.match(seen.errorText, /Cuộc họp này đã bị hủy/, 'says so in Vietnamese');
  t.match(seen.errorText, /This meeting was cancelled/, "and shows the server's reason");
  t.equal(seen.self, null);
});
