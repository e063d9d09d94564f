/**
 * Removed links and the lock outlive the node: a second server on the same Redis (a restart)
 * refuses the removed link and a newcomer to the locked meeting at the handshake, lets the chair and
 * the sites that were inside when it was locked back in, and follows the chair's unlock and re-admission.
 */
import t from 'tap';
import type { JoinClaims } from '../../protocol/claims.js';
import { testSchedulerConfig } from '../helpers/config.js';
import { startServer } from '../helpers/server.js';
import { connected, connectSocket, joinAs, ok, refused } from '../helpers/socket-client.js';
import { nextEvent } from '../helpers/conference.js';
import { waitFor } from '../helpers/wait.js';

t.test('removed links and the lock survive a restart', async (t) => {
  const first = await startServer(t);
  const meetingId = 'hop-ad-hoc';
  const claims = (sub: string, role: JoinClaims['role']): JoinClaims => ({ sub, meetingId, role, name: sub, jti: `link-${sub}` });
  const chair = await joinAs(t, first, claims('chu-tri', 'chair'));
  const site = await joinAs(t, first, claims('xa-1', 'site'));
  await joinAs(t, first, claims('xa-3', 'site'));
  const removed = nextEvent(site.socket, 'removed');
  await ok(chair.socket, 'remove-participant', { participantId: site.joined.self.id });
  await removed;
  await ok(chair.socket, 'lock-meeting', { locked: true });
  const saved = await waitFor(
    async () => {
      const raw = await first.store.redis.get(`${first.store.keys.meeting(meetingId)}:admission`);
      const rules = raw ? (JSON.parse(raw) as { locked: boolean; removed: Record<string, { subjectId: string }>; inside?: string[] }) : undefined;
      // The removal is saved first, then the lock: wait for the second save.
      return rules?.locked ? rules : undefined;
    },
    { what: 'the saved admission rules, locked' },
  );
  t.equal(saved.locked, true, 'the lock is saved');
  t.same(Object.values(saved.removed).map((r) => r.subjectId), ['xa-1'], 'the removal is saved');

  // The first process ends as a node of the cluster (its meetings freed); its Redis stays up for the second.
  await first.registry.stop();
  const second = await startServer(t, { scheduler: testSchedulerConfig({ redisUrl: first.redisUrl }) });
  const again = await refused(connectSocket(t, second.url, second.signToken(claims('xa-1', 'site'))));
  t.equal(again.data?.code, 'REMOVED', 'after the restart the removed link is refused at the handshake');
  const newcomer = await refused(connectSocket(t, second.url, second.signToken(claims('xa-2', 'site'))));
  t.equal(newcomer.data?.code, 'MEETING_LOCKED', 'and the meeting is still locked');
  t.same(saved.inside?.sort(), ['chu-tri', 'xa-3'], 'with who was inside when it was locked');
  await connected(connectSocket(t, second.url, second.signToken(claims('xa-3', 'site'))));
  t.pass('a site that was in the locked meeting gets back in on the new node (it is not new)');
  const chair2 = await joinAs(t, second, claims('chu-tri', 'chair'));
  t.equal(chair2.joined.conference.locked, true, 'the chair comes in and sees it locked');
  t.same(chair2.joined.conference.removed?.map((r) => r.subjectId), ['xa-1'], 'with the removed link');
  await ok(chair2.socket, 'lock-meeting', { locked: false });
  t.same(await ok(chair2.socket, 'admit', { subjectId: 'xa-1' }), { admitted: 1 });
  const back = connectSocket(t, second.url, second.signToken(claims('xa-1', 'site')));
  await connected(back);
  t.pass('re-admitted and unlocked, the link comes back');
  await waitFor(async () => (await second.store.redis.exists(`${second.store.keys.meeting(meetingId)}:admission`)) === 0, {
    what: 'the saved rules cleared',
  });
  t.pass('nothing left to keep: the saved rules are gone');
});
