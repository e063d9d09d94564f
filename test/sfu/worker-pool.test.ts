import { availableParallelism } from 'node:os';
import t from 'tap';
import { createLogger } from '../../lib/log.js';
import type { MeetingId } from '../../protocol/ids.js';
import { loadSfuConfig } from '../../sfu/config.js';
import { createSfu } from '../../sfu/sfu.js';
import { WorkerPool, type WorkerSlot } from '../../sfu/worker-pool.js';
import { testSfuConfig } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('warn');

/** Two workers on loopback, ports chosen by mediasoup. */
const twoWorkers = testSfuConfig({ workers: 2 });

/** True once the process is gone (killed or exited, and reaped by Node). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

t.test('start: one WebRtcServer per worker, UDP and TCP on the listen IP', async (t) => {
  const pool = await WorkerPool.start(twoWorkers, log);
  t.teardown(() => pool.close());

  t.equal(pool.slots.length, 2, 'two workers');
  t.not(pool.slots[0]!.worker.pid, pool.slots[1]!.worker.pid, 'each worker is its own process');
  for (const slot of pool.slots) {
    const dump = await slot.webRtcServer.dump();
    t.equal(dump.udpSockets.length, 1, `worker ${slot.index}: one UDP socket`);
    t.equal(dump.tcpServers.length, 1, `worker ${slot.index}: one TCP server`);
    t.ok(
      [...dump.udpSockets, ...dump.tcpServers].every((s) => s.ip === '127.0.0.1' && s.port > 0),
      `worker ${slot.index}: listens on 127.0.0.1 with a port picked by mediasoup`,
    );
    t.same((await slot.worker.dump()).webRtcServerIds, [slot.webRtcServer.id], `worker ${slot.index} owns its WebRtcServer`);
  }
});

t.test('leastLoaded spreads rooms, and a dead worker is detected and avoided', async (t) => {
  const sfu = await createSfu(twoWorkers, log);
  t.teardown(() => sfu.close());

  const m1 = await sfu.holdRoom('m1' as MeetingId);
  const m2 = await sfu.holdRoom('m2' as MeetingId);
  t.not(m1.slot, m2.slot, 'two rooms land on two workers');
  t.same(
    sfu.pool.slots.map((s) => s.routers),
    [1, 1],
    'each worker counts one router',
  );

  const victim = m1.slot;
  const survivor = m2.slot;
  const pid = victim.worker.pid;
  const died = new Promise<[WorkerSlot, Error]>((resolve) => sfu.pool.once('worker-died', (...args) => resolve(args)));
  const roomClosed = new Promise<void>((resolve) => m1.once('closed', resolve));

  process.kill(pid, 'SIGKILL');

  const [slot, error] = await died;
  t.equal(slot, victim, "the pool reports the killed worker's slot");
  t.match(error.message, /SIGKILL/, 'the error names the signal');
  await roomClosed;
  t.ok(m1.closed, 'the room on the dead worker closed');
  t.ok(m1.router.closed, 'its router closed');
  t.equal(victim.routers, 0, "the dead worker's router count went back to 0");
  t.notOk(m2.closed, 'the room on the live worker stays open');
  t.equal(sfu.existingRoom('m1' as MeetingId), undefined, 'the closed room is forgotten');

  t.equal(sfu.pool.leastLoaded(), survivor, 'leastLoaded() skips the dead worker, though it now carries fewer rooms');
  const m3 = await sfu.holdRoom('m3' as MeetingId);
  t.equal(m3.slot, survivor, 'a new room goes to the live worker');
  const again = await sfu.holdRoom('m1' as MeetingId);
  t.not(again, m1, 'the meeting of the closed room gets a new room');
  t.equal(again.slot, survivor, '... on the live worker');
  await waitFor(() => processGone(pid), { what: 'the killed worker process to be reaped' });
});

t.test('meetings opened at the same moment spread over the workers', async (t) => {
  const sfu = await createSfu(twoWorkers, log);
  t.teardown(() => sfu.close());
  const [c1, c2] = await Promise.all([sfu.holdRoom('c1' as MeetingId), sfu.holdRoom('c2' as MeetingId)]);
  t.not(c1.slot, c2.slot, 'two workers, not one');
  t.same(sfu.pool.slots.map((s) => s.routers), [1, 1]);
});

t.test('close() is idempotent and closes every worker', async (t) => {
  const pool = await WorkerPool.start(twoWorkers, log);
  t.teardown(() => pool.close());
  const pids = pool.slots.map((s) => s.worker.pid);
  let deaths = 0;
  pool.on('worker-died', () => deaths++);
  const closedEvents = pool.slots.map((s) => new Promise<void>((resolve) => s.worker.observer.once('close', () => resolve())));

  pool.close();
  pool.close();

  await Promise.all(closedEvents);
  t.ok(
    pool.slots.every((s) => s.worker.closed),
    'every worker is closed',
  );
  t.throws(() => pool.leastLoaded(), /no live mediasoup worker/, 'a closed pool places no rooms');
  await waitFor(() => pids.every(processGone), { what: 'the worker processes to exit' });
  t.ok(pids.every(processGone), 'every worker process exited');
  t.equal(deaths, 0, 'closing is not dying: no worker-died event');
});

t.test('loadSfuConfig', async (t) => {
  t.test('defaults', async (t) => {
    const config = loadSfuConfig({});
    t.equal(config.rtcPort, 40000, 'RTC_PORT defaults to 40000');
    t.equal(config.workers, availableParallelism(), 'one worker per core');
    t.equal(config.listenIp, '0.0.0.0', 'listens on every interface');
    t.type(config.announcedAddress, 'string', 'a wildcard listen IP gets an announced address');
    t.equal(config.workerLogLevel, 'warn');
    t.equal(config.initialOutgoingBitrate, 1_000_000);
    t.equal(config.portRange, undefined, "ingest and links between nodes on mediasoup's own port range");
  });

  t.test('explicit values', async (t) => {
    const config = loadSfuConfig({ RTC_PORT: '0', MEDIASOUP_WORKERS: '3', RTC_LISTEN_IP: '10.1.2.3', RTC_ANNOUNCED_ADDRESS: '' });
    t.equal(config.rtcPort, 0, 'RTC_PORT 0 lets mediasoup pick');
    t.equal(config.workers, 3);
    t.equal(config.listenIp, '10.1.2.3');
    t.equal(config.announcedAddress, undefined, 'a specific listen IP is announced as is');
    t.equal(loadSfuConfig({ RTC_ANNOUNCED_ADDRESS: 'media.example.org' }).announcedAddress, 'media.example.org');
    t.same(loadSfuConfig({ RTC_PORT_RANGE: '41000-41999' }).portRange, { min: 41000, max: 41999 });
  });

  t.test('clear errors', async (t) => {
    t.throws(() => loadSfuConfig({ RTC_PORT: 'abc' }), { message: /RTC_PORT must be an integer from 0 to 65535, got "abc"/ });
    t.throws(() => loadSfuConfig({ MEDIASOUP_WORKERS: '0' }), { message: /MEDIASOUP_WORKERS must be an integer from 1 to 256, got "0"/ });
    t.throws(() => loadSfuConfig({ RTC_LISTEN_IP: 'not-an-ip' }), { message: /RTC_LISTEN_IP must be an IP address, got "not-an-ip"/ });
    t.throws(() => loadSfuConfig({ RTC_PORT: '65535', MEDIASOUP_WORKERS: '2' }), { message: /RTC_PORT 65535 leaves no room for 2 workers/ });
    t.throws(() => loadSfuConfig({ MEDIASOUP_LOG_LEVEL: 'chatty' }), { message: /MEDIASOUP_LOG_LEVEL must be one of/ });
    for (const bad of ['41000', '41999-41000', '80-90', '41000-70000', 'a-b']) {
      t.throws(() => loadSfuConfig({ RTC_PORT_RANGE: bad }), { message: /RTC_PORT_RANGE must be "min-max" within 1024–65535/ }, bad);
    }
  });
});
