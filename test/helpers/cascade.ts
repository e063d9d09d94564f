/** Cascade tests: a participant publishing over plain RTP ingest, and bytes that reached a consumer's producer. */
import type { Test } from 'tap';
import type { Participant } from './conference.js';
import { opusParameters, vp8SimulcastParameters } from './rtp-parameters.js';
import { sendRtp } from './rtp-sender.js';
import { ok } from './socket-client.js';

/** SSRCs unique across the file's publishers. */
let nextSsrc = 50_000;

/** Produces a microphone and a 3-layer camera over a plain RTP ingest transport and sends real RTP. */
export async function publish(t: Test, p: Participant): Promise<{ mic: string; camera: string; ingest: { ip: string; port: number } }> {
  const caps = await ok(p.socket, 'router-capabilities', {});
  const ingest = await ok(p.socket, 'create-ingest-transport', {});
  const ssrc = (nextSsrc += 10);
  const audio = opusParameters(caps, ssrc);
  const video = vp8SimulcastParameters(caps, ssrc + 1);
  const mic = await ok(p.socket, 'produce', { transportId: ingest.transportId, kind: 'audio', source: 'mic', rtpParameters: audio });
  const camera = await ok(p.socket, 'produce', { transportId: ingest.transportId, kind: 'video', source: 'camera', rtpParameters: video });
  await sendRtp(t, ingest, [
    { kind: 'audio', payloadType: audio.codecs[0]!.payloadType, ssrc },
    ...[0, 1, 2].map((k) => ({ kind: 'video' as const, payloadType: video.codecs[0]!.payloadType, ssrc: ssrc + 1 + k })),
  ]);
  return { mic: mic.producerId, camera: camera.producerId, ingest };
}

/** Bytes that reached the producer behind a consumer (on a node other than the sender's: they crossed the link). */
export async function bytesIn(consumer: { getStats(): Promise<{ type: string; byteCount?: number }[]> }): Promise<number> {
  return (await consumer.getStats()).filter((s) => s.type === 'inbound-rtp').reduce((n, s) => n + (s.byteCount ?? 0), 0);
}
