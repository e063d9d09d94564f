// Proves the worker works here: a worker, a router, a WebRtcServer and a transport.
import * as mediasoup from 'mediasoup';

const worker = await mediasoup.createWorker({ logLevel: 'warn' });
try {
  const router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  const webRtcServer = await worker.createWebRtcServer({
    listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: 0 }, { protocol: 'tcp', ip: '127.0.0.1', port: 0 }],
  });
  const transport = await router.createWebRtcTransport({ webRtcServer });
  console.log(`[mediasoup-worker] check passed: mediasoup ${mediasoup.version}, worker pid ${worker.pid}, ${transport.iceCandidates.length} ICE candidates`);
} finally {
  worker.close();
}
