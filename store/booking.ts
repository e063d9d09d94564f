import type { RedisClient } from './redis.js';

/**
 * One atomic write of a meeting: its JSON, its invitations, its place in the by-end index,
 * the person sets and the bookings of its halls, in one Lua script, so a meeting and its
 * bookings are never out of step and two requests cannot book one hall twice.
 *
 * Optimistic: the caller read the meeting (and the invitations it rewrites) before; the
 * script refuses with "stale" when any of them changed since, and the caller starts over.
 *
 * Bookings: per hall a zset of "meetingId|startMs|endMs", score startMs, never overlapping.
 * To test [s, e) it is enough to look at the bookings starting before e, latest first: the
 * first of them that ends by s closes the search, as every earlier one ends before it starts.
 * The meeting's own old bookings are taken out first and put back if the new ones conflict.
 */
const COMMIT_SCRIPT = `
local plan = cjson.decode(ARGV[1])
local current = redis.call('GET', KEYS[1])
if plan.expected == false then
  if current then return {'stale'} end
elseif current ~= plan.expected then
  return {'stale'}
end
for _, w in ipairs(plan.invitations) do
  local stored = redis.call('HGET', KEYS[2], w[1])
  if w[2] == false then
    if stored then return {'stale'} end
  elseif stored ~= w[2] then
    return {'stale'}
  end
end
-- A hall or person deleted since the request looked them up: refuse rather than point at nothing
-- (the directory's deletes check bookings and meeting sets in a script too, so one of the two wins).
for _, h in ipairs(plan.mustExist.halls) do
  if redis.call('HEXISTS', KEYS[4], h) == 0 then return {'missing', 'hall', h} end
end
for _, p in ipairs(plan.mustExist.people) do
  if redis.call('HEXISTS', KEYS[5], p) == 0 then return {'missing', 'person', p} end
end
local id = plan.meetingId
local removed = {}
for _, k in ipairs(plan.remove.halls) do
  for _, o in ipairs(plan.remove.occurrences) do
    local member = id .. '|' .. o[1] .. '|' .. o[2]
    if redis.call('ZREM', KEYS[k], member) == 1 then
      removed[#removed + 1] = {k, o[1], member}
    end
  end
end
local conflicts = {}
for _, k in ipairs(plan.add.halls) do
  for _, o in ipairs(plan.add.occurrences) do
    -- Walk back from the last booking starting before the end while they still end after the start.
    local earlier = redis.call('ZREVRANGEBYSCORE', KEYS[k], '(' .. o[2], '-inf', 'LIMIT', 0, plan.maxConflicts)
    for _, booking in ipairs(earlier) do
      if tonumber(string.match(booking, '|(%d+)$')) <= tonumber(o[1]) then break end
      conflicts[#conflicts + 1] = k
      conflicts[#conflicts + 1] = booking
      if #conflicts >= 2 * plan.maxConflicts then break end
    end
    if #conflicts >= 2 * plan.maxConflicts then break end
  end
  if #conflicts >= 2 * plan.maxConflicts then break end
end
if #conflicts > 0 then
  for _, r in ipairs(removed) do redis.call('ZADD', KEYS[r[1]], r[2], r[3]) end
  local answer = {'conflict'}
  for _, c in ipairs(conflicts) do answer[#answer + 1] = c end
  return answer
end
for _, k in ipairs(plan.add.halls) do
  for _, o in ipairs(plan.add.occurrences) do
    redis.call('ZADD', KEYS[k], o[1], id .. '|' .. o[1] .. '|' .. o[2])
  end
end
redis.call('SET', KEYS[1], plan.meeting)
redis.call('ZADD', KEYS[3], plan.endScore, id)
for _, w in ipairs(plan.invitations) do redis.call('HSET', KEYS[2], w[1], w[3]) end
for _, k in ipairs(plan.people) do redis.call('SADD', KEYS[k], id) end
return {'ok'}
`;

export interface BookingSet {
  hallIds: readonly string[];
  /** [startMs, endMs) of each occurrence to (un)book in every one of those halls. */
  occurrences: readonly { start: number; end: number }[];
}

export interface CommitPlan {
  meetingId: string;
  /** The stored JSON the plan was computed from; null: the meeting must not exist yet. */
  expected: string | null;
  meeting: string;
  /** Score in the by-end index: end of the last occurrence, ms. */
  endScore: number;
  /** Invitation fields to write: id, the JSON read before (null: absent), the new JSON. */
  invitations: readonly { id: string; expected: string | null; value: string }[];
  /** Bookings to take out (the meeting's own, as stored) and to make. */
  remove: BookingSet;
  add: BookingSet;
  /** People whose personMeetings set gets the meeting. */
  personIds: readonly string[];
  /** Halls and people the meeting refers to: the write is refused if any was deleted meanwhile. */
  mustExist: { hallIds: readonly string[]; personIds: readonly string[] };
}

export interface BookingConflict {
  hallId: string;
  meetingId: string;
  start: number;
  end: number;
}

export type CommitResult =
  | { kind: 'ok' }
  | { kind: 'stale' }
  | { kind: 'missing'; what: 'hall' | 'person'; id: string }
  | { kind: 'conflict'; conflicts: BookingConflict[] };

export interface CommitKeys {
  meeting: string;
  invitations: string;
  meetingsByEnd: string;
  /** The directory hashes, to check that referenced records still exist. */
  halls: string;
  people: string;
  hallBookings(hallId: string): string;
  personMeetings(personId: string): string;
}

/** Conflicts reported at most (the first ones found). */
export const MAX_REPORTED_CONFLICTS = 20;

export async function commitMeeting(redis: RedisClient, keys: CommitKeys, plan: CommitPlan): Promise<CommitResult> {
  const keyList = [keys.meeting, keys.invitations, keys.meetingsByEnd, keys.halls, keys.people];
  const hallOf: string[] = [];
  const index = new Map<string, number>();
  // KEYS indexes are 1-based in Lua.
  const keyIndex = (key: string, hallId?: string): number => {
    const known = index.get(key);
    if (known !== undefined) return known;
    keyList.push(key);
    const i = keyList.length;
    index.set(key, i);
    if (hallId !== undefined) hallOf[i] = hallId;
    return i;
  };
  const occurrences = (set: BookingSet) => set.occurrences.map((o) => [String(o.start), String(o.end)]);
  const halls = (set: BookingSet) => [...new Set(set.hallIds)].map((h) => keyIndex(keys.hallBookings(h), h));
  const luaPlan = {
    meetingId: plan.meetingId,
    expected: plan.expected ?? false,
    meeting: plan.meeting,
    endScore: plan.endScore,
    maxConflicts: MAX_REPORTED_CONFLICTS,
    invitations: plan.invitations.map((w) => [w.id, w.expected ?? false, w.value]),
    remove: { halls: halls(plan.remove), occurrences: occurrences(plan.remove) },
    add: { halls: halls(plan.add), occurrences: occurrences(plan.add) },
    people: [...new Set(plan.personIds)].map((p) => keyIndex(keys.personMeetings(p))),
    mustExist: { halls: [...new Set(plan.mustExist.hallIds)], people: [...new Set(plan.mustExist.personIds)] },
  };
  const answer = (await redis.eval(COMMIT_SCRIPT, { keys: keyList, arguments: [JSON.stringify(luaPlan)] })) as (string | number)[];
  if (answer[0] === 'ok') return { kind: 'ok' };
  if (answer[0] === 'stale') return { kind: 'stale' };
  if (answer[0] === 'missing') return { kind: 'missing', what: answer[1] === 'hall' ? 'hall' : 'person', id: String(answer[2]) };
  const conflicts: BookingConflict[] = [];
  for (let i = 1; i + 1 < answer.length; i += 2) {
    const [meetingId, start, end] = String(answer[i + 1]).split('|');
    conflicts.push({ hallId: hallOf[Number(answer[i])] as string, meetingId: meetingId as string, start: Number(start), end: Number(end) });
  }
  return { kind: 'conflict', conflicts };
}

/**
 * Read-only twin of the commit script's conflict test, for a check before saving: for every hall
 * and occurrence [s, e), the bookings starting before e that still end after s, walked back in
 * the same way. The bookings of `exclude` (a meeting being changed) are skipped, as the commit
 * takes a meeting's own bookings out before testing its new ones. Writes nothing.
 */
const FIND_CONFLICTS_SCRIPT = `
local q = cjson.decode(ARGV[1])
local own = q.exclude .. '|'
local found = {}
for k = 1, #KEYS do
  for _, o in ipairs(q.occurrences) do
    local offset = 0
    local done = false
    while not done do
      local earlier = redis.call('ZREVRANGEBYSCORE', KEYS[k], '(' .. o[2], '-inf', 'LIMIT', offset, 16)
      if #earlier == 0 then break end
      for _, booking in ipairs(earlier) do
        if tonumber(string.match(booking, '|(%d+)$')) <= tonumber(o[1]) then done = true break end
        if q.exclude == '' or string.sub(booking, 1, #own) ~= own then
          found[#found + 1] = k
          found[#found + 1] = booking
          if #found >= 2 * q.max then return found end
        end
      end
      offset = offset + 16
    end
  end
end
return found
`;

export interface ConflictQuery {
  hallIds: readonly string[];
  occurrences: readonly { start: number; end: number }[];
  /** A meeting whose own bookings do not count (it is being changed). */
  excludeMeetingId?: string | undefined;
  /** Stop after this many. */
  max: number;
}

/** The bookings a commit of these halls and occurrences would conflict with (the first `max` found). */
export async function findBookingConflicts(redis: RedisClient, hallBookings: (hallId: string) => string, query: ConflictQuery): Promise<BookingConflict[]> {
  const hallIds = [...new Set(query.hallIds)];
  if (hallIds.length === 0 || query.occurrences.length === 0) return [];
  const plan = {
    exclude: query.excludeMeetingId ?? '',
    max: query.max,
    occurrences: query.occurrences.map((o) => [String(o.start), String(o.end)]),
  };
  const answer = (await redis.eval(FIND_CONFLICTS_SCRIPT, { keys: hallIds.map(hallBookings), arguments: [JSON.stringify(plan)] })) as (string | number)[];
  const conflicts: BookingConflict[] = [];
  for (let i = 0; i + 1 < answer.length; i += 2) {
    const [meetingId, start, end] = String(answer[i + 1]).split('|');
    conflicts.push({ hallId: hallIds[Number(answer[i]) - 1] as string, meetingId: meetingId as string, start: Number(start), end: Number(end) });
  }
  return conflicts;
}
