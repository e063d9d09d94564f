import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../config.js';
import { loadJwtSecret } from '../../signaling/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-config-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

t.test('the generated JWT secret is made once and shared by every process of the install', async (t) => {
  const first = loadJwtSecret({}, dataDir);
  t.ok(first.length >= 32);
  t.equal(loadJwtSecret({}, dataDir), first, 'a second load reads the same secret');
  t.equal(statSync(join(dataDir, 'jwt-secret')).mode & 0o777, 0o600, 'readable by its owner only');
  t.equal(loadJwtSecret({ JWT_SECRET: 'x'.repeat(40) }, dataDir), 'x'.repeat(40), 'JWT_SECRET wins');
  t.throws(() => loadJwtSecret({ JWT_SECRET: 'short' }, dataDir), /at least 32/);
  const broken = mkdtempSync(join(tmpdir(), 'diemcau-config-'));
  t.teardown(() => rmSync(broken, { recursive: true, force: true }));
  writeFileSync(join(broken, 'jwt-secret'), '');
  t.throws(() => loadJwtSecret({}, broken), /no usable secret/);
});

t.test('defaults work on one machine', async (t) => {
  const config = loadConfig({ DATA_DIR: dataDir });
  t.equal(config.port, 3000);
  t.equal(config.host, '0.0.0.0');
  t.equal(config.sfu.rtcPort, 40000);
  t.equal(config.tls, undefined);
  t.equal(config.logLevel, 'info');
  t.equal(config.scheduler.redisUrl, undefined, 'no REDIS_URL: npm start runs its own redis-server');
  t.equal(config.scheduler.redisPrefix, 'diemcau');
  t.equal(config.scheduler.adminUsername, 'admin');
  t.equal(config.scheduler.adminPassword, undefined, 'no ADMIN_PASSWORD: a one-time password is printed');
  t.equal(loadConfig({ DATA_DIR: dataDir, REDIS_URL: 'redis://redis:6379' }).scheduler.redisUrl, 'redis://redis:6379');
});

t.test('invalid configuration stops start-up with a clear message', async (t) => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'http' }, /PORT must be a port number/],
    [{ PORT: '70000' }, /PORT must be a port number/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL must be an http\(s\) URL/],
    [{ TLS_CERT: '/etc/hostname' }, /Set both TLS_CERT and TLS_KEY/],
    [{ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/key.pem' }, /TLS_CERT: cannot read/],
    [{ RTC_PORT: '-1' }, /RTC_PORT must be an integer/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be redis:\/\/host:port/],
    [{ REDIS_PREFIX: 'a b' }, /REDIS_PREFIX may hold/],
    [{ ADMIN_USERNAME: 'A D' }, /ADMIN_USERNAME must be/],
    [{ ADMIN_PASSWORD: 'short' }, /ADMIN_PASSWORD must be at least 8/],
    [{ SESSION_HOURS: '0' }, /SESSION_HOURS must be/],
  ];
  for (const [env, message] of bad) t.throws(() => loadConfig({ DATA_DIR: dataDir, ...env }), message, JSON.stringify(env));
});
