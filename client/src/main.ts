/** The join page: /join?token=… — connect, join, publish camera and microphone, show the other sites. */
import { io } from 'socket.io-client';
import { ErrorCodes, type ErrorBody } from '../../protocol/errors.js';
import type { NewConsumer, ParticipantInfo } from '../../protocol/events.js';
import { createDiagnostics, trackPeerConnections, type PageState } from './diagnostics.js';
import { I18n, refusalKey, type MessageKey } from './i18n.js';
import { Conference } from './media.js';
import { request, RequestError, type ClientSocket } from './request.js';
import { Tiles } from './tiles.js';

const search = new URLSearchParams(location.search);
const storage = storageOrNull();
const i18n = new I18n(search, storage);
const diagnostics = createDiagnostics();
const peerConnections = trackPeerConnections();

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`join.html lacks #${id}`);
  return el as T;
};
const ui = {
  status: $('status'),
  error: $('error'),
  errorMessage: $('error-message'),
  errorDetail: $('error-detail'),
  notice: $('notice'),
  noticeMessage: $('notice-message'),
  noticeDetail: $('notice-detail'),
  meetingId: $('meeting-id'),
  selfName: $('self-name'),
  selfRole: $('self-role'),
  selfTile: $('self-tile'),
  selfVideo: $<HTMLVideoElement>('self-video'),
  selfLabel: $('self-label'),
  mic: $<HTMLButtonElement>('mic-toggle'),
  camera: $<HTMLButtonElement>('camera-toggle'),
  leave: $<HTMLButtonElement>('leave'),
  rejoin: $<HTMLButtonElement>('rejoin'),
  enableAudio: $<HTMLButtonElement>('enable-audio'),
  lang: $<HTMLButtonElement>('lang-toggle'),
};

const tiles = new Tiles($('tiles'), $('empty'), i18n, {
  onFirstFrame: () => {
    diagnostics.metrics.firstRemoteFrameAt ??= performance.now();
  },
  onAudioBlocked: () => {
    ui.enableAudio.hidden = false;
  },
});

i18n.switchTo(i18n.lang, document, null);
ui.lang.addEventListener('click', () => i18n.switchTo(i18n.lang === 'vi' ? 'en' : 'vi', document, storage));
ui.enableAudio.addEventListener('click', () => {
  tiles.playAllAudio();
  ui.enableAudio.hidden = true;
});
ui.rejoin.addEventListener('click', () => location.reload());

const token = search.get('token');
if (!token) {
  fail('refused', 'noToken');
} else {
  run(io({ auth: { token }, transports: ['websocket'] }));
}

function run(socket: ClientSocket): void {
  const conference = new Conference({
    socket,
    forceTcp: search.get('transport') === 'tcp',
    onTransport: (direction) => {
      // The transport's peer connection is the last one created; earlier ones were capability probes.
      diagnostics.pcs[direction] = peerConnections.take().at(-1) ?? null;
    },
  });
  let started = false;
  let ended = false;
  let leaving = false;

  /** Ends the meeting for this page, once, whatever ended it. */
  const end = (state: PageState, key: MessageKey, detail?: string): void => {
    if (ended) return;
    ended = true;
    socket.disconnect();
    conference.close();
    tiles.clear();
    stopLocalPreview();
    for (const button of [ui.mic, ui.camera, ui.leave]) button.disabled = true;
    setState(state);
    if (key === 'left') showNotice('left');
    else showError(key, detail);
    ui.rejoin.hidden = false;
  };

  socket.on('connect', () => {
    diagnostics.metrics.socketConnectedAt ??= performance.now();
    if (started) return;
    started = true;
    start(socket, conference).catch((error: unknown) => {
      const refused = error instanceof RequestError && ErrorCodes[error.code] < 500;
      end(refused ? 'refused' : 'error', 'failed', errorText(error));
    });
  });

  socket.on('connect_error', (error) => {
    // An inactive socket means the server refused us (bad token); an active one keeps retrying.
    if (socket.active) {
      i18n.bind(ui.status, 'reconnecting');
      return;
    }
    end('refused', refusalKey((error as Error & { data?: Partial<ErrorBody> }).data), error.message);
  });

  socket.on('disconnect', (reason) => {
    if (leaving) end('left', 'left');
    else if (reason !== 'io client disconnect') end('error', 'disconnected', reason);
  });

  socket.on('kicked', (msg) => end('left', 'kicked', msg.message));

  socket.on('participant-joined', (participant) => {
    if (participant.id !== diagnostics.self?.id) tiles.ensure(participant.id, participant.name);
  });

  socket.on('participant-left', ({ participantId }) => {
    conference.closeParticipant(participantId);
    tiles.remove(participantId);
  });

  socket.on('active-speaker', ({ participantId }) => {
    tiles.setSpeaker(participantId);
    ui.selfTile.classList.toggle('speaking', participantId !== null && participantId === diagnostics.self?.id);
  });

  socket.on('new-consumer', (msg, ack) => {
    onNewConsumer(conference, msg).then(
      () => ack({ ok: true, data: null }),
      (error: unknown) => ack({ ok: false, error: { code: 'INTERNAL', message: errorText(error) } }),
    );
  });

  socket.on('consumer-closed', ({ consumerId }) => {
    const media = conference.closeConsumer(consumerId);
    if (media) tiles.get(media.participantId)?.clearTrack(media.kind);
  });

  socket.on('layers-needed', ({ producerId, maxSpatialLayer }) => conference.applyLayersNeeded(producerId, maxSpatialLayer));

  // The chair's mute, enforced on the server: the page follows it (the chair console comes later).
  socket.on('muted', ({ muted, micOn }) => {
    conference.followServerMute(muted, micOn);
    if (muted || micOn) showMicState(muted);
  });

  socket.on('consumer-paused', ({ consumerId }) => {
    const media = conference.remote(consumerId);
    if (media) tiles.get(media.participantId)?.setPaused(media.kind, true);
  });

  socket.on('consumer-resumed', ({ consumerId }) => {
    const media = conference.remote(consumerId);
    if (media) tiles.get(media.participantId)?.setPaused(media.kind, false);
  });

  ui.leave.addEventListener('click', () => {
    ui.leave.disabled = true;
    leaving = true;
    // Leave even if the server does not answer: the disconnect tells it as well.
    request(socket, 'leave', {})
      .catch(() => undefined)
      .finally(() => end('left', 'left'));
  });

  bindToggle(ui.mic, 'mic', 'mute', 'unmute', 'no-audio');
  bindToggle(ui.camera, 'camera', 'cameraOff', 'cameraOn', 'no-video');

  function bindToggle(button: HTMLButtonElement, source: 'mic' | 'camera', onKey: MessageKey, offKey: MessageKey, selfClass: string): void {
    button.addEventListener('click', () => {
      const paused = button.getAttribute('aria-pressed') !== 'true';
      button.disabled = true;
      conference
        .setProducerPaused(source, paused)
        .then(() => {
          button.setAttribute('aria-pressed', String(paused));
          i18n.bind(button, paused ? offKey : onKey);
          ui.selfTile.classList.toggle(selfClass, paused);
        })
        .catch((error: unknown) => showNotice('failed', errorText(error)))
        .finally(() => (button.disabled = ended || !conference.hasProducer(source)));
    });
  }
}

async function start(socket: ClientSocket, conference: Conference): Promise<void> {
  i18n.bind(ui.status, 'joining');
  const joined = await conference.join();
  conference.followServerMute(joined.muted, false);
  diagnostics.self = joined.self;
  showSelf(joined.meetingId, joined.self);
  for (const participant of joined.participants) {
    if (participant.id !== joined.self.id) tiles.ensure(participant.id, participant.name);
  }
  await conference.createTransports();
  setState('joined');
  i18n.bind(ui.status, 'joined');
  ui.leave.disabled = false;

  // Observers watch and listen only; everyone else is asked for camera and microphone.
  if (joined.self.role === 'observer') return;
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  } catch (error) {
    showNotice('noMedia', errorText(error));
    return;
  }
  if (!socket.connected) {
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  ui.selfVideo.srcObject = stream;
  await conference.publish(stream);
  if (conference.micHeld) showMicState(true);
  ui.mic.disabled = !conference.hasProducer('mic');
  ui.camera.disabled = !conference.hasProducer('camera');
}

async function onNewConsumer(conference: Conference, msg: NewConsumer): Promise<void> {
  const media = await conference.consume(msg);
  if (!media) return;
  const tile = tiles.ensure(msg.participantId);
  tile.setTrack(msg.kind, media.consumer.track);
  if (msg.producerPaused) tile.setPaused(msg.kind, true);
}

/** The microphone as the server holds it: the local track follows, and so does the button. */
function showMicState(muted: boolean): void {
  ui.mic.setAttribute('aria-pressed', String(muted));
  i18n.bind(ui.mic, muted ? 'unmute' : 'mute');
  ui.selfTile.classList.toggle('no-audio', muted);
}

function showSelf(meetingId: string, self: ParticipantInfo): void {
  ui.meetingId.textContent = meetingId;
  ui.selfName.textContent = self.name;
  ui.selfLabel.textContent = self.name;
  i18n.bind(ui.selfRole, `role.${self.role}`);
  document.title = `${self.name} · ${meetingId}`;
}

function stopLocalPreview(): void {
  const stream = ui.selfVideo.srcObject;
  if (stream instanceof MediaStream) for (const track of stream.getTracks()) track.stop();
  ui.selfVideo.srcObject = null;
}

function setState(state: PageState): void {
  diagnostics.state = state;
  document.body.dataset['state'] = state;
  if (state === 'refused' || state === 'error' || state === 'left') i18n.bind(ui.status, `state.${state}`);
}

function fail(state: PageState, key: MessageKey, detail?: string): void {
  setState(state);
  showError(key, detail);
}

function showError(key: MessageKey, detail?: string): void {
  i18n.bind(ui.errorMessage, key);
  showDetail(ui.errorDetail, detail);
  ui.error.hidden = false;
}

function showNotice(key: MessageKey, detail?: string): void {
  i18n.bind(ui.noticeMessage, key);
  showDetail(ui.noticeDetail, detail);
  ui.notice.hidden = false;
}

function showDetail(el: HTMLElement, detail: string | undefined): void {
  if (detail) i18n.bind(el, 'detail', { message: detail });
  el.hidden = !detail;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
