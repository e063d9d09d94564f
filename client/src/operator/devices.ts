/**
 * Device choice for a hall's operator: camera, microphone and speaker. A new camera or microphone
 * replaces the track of the running producer (no renegotiation); the speaker is every remote audio
 * element's output (HTMLMediaElement.setSinkId, where the browser has it).
 */
import { h, ht } from '../dom.js';
import type { I18n, MessageKey } from '../i18n.js';

export interface DeviceHooks {
  /** The deviceId now in use for a kind, if known. */
  current(kind: MediaDeviceKind): string | undefined;
  useCamera(deviceId: string): Promise<void>;
  useMicrophone(deviceId: string): Promise<void>;
  useSpeaker(deviceId: string): Promise<void>;
  onError(key: MessageKey, error: unknown): void;
}

export const canPickSpeaker = typeof (HTMLMediaElement.prototype as { setSinkId?: unknown }).setSinkId === 'function';

export class DevicesPanel {
  readonly el: HTMLDivElement;
  readonly #selects: Record<MediaDeviceKind, HTMLSelectElement>;
  readonly #i18n: I18n;
  readonly #hooks: DeviceHooks;

  constructor(i18n: I18n, hooks: DeviceHooks) {
    this.#i18n = i18n;
    this.#hooks = hooks;
    const select = (id: string) => h('select', { id });
    this.#selects = { videoinput: select('device-camera'), audioinput: select('device-microphone'), audiooutput: select('device-speaker') };
    const row = (kind: MediaDeviceKind, key: MessageKey, use: (id: string) => Promise<void>) => {
      const el = this.#selects[kind];
      el.addEventListener('change', () => {
        el.disabled = true;
        use(el.value)
          .catch((error: unknown) => hooks.onError('deviceFailed', error))
          .finally(() => (el.disabled = false));
      });
      return h('label', { className: 'device', for: el.id }, ht(i18n, 'span', key), el);
    };
    const speakerNote = ht(i18n, 'p', 'speakerUnsupported', {}, { className: 'note' });
    speakerNote.hidden = canPickSpeaker;
    this.el = h(
      'div',
      { className: 'devices', id: 'devices' },
      row('videoinput', 'camera', (id) => hooks.useCamera(id)),
      row('audioinput', 'microphone', (id) => hooks.useMicrophone(id)),
      canPickSpeaker ? row('audiooutput', 'speaker', (id) => hooks.useSpeaker(id)) : null,
      speakerNote,
    );
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.refresh());
  }

  /** Lists the devices again (labels are known once the camera or microphone was allowed). */
  async refresh(): Promise<void> {
    const devices = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    for (const kind of Object.keys(this.#selects) as MediaDeviceKind[]) {
      const el = this.#selects[kind];
      const ofKind = devices.filter((d) => d.kind === kind);
      const current = this.#hooks.current(kind);
      const options = ofKind.map((d, i) => h('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || `${this.#i18n.t('deviceDefault')} ${i + 1}`));
      el.replaceChildren(...options);
      if (current && ofKind.some((d) => d.deviceId === current)) el.value = current;
      el.disabled = ofKind.length === 0;
    }
  }
}
