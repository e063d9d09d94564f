/** The microphone's live level: an AnalyserNode on the track, read ten times a second, drawn as a bar. */
import { h } from '../ui.js';

/** Above this (RMS of the waveform, 0…1) the microphone is taken to hear something. */
const HEARD_RMS = 0.01;

export interface LevelMeter {
  /** The bar (role="meter"), labelled by the element with id `labelledBy`. */
  readonly el: HTMLDivElement;
  /** Measures `track` from now on (null: nothing to measure). */
  attach(track: MediaStreamTrack | null): void;
  /** The audio context is suspended until the person touches the page (autoplay rules). */
  readonly suspended: boolean;
  resume(): Promise<void>;
  dispose(): void;
}

export function levelMeter(labelledBy: string, onLevel: (rms: number, heard: boolean) => void): LevelMeter {
  const fill = h('div', { className: 'device-meter-fill' });
  const el = h('div', { className: 'device-meter', role: 'meter', 'aria-labelledby': labelledBy, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, fill);
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  const samples = new Float32Array(analyser.fftSize);
  let source: MediaStreamAudioSourceNode | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  const read = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = Math.sqrt(sum / samples.length);
    // A level in dB from -60 (silence) to 0, shown as 0…100 %.
    const percent = rms > 0 ? Math.max(0, Math.min(100, Math.round(((20 * Math.log10(rms) + 60) / 60) * 100))) : 0;
    fill.style.width = `${percent}%`;
    el.setAttribute('aria-valuenow', String(percent));
    el.dataset['level'] = String(percent);
    onLevel(rms, rms >= HEARD_RMS);
  };

  return {
    el,
    attach(track) {
      source?.disconnect();
      source = null;
      clearInterval(timer);
      timer = undefined;
      fill.style.width = '0%';
      if (!track) return;
      source = audio.createMediaStreamSource(new MediaStream([track]));
      source.connect(analyser);
      timer = setInterval(read, 100);
    },
    get suspended() {
      return audio.state === 'suspended';
    },
    resume: () => audio.resume(),
    dispose() {
      clearInterval(timer);
      source?.disconnect();
      void audio.close().catch(() => {});
    },
  };
}
