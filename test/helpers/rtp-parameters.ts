import type { types as ms } from 'mediasoup';

function routerCodec(caps: ms.RtpCapabilities, mimeType: string): ms.RtpCodecCapability {
  const codec = caps.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType);
  if (!codec) throw new Error(`the router offers no ${mimeType}`);
  return codec;
}

/** What a browser sends for its microphone: Opus with the router's payload type. */
export function opusParameters(caps: ms.RtpCapabilities, ssrc = 1111): ms.RtpParameters {
  const opus = routerCodec(caps, 'audio/opus');
  return {
    codecs: [
      {
        mimeType: opus.mimeType,
        payloadType: opus.preferredPayloadType!,
        clockRate: opus.clockRate,
        channels: opus.channels ?? 2,
        parameters: { useinbandfec: 1 },
        rtcpFeedback: [],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

/**
 * VP8 simulcast as a browser signals it with SSRCs (no rid): three encodings, one SSRC each.
 * mediasoup needs no MID or RID header extension for this; the SSRCs identify the streams.
 */
export function vp8SimulcastParameters(caps: ms.RtpCapabilities, firstSsrc: number): ms.RtpParameters {
  const vp8 = routerCodec(caps, 'video/vp8');
  return {
    codecs: [
      {
        mimeType: vp8.mimeType,
        payloadType: vp8.preferredPayloadType!,
        clockRate: vp8.clockRate,
        parameters: {},
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    headerExtensions: [],
    encodings: [
      { ssrc: firstSsrc, maxBitrate: 150_000 },
      { ssrc: firstSsrc + 1, maxBitrate: 500_000 },
      { ssrc: firstSsrc + 2, maxBitrate: 1_500_000 },
    ],
    rtcp: { cname: `cname-${firstSsrc}`, reducedSize: true },
  };
}
