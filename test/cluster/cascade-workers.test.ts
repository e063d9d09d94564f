/**
 * A media node uses all its workers: node B (2 workers, a small consumer budget) spreads the d1
 * sites of node A's meeting over both, the chair's streams reach the sites on each worker (piped
 * from the link's router), and a d1 site on the second worker is heard on A (piped to the link's
 * router, then across).
 */
import t from 'tap';
import type { JoinClaims } from '../../protocol/claims.js';
import type { MeetingId } from '../../protocol/ids.js';
import type { Peer } from '../../sfu/peer.js';
import { bytesIn, publish } from '../helpers/cascade.js';
import { participant, type Participant } from '../helpers/conference.js';
import { testClusterConfig, testSchedulerConfig, testSfuConfig } from '../helpers/config.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis.js';
import { ok } from '../helpers/socket-client.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const redis = await startRedis(t);
const scheduler = testSchedulerConfig({ redisUrl: redis.url, redisPrefix: 'cascade-workers' });
const a = await startServer(t, { scheduler });
const b = await startServer(t, { scheduler, cluster: testClusterConfig({ units: ['d1'] }), sfu: testSfuConfig({ workers: 2, consumersPerWorker: 4 }) });
await waitFor(() => a.registry.liveCount === 2 && b.registry.liveCount === 2, { timeout: 10_000, what: 'both nodes to see each other' });
await seedProvince(a.store, { districts: 1, communes: 4 });

const meetingId = 'cascade-workers';
const claims = (sub: string, unitId: string, role: JoinClaims['role'] = 'site'): JoinClaims => ({ sub, meetingId, role, name: sub, unitId });

t.test("the d1 sites spread over node B's workers, and media reaches each of them", async (t) => {
  const chair = await participant(t, a, claims('hall-province', 'province', 'chair'), { publish: false });
  const chairMedia = await publish(t, chair);
  const sites: Participant[] = [];
  for (let i = 1; i <= 4; i++) sites.push(await participant(t, a, claims(`hall-d1-c${i}`, `d1-c${i}`), { publish: false }));
  const shard = (await b.sfu.agent!.shard(a.registry.id, meetingId))!;
  const onB = sites.map((s) => shard.peer(s.id)!);
  t.ok(onB.every(Boolean), "all four d1 sites' media is on node B");
  const workers = new Set(onB.map((p) => p.place.slot.index));
  t.same([...workers].sort(), [0, 1], 'over both of its workers (budget 4 consumers a worker)');
  t.equal(shard.slots.length, 2, 'the shard has a router on each');

  for (const peer of onB) {
    const heard = await waitFor(
      async () => {
        const consumer = peer.consumers.find((c: Peer['consumers'][number]) => c.producerId === chairMedia.mic);
        return consumer ? (await bytesIn(consumer)) || undefined : undefined;
      },
      { timeout: 15_000, what: `the chair's voice at a d1 site on worker ${peer.place.slot.index}` },
    );
    t.ok(heard > 0, `a d1 site on B's worker ${peer.place.slot.index} hears the chair (${heard} bytes)`);
  }

  const far = sites[onB.findIndex((p) => p.place.slot !== shard.place.slot)]!;
  const farMedia = await publish(t, far);
  await ok(chair.socket, 'grant-floor', { participantId: far.id as never });
  const chairHears = await waitFor(() => chair.peer().consumers.find((c) => c.producerId === farMedia.mic), { timeout: 15_000, what: 'the chair to consume the floor holder' });
  const crossed = await waitFor(async () => (await bytesIn(chairHears)) || undefined, { what: "the far site's voice on node A" });
  t.ok(crossed > 0, `a d1 site off the link's worker is heard on node A (${crossed} bytes)`);
  t.ok(a.sfu.existingRoom(meetingId as MeetingId)!.links!.importedFrom(b.registry.id).includes(farMedia.camera), 'its camera crosses too, as the floor');
});
