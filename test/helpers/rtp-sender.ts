/**
 * Plain RTP from Node into a comedia PlainTransport (a peer's ingest transport): an Opus stream and
 * a VP8 stream of one-packet key frames, paced every 20 ms, as test/sfu/srtp-pipe.test.ts does, with
 * an RTCP sender report per stream every second (mediasoup switches simulcast layers only between
 * streams it has sender reports for: it aligns their timestamps with them).
 */
import { createSocket } from 'node:dgram';
import type { Test } from 'tap';

export function rtpPacket(p: { payloadType: number; sequenceNumber: number; timestamp: number; ssrc: number; payload: Buffer }): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2, no padding, no extension, no CSRC
  header[1] = 0x80 | p.payloadType; // marker: every packet ends a frame
  header.writeUInt16BE(p.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc >>> 0, 8);
  return Buffer.concat([header, p.payload]);
}

/** Seconds from 1900 (NTP) to 1970 (Unix). */
const NTP_EPOCH_OFFSET = 2_208_988_800;

/** An RTCP sender report (RFC 3550 6.4.1) without report blocks: the sender's clock against its RTP timestamps. */
export function senderReport(p: { ssrc: number; timestamp: number; packets: number; octets: number; nowMs?: number }): Buffer {
  const nowMs = p.nowMs ?? Date.now();
  const sr = Buffer.alloc(28);
  sr[0] = 0x80; // version 2, no padding, no report blocks
  sr[1] = 200; // SR
  sr.writeUInt16BE(6, 2); // length in 32-bit words, minus one
  sr.writeUInt32BE(p.ssrc >>> 0, 4);
  sr.writeUInt32BE((Math.floor(nowMs / 1000) + NTP_EPOCH_OFFSET) >>> 0, 8);
  sr.writeUInt32BE(Math.floor(((nowMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  sr.writeUInt32BE(p.timestamp >>> 0, 16);
  sr.writeUInt32BE(p.packets >>> 0, 20);
  sr.writeUInt32BE(p.octets >>> 0, 24);
  return sr;
}

/** One Opus frame: a TOC byte and opaque data. */
export const OPUS_PAYLOAD = Buffer.concat([Buffer.from([0xfc]), Buffer.alloc(40, 0x55)]);

/** A one-packet VP8 key frame (640×480) with a 15-bit picture id (X=1, I=1, M=1). */
export function vp8KeyFrame(pictureId: number): Buffer {
  const descriptor = [0x90, 0x80, 0x80 | ((pictureId >> 8) & 0x7f), pictureId & 0xff];
  const keyFrameHeader = [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
  return Buffer.concat([Buffer.from([...descriptor, ...keyFrameHeader]), Buffer.alloc(200, 0xab)]);
}

export interface RtpStream {
  kind: 'audio' | 'video';
  payloadType: number;
  ssrc: number;
}

/** Sends the streams to ip:port every 20 ms until the test ends. */
export async function sendRtp(t: Test, to: { ip: string; port: number }, streams: readonly RtpStream[]): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let n = 0;
  const pacer = setInterval(() => {
    n++;
    for (const s of streams) {
      const payload = s.kind === 'audio' ? OPUS_PAYLOAD : vp8KeyFrame(n & 0x7fff);
      const timestamp = s.kind === 'audio' ? 960 * n : 1800 * n;
      const packet = rtpPacket({ payloadType: s.payloadType, ssrc: s.ssrc, sequenceNumber: n, timestamp, payload });
      socket.send(packet, to.port, to.ip);
      // Every packet of a stream has the same size here.
      if (n % 50 === 1) socket.send(senderReport({ ssrc: s.ssrc, timestamp, packets: n, octets: n * (packet.length - 12) }), to.port, to.ip);
    }
  }, 20);
  t.teardown(() => {
    clearInterval(pacer);
    socket.close();
  });
}
