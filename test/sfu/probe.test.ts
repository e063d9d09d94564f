/**
 * The device check's network probe: candidates of one protocol on the conference port, the per-owner
 * limit, ownership, self-closing, parameter refusals; and /api/device-check over a whole server
 * (auth, someone else's probe, bad input, the limit).
 */
import t from 'tap';
import type { types as ms } from 'mediasoup';
import { AppError } from '../../lib/errors.js';
import { createLogger } from '../../lib/log.js';
import { createProbes, type Probe } from '../../sfu/probe.js';
import { WorkerPool } from '../../sfu/worker-pool.js';
import { testSfuConfig } from '../helpers/config.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { opusParameters } from '../helpers/rtp-parameters.js';
import { startServer } from '../helpers/server.js';
import { nextEmission, type Listenable } from '../helpers/wait.js';

const log = createLogger('warn');
const pool = await WorkerPool.start(testSfuConfig(), log);
t.teardown(() => pool.close());

/** The port the conferences' WebRtcServer listens on, per protocol. */
async function serverPorts(): Promise<{ udp: number; tcp: number }> {
  const dump = await pool.slots[0]!.webRtcServer.dump();
  return { udp: dump.udpSockets[0]!.port, tcp: dump.tcpServers[0]!.port };
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof AppError) return error.code;
    return `not an AppError: ${String(error)}`;
  }
  return 'no refusal';
}

t.test('a probe offers candidates of its one protocol, on the conference port', async (t) => {
  const probes = createProbes(pool, log);
  t.teardown(() => probes.close());
  const ports = await serverPorts();
  for (const protocol of ['udp', 'tcp'] as const) {
    const probe = await probes.open('alice', protocol);
    const { iceCandidates } = probe.transportInfo;
    t.ok(iceCandidates.length > 0, `${protocol}: candidates`);
    t.same(new Set(iceCandidates.map((c) => c.protocol)), new Set([protocol]), `${protocol}: only ${protocol} candidates`);
    t.same(new Set(iceCandidates.map((c) => c.port)), new Set([ports[protocol]]), `${protocol}: the WebRtcServer's port`);
    t.ok(probe.rtpCapabilities.codecs?.some((c) => c.mimeType === 'audio/opus'), 'the router offers Opus');
  }
  t.equal(pool.slots[0]!.routers, 0, 'probe routers are not counted as meetings');
});

t.test('produce, status and refusals of bad parameters', async (t) => {
  const probes = createProbes(pool, log);
  t.teardown(() => probes.close());
  const probe = await probes.open('alice', 'udp');
  const producerId = await probe.produce('audio', opusParameters(probe.rtpCapabilities));
  t.type(producerId, 'string');
  t.equal(await refusal(probe.produce('audio', opusParameters(probe.rtpCapabilities, 2222))), 'CONFLICT', 'one producer per kind');
  const badCodec: ms.RtpParameters = { ...opusParameters(probe.rtpCapabilities, 3333), codecs: [{ mimeType: 'video/AV9', payloadType: 100, clockRate: 90000 }] };
  t.equal(await refusal(probe.produce('video', badCodec)), 'BAD_REQUEST', 'an unsupported codec is the caller’s input');
  t.same(await probe.status(), { iceState: 'new', dtlsState: 'new', protocol: null, packetsReceived: 0 }, 'nothing has arrived');
  const badDtls = { role: 'client', fingerprints: [{ algorithm: 'md5-ish', value: 'zz' }] } as unknown as ms.DtlsParameters;
  t.equal(await refusal(probe.connect(badDtls)), 'BAD_REQUEST', 'a bad fingerprint');
  probe.close();
  t.equal(await refusal(probe.status()), 'NOT_FOUND', 'a closed probe is gone');
});

t.test('at most perOwner open per owner; another owner neither counts nor sees them', async (t) => {
  const probes = createProbes(pool, log, { perOwner: 2 });
  t.teardown(() => probes.close());
  const [a, b] = await Promise.all([probes.open('alice', 'udp'), probes.open('alice', 'tcp')]);
  t.equal(await refusal(probes.open('alice', 'udp')), 'RATE_LIMITED', 'a third at once is refused');
  t.equal(await refusal(() => probes.get('bob', a!.id)), 'NOT_FOUND', 'bob cannot use alice’s probe');
  t.equal(probes.get('alice', a!.id), a, 'alice can');
  const bobs = await probes.open('bob', 'udp');
  t.equal(probes.count('bob'), 1);
  b!.close();
  t.equal(probes.count('alice'), 1, 'a closed probe frees its place');
  const again = await probes.open('alice', 'udp');
  t.notOk(again.closed);
  bobs.close();
});

t.test('a probe closes itself when its lifetime is over', async (t) => {
  const probes = createProbes(pool, log, { lifetimeMs: 300 });
  t.teardown(() => probes.close());
  const probe = await probes.open('alice', 'tcp');
  await nextEmission(probe as unknown as Listenable<void>, 'closed', { timeout: 10_000, what: 'the probe to close' });
  t.ok(probe.closed, 'closed on its own');
  t.equal(await refusal(() => probes.get('alice', probe.id)), 'NOT_FOUND');
  t.equal(probes.count('alice'), 0);
});

t.test('closing the probes closes every open probe', async (t) => {
  const probes = createProbes(pool, log);
  const open: Probe[] = await Promise.all([probes.open('alice', 'udp'), probes.open('bob', 'tcp')]);
  probes.close();
  t.same(open.map((p) => p.closed), [true, true]);
  t.equal(await refusal(probes.open('alice', 'udp')), 'NOT_FOUND', 'no new probes after close');
});

t.test('/api/device-check over a whole server', async (t) => {
  const server = await startServer(t);
  await seedProvince(server.store, { districts: 1, communes: 1 });
  const login = async (username: string) => {
    const response = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: FIXTURE_PASSWORD } });
    t.equal(response.statusCode, 200, `${username} signs in`);
    return (response.json() as { token: string }).token;
  };
  const call = (token: string | undefined, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    server.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers: token ? { authorization: `Bearer ${token}` } : {} });
  const operator = await login('op-d1');
  const official = await login('off-d1');

  const signedOut = await call(undefined, 'POST', '/api/device-check', { protocol: 'udp' });
  t.equal(signedOut.statusCode, 401, 'signed out: 401');
  t.equal(signedOut.json().code, 'UNAUTHORIZED');

  for (const body of [{ protocol: 'sctp' }, {}, { protocol: 'udp', extra: 1 }, { protocol: 17 }, ['udp']]) {
    const bad = await call(operator, 'POST', '/api/device-check', body);
    t.equal(bad.statusCode, 400, `bad body ${JSON.stringify(body)}: 400`);
    t.equal(bad.json().code, 'BAD_REQUEST');
    t.type(bad.json().message, 'string');
  }

  const opened = await call(operator, 'POST', '/api/device-check', { protocol: 'tcp' });
  t.equal(opened.statusCode, 201, opened.body);
  const probe = opened.json() as { id: string; routerRtpCapabilities: ms.RtpCapabilities; transport: { id: string; iceCandidates: ms.IceCandidate[]; dtlsParameters: ms.DtlsParameters } };
  t.ok(probe.transport.iceCandidates.length > 0 && probe.transport.iceCandidates.every((c) => c.protocol === 'tcp'), 'tcp candidates only');
  t.ok(probe.transport.dtlsParameters.fingerprints.length > 0);

  for (const [method, url, payload] of [
    ['GET', `/api/device-check/${probe.id}`, undefined],
    ['POST', `/api/device-check/${probe.id}/produce`, { kind: 'audio', rtpParameters: opusParameters(probe.routerRtpCapabilities) }],
    ['DELETE', `/api/device-check/${probe.id}`, undefined],
  ] as const) {
    const other = await call(official, method, url, payload);
    t.equal(other.statusCode, 404, `another caller: ${method} ${url.replace(probe.id, ':id')} is 404`);
  }

  const produced = await call(operator, 'POST', `/api/device-check/${probe.id}/produce`, { kind: 'audio', rtpParameters: opusParameters(probe.routerRtpCapabilities) });
  t.equal(produced.statusCode, 200, produced.body);
  t.type(produced.json().id, 'string');
  const badKind = await call(operator, 'POST', `/api/device-check/${probe.id}/produce`, { kind: 'data', rtpParameters: opusParameters(probe.routerRtpCapabilities) });
  t.equal(badKind.statusCode, 400, 'a bad kind');
  const badParams = await call(operator, 'POST', `/api/device-check/${probe.id}/produce`, { kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', clockRate: 90000, payloadType: 250 }] } });
  t.equal(badParams.statusCode, 400, `rtpParameters mediasoup refuses: ${badParams.body}`);
  t.equal(badParams.json().code, 'BAD_REQUEST');
  const badConnect = await call(operator, 'POST', `/api/device-check/${probe.id}/connect`, { dtlsParameters: { fingerprints: [] } });
  t.equal(badConnect.statusCode, 400, 'no fingerprints');

  // What Chrome sends for a camera: VP8 with RTX, whose numeric `apt` must reach mediasoup as a number.
  const vp8 = probe.routerRtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
  const rtx = probe.routerRtpCapabilities.codecs!.find((c) => c.mimeType === 'video/rtx' && c.parameters?.['apt'] === vp8.preferredPayloadType)!;
  const camera = await call(operator, 'POST', `/api/device-check/${probe.id}/produce`, {
    kind: 'video',
    rtpParameters: {
      mid: '1',
      codecs: [
        { mimeType: 'video/VP8', payloadType: vp8.preferredPayloadType, clockRate: 90000, parameters: {}, rtcpFeedback: [] },
        { mimeType: 'video/rtx', payloadType: rtx.preferredPayloadType, clockRate: 90000, parameters: { apt: vp8.preferredPayloadType }, rtcpFeedback: [] },
      ],
      encodings: [{ ssrc: 5555, rtx: { ssrc: 5556 } }],
      rtcp: { cname: 'probe' },
    },
  });
  t.equal(camera.statusCode, 200, `VP8 with RTX: ${camera.body}`);
  const status = await call(operator, 'GET', `/api/device-check/${probe.id}`);
  t.equal(status.statusCode, 200);
  t.same(status.json(), { iceState: 'new', dtlsState: 'new', protocol: null, packetsReceived: 0 });

  const badId = await call(operator, 'GET', '/api/device-check/..%2Fetc');
  t.equal(badId.statusCode, 400, 'a malformed id');
  const unknown = await call(operator, 'GET', '/api/device-check/no-such-probe');
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'NOT_FOUND');

  const closed = await call(operator, 'DELETE', `/api/device-check/${probe.id}`);
  t.same(closed.json(), { deleted: true });
  t.equal((await call(operator, 'GET', `/api/device-check/${probe.id}`)).statusCode, 404, 'gone after DELETE');

  const five = await Promise.all(Array.from({ length: 5 }, () => call(operator, 'POST', '/api/device-check', { protocol: 'udp' })));
  t.same(five.map((r) => r.statusCode), [201, 201, 201, 201, 201]);
  const sixth = await call(operator, 'POST', '/api/device-check', { protocol: 'udp' });
  t.equal(sixth.statusCode, 429, 'a sixth open probe is refused');
  t.equal(sixth.json().code, 'RATE_LIMITED');
  t.equal((await call(official, 'POST', '/api/device-check', { protocol: 'udp' })).statusCode, 201, 'another caller has its own allowance');
  await call(operator, 'DELETE', `/api/device-check/${(five[0]!.json() as { id: string }).id}`);
  t.equal((await call(operator, 'POST', '/api/device-check', { protocol: 'udp' })).statusCode, 201, 'closing one frees a place');

  const docs = await server.app.inject({ method: 'GET', url: '/docs/json' });
  t.ok(Object.keys((docs.json() as { paths: Record<string, unknown> }).paths).includes('/api/device-check/{id}/produce'), 'in the OpenAPI document');
});
