/**
 * Device check, run by an operator before a session: camera (preview, resolution), microphone
 * (live level), speaker (a test tone on a chosen output), and whether media reaches the server
 * over UDP or only over TCP (real media through a server probe). Every check says ✓ or ✗ and why.
 */
import { ApiError } from '../api.js';
import type { ScreenFactory } from '../context.js';
import { errorText, serverDetail } from '../errors.js';
import { defineStrings, type Translate } from '../i18n.js';
import { btn, field, h, heading, select } from '../ui.js';
import { levelMeter } from '../widgets/device-meter.js';
import { runProbe, syntheticAudioTrack, type ProbeProtocol, type ProbeResult } from '../widgets/device-probe.js';
import { canChooseOutput, playTone } from '../widgets/device-tone.js';

const strings = defineStrings({
  vi: {
    title: 'Kiểm tra thiết bị',
    intro: 'Chạy trước mỗi phiên họp: kiểm tra camera, micro, loa và đường truyền hình, tiếng đến máy chủ.',
    again: 'Kiểm tra lại',
    summary: 'Kết quả',
    allGood: 'Mọi thứ sẵn sàng cho phiên họp.',
    tryBell: 'Camera, micro và đường truyền đạt. Hãy bấm «Phát âm thanh thử» để thử loa.',
    usable: 'Dùng được cho phiên họp, nhưng có mục cần lưu ý (xem bên dưới).',
    checking: 'Đang kiểm tra…',
    problems: 'Có {n} mục chưa đạt: xem hướng dẫn bên dưới.',
    ok: 'Đạt',
    fail: 'Chưa đạt',
    warn: 'Cần lưu ý',
    pending: 'Đang kiểm tra',
    idle: 'Chưa thử',
    camera: 'Camera',
    microphone: 'Micro',
    speaker: 'Loa',
    network: 'Đường truyền',
    cameraSelect: 'Chọn camera',
    micSelect: 'Chọn micro',
    outputSelect: 'Chọn loa',
    deviceN: '{kind} {n}',
    defaultOutput: 'Loa mặc định của hệ thống',
    noDevices: 'Chưa thấy thiết bị nào',
    preview: 'Hình từ camera',
    resolution: 'Độ phân giải: {w}×{h}',
    noResolution: 'Độ phân giải: chưa có hình',
    cameraOpening: 'Đang mở camera…',
    cameraOk: 'Camera hoạt động, có hình ({w}×{h}).',
    cameraNoFrames: 'Camera đã mở nhưng không có hình: kiểm tra nắp che ống kính, dây cắm, hoặc chọn camera khác.',
    cameraEnded: 'Camera vừa bị ngắt (rút dây hoặc chương trình khác chiếm dụng). Bấm «Kiểm tra lại».',
    micOpening: 'Đang mở micro…',
    micListening: 'Hãy nói thử vào micro: thanh âm lượng sẽ chạy.',
    micOk: 'Micro nhận được âm thanh.',
    micSilent: 'Chưa nghe thấy âm thanh nào từ micro: kiểm tra micro có bị tắt tiếng (nút mute), âm lượng thu, hoặc chọn micro khác.',
    micEnded: 'Micro vừa bị ngắt (rút dây hoặc chương trình khác chiếm dụng). Bấm «Kiểm tra lại».',
    micSuspended: 'Bấm vào bất kỳ chỗ nào trên trang để bật đo âm lượng.',
    level: 'Âm lượng micro',
    denied: 'Trình duyệt đang chặn {what}.',
    deniedHow:
      'Cách cho phép: bấm biểu tượng ổ khóa (hoặc biểu tượng camera) trên thanh địa chỉ, chọn «Cho phép» cho Camera và Micro, rồi bấm «Kiểm tra lại». Nếu vẫn bị chặn: mở Cài đặt trình duyệt → Quyền riêng tư và bảo mật → Cài đặt trang web → Camera / Micro, xoá trang này khỏi danh sách chặn.',
    deniedCamera: 'camera',
    deniedMic: 'micro',
    deniedBoth: 'camera và micro',
    notFoundCamera: 'Không tìm thấy camera nào: cắm camera vào máy rồi bấm «Kiểm tra lại».',
    notFoundMic: 'Không tìm thấy micro nào: cắm micro vào máy rồi bấm «Kiểm tra lại».',
    busy: 'Thiết bị đang được chương trình khác dùng (Zoom, Teams, một thẻ trình duyệt khác…): tắt chương trình đó rồi bấm «Kiểm tra lại».',
    deviceGone: 'Thiết bị đã chọn không còn: chọn thiết bị khác.',
    blockedByBrowser: 'Trình duyệt không cho dùng camera/micro trên trang này. Trang phải được mở qua https (hoặc trên chính máy chủ).',
    deviceFailed: 'Không mở được thiết bị: {name}.',
    play: 'Phát âm thanh thử',
    speakerIdle: 'Bấm «Phát âm thanh thử» và lắng nghe.',
    speakerAsk: 'Bạn có nghe thấy tiếng «bíp» không?',
    heard: 'Có, nghe rõ',
    notHeard: 'Không nghe thấy',
    speakerOk: 'Loa phát tiếng tốt.',
    speakerFail: 'Không nghe thấy: kiểm tra âm lượng của máy và loa, dây cắm loa, hoặc chọn loa khác rồi phát lại.',
    playFailed: 'Không phát được âm thanh: {name}.',
    outputFixed: 'Trình duyệt này không cho chọn loa: âm thanh phát ra loa mặc định của hệ thống.',
    udp: 'UDP',
    tcp: 'TCP',
    probing: 'Đang gửi thử hình và tiếng qua {p}…',
    waiting: 'Chờ…',
    probeOk: 'Máy chủ nhận được {n} gói tin qua {p}.',
    probeFail: 'Không có gói tin nào đến máy chủ qua {p} trong 10 giây.',
    probeRefused: 'Không thử được qua {p}: {reason}',
    tooMany: 'đang có quá nhiều lần kiểm tra mạng, đợi một phút rồi thử lại.',
    verdictUdp: 'Tốt: UDP',
    verdictUdpText: 'Hình và tiếng đến máy chủ qua UDP: đường truyền tốt nhất cho hội nghị.',
    verdictTcp: 'Chỉ TCP',
    verdictTcpText: 'Chỉ kết nối được qua TCP: hình và tiếng có thể trễ; đề nghị mở cổng UDP {port} trên tường lửa.',
    verdictNone: 'Không kết nối được',
    verdictNoneText: 'Hình và tiếng không đến được máy chủ qua UDP lẫn TCP: kiểm tra mạng, tường lửa (cổng UDP và TCP {port}), hoặc báo bộ phận kỹ thuật.',
    verdictChecking: 'Đang kiểm tra đường truyền…',
    networkAgain: 'Kiểm tra lại đường truyền',
    packets: 'gói tin',
  },
  en: {
    title: 'Device check',
    intro: 'Run before every session: checks the camera, microphone, speaker and the media path to the server.',
    again: 'Check again',
    summary: 'Result',
    allGood: 'Everything is ready for the session.',
    tryBell: 'Camera, microphone and network are fine. Press “Play test sound” to check the speaker.',
    usable: 'Usable for the session, but something needs attention (see below).',
    checking: 'Checking…',
    problems: '{n} check(s) failed: see the advice below.',
    ok: 'Passed',
    fail: 'Failed',
    warn: 'Attention',
    pending: 'Checking',
    idle: 'Not tried',
    camera: 'Camera',
    microphone: 'Microphone',
    speaker: 'Speaker',
    network: 'Network',
    cameraSelect: 'Camera',
    micSelect: 'Microphone',
    outputSelect: 'Speaker',
    deviceN: '{kind} {n}',
    defaultOutput: 'System default speaker',
    noDevices: 'No device found yet',
    preview: 'Camera picture',
    resolution: 'Resolution: {w}×{h}',
    noResolution: 'Resolution: no picture yet',
    cameraOpening: 'Opening the camera…',
    cameraOk: 'The camera works and shows a picture ({w}×{h}).',
    cameraNoFrames: 'The camera opened but shows no picture: check the lens cover and cable, or choose another camera.',
    cameraEnded: 'The camera was disconnected (unplugged or taken by another program). Press “Check again”.',
    micOpening: 'Opening the microphone…',
    micListening: 'Say something into the microphone: the level bar will move.',
    micOk: 'The microphone picks up sound.',
    micSilent: 'No sound from the microphone yet: check that it is not muted, its input volume, or choose another microphone.',
    micEnded: 'The microphone was disconnected (unplugged or taken by another program). Press “Check again”.',
    micSuspended: 'Click anywhere on the page to start the level meter.',
    level: 'Microphone level',
    denied: 'The browser is blocking the {what}.',
    deniedHow:
      'To allow it: click the padlock (or camera) icon in the address bar, choose “Allow” for Camera and Microphone, then press “Check again”. If it is still blocked: browser Settings → Privacy and security → Site settings → Camera / Microphone, and remove this site from the blocked list.',
    deniedCamera: 'camera',
    deniedMic: 'microphone',
    deniedBoth: 'camera and microphone',
    notFoundCamera: 'No camera found: plug one in and press “Check again”.',
    notFoundMic: 'No microphone found: plug one in and press “Check again”.',
    busy: 'Another program is using the device (Zoom, Teams, another browser tab…): close it and press “Check again”.',
    deviceGone: 'The chosen device is gone: choose another.',
    blockedByBrowser: 'The browser does not allow camera/microphone on this page. It must be opened over https (or on the server itself).',
    deviceFailed: 'The device could not be opened: {name}.',
    play: 'Play test sound',
    speakerIdle: 'Press “Play test sound” and listen.',
    speakerAsk: 'Did you hear the beep?',
    heard: 'Yes, clearly',
    notHeard: 'No',
    speakerOk: 'The speaker works.',
    speakerFail: 'Not heard: check the computer’s and speaker’s volume, the speaker cable, or choose another speaker and play again.',
    playFailed: 'The sound could not be played: {name}.',
    outputFixed: 'This browser cannot choose the speaker: sound plays on the system default.',
    udp: 'UDP',
    tcp: 'TCP',
    probing: 'Sending test media over {p}…',
    waiting: 'Waiting…',
    probeOk: 'The server received {n} packets over {p}.',
    probeFail: 'No packets reached the server over {p} within 10 seconds.',
    probeRefused: 'Could not test {p}: {reason}',
    tooMany: 'too many network checks are open; wait a minute and try again.',
    verdictUdp: 'Good: UDP',
    verdictUdpText: 'Picture and sound reach the server over UDP: the best path for conferences.',
    verdictTcp: 'TCP only',
    verdictTcpText: 'Only TCP gets through: picture and sound may lag; ask for UDP port {port} to be opened on the firewall.',
    verdictNone: 'Cannot connect',
    verdictNoneText: 'Picture and sound reach the server over neither UDP nor TCP: check the network and firewall (UDP and TCP port {port}), or call technical support.',
    verdictChecking: 'Checking the network…',
    networkAgain: 'Check the network again',
    packets: 'packets',
  },
});

type Key = keyof typeof strings.vi;
type Status = 'ok' | 'fail' | 'warn' | 'pending' | 'idle';
type CheckName = 'camera' | 'microphone' | 'speaker' | 'network';

const ICONS: Record<Status, string> = { ok: '✓', fail: '✗', warn: '!', pending: '…', idle: '–' };

interface NetworkResult {
  udp: ProbeResult;
  tcp: ProbeResult;
}

/** What survives a re-render (a language switch): chosen devices and the slow or manual results. */
interface Draft {
  cameraId: string;
  micId: string;
  outputId: string;
  speaker: 'ok' | 'fail' | null;
  network: NetworkResult | null;
}

/** A ✓/✗ line: the icon, its word for screen readers, and the explanation. */
function statusLine(t: Translate<Key>) {
  const icon = h('span', { className: 'device-icon', 'aria-hidden': 'true' });
  const word = h('span', { className: 'device-word' });
  const text = h('span', { className: 'device-text' });
  const el = h('p', { className: 'device-status', 'data-status': 'idle' }, icon, word, text);
  return {
    el,
    status: 'idle' as Status,
    set(status: Status, message: string) {
      this.status = status;
      el.dataset['status'] = status;
      icon.textContent = ICONS[status];
      word.textContent = `${t(status)}: `;
      text.textContent = message;
    },
  };
}

export const deviceCheckScreen: ScreenFactory = (ctx, root) => {
  const t = ctx.t(strings);
  const draft = ctx.draft<Draft>('device-check', () => ({ cameraId: '', micId: '', outputId: '', speaker: null, network: null }));
  const abort = new AbortController();
  const media = navigator.mediaDevices as MediaDevices | undefined;
  let cameraTrack: MediaStreamTrack | null = null;
  let micTrack: MediaStreamTrack | null = null;
  let cameraTimer: ReturnType<typeof setTimeout> | undefined;
  let micTimer: ReturnType<typeof setTimeout> | undefined;
  let micHeard = false;
  const denied = { camera: false, mic: false };

  // Summary at the top.
  const summaryText = h('p', { className: 'device-verdict' });
  const summaryItems = new Map<CheckName, HTMLLIElement>();
  const summaryList = h('ul', { className: 'device-summary-list' });
  for (const name of ['camera', 'microphone', 'speaker', 'network'] as const) {
    const li = h('li', { 'data-check': name });
    summaryItems.set(name, li);
    summaryList.append(li);
  }
  const permission = h('div', { className: 'form-error device-permission', role: 'alert', hidden: true });

  // Camera.
  const cameraLine = statusLine(t);
  const cameraSelect = select([], undefined, { 'data-device': 'camera' });
  const video = h('video', { className: 'device-preview', autoplay: true, muted: true, playsinline: true, 'aria-label': t('preview') });
  video.muted = true;
  const resolution = h('p', { className: 'device-resolution muted' }, t('noResolution'));

  // Microphone.
  const micLine = statusLine(t);
  const micSelect = select([], undefined, { 'data-device': 'microphone' });
  const meter = levelMeter('device-level-label', (_rms, heard) => {
    if (!heard || micHeard) return;
    micHeard = true;
    clearTimeout(micTimer);
    micLine.set('ok', t('micOk'));
    refreshSummary();
  });
  const micHint = h('p', { className: 'hint', hidden: true }, t('micSuspended'));

  // Speaker.
  const speakerLine = statusLine(t);
  const outputSelect = select([{ value: '', label: t('defaultOutput') }], undefined, { 'data-device': 'speaker' });
  const audio = h('audio', { className: 'device-tone' });
  const askRow = h('div', { className: 'row device-ask', hidden: true });
  const playButton = btn(t('play'), () => void play(), { className: 'primary' });

  // Network.
  const netLines = { udp: statusLine(t), tcp: statusLine(t) };
  const verdict = h('p', { className: 'device-verdict', 'data-verdict': '' });
  const verdictText = h('p', { className: 'device-advice' });
  const netButton = btn(t('networkAgain'), () => {
    draft.network = null;
    void checkNetwork();
  });

  const card = (name: CheckName, title: string, ...children: (Node | null)[]) =>
    h('section', { className: 'card device-card', 'data-check': name, 'aria-labelledby': `device-${name}-title` }, h('h2', { id: `device-${name}-title` }, title), ...children);

  root.append(
    heading(t('title'), btn(t('again'), () => {
      ctx.dropDraft('device-check');
      ctx.navigate('/device-check');
    })),
    h('p', { className: 'muted' }, t('intro')),
    h('section', { className: 'card device-summary', 'aria-live': 'polite', 'aria-labelledby': 'device-summary-title' }, h('h2', { id: 'device-summary-title' }, t('summary')), summaryText, summaryList),
    permission,
    h(
      'div',
      { className: 'device-grid' },
      card('camera', t('camera'), cameraLine.el, field(t('cameraSelect'), cameraSelect).el, video, resolution),
      h(
        'div',
        { className: 'device-col' },
        card('microphone', t('microphone'), micLine.el, field(t('micSelect'), micSelect).el, h('p', { className: 'device-meter-label', id: 'device-level-label' }, t('level')), meter.el, micHint),
        card(
          'speaker',
          t('speaker'),
          speakerLine.el,
          canChooseOutput() ? field(t('outputSelect'), outputSelect).el : h('p', { className: 'hint' }, t('outputFixed')),
          h('div', { className: 'row' }, playButton),
          askRow,
          audio,
        ),
      ),
      card(
        'network',
        t('network'),
        h('div', { className: 'device-proto', 'data-check': 'udp' }, h('h3', {}, t('udp')), netLines.udp.el),
        h('div', { className: 'device-proto', 'data-check': 'tcp' }, h('h3', {}, t('tcp')), netLines.tcp.el),
        verdict,
        verdictText,
        h('div', { className: 'row' }, netButton),
      ),
    ),
  );

  function refreshSummary(): void {
    const statuses: Record<CheckName, Status> = {
      camera: cameraLine.status,
      microphone: micLine.status,
      speaker: speakerLine.status,
      network: networkStatus(),
    };
    for (const [name, li] of summaryItems) {
      const status = statuses[name];
      li.dataset['status'] = status;
      li.replaceChildren(h('span', { className: 'device-icon', 'aria-hidden': 'true' }, ICONS[status]), `${t(name)}: ${t(status)}`);
    }
    const values = Object.values(statuses);
    const failed = values.filter((s) => s === 'fail').length;
    const overall: Status = failed > 0 ? 'fail' : values.includes('pending') ? 'pending' : values.includes('warn') ? 'warn' : statuses.speaker === 'idle' ? 'idle' : 'ok';
    summaryText.dataset['status'] = overall;
    summaryText.textContent =
      overall === 'fail' ? t('problems', { n: failed }) : overall === 'pending' ? t('checking') : overall === 'warn' ? t('usable') : overall === 'idle' ? t('tryBell') : t('allGood');
  }

  function networkStatus(): Status {
    const { udp, tcp } = netLines;
    if ([udp.status, tcp.status].some((s) => s === 'pending' || s === 'idle')) return 'pending';
    return udp.status === 'ok' ? 'ok' : tcp.status === 'ok' ? 'warn' : 'fail';
  }

  /** Plain words for a getUserMedia failure; a refusal of permission also opens the how-to box. */
  function mediaError(error: unknown, kind: 'camera' | 'mic'): string {
    const name = error instanceof DOMException || error instanceof Error ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      denied[kind] = true;
      showPermission();
      return t('denied', { what: t(kind === 'camera' ? 'deniedCamera' : 'deniedMic') });
    }
    if (name === 'NotFoundError') return t(kind === 'camera' ? 'notFoundCamera' : 'notFoundMic');
    if (name === 'NotReadableError' || name === 'AbortError') return t('busy');
    if (name === 'OverconstrainedError') return t('deviceGone');
    return t('deviceFailed', { name: name || String(error) });
  }

  function showPermission(): void {
    const what = denied.camera && denied.mic ? 'deniedBoth' : denied.camera ? 'deniedCamera' : 'deniedMic';
    permission.hidden = false;
    permission.replaceChildren(h('p', {}, t('denied', { what: t(what) })), h('p', { className: 'detail' }, t('deniedHow')));
  }

  async function openCamera(): Promise<void> {
    clearTimeout(cameraTimer);
    cameraTrack?.stop();
    cameraTrack = null;
    video.srcObject = null;
    resolution.textContent = t('noResolution');
    cameraLine.set('pending', t('cameraOpening'));
    refreshSummary();
    if (!media) {
      cameraLine.set('fail', t('blockedByBrowser'));
      return refreshSummary();
    }
    let stream: MediaStream;
    try {
      stream = await media.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, ...(draft.cameraId ? { deviceId: { exact: draft.cameraId } } : {}) },
      });
    } catch (error) {
      if (abort.signal.aborted) return;
      cameraLine.set('fail', mediaError(error, 'camera'));
      return refreshSummary();
    }
    const track = stream.getVideoTracks()[0];
    if (abort.signal.aborted || !track) return void stream.getTracks().forEach((tr) => tr.stop());
    cameraTrack = track;
    draft.cameraId = track.getSettings().deviceId ?? '';
    track.addEventListener('ended', () => {
      if (cameraTrack !== track) return;
      cameraLine.set('fail', t('cameraEnded'));
      refreshSummary();
    });
    video.srcObject = stream;
    const shown = () => {
      if (cameraTrack !== track || video.videoWidth === 0) return;
      clearTimeout(cameraTimer);
      const size = { w: video.videoWidth, h: video.videoHeight };
      resolution.textContent = t('resolution', size);
      cameraLine.set('ok', t('cameraOk', size));
      refreshSummary();
    };
    video.onloadeddata = shown;
    video.onresize = shown;
    cameraTimer = setTimeout(() => {
      if (cameraTrack === track && cameraLine.status === 'pending') {
        cameraLine.set('fail', t('cameraNoFrames'));
        refreshSummary();
      }
    }, 10_000);
    shown();
  }

  async function openMic(): Promise<void> {
    clearTimeout(micTimer);
    micTrack?.stop();
    micTrack = null;
    micHeard = false;
    meter.attach(null);
    micLine.set('pending', t('micOpening'));
    refreshSummary();
    if (!media) {
      micLine.set('fail', t('blockedByBrowser'));
      return refreshSummary();
    }
    let stream: MediaStream;
    try {
      stream = await media.getUserMedia({ audio: draft.micId ? { deviceId: { exact: draft.micId } } : true });
    } catch (error) {
      if (abort.signal.aborted) return;
      micLine.set('fail', mediaError(error, 'mic'));
      return refreshSummary();
    }
    const track = stream.getAudioTracks()[0];
    if (abort.signal.aborted || !track) return void stream.getTracks().forEach((tr) => tr.stop());
    micTrack = track;
    draft.micId = track.getSettings().deviceId ?? '';
    track.addEventListener('ended', () => {
      if (micTrack !== track) return;
      meter.attach(null);
      micLine.set('fail', t('micEnded'));
      refreshSummary();
    });
    micLine.set('pending', t('micListening'));
    meter.attach(track);
    micHint.hidden = !meter.suspended;
    micTimer = setTimeout(() => {
      if (micTrack === track && !micHeard) {
        micLine.set('fail', t('micSilent'));
        refreshSummary();
      }
    }, 10_000);
    refreshSummary();
  }

  /** Fills the three selects from the devices the browser names (names appear once permission is given). */
  async function listDevices(): Promise<void> {
    if (!media) return;
    const devices = await media.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    if (abort.signal.aborted) return;
    const fill = (el: HTMLSelectElement, kind: MediaDeviceKind, label: string, current: string, first: { value: string; label: string }[] = []) => {
      const found = devices.filter((d) => d.kind === kind && d.deviceId);
      const options = [...first, ...found.map((d, i) => ({ value: d.deviceId, label: d.label || t('deviceN', { kind: label, n: i + 1 }) }))];
      // Without permission the browser names no device.
      if (options.length === 0) options.push({ value: '', label: t('noDevices') });
      el.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
      el.value = options.some((o) => o.value === current) ? current : (options[0]?.value ?? '');
      el.disabled = found.length === 0 && first.length === 0;
    };
    fill(cameraSelect, 'videoinput', t('camera'), draft.cameraId);
    fill(micSelect, 'audioinput', t('microphone'), draft.micId);
    fill(outputSelect, 'audiooutput', t('speaker'), draft.outputId, [{ value: '', label: t('defaultOutput') }]);
  }

  function renderSpeaker(): void {
    if (draft.speaker === 'ok') speakerLine.set('ok', t('speakerOk'));
    else if (draft.speaker === 'fail') speakerLine.set('fail', t('speakerFail'));
    else speakerLine.set('idle', t('speakerIdle'));
    refreshSummary();
  }

  async function play(): Promise<void> {
    playButton.disabled = true;
    try {
      await playTone(audio, outputSelect.value);
      askRow.hidden = false;
      askRow.replaceChildren(
        h('p', { className: 'device-question' }, t('speakerAsk')),
        btn(t('heard'), () => answer('ok')),
        btn(t('notHeard'), () => answer('fail')),
      );
      askRow.querySelector('button')?.focus();
    } catch (error) {
      speakerLine.set('fail', t('playFailed', { name: error instanceof Error ? error.name : String(error) }));
      refreshSummary();
    } finally {
      playButton.disabled = false;
    }
  }

  function answer(result: 'ok' | 'fail'): void {
    draft.speaker = result;
    askRow.hidden = true;
    renderSpeaker();
    playButton.focus();
  }

  function probeText(result: ProbeResult): string {
    const p = t(result.protocol);
    if (result.ok) return t('probeOk', { n: result.packets, p });
    if (result.error) {
      const reason =
        result.error instanceof ApiError
          ? result.error.code === 'RATE_LIMITED'
            ? t('tooMany')
            : [errorText(result.error, ctx.lang), serverDetail(result.error, ctx.lang)].filter(Boolean).join(' ')
          : result.error instanceof Error
            ? result.error.message
            : String(result.error);
      return t('probeRefused', { p, reason });
    }
    return t('probeFail', { p });
  }

  function showNetwork(result: Partial<NetworkResult>): void {
    for (const protocol of ['udp', 'tcp'] as const) {
      const r = result[protocol];
      const row = netLines[protocol];
      row.el.closest<HTMLElement>('.device-proto')?.setAttribute('data-packets', String(r?.packets ?? 0));
      if (r) row.set(r.ok ? 'ok' : 'fail', probeText(r));
    }
    const { udp, tcp } = result;
    const port = udp?.port ?? tcp?.port ?? '';
    const kind = !udp ? 'pending' : udp.ok ? 'udp' : !tcp ? 'pending' : tcp.ok ? 'tcp' : 'none';
    verdict.dataset['verdict'] = kind;
    if (kind === 'pending') {
      verdict.dataset['status'] = 'pending';
      verdict.textContent = t('verdictChecking');
      verdictText.textContent = '';
    } else {
      verdict.dataset['status'] = kind === 'udp' ? 'ok' : kind === 'tcp' ? 'warn' : 'fail';
      verdict.textContent = t(kind === 'udp' ? 'verdictUdp' : kind === 'tcp' ? 'verdictTcp' : 'verdictNone');
      verdictText.textContent = t(kind === 'udp' ? 'verdictUdpText' : kind === 'tcp' ? 'verdictTcpText' : 'verdictNoneText', { port });
    }
    refreshSummary();
  }

  async function checkNetwork(): Promise<void> {
    if (draft.network) return showNetwork(draft.network);
    netButton.disabled = true;
    const partial: Partial<NetworkResult> = {};
    netLines.udp.set('pending', t('probing', { p: 'UDP' }));
    netLines.tcp.set('pending', t('waiting'));
    showNetwork(partial);
    const tracks = [micTrack, cameraTrack].filter((tr): tr is MediaStreamTrack => tr?.readyState === 'live');
    // Without camera and microphone a generated tone still tests the path.
    const synthetic = tracks.length === 0 ? syntheticAudioTrack() : null;
    if (synthetic) tracks.push(synthetic.track);
    try {
      for (const protocol of ['udp', 'tcp'] as ProbeProtocol[]) {
        if (protocol === 'tcp') netLines.tcp.set('pending', t('probing', { p: 'TCP' }));
        partial[protocol] = await runProbe(ctx.api, protocol, tracks, { signal: abort.signal });
        if (abort.signal.aborted) return;
        showNetwork(partial);
      }
      draft.network = partial as NetworkResult;
    } finally {
      synthetic?.stop();
      if (!abort.signal.aborted) netButton.disabled = false;
    }
  }

  cameraSelect.addEventListener('change', () => {
    draft.cameraId = cameraSelect.value;
    void openCamera();
  });
  micSelect.addEventListener('change', () => {
    draft.micId = micSelect.value;
    void openMic();
  });
  outputSelect.addEventListener('change', () => {
    draft.outputId = outputSelect.value;
  });
  const onDeviceChange = () => void listDevices();
  media?.addEventListener('devicechange', onDeviceChange);
  // The level meter's audio context may wait for the person to touch the page.
  const wake = () => {
    if (!meter.suspended) return;
    void meter.resume().then(() => (micHint.hidden = true));
  };
  document.addEventListener('pointerdown', wake);
  document.addEventListener('keydown', wake);

  renderSpeaker();
  netLines.udp.set('idle', t('waiting'));
  netLines.tcp.set('idle', t('waiting'));
  // A result measured before a re-render (language switch) is shown at once, not after the devices reopen.
  if (draft.network) showNetwork(draft.network);
  refreshSummary();
  // Camera and microphone open separately, so one refused or missing does not hide the other.
  void Promise.all([openCamera(), openMic()]).then(async () => {
    if (abort.signal.aborted) return;
    await listDevices();
    await checkNetwork();
  });

  return {
    dispose() {
      abort.abort();
      clearTimeout(cameraTimer);
      clearTimeout(micTimer);
      cameraTrack?.stop();
      micTrack?.stop();
      meter.dispose();
      audio.pause();
      if (audio.src) URL.revokeObjectURL(audio.src);
      media?.removeEventListener('devicechange', onDeviceChange);
      document.removeEventListener('pointerdown', wake);
      document.removeEventListener('keydown', wake);
    },
  };
};

