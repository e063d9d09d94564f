/** With TLS_CERT/TLS_KEY the service speaks HTTPS and WSS: what browsers need for camera and microphone off localhost. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import t from 'tap';
import { loadConfig } from '../../config.js';
import { startServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'diemcau-tls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], {
  stdio: 'ignore',
});

const { tls } = loadConfig({ DATA_DIR: dir, TLS_CERT: cert, TLS_KEY: key });
const server = await startServer(t, { tls });

t.test('HTTPS serves /healthz', async (t) => {
  t.match(server.url, /^https:\/\/localhost:\d+$/);
  const body = await new Promise<string>((resolve, reject) => {
    request(`${server.url}/healthz`, { rejectUnauthorized: false }, (res) => {
      let data = '';
      res.on('data', (chunk) => (data += chunk));
      res.on('end', () => resolve(data));
    })
      .on('error', reject)
      .end();
  });
  t.match(JSON.parse(body), { status: 'ok' });
});

t.test('signaling runs over WSS', async (t) => {
  const socket = io(server.url, {
    auth: { token: server.signToken({ sub: 'tls', meetingId: 'tls-meeting', role: 'site', name: 'TLS' }) },
    transports: ['websocket'],
    rejectUnauthorized: false,
    reconnection: false,
  });
  t.teardown(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const caps = await socket.timeout(5000).emitWithAck('router-capabilities', {});
  t.equal(caps.ok, true);
});
