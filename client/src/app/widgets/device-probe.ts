/**
 * The network part of the device check: a few seconds of the camera and microphone sent to the
 * conference media port through a server probe that offers only UDP, or only TCP, and what arrived.
 */
import { Device } from 'mediasoup-client';
import type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, Transport } from 'mediasoup-client/types';
import type { Api } from '../api.js';

export type ProbeProtocol = 'udp' | 'tcp';

interface Opened {
  id: string;
  routerRtpCapabilities: RtpCapabilities;
  transport: { id: string; iceParameters: IceParameters; iceCandidates: IceCandidate[]; dtlsParameters: DtlsParameters };
}

interface Status {
  iceState: string;
  dtlsState: string;
  protocol: ProbeProtocol | null;
  packetsReceived: number;
}

export interface ProbeResult {
  protocol: ProbeProtocol;
  /** Media reached the server over this protocol. */
  ok: boolean;
  /** RTP packets the server counted. */
  packets: number;
  /** The server's port for this protocol (from its candidates), for the firewall advice. */
  port: number | null;
  /** Why the probe could not even start (the API refused, the browser could not send); null otherwise. */
  error: unknown;
}

export interface ProbeOptions {
  /** Give up on packets after this long. */
  timeoutMs?: number;
  /** Once packets arrive, keep sending until this long after the start, so the count means something. */
  minMs?: number;
  /** Ask the server this often. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Sends clones of `tracks` through a probe restricted to `protocol` until packets arrive or the time is up. */
export async function runProbe(api: Api, protocol: ProbeProtocol, tracks: MediaStreamTrack[], options: ProbeOptions = {}): Promise<ProbeResult> {
  const { timeoutMs = 10_000, minMs = 2_000, intervalMs = 400, signal } = options;
  const result: ProbeResult = { protocol, ok: false, packets: 0, port: null, error: null };
  let opened: Opened | undefined;
  let transport: Transport | undefined;
  // Clones: the preview and the level meter keep their own tracks whatever happens here.
  const clones = tracks.map((track) => track.clone());
  try {
    opened = await api.post<Opened>('/api/device-check', { protocol });
    result.port = opened.transport.iceCandidates.find((c) => c.protocol === protocol)?.port ?? null;
    if (signal?.aborted) return result;
    const device = new Device();
    await device.load({ routerRtpCapabilities: opened.routerRtpCapabilities });
    const probeId = opened.id;
    transport = device.createSendTransport({
      id: opened.transport.id,
      iceParameters: opened.transport.iceParameters,
      iceCandidates: opened.transport.iceCandidates,
      dtlsParameters: opened.transport.dtlsParameters,
    });
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      api.post(`/api/device-check/${probeId}/connect`, { dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      api.post<{ id: string }>(`/api/device-check/${probeId}/produce`, { kind, rtpParameters }).then(({ id }) => callback({ id }), errback);
    });
    for (const track of clones) {
      if (track.kind === 'audio' ? !device.canProduce('audio') : !device.canProduce('video')) continue;
      await transport.produce({ track, stopTracks: false });
    }
    const started = Date.now();
    const deadline = started + timeoutMs;
    while (!signal?.aborted) {
      const status = await api.get<Status>(`/api/device-check/${probeId}`);
      result.packets = status.packetsReceived;
      result.ok = status.packetsReceived > 0 && status.protocol === protocol;
      if (result.ok && Date.now() - started >= minMs) break;
      if (Date.now() >= deadline) break;
      await pause(intervalMs, signal);
    }
  } catch (error) {
    result.error = error;
  } finally {
    transport?.close();
    for (const track of clones) track.stop();
    if (opened) await api.delete(`/api/device-check/${opened.id}`).catch(() => {});
  }
  return result;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** A quiet tone to send when neither camera nor microphone could be opened: the network can still be checked. */
export function syntheticAudioTrack(): { track: MediaStreamTrack; stop(): void } {
  const audio = new AudioContext();
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  gain.gain.value = 0.05;
  const destination = audio.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const track = destination.stream.getAudioTracks()[0] as MediaStreamTrack;
  return {
    track,
    stop() {
      track.stop();
      oscillator.stop();
      void audio.close().catch(() => {});
    },
  };
}
