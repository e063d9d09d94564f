/**
 * Every route of the OpenAPI document gets malformed and hostile input, signed out, as an
 * official and as the admin: never a 5xx, always `{ code, message }` on refusal, and the
 * stored records are the same afterwards.
 */
import t from 'tap';
import { startApi } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';

const BODIES: { name: string; payload: string; contentType: string }[] = [
  { name: 'malformed JSON', payload: '{"title": ', contentType: 'application/json' },
  { name: 'an array', payload: '[]', contentType: 'application/json' },
  { name: 'null', payload: 'null', contentType: 'application/json' },
  { name: 'an empty object', payload: '{}', contentType: 'application/json' },
  {
    name: 'wrong types',
    payload: JSON.stringify({ id: 5, name: [], title: {}, start: 'yesterday', end: 12, parentId: 7, unitId: true, hostHallId: {}, sites: 'all', roles: 'admin', response: 9 }),
    contentType: 'application/json',
  },
  { name: 'a huge string', payload: JSON.stringify({ name: 'x'.repeat(300_000), title: 'x'.repeat(300_000) }), contentType: 'application/json' },
  { name: 'text', payload: 'hello', contentType: 'text/plain' },
  { name: 'a calendar of garbage', payload: 'BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT', contentType: 'text/calendar' },
];
const IDS = ['nonexistent', 'a'.repeat(300), '..%2F..%2Fetc', '%00', 'd2', 'hall-d2'];

t.test('no route answers 5xx to bad input, and nothing stored changes', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 2 });
  const admin = await api.login();
  const official = await api.login('off-d1', FIXTURE_PASSWORD);
  const doc = (await api.request(undefined, { method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };

  const snapshot = async () => {
    const keys = (await api.store.redis.keys('test:*')).filter((k) => !k.includes('login-attempts') && !k.includes('feed-token')).sort();
    // Contents, not DUMP: a hash rewritten with the same values may serialise in another order.
    const contents = async (key: string): Promise<unknown> => {
      const redis = api.store.redis;
      switch (await redis.type(key)) {
        case 'hash':
          return Object.entries(await redis.hGetAll(key)).sort();
        case 'zset':
          return redis.zRangeWithScores(key, 0, -1);
        case 'set':
          return (await redis.sMembers(key)).sort();
        case 'list':
          return redis.lRange(key, 0, -1);
        default:
          return redis.get(key);
      }
    };
    const values = await Promise.all(keys.map(contents));
    return keys.map((k, i) => `${k}=${JSON.stringify(values[i])}`);
  };
  const before = await snapshot();

  let requests = 0;
  const failures: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const method of Object.keys(operations)) {
      const verb = method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      for (const id of IDS) {
        const url = path.replace(/\{[^}]+\}/g, id);
        for (const token of [undefined, official, admin]) {
          const bodies = verb === 'GET' || verb === 'DELETE' ? [undefined] : BODIES;
          for (const body of bodies) {
            // Deleting real records as the admin is not bad input; the fuzz keeps to unknown ids there.
            if (verb === 'DELETE' && token === admin && (id === 'd2' || id === 'hall-d2')) continue;
            const response = await api.request(token, {
              method: verb,
              url,
              ...(body ? { payload: body.payload, headers: { 'content-type': body.contentType } } : {}),
            });
            requests++;
            const what = `${verb} ${url.slice(0, 60)} ${body?.name ?? ''} as ${token === admin ? 'admin' : token ? 'official' : 'nobody'} → ${response.statusCode}`;
            if (response.statusCode >= 500) failures.push(what);
            else if (response.statusCode >= 400) {
              const json = (() => {
                try {
                  return response.json() as { code?: unknown; message?: unknown };
                } catch {
                  return {};
                }
              })();
              if (typeof json.code !== 'string' || typeof json.message !== 'string') failures.push(`${what} without {code, message}`);
            }
          }
        }
      }
    }
  }
  t.ok(requests > 1000, `${requests} requests sent`);
  t.same(failures, [], 'no 5xx, every refusal explained');
  const after = await snapshot();
  const changed = [...new Set([...after.filter((x) => !before.includes(x)), ...before.filter((x) => !after.includes(x))].map((x) => x.split('=')[0]))];
  t.same(changed, [], 'stored records unchanged');
});
