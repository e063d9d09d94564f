/** The media policy as a pure function: what each receiver consumes, and at which layer. */
import t from 'tap';
import type { ParticipantId } from '../../protocol/ids.js';
import { conferencePolicy, LAYER, openCall, type ConferenceInputs, type Sender } from '../../sfu/policy.js';

const id = (s: string) => s as ParticipantId;
const sender = (name: string, options: { screen?: boolean; micPaused?: boolean } = {}): Sender => ({
  id: id(name),
  producers: [
    { id: `${name}-mic`, kind: 'audio', source: 'mic', paused: options.micPaused ?? false },
    { id: `${name}-cam`, kind: 'video', source: 'camera', paused: false },
    ...(options.screen ? [{ id: `${name}-screen`, kind: 'video' as const, source: 'screen' as const, paused: false }] : []),
  ],
});
const senders = [sender('chair'), sender('s1'), sender('s2', { micPaused: true }), sender('s3'), sender('s4', { screen: true })];
const inputs = (over: Partial<ConferenceInputs> = {}): ConferenceInputs => ({
  main: id('chair'),
  floor: null,
  audible: new Set([id('chair')]),
  audibleWhenLive: new Set(),
  grids: new Map(),
  ...over,
});
const sorted = (m: Map<string, number | null>) => [...m].sort(([a], [b]) => a.localeCompare(b));

t.test('open call: everything from everyone else, video at the top layer', async (t) => {
  const wanted = openCall.wanted(id('s1'), senders);
  t.equal(wanted.size, 9, 'four others: 4 mics and 5 videos');
  t.notOk(wanted.has('s1-mic'), 'never its own media');
  t.equal(wanted.get('chair-cam'), LAYER.high);
  t.equal(wanted.get('chair-mic'), null);
});

t.test('a site gets the main video high and the chair audio, nothing else', async (t) => {
  t.same(sorted(conferencePolicy(inputs()).wanted(id('s1'), senders)), [['chair-cam', 2], ['chair-mic', null]]);
});

t.test('the floor holder: video at the middle layer, audio, a screen preferred over a camera', async (t) => {
  const policy = conferencePolicy(inputs({ floor: id('s4'), audible: new Set([id('chair'), id('s4')]) }));
  t.same(sorted(policy.wanted(id('s1'), senders)), [['chair-cam', 2], ['chair-mic', null], ['s4-mic', null], ['s4-screen', 1]]);
  t.same(sorted(policy.wanted(id('s4'), senders)), [['chair-cam', 2], ['chair-mic', null]], 'the holder does not receive itself');
  t.same(sorted(policy.wanted(id('chair'), senders)), [['s4-mic', null], ['s4-screen', 1]], 'the chair (the main video) does not receive itself');
});

t.test('main video and floor holder the same: one consumer at the higher layer', async (t) => {
  const policy = conferencePolicy(inputs({ main: id('s3'), floor: id('s3'), audible: new Set([id('chair'), id('s3')]) }));
  t.same(sorted(policy.wanted(id('s1'), senders)), [['chair-mic', null], ['s3-cam', 2], ['s3-mic', null]]);
});

t.test('the grid: cameras at the lowest layer, raised where the tile is also the main video', async (t) => {
  const grids = new Map([[id('chair'), [id('s1'), id('s2'), id('s4')]], [id('sec'), [id('chair'), id('s1')]]]);
  const policy = conferencePolicy(inputs({ grids }));
  t.same(sorted(policy.wanted(id('chair'), senders)), [['s1-cam', 0], ['s2-cam', 0], ['s4-cam', 0]], 'grid tiles show cameras, not screens');
  t.same(sorted(policy.wanted(id('sec'), senders)), [['chair-cam', 2], ['chair-mic', null], ['s1-cam', 0]]);
  t.same(sorted(policy.wanted(id('s3'), senders)), [['chair-cam', 2], ['chair-mic', null]], 'no grid for a site');
});

t.test('free discussion: audio of those allowed to speak only while unmuted', async (t) => {
  const policy = conferencePolicy(inputs({ audibleWhenLive: new Set([id('s1'), id('s2')]) }));
  t.same(sorted(policy.wanted(id('s3'), senders)), [['chair-cam', 2], ['chair-mic', null], ['s1-mic', null]], "s2's microphone is paused: not consumed");
});

t.test('nobody to show: no main video, no chair', async (t) => {
  const policy = conferencePolicy(inputs({ main: null, audible: new Set() }));
  t.equal(policy.wanted(id('s1'), senders).size, 0);
  t.equal(conferencePolicy(inputs({ main: id('gone') })).wanted(id('s1'), senders).size, 1, 'a main participant without producers adds nothing');
});

t.test('expected consumers, for placement: the peak under the policy', async (t) => {
  t.equal(openCall.expectedConsumers(id('s1'), 5), 8, 'open call: microphone and camera of the four others');
  t.equal(openCall.expectedConsumers(id('s1'), 1), 0, 'alone: nothing');
  const policy = conferencePolicy(inputs());
  t.equal(policy.expectedConsumers(id('s1'), 241), 4, "a site: the chair's camera and voice, and a floor holder's camera and voice to come");
  t.equal(policy.expectedConsumers(id('s1'), 2), 2, 'never more than everything the others send');
  const grids = new Map([[id('chair'), ['s1', 's2', 's3'].map(id)]]);
  t.equal(conferencePolicy(inputs({ grids })).expectedConsumers(id('chair'), 241), 5, "the chair: its grid page and a floor holder's camera and voice");
  const held = conferencePolicy(inputs({ floor: id('s4'), audible: new Set([id('chair'), id('s4')]) }));
  t.equal(held.expectedConsumers(id('s1'), 241), 4, 'a floor holder counted once');
});
