/**
 * The roll call (điểm danh): every expected site with its state, headcount and link quality, grouped
 * by the unit under the meeting's own unit (a district and its communes), with totals. A pure
 * function of what the conference knows, plus the link-quality sampler it feeds on.
 */
import type { JoinClaims } from '../../protocol/claims.js';
import type {
  LinkQuality,
  MeetingPhase,
  RollCall,
  RollCallEntry,
  RollCallGroup,
  RollCallState,
  RollCallTotals,
  UnitRef,
} from '../../protocol/conference.js';
import type { ParticipantId, SubjectId, UnitId } from '../../protocol/ids.js';
import type { MediaPeer } from '../../sfu/media-peer.js';
import type { LiveMeeting } from '../live-store.js';

/** Someone connected: in the meeting, or in the waiting room (lobby guests are not on the roll). */
export interface PresentParticipant {
  id: ParticipantId;
  claims: JoinClaims;
  guest: boolean;
  waiting: boolean;
  audio: boolean;
  video: boolean;
  quality: LinkQuality | null;
}

export interface RollCallInputs {
  meeting: LiveMeeting | undefined;
  phase: MeetingPhase;
  calledAt: number | null;
  /** In arrival order. */
  present: readonly PresentParticipant[];
  /** subject → confirmation time, since the roll was last called. */
  confirmations: ReadonlyMap<string, number>;
  /** subject → headcount. */
  headcounts: ReadonlyMap<string, number>;
  now: number;
}

export function buildRollCall(inputs: RollCallInputs): RollCall {
  const { meeting, present } = inputs;
  const bySubject = new Map<string, PresentParticipant[]>();
  for (const p of present) bySubject.set(p.claims.sub, [...(bySubject.get(p.claims.sub) ?? []), p]);
  const root = meeting?.unit ?? null;
  const entries: RollCallEntry[] = [];
  const listed = new Set<string>();
  for (const site of meeting?.expected ?? []) {
    listed.add(site.subjectId);
    entries.push(
      entry(inputs, bySubject.get(site.subjectId) ?? [], {
        key: site.invitationId,
        kind: site.kind,
        subjectId: site.subjectId as SubjectId,
        name: site.name,
        role: site.role,
        expected: true,
        guest: false,
        unitId: site.unitId as UnitId | null,
        unitPath: site.unitPath,
        groupId: groupOf(root, site.unitPath),
      }),
    );
  }
  for (const p of present) {
    if (listed.has(p.claims.sub)) continue;
    listed.add(p.claims.sub);
    const unitPath = p.claims.unitId && meeting ? meeting.unitPath(p.claims.unitId) : [];
    entries.push(
      entry(inputs, bySubject.get(p.claims.sub) ?? [p], {
        key: `participant:${p.id}`,
        kind: p.claims.hallId ? 'hall' : 'person',
        subjectId: p.claims.sub as SubjectId,
        name: p.claims.name,
        role: p.claims.role,
        expected: false,
        guest: p.guest,
        unitId: (p.claims.unitId ?? null) as UnitId | null,
        unitPath,
        groupId: groupOf(root, unitPath),
      }),
    );
  }
  const groups = new Map<string | null, { unit: UnitRef | null; entries: RollCallEntry[] }>();
  for (const e of entries) {
    const unit = e.groupId === null ? null : (e.unitPath.find((u) => u.id === e.groupId) ?? null);
    const group = groups.get(e.groupId) ?? { unit, entries: [] };
    group.entries.push(e);
    groups.set(e.groupId, group);
  }
  const groupList: RollCallGroup[] = [...groups.values()].map((g) => ({ unit: g.unit, totals: totals(g.entries) }));
  return { at: inputs.now, phase: inputs.phase, calledAt: inputs.calledAt, unit: root, entries, groups: groupList, totals: totals(entries) };
}

type Identity = Pick<RollCallEntry, 'key' | 'kind' | 'subjectId' | 'name' | 'role' | 'expected' | 'guest' | 'unitId' | 'unitPath' | 'groupId'>;

function entry(inputs: RollCallInputs, sessions: readonly PresentParticipant[], identity: Identity): RollCallEntry {
  const audio = sessions.some((s) => s.audio);
  const video = sessions.some((s) => s.video);
  const confirmedAt = inputs.confirmations.get(identity.subjectId) ?? null;
  const state: RollCallState =
    sessions.length === 0 ? 'absent' : confirmedAt !== null ? 'confirmed' : video ? 'video' : audio ? 'audio' : 'connected';
  // The most recent session's link: a hall that reconnected is judged by its new connection.
  const quality = [...sessions].reverse().find((s) => s.quality)?.quality ?? null;
  return {
    ...identity,
    state,
    participantIds: sessions.map((s) => s.id),
    waiting: sessions.length > 0 && sessions.every((s) => s.waiting),
    audio,
    video,
    confirmedAt,
    headcount: inputs.headcounts.get(identity.subjectId) ?? null,
    quality,
  };
}

/** The child of the meeting's unit on the path (a district), the unit itself for its own halls, else the path's top. */
export function groupOf(root: UnitRef | null, path: readonly UnitRef[]): UnitId | null {
  if (path.length === 0) return null;
  const at = root ? path.findIndex((u) => u.id === root.id) : -1;
  if (at === -1) return (path[0] as UnitRef).id;
  return (path[at + 1] ?? path[at] as UnitRef).id;
}

function totals(entries: readonly RollCallEntry[]): RollCallTotals {
  const t: RollCallTotals = { expected: 0, connected: 0, expectedConnected: 0, audio: 0, video: 0, confirmed: 0, headcount: 0 };
  for (const e of entries) {
    if (e.expected) t.expected++;
    if (e.state !== 'absent') {
      t.connected++;
      if (e.expected) t.expectedConnected++;
      if (e.audio) t.audio++;
      if (e.video) t.video++;
      if (e.state === 'confirmed') t.confirmed++;
    }
    t.headcount += e.headcount ?? 0;
  }
  return t;
}

/** Which of a peer's media is live (a producer not paused). */
export function liveMedia(peer: MediaPeer | undefined): { audio: boolean; video: boolean } {
  const producers = peer && !peer.closed ? peer.producers.filter((p) => !p.closed && !p.paused) : [];
  return { audio: producers.some((p) => p.kind === 'audio'), video: producers.some((p) => p.kind === 'video') };
}

/**
 * A site's link as the server sees it: the bitrate it sends (its producers' streams), the worst
 * loss and score among them, and the round-trip time from its streams' RTCP (or, failing that,
 * from what it receives).
 */
export async function measureLink(peer: MediaPeer, now: number): Promise<LinkQuality> {
  const producers = peer.producers.filter((p) => !p.closed);
  const inbound = (await Promise.all(producers.map((p) => p.getStats().catch(() => [])))).flat();
  let kbps = 0;
  let loss: number | null = null;
  let rtt: number | null = null;
  for (const s of inbound) {
    kbps += s.bitrate / 1000;
    loss = Math.max(loss ?? 0, (s.fractionLost / 256) * 100);
    if (s.roundTripTime) rtt = Math.max(rtt ?? 0, s.roundTripTime);
  }
  if (rtt === null) {
    // A couple of consumers are enough: their receiver reports carry the round trip.
    for (const consumer of peer.consumers.slice(0, 2)) {
      const stats = await consumer.getStats().catch(() => []);
      for (const s of stats) if (s.type === 'outbound-rtp' && s.roundTripTime) rtt = Math.max(rtt ?? 0, s.roundTripTime);
    }
  }
  const scores = producers.flatMap((p) => p.score.map((s) => s.score));
  return {
    sendKbps: producers.length === 0 ? null : Math.round(kbps),
    lossPercent: loss === null ? null : Math.round(loss * 10) / 10,
    rttMs: rtt === null ? null : Math.round(rtt),
    score: scores.length === 0 ? null : Math.min(...scores),
    at: now,
  };
}
