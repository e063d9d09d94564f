/**
 * Our offline worker build bridges mediasoup's libsrtp 3 calls to Debian's libsrtp2 (see
 * docs/MEDIASOUP-OFFLINE.md), so every SRTP suite is checked end to end here:
 *
 *   Node (plain RTP) → PlainTransport, comedia (router 1, worker 1)
 *     → SRTP link: transport a (router 1) encrypts → UDP relay in Node (records the wire) → transport b (router 2) decrypts
 *     → PlainTransport (router 2, worker 2) → Node sink (plain RTP)
 *
 * PipeTransport only speaks AEAD_AES_256_GCM (PipeTransport.cpp), so the other suites use
 * SRTP PlainTransports with `srtpCryptoSuite` on both ends of the link.
 */
import { createSocket, type Socket } from 'node:dgram';
import t from 'tap';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { mediaCodecs } from '../../sfu/codecs.js';
import { waitFor } from '../helpers/wait.js';

const IP = '127.0.0.1';
const listenInfo: ms.TransportListenInfo = { protocol: 'udp', ip: IP };
/** Payload bytes that must never appear on the encrypted wire, and must reappear at the sink. */
const MARKER = Buffer.from('plaintext-marker');
/** Packets of each stream that must cross each link. */
const ENOUGH = 25;
/** RTP authentication tag bytes per suite (AES_CM_128_HMAC_SHA1_32 shortens only the RTP tag). */
const TAG_LENGTH: Record<ms.SrtpCryptoSuite, number> = {
  AES_CM_128_HMAC_SHA1_80: 10,
  AES_CM_128_HMAC_SHA1_32: 4,
  AEAD_AES_128_GCM: 16,
  AEAD_AES_256_GCM: 16,
};

// ---- RTP in Node ---------------------------------------------------------------------------

function rtpPacket(p: { payloadType: number; sequenceNumber: number; timestamp: number; ssrc: number; payload: Buffer }): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2, no padding, no extension, no CSRC
  header[1] = 0x80 | p.payloadType; // marker: every packet ends a frame here
  header.writeUInt16BE(p.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc >>> 0, 8);
  return Buffer.concat([header, p.payload]);
}

/** One Opus frame: a TOC byte and opaque data. */
const OPUS_PAYLOAD = Buffer.concat([Buffer.from([0xfc]), MARKER, Buffer.alloc(24, 0x55)]);

/**
 * A one-packet VP8 key frame: payload descriptor with X=1, S=1 and a 15-bit picture id (mediasoup
 * up to 3.19.2 dropped VP8 without the extension bit), then a key-frame header (640×480).
 */
function vp8Payload(pictureId: number): Buffer {
  const descriptor = [0x90, 0x80, 0x80 | ((pictureId >> 8) & 0x7f), pictureId & 0xff];
  const keyFrameHeader = [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
  return Buffer.concat([Buffer.from([...descriptor, ...keyFrameHeader]), MARKER, Buffer.alloc(24, 0xab)]);
}
const VP8_PAYLOAD_LENGTH = vp8Payload(0).length;

/** RTCP shares the port (rtcp-mux): its second byte is 192–223 (RFC 5761). */
const isRtp = (packet: Buffer) => packet.length >= 12 && packet[0]! >> 6 === 2 && !(packet[1]! >= 192 && packet[1]! <= 223);
const hasPadding = (packet: Buffer) => (packet[0]! & 0x20) !== 0;
const payloadTypeOf = (packet: Buffer) => packet[1]! & 0x7f;
const ssrcOf = (packet: Buffer) => packet.readUInt32BE(8);

/** Fixed header, CSRCs and header extension: all sent in clear under SRTP. */
function rtpHeaderLength(packet: Buffer): number {
  let length = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) length += 4 + 4 * packet.readUInt16BE(length + 2);
  return length;
}

/** Media packets of one stream (not RTCP, not padding-only probes). */
function streamPackets(packets: Buffer[], stream: { payloadType: number; ssrc: number }): Buffer[] {
  return packets.filter((p) => isRtp(p) && !hasPadding(p) && payloadTypeOf(p) === stream.payloadType && ssrcOf(p) === stream.ssrc);
}

/** The payload type and SSRC a consumer sends with. */
function streamOf(consumer: ms.Consumer): { payloadType: number; ssrc: number } {
  return { payloadType: consumer.rtpParameters.codecs[0]!.payloadType, ssrc: consumer.rtpParameters.encodings![0]!.ssrc! };
}

// ---- sockets -------------------------------------------------------------------------------

const sockets: Socket[] = [];
/** The source's send timer, stopped before the sockets close. */
let pacer: NodeJS.Timeout | undefined;

async function bindUdp(): Promise<Socket> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, IP, resolve));
  return socket;
}

/** A Node socket that keeps every datagram it receives. */
async function udpSink(): Promise<{ port: number; packets: Buffer[] }> {
  const socket = await bindUdp();
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  return { port: socket.address().port, packets };
}

/** Forwards datagrams between two mediasoup transports and records what a sends to b. */
async function udpRelay(): Promise<{ port: number; join(aPort: number, bPort: number): void; aToB: Buffer[] }> {
  const socket = await bindUdp();
  const aToB: Buffer[] = [];
  let ports: [number, number] | undefined;
  socket.on('message', (m, from) => {
    if (!ports) return;
    const [aPort, bPort] = ports;
    if (from.port === aPort) {
      aToB.push(m);
      socket.send(m, bPort, IP);
    } else if (from.port === bPort) {
      socket.send(m, aPort, IP);
    }
  });
  return { port: socket.address().port, join: (aPort, bPort) => (ports = [aPort, bPort]), aToB };
}

// ---- two workers, the source and the links --------------------------------------------------

async function startWorker(): Promise<ms.Worker> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  worker.on('died', (error) => t.fail(`mediasoup worker died: ${error.message}`));
  t.teardown(() => worker.close());
  return worker;
}
const worker1 = await startWorker();
const worker2 = await startWorker();
const router1 = await worker1.createRouter({ mediaCodecs });
const router2 = await worker2.createRouter({ mediaCodecs });
t.teardown(() => {
  clearInterval(pacer);
  for (const socket of sockets) socket.close();
});

function preferredPayloadType(mimeType: string): number {
  const codec = router1.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType);
  if (!codec?.preferredPayloadType) throw new Error(`router has no ${mimeType}`);
  return codec.preferredPayloadType;
}

const AUDIO = { payloadType: preferredPayloadType('audio/opus'), ssrc: 0x11111111 };
const VIDEO = { payloadType: preferredPayloadType('video/vp8'), ssrc: 0x22222222 };

// Node sends plain RTP into router 1; comedia learns Node's address from the first packet.
const ingest = await router1.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
const sourceProducers = [
  await ingest.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO.payloadType, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: AUDIO.ssrc }],
      rtcp: { cname: 'srtp-test' },
    },
  }),
  await ingest.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO.payloadType, clockRate: 90000 }],
      encodings: [{ ssrc: VIDEO.ssrc }],
      rtcp: { cname: 'srtp-test' },
    },
  }),
];

type Via = 'pipe' | 'plain';

interface Link {
  a: ms.PipeTransport | ms.PlainTransport;
  b: ms.PipeTransport | ms.PlainTransport;
  /** Consumers on a: what a encrypts onto the wire. */
  wireConsumers: ms.Consumer[];
  /** Producers on b: what b decrypted. */
  decrypted: ms.Producer[];
  /** Consumers of router 2 towards the sink. */
  sinkConsumers: ms.Consumer[];
  aToB: Buffer[];
  sink: Buffer[];
}

/** Replaces the first byte of an SRTP master key, so the receiver holds the wrong key. */
function tamper(params: ms.SrtpParameters): ms.SrtpParameters {
  const key = Buffer.from(params.keyBase64, 'base64');
  key[0] = key[0]! ^ 0xff;
  return { ...params, keyBase64: key.toString('base64') };
}

async function srtpLink(via: Via, suite: ms.SrtpCryptoSuite, options: { wrongKeyAtB?: boolean } = {}): Promise<Link> {
  const relay = await udpRelay();
  const create = (router: ms.Router) =>
    via === 'pipe'
      ? router.createPipeTransport({ listenInfo, enableSrtp: true })
      : router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite: suite });
  const a = await create(router1);
  const b = await create(router2);
  t.teardown(() => {
    a.close();
    b.close();
  });
  relay.join(a.tuple.localPort, b.tuple.localPort);
  // Both ends talk to the relay; each gets the other's key.
  await a.connect({ ip: IP, port: relay.port, srtpParameters: b.srtpParameters! });
  await b.connect({ ip: IP, port: relay.port, srtpParameters: options.wrongKeyAtB ? tamper(a.srtpParameters!) : a.srtpParameters! });

  const wireConsumers: ms.Consumer[] = [];
  const decrypted: ms.Producer[] = [];
  for (const source of sourceProducers) {
    const consumer =
      a.type === 'pipe'
        ? await a.consume({ producerId: source.id })
        : await a.consume({ producerId: source.id, rtpCapabilities: router1.rtpCapabilities });
    wireConsumers.push(consumer);
    // Across workers a pipe producer keeps the source's id, as pipeToRouter() does.
    decrypted.push(await b.produce({ ...(a.type === 'pipe' ? { id: source.id } : {}), kind: consumer.kind, rtpParameters: consumer.rtpParameters }));
  }

  const sink = await udpSink();
  const out = await router2.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
  t.teardown(() => out.close());
  await out.connect({ ip: IP, port: sink.port });
  const sinkConsumers: ms.Consumer[] = [];
  for (const producer of decrypted) sinkConsumers.push(await out.consume({ producerId: producer.id, rtpCapabilities: router2.rtpCapabilities }));

  return { a, b, wireConsumers, decrypted, sinkConsumers, aToB: relay.aToB, sink: sink.packets };
}

const cases: { via: Via; suite: ms.SrtpCryptoSuite }[] = [
  { via: 'pipe', suite: 'AEAD_AES_256_GCM' },
  { via: 'plain', suite: 'AES_CM_128_HMAC_SHA1_80' },
  { via: 'plain', suite: 'AES_CM_128_HMAC_SHA1_32' },
  { via: 'plain', suite: 'AEAD_AES_128_GCM' },
  { via: 'plain', suite: 'AEAD_AES_256_GCM' },
];
const links = new Map<(typeof cases)[number], Link>();
for (const c of cases) links.set(c, await srtpLink(c.via, c.suite));
const badLink = await srtpLink('plain', 'AES_CM_128_HMAC_SHA1_80', { wrongKeyAtB: true });

// ---- the source: paced plain RTP, running until the file ends --------------------------------

const source = await bindUdp();
let tick = 0;
pacer = setInterval(() => {
  const n = tick++;
  const audio = rtpPacket({ ...AUDIO, sequenceNumber: 1000 + n, timestamp: 960 * n, payload: OPUS_PAYLOAD });
  const video = rtpPacket({ ...VIDEO, sequenceNumber: 5000 + n, timestamp: 3000 * n, payload: vp8Payload(n & 0x7fff) });
  source.send(audio, ingest.tuple.localPort, IP);
  source.send(video, ingest.tuple.localPort, IP);
}, 10);

// ---- the checks ------------------------------------------------------------------------------

for (const c of cases) {
  const link = links.get(c)!;
  const name = c.via === 'pipe' ? `PipeTransport (enableSrtp) → ${c.suite}` : `PlainTransport srtpCryptoSuite ${c.suite} → PlainTransport decrypts`;

  t.test(name, async (t) => {
    t.equal(link.a.srtpParameters?.cryptoSuite, c.suite, 'the sending end uses the suite');
    t.equal(link.b.srtpParameters?.cryptoSuite, c.suite, 'the receiving end uses the suite');

    const arrived = () => link.sinkConsumers.map((consumer) => streamPackets(link.sink, streamOf(consumer)).length);
    await waitFor(() => arrived().every((n) => n > ENOUGH), { what: `${ENOUGH} packets of each stream at the sink`, timeout: 15_000 });
    const [audioAtSink, videoAtSink] = link.sinkConsumers.map((consumer) => streamPackets(link.sink, streamOf(consumer)));
    t.ok(audioAtSink!.length > ENOUGH, `Opus arrives at the sink (${audioAtSink!.length} packets)`);
    t.ok(videoAtSink!.length > ENOUGH, `VP8 arrives at the sink (${videoAtSink!.length} packets)`);
    t.ok(
      [...audioAtSink!, ...videoAtSink!].every((p) => p.includes(MARKER)),
      'the sink gets the payload in clear: decryption restored it',
    );

    for (const [index, consumer] of link.wireConsumers.entries()) {
      const kind = consumer.kind;
      const onWire = streamPackets(link.aToB, streamOf(consumer));
      t.ok(onWire.length > ENOUGH, `${kind}: SRTP packets crossed the wire (${onWire.length})`);
      t.notOk(
        onWire.some((p) => p.includes(MARKER)),
        `${kind}: the payload is encrypted on the wire`,
      );
      const payloadLength = kind === 'audio' ? OPUS_PAYLOAD.length : VP8_PAYLOAD_LENGTH;
      const tags = new Set(onWire.map((p) => p.length - rtpHeaderLength(p) - payloadLength));
      t.same([...tags], [TAG_LENGTH[c.suite]], `${kind}: each packet carries the ${TAG_LENGTH[c.suite]}-byte tag of ${c.suite}`);
      const [stats] = await link.decrypted[index]!.getStats();
      t.ok((stats?.packetCount ?? 0) > ENOUGH, `${kind}: the receiving producer counted the decrypted packets`);
    }
  });
}

t.test('a receiver with the wrong key decrypts nothing', async (t) => {
  // Authentication failures are counted as received bytes but never become RTP.
  await waitFor(() => streamPackets(badLink.aToB, streamOf(badLink.wireConsumers[0]!)).length > ENOUGH, {
    what: 'SRTP on the wire of the bad link',
  });
  const [transport] = await badLink.b.getStats();
  t.ok((transport?.bytesReceived ?? 0) > 0, `the receiving transport got bytes (${transport?.bytesReceived})`);
  t.equal(transport?.rtpBytesReceived, 0, 'none of them was accepted as RTP');
  for (const producer of badLink.decrypted) {
    const [stats] = await producer.getStats();
    t.equal(stats?.packetCount ?? 0, 0, `${producer.kind}: the producer saw no packet`);
  }
  const atSink = badLink.sinkConsumers.map((consumer) => streamPackets(badLink.sink, streamOf(consumer)).length);
  t.same(atSink, [0, 0], 'no media reached the sink');
});
