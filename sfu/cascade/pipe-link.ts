/**
 * A pipe transport between two nodes' routers of one meeting (SRTP, AEAD_AES_256_GCM): producers
 * cross it one by one, each as a pipe consumer on the sending side and a producer with the same id
 * on the receiving side. Used by both ends of the cascade (links.ts at home, shard.ts on a media node).
 */
import type { types as ms } from 'mediasoup';
import type { ProducerAppData } from '../peer.js';
import { plainListenInfo, type MediaListen } from '../listen.js';
import type { PipeEnd, ProducerOffer } from './messages.js';

/**
 * Socket buffers of a link (bytes, each way): a link carries many streams in bursts, and the
 * system's default (about 208 KB) overflowed under load in bench:load --nodes 2 (up to 40 % loss into
 * a busy node). The kernel caps them at net.core.rmem_max / wmem_max: raise those to match.
 */
export const LINK_SOCKET_BUFFER = 4 * 1024 * 1024;

export async function createPipe(router: ms.Router, listen: MediaListen): Promise<ms.PipeTransport> {
  return router.createPipeTransport({
    listenInfo: { ...plainListenInfo(listen), recvBufferSize: LINK_SOCKET_BUFFER, sendBufferSize: LINK_SOCKET_BUFFER },
    enableSrtp: true,
    enableRtx: false,
  });
}

export function pipeEnd(transport: ms.PipeTransport): PipeEnd {
  return { ip: transport.tuple.localAddress, port: transport.tuple.localPort, srtpParameters: transport.srtpParameters };
}

export async function connectPipe(transport: ms.PipeTransport, remote: PipeEnd): Promise<void> {
  await transport.connect({ ip: remote.ip, port: remote.port, ...(remote.srtpParameters ? { srtpParameters: remote.srtpParameters } : {}) });
}

/** The sending side: a pipe consumer of `producer`, and the offer the other side produces from. */
export async function sendAcross(
  transport: ms.PipeTransport,
  producer: { id: string; appData: ProducerAppData },
  meetingId: string,
): Promise<{ consumer: ms.Consumer; offer: ProducerOffer }> {
  const consumer = await transport.consume({ producerId: producer.id });
  return {
    consumer,
    offer: {
      meetingId,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
      peerId: producer.appData.peerId,
      source: producer.appData.source,
    },
  };
}

/** The receiving side: the producer, same id, fed by the other side's pipe consumer. */
export function receiveAcross(transport: ms.PipeTransport, offer: ProducerOffer): Promise<ms.Producer<ProducerAppData>> {
  return transport.produce<ProducerAppData>({
    id: offer.producerId,
    kind: offer.kind,
    rtpParameters: offer.rtpParameters,
    paused: offer.paused,
    appData: { peerId: offer.peerId, source: offer.source },
  });
}
