/**
 * A server-side stand-in for a receiver's connected link: a Node client cannot finish ICE and DTLS,
 * and mediasoup sends nothing on a WebRTC transport that is not connected (a simulcast consumer
 * there does not even pick a layer). A tap is a plain transport on a peer's router, connected to a
 * UDP sink, consuming what that peer consumes at the same layer, so real packets leave the worker.
 */
import type { types as ms } from 'mediasoup';

export interface EgressTap {
  transport: ms.PlainTransport;
  consumers: ms.Consumer[];
  close(): void;
}

export async function egressTap(
  router: ms.Router,
  sink: { ip: string; port: number },
  wanted: readonly { producerId: string; rtpCapabilities: ms.RtpCapabilities; spatialLayer?: number | undefined }[],
): Promise<EgressTap> {
  const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: sink.ip }, rtcpMux: true, comedia: false });
  await transport.connect({ ip: sink.ip, port: sink.port });
  const consumers: ms.Consumer[] = [];
  for (const w of wanted) {
    consumers.push(
      await transport.consume({
        producerId: w.producerId,
        rtpCapabilities: w.rtpCapabilities,
        ...(w.spatialLayer === undefined ? {} : { preferredLayers: { spatialLayer: w.spatialLayer } }),
      }),
    );
  }
  return { transport, consumers, close: () => transport.close() };
}
