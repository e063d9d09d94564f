import { createHash } from 'node:crypto';
import type { RedisClient } from './redis.js';

/**
 * Optimistic transactions that are safe on one shared connection. WATCH belongs to a
 * connection, and the API multiplexes every request over one client, so two requests' WATCHes
 * would mix (one EXEC clears the other's watch). Instead a request reads, decides, and sends
 * its writes together with the facts its decision rested on; one Lua script checks those facts
 * and writes, atomically, or writes nothing and says which fact no longer held.
 */

/** A fact checked inside Redis at commit time. */
export type Guard =
  /** hash field still holds exactly this value */
  | { kind: 'equals'; key: string; field: string; value: string }
  /** hash field still absent */
  | { kind: 'absent'; key: string; field: string }
  /** key (a set, zset…) does not exist, i.e. is empty */
  | { kind: 'empty'; key: string }
  /** counter in a hash field (missing = 0) still has this value */
  | { kind: 'counter'; key: string; field: string; value: number };

export type Write =
  | { op: 'hset'; key: string; field: string; value: string }
  | { op: 'hdel'; key: string; field: string }
  | { op: 'hincr'; key: string; field: string };

const SCRIPT = `
local p = cjson.decode(ARGV[1])
for i, g in ipairs(p.g) do
  local t, k = g[1], KEYS[g[2]]
  if t == 'eq' then
    if redis.call('HGET', k, g[3]) ~= g[4] then return i end
  elseif t == 'no' then
    if redis.call('HEXISTS', k, g[3]) == 1 then return i end
  elseif t == 'empty' then
    if redis.call('EXISTS', k) == 1 then return i end
  elseif t == 'n' then
    if tonumber(redis.call('HGET', k, g[3]) or '0') ~= g[4] then return i end
  else
    return redis.error_reply('unknown guard ' .. tostring(t))
  end
end
for _, w in ipairs(p.w) do
  local o, k = w[1], KEYS[w[2]]
  if o == 'set' then redis.call('HSET', k, w[3], w[4])
  elseif o == 'del' then redis.call('HDEL', k, w[3])
  elseif o == 'incr' then redis.call('HINCRBY', k, w[3], 1)
  end
end
return 0
`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

/**
 * Writes everything if every guard holds and returns true; otherwise writes nothing and
 * returns false (the caller re-reads and decides again).
 */
export async function guardedWrite(redis: RedisClient, guards: readonly Guard[], writes: readonly Write[]): Promise<boolean> {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const k = (key: string) => {
    let i = index.get(key);
    if (i === undefined) {
      keys.push(key);
      i = keys.length;
      index.set(key, i);
    }
    return i;
  };
  const g = guards.map((guard) => {
    switch (guard.kind) {
      case 'equals':
        return ['eq', k(guard.key), guard.field, guard.value];
      case 'absent':
        return ['no', k(guard.key), guard.field];
      case 'empty':
        return ['empty', k(guard.key)];
      case 'counter':
        return ['n', k(guard.key), guard.field, guard.value];
    }
  });
  const w = writes.map((write) => {
    switch (write.op) {
      case 'hset':
        return ['set', k(write.key), write.field, write.value];
      case 'hdel':
        return ['del', k(write.key), write.field];
      case 'hincr':
        return ['incr', k(write.key), write.field];
    }
  });
  // cjson decodes an empty JSON array as an empty table: fine for ipairs.
  const options = { keys, arguments: [JSON.stringify({ g, w })] };
  let reply: unknown;
  try {
    reply = await redis.evalSha(SHA, options);
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    reply = await redis.eval(SCRIPT, options);
  }
  return Number(reply) === 0;
}
