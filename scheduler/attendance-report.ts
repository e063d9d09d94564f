import { Type, type Static } from '@sinclair/typebox';
import type { AttendanceEntry, Hall, Invitation, Meeting, Person } from '../store/records.js';
import type { ReportSession } from './attendance-session.js';
import type { UnitTree } from './unit-tree.js';

/** One site or official in the report: when it was there, whether it confirmed, how often it spoke. */
export const AttendanceRow = Type.Object({
  subjectId: Type.String(),
  invitationId: Type.Optional(Type.String()),
  name: Type.String(),
  kind: Type.Union([Type.Literal('hall'), Type.Literal('person'), Type.Literal('guest')]),
  role: Type.String(),
  unitId: Type.Optional(Type.String()),
  unitName: Type.Optional(Type.String()),
  /** The unit it is counted under: the one just below the meeting's unit on its path (a district). */
  groupId: Type.String(),
  groupName: Type.String(),
  firstJoin: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastLeave: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Connected now (the meeting has not ended and it has not left). */
  present: Type.Boolean(),
  minutesPresent: Type.Number(),
  confirmed: Type.Boolean(),
  headcount: Type.Union([Type.Integer(), Type.Null()]),
  turns: Type.Integer(),
  speakingSeconds: Type.Integer(),
  removed: Type.Boolean(),
});
export type AttendanceRow = Static<typeof AttendanceRow>;

export const AttendanceGroup = Type.Object({
  groupId: Type.String(),
  groupName: Type.String(),
  expected: Type.Integer(),
  attended: Type.Integer(),
  confirmed: Type.Integer(),
  headcount: Type.Integer(),
});
export type AttendanceGroup = Static<typeof AttendanceGroup>;

export const AttendanceReport = Type.Object({
  meeting: Type.Object({
    id: Type.String(),
    title: Type.String(),
    start: Type.String(),
    end: Type.String(),
    status: Type.String(),
    chair: Type.Union([Type.String(), Type.Null()]),
    openedAt: Type.Union([Type.String(), Type.Null()]),
    endedAt: Type.Union([Type.String(), Type.Null()]),
  }),
  rows: Type.Array(AttendanceRow),
  groups: Type.Array(AttendanceGroup),
  totals: Type.Omit(AttendanceGroup, ['groupId', 'groupName']),
  generatedAt: Type.String({ format: 'date-time' }),
});
export type AttendanceReport = Static<typeof AttendanceReport>;

export interface ReportInput {
  meeting: Meeting;
  invitations: readonly Invitation[];
  halls: ReadonlyMap<string, Hall>;
  people: ReadonlyMap<string, Person>;
  tree: UnitTree;
  entries: readonly AttendanceEntry[];
  now: Date;
  /** The session reported on (a recurring meeting's log holds them all); the whole log when absent. */
  session?: ReportSession;
}

interface Tally {
  row: AttendanceRow;
  open: number;
  since: number;
  presentMs: number;
  floorSince: number | null;
  speakingMs: number;
}

/**
 * Turns a meeting's log into the per-site table: first join, last leave, minutes present (a
 * site on two devices counts once), confirmed, headcount (the last one entered), turns spoken
 * and for how long. Everyone invited has a row, also those who never came; guests and ad-hoc
 * participants get one when they appear in the log.
 */
export function attendanceReport(input: ReportInput): AttendanceReport {
  const { meeting, tree } = input;
  const tallies = new Map<string, Tally>();
  // Rows are counted under the unit one level below the meeting's own (its districts).
  const depth = tree.path(meeting.unitId).length;
  const group = (unitId: string | undefined) => {
    const path = unitId ? tree.path(unitId) : [];
    const unit = path[depth] ?? path[depth - 1] ?? tree.get(meeting.unitId) ?? path[path.length - 1];
    return { groupId: unit?.id ?? meeting.unitId, groupName: unit?.name ?? meeting.unitId };
  };
  const add = (subjectId: string, base: Omit<AttendanceRow, 'groupId' | 'groupName' | 'firstJoin' | 'lastLeave' | 'present' | 'minutesPresent' | 'confirmed' | 'headcount' | 'turns' | 'speakingSeconds'>): Tally => {
    const tally: Tally = {
      row: { ...base, ...group(base.unitId), firstJoin: null, lastLeave: null, present: false, minutesPresent: 0, confirmed: false, headcount: null, turns: 0, speakingSeconds: 0 },
      open: 0,
      since: 0,
      presentMs: 0,
      floorSince: null,
      speakingMs: 0,
    };
    tallies.set(subjectId, tally);
    return tally;
  };

  for (const invitation of input.invitations) {
    const hall = invitation.hallId ? input.halls.get(invitation.hallId) : undefined;
    const person = invitation.personId ? input.people.get(invitation.personId) : undefined;
    const subjectId = invitation.hallId ?? invitation.personId;
    if (!subjectId) continue;
    const unitId = hall?.unitId ?? person?.unitId;
    add(subjectId, {
      subjectId,
      invitationId: invitation.id,
      name: hall?.name ?? person?.name ?? subjectId,
      kind: invitation.kind,
      role: invitation.role,
      ...(unitId ? { unitId, unitName: tree.get(unitId)?.name ?? unitId } : {}),
      removed: invitation.removed === true,
    });
  }

  let openedAt: string | null = null;
  let endedAt: string | null = null;
  const close = (tally: Tally, at: number) => {
    if (tally.open > 0) {
      tally.presentMs += at - tally.since;
      tally.open = 0;
      tally.row.lastLeave = new Date(at).toISOString();
    }
    if (tally.floorSince !== null) {
      tally.speakingMs += at - tally.floorSince;
      tally.floorSince = null;
    }
  };
  const { session } = input;
  const entries = session ? input.entries.filter((e) => Date.parse(e.at) >= session.from && Date.parse(e.at) < session.to) : input.entries;
  for (const entry of entries) {
    const at = Date.parse(entry.at);
    if (entry.type === 'opened') openedAt ??= entry.at;
    if (entry.type === 'ended') {
      endedAt = entry.at;
      for (const tally of tallies.values()) close(tally, at);
      continue;
    }
    if (!entry.subjectId) continue;
    const tally =
      tallies.get(entry.subjectId) ??
      add(entry.subjectId, {
        subjectId: entry.subjectId,
        ...(entry.invitationId ? { invitationId: entry.invitationId } : {}),
        name: entry.name ?? entry.subjectId,
        kind: 'guest',
        role: entry.role ?? 'guest',
        ...(entry.hallId && input.halls.get(entry.hallId) ? { unitId: (input.halls.get(entry.hallId) as Hall).unitId } : {}),
        removed: false,
      });
    switch (entry.type) {
      case 'joined':
        if (tally.open === 0) tally.since = at;
        tally.open++;
        tally.row.firstJoin ??= entry.at;
        break;
      case 'left':
        if (tally.open === 0) break;
        tally.open--;
        if (tally.open === 0) {
          tally.presentMs += at - tally.since;
          tally.row.lastLeave = entry.at;
        }
        if (tally.open === 0 && tally.floorSince !== null) {
          tally.speakingMs += at - tally.floorSince;
          tally.floorSince = null;
        }
        break;
      case 'confirmed':
        tally.row.confirmed = true;
        if (entry.headcount !== undefined) tally.row.headcount = entry.headcount;
        break;
      case 'headcount':
        if (entry.headcount !== undefined) tally.row.headcount = entry.headcount;
        break;
      case 'floor-granted':
        tally.row.turns++;
        tally.floorSince ??= at;
        break;
      case 'floor-ended':
        if (tally.floorSince !== null) tally.speakingMs += at - tally.floorSince;
        tally.floorSince = null;
        break;
      case 'removed':
        tally.row.removed = true;
        break;
      default:
        break;
    }
  }

  const now = input.now.getTime();
  const rows: AttendanceRow[] = [];
  for (const tally of tallies.values()) {
    const present = tally.open > 0;
    const presentMs = tally.presentMs + (present ? now - tally.since : 0);
    const speakingMs = tally.speakingMs + (tally.floorSince !== null ? now - tally.floorSince : 0);
    rows.push({
      ...tally.row,
      present,
      minutesPresent: Math.round(presentMs / 6_000) / 10,
      speakingSeconds: Math.round(speakingMs / 1000),
    });
  }
  // Grouped as the unit tree reads: by group, then halls before people, then by name.
  const order = new Map(treeOrder(tree).map((id, i) => [id, i]));
  rows.sort(
    (a, b) =>
      (order.get(a.groupId) ?? 1e9) - (order.get(b.groupId) ?? 1e9) ||
      (order.get(a.unitId ?? '') ?? 1e9) - (order.get(b.unitId ?? '') ?? 1e9) ||
      kindRank(a.kind) - kindRank(b.kind) ||
      a.name.localeCompare(b.name, 'vi'),
  );

  const groups = new Map<string, AttendanceGroup>();
  for (const row of rows) {
    const g = groups.get(row.groupId) ?? { groupId: row.groupId, groupName: row.groupName, expected: 0, attended: 0, confirmed: 0, headcount: 0 };
    if (row.kind !== 'guest' && !row.removed) g.expected++;
    if (row.firstJoin !== null) g.attended++;
    if (row.confirmed) g.confirmed++;
    g.headcount += row.headcount ?? 0;
    groups.set(row.groupId, g);
  }
  const totals = { expected: 0, attended: 0, confirmed: 0, headcount: 0 };
  for (const g of groups.values()) {
    totals.expected += g.expected;
    totals.attended += g.attended;
    totals.confirmed += g.confirmed;
    totals.headcount += g.headcount;
  }
  return {
    meeting: {
      id: meeting.id,
      title: meeting.title,
      start: session ? new Date(session.start).toISOString() : meeting.start,
      end: session ? new Date(session.end).toISOString() : meeting.end,
      status: session?.status ?? meeting.status,
      chair: input.people.get(meeting.chairId)?.name ?? null,
      openedAt,
      endedAt,
    },
    rows,
    groups: [...groups.values()],
    totals,
    generatedAt: input.now.toISOString(),
  };
}

function kindRank(kind: AttendanceRow['kind']): number {
  return kind === 'hall' ? 0 : kind === 'person' ? 1 : 2;
}

/** Unit ids depth first, parents before children, siblings by name. */
function treeOrder(tree: UnitTree): string[] {
  const out: string[] = [];
  const visit = (id: string) => {
    out.push(id);
    for (const child of tree.children(id).sort((a, b) => a.name.localeCompare(b.name, 'vi'))) visit(child.id);
  };
  for (const root of tree.roots()) visit(root.id);
  return out;
}
