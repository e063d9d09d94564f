// Loads the demo province (Phú Thọ) and its accounts into the store `npm start` uses:
//   npm run seed:demo [-- --two-level] [-- --password <at least 8 characters>]
// REDIS_URL when set; otherwise the server's own redis-server in DATA_DIR/redis — reached
// through its socket when the server is running, started here (and stopped) when it is not.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { bootstrap } from '../scheduler/bootstrap.js';
import { DEFAULT_DEMO_PASSWORD, loadDemoProvince, type DemoAccount } from '../scheduler/demo-province.js';
import { canConnect, localRedisSocket, startLocalRedis, type LocalRedis } from '../store/local-redis.js';
import { connectRedis, type RedisClient } from '../store/redis.js';
import { createStore } from '../store/store.js';

// Output piped into `head` must not crash the script before it stops the redis-server it started.
process.stdout.on('error', () => {});

const usage = 'usage: npm run seed:demo [-- --two-level] [-- --password <at least 8 characters>]';

function fail(message: string, code = 1): never {
  console.error(`seed:demo: ${message}`);
  process.exit(code);
}

let values: { 'two-level'?: boolean; password?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { 'two-level': { type: 'boolean' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 2);
}
if (values.help) {
  console.log(`${usage}
  --two-level   the structure since 1 July 2025: province → 148 communes and wards (default: province → 13 districts → 225 communes)
  --password    the password of every demo account (default: ${DEFAULT_DEMO_PASSWORD})`);
  process.exit(0);
}
const password = values.password ?? DEFAULT_DEMO_PASSWORD;
if (password.length < 8) fail('--password must be at least 8 characters', 2);

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  fail(`invalid configuration: ${(error as Error).message}`);
}

let local: LocalRedis | undefined;
let redis: RedisClient | undefined;
try {
  let url = config.scheduler.redisUrl;
  let where = url ? `Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')}` : '';
  if (!url) {
    const dir = join(config.dataDir, 'redis');
    const socket = localRedisSocket(dir);
    if (await canConnect(socket)) {
      url = `unix://${socket}`;
      where = `the running server's redis-server (${dir})`;
    } else {
      local = await startLocalRedis(dir);
      url = local.url;
      where = `redis-server in ${dir} (started for this, stopped after; AOF keeps the data for npm start)`;
    }
  }
  redis = await withTimeout(connectRedis(url), 10_000, `cannot reach Redis at ${where}`);
  const store = createStore(redis, config.scheduler.redisPrefix);
  const firstAdmin = await bootstrap(store, config.scheduler);
  const loaded = await loadDemoProvince(store, { twoLevel: values['two-level'] ?? false, password });
  console.log(`Loaded the demo province into ${where}, key prefix "${config.scheduler.redisPrefix}":`);
  console.log(`  ${loaded.units} units, ${loaded.halls} halls, ${loaded.people} people (${values['two-level'] ? 'two levels, 2025' : 'three levels: districts and communes'})\n`);
  console.log(table(loaded.accounts, password));
  console.log(`\nThese accounts share one password: for trying things out, not for real use.`);
  if (firstAdmin?.password)
    console.log(`First start: the admin account is "${firstAdmin.username}" with the one-time password  ${firstAdmin.password}  (shown once)`);
} catch (error) {
  process.exitCode = 1;
  console.error(`seed:demo: ${(error as Error).message}`);
} finally {
  await redis?.close().catch(() => {});
  await local?.stop();
}
// A client that never connected would keep retrying in the background.
process.exit(process.exitCode ?? 0);

function table(accounts: readonly DemoAccount[], pw: string): string {
  const rows = [['username', 'role', 'unit', 'name', 'password'], ...accounts.map((a) => [a.username, a.role, a.unitName, a.personName, pw])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] as string)].length))) ?? [];
  const line = (r: string[]) => r.map((cell, i) => cell + ' '.repeat((widths[i] as number) - [...cell].length)).join('  ').trimEnd();
  return [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
