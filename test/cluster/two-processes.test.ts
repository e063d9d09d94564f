/**
 * Two `npm start` programs on one Redis form a cluster: each /healthz counts both; when one is killed
 * (no chance to deregister) the other notices within 10 s with the default timings; a clean stop
 * leaves nothing behind in the registry.
 */
import t from 'tap';
import { connectRedis } from '../../store/redis.js';
import { createKeys } from '../../store/keys.js';
import { startRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { startNode } from '../helpers/program.js';

const redis = await startRedis(t);
const prefix = 'two-processes';

interface Health {
  status: string;
  node: { id: string; peers: number };
}

function run() {
  // The defaults (2 s heartbeat, 6 s timeout): what is tested is what runs.
  return startNode(t, redis.url, prefix, { NODE_ID: '', NODE_HEARTBEAT_MS: '', NODE_TIMEOUT_MS: '' });
}

const health = async (url: string) => (await (await fetch(`${url}/healthz`)).json()) as Health;

t.test('two programs on one Redis see each other; a killed one is noticed by the other within 10 s', async (t) => {
  const one = run();
  const two = run();
  const [urlOne, urlTwo] = await Promise.all([one.url, two.url]);
  const [h1, h2] = await Promise.all(
    [urlOne, urlTwo].map((url) => waitFor(async () => ((await health(url)).node.peers === 2 ? health(url) : undefined), { timeout: 10_000, what: `${url} to count 2 nodes` })),
  );
  t.equal(h1?.status, 'ok');
  t.not(h1?.node.id, h2?.node.id, 'each program has its own node id');

  const killedAt = Date.now();
  two.child.kill('SIGKILL');
  await two.exited;
  await waitFor(async () => (await health(urlOne)).node.peers === 1, { timeout: 10_000, interval: 200, what: 'the survivor to count 1 node' });
  const elapsed = Date.now() - killedAt;
  t.ok(elapsed < 10_000, `the survivor counts 1 node ${elapsed} ms after the kill`);
  t.match(one.output(), /removed a node that stopped heartbeating/, 'the survivor removed it (it says so)');

  const client = await connectRedis(redis.url);
  t.teardown(() => client.close());
  const keys = createKeys(prefix);
  t.same(await client.zRange(keys.nodes(), 0, -1), [h1?.node.id], 'only the survivor is registered');
  one.child.kill('SIGTERM');
  t.equal(await one.exited, 0, 'the survivor stops cleanly');
  t.same(await client.zRange(keys.nodes(), 0, -1), [], 'and deregistered on the way out');
});
