/**
 * The 240-site media policy, counted on the server: with 1 chair and 20 sites (Node clients publishing a
 * microphone and a 3-layer camera), a site consumes at most 2 videos and 2 audios, and the chair's grid
 * consumes only its visible page.
 */
import t from 'tap';
import type { GridPage } from '../../protocol/conference.js';
import type { MeetingId } from '../../protocol/ids.js';
import { LAYER } from '../../sfu/policy.js';
import { startServer } from '../helpers/server.js';
import { ok, rawRequest } from '../helpers/socket-client.js';
import { consumedBy, counts, nextEvent, participant, type Participant } from '../helpers/conference.js';
import { waitFor } from '../helpers/wait.js';

const SITES = 20;
const meetingId = 'policy-20-sites';
const server = await startServer(t);

const chair = await participant(t, server, { sub: 'chair', meetingId, role: 'chair', name: 'UBND tỉnh' });
const sites: Participant[] = [];
for (let i = 1; i <= SITES; i++) sites.push(await participant(t, server, { sub: `site-${i}`, meetingId, role: 'site', name: `Xã ${i}` }));
const site = (n: number) => sites[n - 1]!;
const room = server.sfu.existingRoom(meetingId as MeetingId)!;

/** Expected consumption: producer id → layer (null for audio). */
type Want = Map<string, number | null>;
const want = (...entries: [string | undefined, number | null][]): Want => new Map(entries.map(([id, layer]) => [id!, layer]));
const show = (m: Map<string, number | null>) => JSON.stringify([...m].sort());

/** Waits until `p` consumes exactly `expected` on the server, and its client holds the same consumers. */
async function consumes(p: Participant, expected: Want, what: string): Promise<void> {
  await waitFor(
    () => {
      const actual = consumedBy(p);
      const offered = new Set([...p.consumers.values()].map((c) => c.producerId));
      return show(actual) === show(expected) && offered.size === expected.size && [...expected.keys()].every((id) => offered.has(id as never));
    },
    // Twenty-one peers' consumers on one worker: roomy for a loaded CI machine.
    { timeout: 20_000, what: `${p.name}: ${what} (has ${show(consumedBy(p))})` },
  );
}

const cameras = (list: Participant[]) => list.map((p) => p.cameraId!);

t.test('each site receives the chair only: its camera at the high layer and its microphone', async (t) => {
  for (const s of sites) await consumes(s, want([chair.cameraId, LAYER.high], [chair.micId, null]), 'the chair');
  const perSite = sites.map(counts);
  t.ok(perSite.every((c) => c.video <= 2 && c.audio <= 2), 'at most 2 video and 2 audio consumers per site');
  t.same(perSite[0], { audio: 1, video: 1 }, 'exactly 1 video and 1 audio now');
  t.comment(`consumers per site with ${SITES} sites: ${JSON.stringify(perSite[0])}; total in the room: ${sites.reduce((n, s) => n + s.peer().consumers.length, 0) + chair.peer().consumers.length}`);
  t.ok(sites.every((s) => s.micId && s.peer().producers.find((p) => p.id === s.micId)?.paused), "every site's microphone is held on the server");
});

t.test("the chair's grid consumes only its visible page, at the lowest layer", async (t) => {
  const first = await waitFor(() => chair.grid()?.total === SITES && chair.grid(), { what: 'the first grid page' });
  t.same(first, { page: 0, pageSize: 9, total: SITES, participantIds: sites.slice(0, 9).map((s) => s.id) }, 'page 0 of 9 tiles, in join order');
  await consumes(chair, want(...cameras(sites.slice(0, 9)).map((id) => [id, LAYER.low] as [string, number])), 'the first page');
  t.same(counts(chair), { audio: 0, video: 9 }, 'nine low-layer videos, no site audio (all muted)');

  const closedOnTurn: string[] = [];
  chair.socket.on('consumer-closed', ({ consumerId }) => closedOnTurn.push(consumerId));
  const before = new Set(chair.peer().consumers.map((c) => c.id));
  const second = await ok(chair.socket, 'set-grid-page', { page: 1, pageSize: 9 });
  t.same(second.participantIds, sites.slice(9, 18).map((s) => s.id), 'page 1: the next nine');
  await consumes(chair, want(...cameras(sites.slice(9, 18)).map((id) => [id, LAYER.low] as [string, number])), 'the second page');
  await waitFor(() => closedOnTurn.length === 9, { what: 'consumer-closed for the nine that left the page' });
  t.same(new Set(closedOnTurn), before, 'the consumers of the first page were closed, and told');

  const last = await ok(chair.socket, 'set-grid-page', { page: 2, pageSize: 9 });
  t.same(last, { page: 2, pageSize: 9, total: SITES, participantIds: sites.slice(18).map((s) => s.id) }, 'the last page is short');
  await consumes(chair, want(...cameras(sites.slice(18)).map((id) => [id, LAYER.low] as [string, number])), 'the last page');

  const all = await ok(chair.socket, 'set-grid-page', { page: 0, pageSize: 25 });
  t.equal(all.participantIds.length, SITES, 'a page of 25 shows all 20');
  await consumes(chair, want(...cameras(sites).map((id) => [id, LAYER.low] as [string, number])), 'all twenty');
  t.match(await rawRequest(chair.socket, 'set-grid-page', { page: 0, pageSize: 26 }), { ok: false, error: { code: 'BAD_REQUEST' } }, 'pages hold 25 at most');
  await ok(chair.socket, 'set-grid-page', { page: 0, pageSize: 9 });
  await consumes(chair, want(...cameras(sites.slice(0, 9)).map((id) => [id, LAYER.low] as [string, number])), 'back to the first page');
});

t.test('granting the floor changes what every site consumes', async (t) => {
  const speaker = site(5);
  await ok(chair.socket, 'grant-floor', { participantId: speaker.id });
  for (const s of sites) {
    if (s === speaker) continue;
    await consumes(s, want([chair.cameraId, LAYER.high], [chair.micId, null], [speaker.cameraId, LAYER.middle], [speaker.micId, null]), 'chair and floor holder');
  }
  await consumes(speaker, want([chair.cameraId, LAYER.high], [chair.micId, null]), 'the chair only (not itself)');
  const gridWithSpeaker = want(...cameras(sites.slice(0, 9)).map((id) => [id, LAYER.low] as [string, number]), [speaker.micId, null]);
  gridWithSpeaker.set(speaker.cameraId!, LAYER.middle);
  await consumes(chair, gridWithSpeaker, "its grid, the speaker's tile raised to the middle layer, the speaker's voice");
  t.ok(sites.every((s) => counts(s).video <= 2 && counts(s).audio <= 2), 'still at most 2 video and 2 audio per site');
  t.comment(`consumers per site while a site speaks: ${JSON.stringify(counts(site(1)))}`);

  // The spotlight moves the main video: the chair's camera is then watched by nobody but the grid.
  const shown = site(12);
  await ok(chair.socket, 'spotlight', { participantId: shown.id });
  await consumes(site(1), want([shown.cameraId, LAYER.high], [chair.micId, null], [speaker.cameraId, LAYER.middle], [speaker.micId, null]), 'spotlight and floor holder');
  await waitFor(() => chair.layers.get(chair.cameraId!) === null, { what: "dynacast: nobody needs the chair's camera" });
  await waitFor(() => shown.layers.get(shown.cameraId!) === LAYER.high, { what: 'dynacast: the spotlighted site must send its high layer' });
  await waitFor(() => speaker.layers.get(speaker.cameraId!) === LAYER.middle, { what: 'dynacast: the speaker up to the middle layer' });
  await waitFor(() => site(1).layers.get(site(1).cameraId!) === LAYER.low, { what: 'dynacast: a grid tile sends its low layer' });
  await waitFor(() => site(15).layers.get(site(15).cameraId!) === null, { what: 'dynacast: a site nobody watches sends nothing' });
  t.pass('dynacast tells each sender the highest layer anyone consumes');

  await ok(chair.socket, 'spotlight', { participantId: null });
  await ok(chair.socket, 'revoke-floor', {});
  for (const s of sites) await consumes(s, want([chair.cameraId, LAYER.high], [chair.micId, null]), 'the chair only again');
  // The consumers go at once; the pause is a worker round trip of its own.
  const speakerMic = () => speaker.peer().producers.find((p) => p.id === speaker.micId);
  await waitFor(() => speakerMic()?.paused, { what: "the former speaker's microphone paused on the server" });
  t.ok(speakerMic()?.paused, "the former speaker's microphone is held again");
});

t.test('free discussion: a site that unmutes is heard by all; a muted one by nobody', async (t) => {
  const talker = site(3);
  const silent = site(4);
  await ok(chair.socket, 'set-free-discussion', { open: true });
  await ok(talker.socket, 'resume-producer', { producerId: talker.micId! });
  await consumes(site(1), want([chair.cameraId, LAYER.high], [chair.micId, null], [talker.micId, null]), "the talker's voice");
  await consumes(chair, want(...cameras(sites.slice(0, 9)).map((id) => [id, LAYER.low] as [string, number]), [talker.micId, null]), "its grid and the talker's voice");
  t.notOk(
    sites.some((s) => s.peer().consumers.some((c) => c.producerId === silent.micId)),
    'nobody consumes the microphone of a site that stayed muted',
  );
  await ok(chair.socket, 'set-free-discussion', { open: false });
  await consumes(site(1), want([chair.cameraId, LAYER.high], [chair.micId, null]), 'the chair only after free discussion');
});

t.test("a secretary gets its own grid; leaving sites leave the chair's page", async (t) => {
  const secretary = await participant(t, server, { sub: 'secretary', meetingId, role: 'secretary', name: 'Thư ký' }, { publish: false });
  const page = await waitFor(() => secretary.grid(), { what: "the secretary's grid" });
  t.same(page.participantIds, [chair.id, ...sites.slice(0, 8).map((s) => s.id)], 'the chair and the first eight sites');
  await consumes(
    secretary,
    want([chair.cameraId, LAYER.high], [chair.micId, null], ...cameras(sites.slice(0, 8)).map((id) => [id, LAYER.low] as [string, number])),
    'main video and grid; one consumer for the chair, at the high layer',
  );

  // The secretary's arrival changed the chair's page too (its total): that grid-page may still be on its way.
  const gridEvent = nextEvent<GridPage>(chair.socket, 'grid-page', 15_000, (page) => !page.participantIds.some((id) => id === site(2).id));
  site(2).socket.disconnect();
  const moved = await gridEvent;
  t.same(moved.participantIds, [1, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => site(n).id), 'the page closes up and the chair is told');
  await consumes(chair, want(...cameras([1, 3, 4, 5, 6, 7, 8, 9, 10].map(site)).map((id) => [id, LAYER.low] as [string, number])), 'the closed-up page');
  await room.settled();
});
