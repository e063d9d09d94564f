/** A test tone for the speaker check: a short WAV made in the page, so nothing is downloaded. */

/** A 16-bit mono WAV of a sine at `hz`, faded in and out so it does not click. */
export function toneWav(hz = 660, seconds = 1.5, sampleRate = 44_100): Blob {
  const samples = Math.round(seconds * sampleRate);
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  const fade = Math.round(0.05 * sampleRate);
  for (let i = 0; i < samples; i++) {
    const envelope = Math.min(1, i / fade, (samples - 1 - i) / fade);
    view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * envelope * 0.5 * 32767), true);
  }
  return new Blob([buffer], { type: 'audio/wav' });
}

/** Whether this browser can send an <audio> element to a chosen output (Chrome, Edge; not Firefox < 116, not Safari). */
export function canChooseOutput(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/** Plays the tone through `audio` on output `sinkId` ('' = the system default); resolves when it has started. */
export async function playTone(audio: HTMLAudioElement, sinkId: string): Promise<void> {
  if (canChooseOutput()) await (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(sinkId);
  if (!audio.src) audio.src = URL.createObjectURL(toneWav());
  audio.currentTime = 0;
  await audio.play();
}
