/**
 * The cluster's shared state: which server processes (nodes) are alive, what each announces, and
 * which node serves which meeting. Liveness is one sorted set of last heartbeats, scored with the
 * Redis server's clock (so the nodes' clocks need not agree); every check that depends on it is a
 * Lua script, so a claim never races a removal.
 */
import type { MeetingId, NodeId } from '../protocol/ids.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** What a node carries right now; rewritten on every heartbeat. */
export interface NodeLoad {
  rooms: number;
  participants: number;
  consumers: number;
  liveWorkers: number;
}

/** What a node tells the others about itself. */
export interface NodeAnnouncement {
  /** Where browsers reach its HTTP side and Socket.IO. */
  url: string;
  /** The address in its ICE candidates, and the WebRTC (UDP) port of its worker 0. */
  rtcAddress: string;
  rtcPort: number;
  workers: number;
  /** Units whose sites' media it takes in meetings served elsewhere (the cascade). */
  units: string[];
  /** ISO instant the process started. */
  startedAt: string;
  load: NodeLoad;
}

export interface NodeInfo extends NodeAnnouncement {
  id: NodeId;
  /** Its last heartbeat, ms since epoch (Redis server time). */
  seen: number;
}

export interface Heartbeat {
  /** False on the first heartbeat, and when this node had been late long enough to count as gone. */
  wasLive: boolean;
  /** Redis server time of this heartbeat, ms. */
  now: number;
  /** Every node still listed, late ones included, with its last heartbeat. */
  nodes: { id: NodeId; seen: number }[];
}

// Redis time in ms; TIME is allowed in scripts since Redis 5 (effects are replicated).
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS[3] (the node's claimed meetings) and KEYS[4] (meeting → node) with ARGV[1] the node id:
// frees what the node still owns; a meeting another node took over meanwhile is left alone.
const RELEASE_ALL = `
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('HGET', KEYS[4], m) == ARGV[1] then redis.call('HDEL', KEYS[4], m) end
end
redis.call('DEL', KEYS[3])
`;

// KEYS: nodes, node hash, node meetings, meeting → node. ARGV: id, timeout ms, field, value, …
// A node that comes back after counting as gone has lost its meetings, as if it had been swept.
const HEARTBEAT_SCRIPT = `${NOW}
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
local wasLive = seen and tonumber(seen) >= now - tonumber(ARGV[2])
if not wasLive then
${RELEASE_ALL}
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[1])
redis.call('HSET', KEYS[2], 'seen', string.format('%.0f', now), unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return { wasLive and 1 or 0, now, redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES') }
`;

// KEYS as HEARTBEAT. ARGV: id, timeout ms ('' = remove now, the node is leaving).
// With a timeout, the node is removed only if it is still late: a heartbeat may have just come in.
const REMOVE_SCRIPT = `
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then
  if not seen then return 0 end
  ${NOW}
  if tonumber(seen) >= now - tonumber(ARGV[2]) then return 0 end
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
${RELEASE_ALL}
if seen then return 1 end
return 0
`;

// KEYS: meeting → node, nodes, claimer's meetings. ARGV: meeting id, claimer id, timeout ms.
// The meeting stays with a live owner; otherwise (no owner, or a late or removed one) the claimer takes it.
const CLAIM_SCRIPT = `${NOW}
local limit = now - tonumber(ARGV[3])
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner and owner ~= ARGV[2] then
  local seen = redis.call('ZSCORE', KEYS[2], owner)
  if seen and tonumber(seen) >= limit then return owner end
end
local mine = redis.call('ZSCORE', KEYS[2], ARGV[2])
if not mine or tonumber(mine) < limit then
  return redis.error_reply('NOT_REGISTERED node ' .. ARGV[2] .. ' is not a live member of the cluster')
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return ARGV[2]
`;

// KEYS: meeting → node, releaser's meetings. ARGV: meeting id, releaser id.
const RELEASE_SCRIPT = `
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
`;

// KEYS: meeting → node, nodes. ARGV: meeting id, timeout ms. The owner if it is alive.
const OWNER_SCRIPT = `${NOW}
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if not owner then return false end
local seen = redis.call('ZSCORE', KEYS[2], owner)
if seen and tonumber(seen) >= now - tonumber(ARGV[2]) then return owner end
return false
`;

export class NodeStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Registers or refreshes the node; its hash expires `timeoutMs` after the last heartbeat. */
  async heartbeat(id: NodeId, announcement: NodeAnnouncement, timeoutMs: number): Promise<Heartbeat> {
    const { load, ...rest } = announcement;
    const fields = Object.entries({ ...rest, ...load }).flatMap(([field, value]) => [field, String(value)]);
    const [wasLive, now, flat] = (await this.redis.eval(HEARTBEAT_SCRIPT, {
      keys: this.#nodeKeys(id),
      arguments: [id, String(timeoutMs), 'id', id, ...fields],
    })) as [number, number, string[]];
    const nodes: Heartbeat['nodes'] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) nodes.push({ id: flat[i] as NodeId, seen: Number(flat[i + 1]) });
    return { wasLive: wasLive === 1, now, nodes };
  }

  /** Removes a node that is still late by `timeoutMs`, and frees its meetings; true if this call removed it. */
  async removeIfLate(id: NodeId, timeoutMs: number): Promise<boolean> {
    return (await this.redis.eval(REMOVE_SCRIPT, { keys: this.#nodeKeys(id), arguments: [id, String(timeoutMs)] })) === 1;
  }

  /** Removes a node at once (it is leaving, or restarting under the same id), and frees its meetings. */
  async remove(id: NodeId): Promise<void> {
    await this.redis.eval(REMOVE_SCRIPT, { keys: this.#nodeKeys(id), arguments: [id, ''] });
  }

  /** What the listed nodes announced; nodes whose hash has expired are left out. */
  async info(ids: readonly NodeId[]): Promise<NodeInfo[]> {
    const hashes = await Promise.all(ids.map((id) => this.redis.hGetAll(this.keys.node(id))));
    return hashes.filter((h) => h.id !== undefined).map(parseNode);
  }

  /** The meeting's live owner: itself if the meeting is free or its owner is gone. Throws NOT_REGISTERED if `claimer` is not live. */
  async claimMeeting(meetingId: MeetingId, claimer: NodeId, timeoutMs: number): Promise<NodeId> {
    const owner = await this.redis.eval(CLAIM_SCRIPT, {
      keys: [this.keys.meetingNodes(), this.keys.nodes(), this.keys.nodeMeetings(claimer)],
      arguments: [meetingId, claimer, String(timeoutMs)],
    });
    return String(owner) as NodeId;
  }

  /** Gives a meeting up if `owner` holds it; true if it did. */
  async releaseMeeting(meetingId: MeetingId, owner: NodeId): Promise<boolean> {
    const released = await this.redis.eval(RELEASE_SCRIPT, {
      keys: [this.keys.meetingNodes(), this.keys.nodeMeetings(owner)],
      arguments: [meetingId, owner],
    });
    return released === 1;
  }

  /** The live node serving the meeting, if any. */
  async ownerOf(meetingId: MeetingId, timeoutMs: number): Promise<NodeId | undefined> {
    const owner = await this.redis.eval(OWNER_SCRIPT, { keys: [this.keys.meetingNodes(), this.keys.nodes()], arguments: [meetingId, String(timeoutMs)] });
    return owner == null ? undefined : (String(owner) as NodeId);
  }

  #nodeKeys(id: NodeId): string[] {
    return [this.keys.nodes(), this.keys.node(id), this.keys.nodeMeetings(id), this.keys.meetingNodes()];
  }
}

function parseNode(h: Record<string, string>): NodeInfo {
  const n = (field: string) => Number(h[field] ?? 0);
  return {
    id: h.id as NodeId,
    url: h.url ?? '',
    rtcAddress: h.rtcAddress ?? '',
    rtcPort: n('rtcPort'),
    workers: n('workers'),
    units: h.units ? h.units.split(',') : [],
    startedAt: h.startedAt ?? '',
    seen: n('seen'),
    load: { rooms: n('rooms'), participants: n('participants'), consumers: n('consumers'), liveWorkers: n('liveWorkers') },
  };
}
