/**
 * The join page: /join?token=… — connect, join, and show the view of the token's role: the chair
 * console (chair, secretary) or the conference view (sites, officials, observers), with the waiting
 * room and the guest lobby before that.
 */
import { io } from 'socket.io-client';
import type { WaitingInfo } from '../../protocol/conference.js';
import { ErrorCodes, type ErrorBody } from '../../protocol/errors.js';
import type { EnteredMeeting, NewConsumer, ParticipantInfo, RequestName } from '../../protocol/events.js';
import type { Send } from './console/send.js';
import { createDiagnostics, trackPeerConnections, type PageState } from './diagnostics.js';
import { byId } from './dom.js';
import { NodeCycle, originOf, type Step } from './failover.js';
import { I18n, refusalKey, type MessageKey } from './i18n.js';
import { Layout } from './layout.js';
import { Conference } from './media.js';
import { Model } from './model.js';
import { RemoteTracks } from './remote-tracks.js';
import { request, RequestError, type ClientSocket, type RequestPayload } from './request.js';
import { Toasts } from './views/toasts.js';

const search = new URLSearchParams(location.search);
const storage = storageOrNull();
const i18n = new I18n(search, storage);
const model = new Model();
const tracks = new RemoteTracks();
const diagnostics = createDiagnostics(model);
const peerConnections = trackPeerConnections();
const toasts = new Toasts(byId('toasts'), i18n);

const ui = {
  status: byId('status'),
  error: byId('error'),
  errorMessage: byId('error-message'),
  errorDetail: byId('error-detail'),
  notice: byId('notice'),
  noticeMessage: byId('notice-message'),
  noticeDetail: byId('notice-detail'),
  meetingId: byId('meeting-id'),
  meetingTitle: byId('meeting-title'),
  selfName: byId('self-name'),
  selfRole: byId('self-role'),
  micState: byId('mic-state'),
  selfTile: byId('self-tile'),
  selfVideo: byId<HTMLVideoElement>('self-video'),
  selfLabel: byId('self-label'),
  mic: byId<HTMLButtonElement>('mic-toggle'),
  camera: byId<HTMLButtonElement>('camera-toggle'),
  leave: byId<HTMLButtonElement>('leave'),
  rejoin: byId<HTMLButtonElement>('rejoin'),
  enableAudio: byId<HTMLButtonElement>('enable-audio'),
  lang: byId<HTMLButtonElement>('lang-toggle'),
  waitingRoom: byId('waiting-room'),
  waitingTitle: byId('waiting-title'),
  waitingStart: byId('waiting-start'),
  lobbyScreen: byId('lobby-screen'),
};

let layout: Layout | null = null;
let local: MediaStream | null = null;
let waitingInfo: WaitingInfo | null = null;
let hasMic = false;

i18n.switchTo(i18n.lang, document, null);
i18n.onSwitch(() => {
  renderWaiting();
  model.changed();
});
ui.lang.addEventListener('click', () => i18n.switchTo(i18n.lang === 'vi' ? 'en' : 'vi', document, storage));
ui.enableAudio.addEventListener('click', () => {
  layout?.participants.playAll();
  ui.enableAudio.hidden = true;
});
ui.rejoin.addEventListener('click', () => location.reload());
tracks.onChange(() => model.changed());
model.onChange(() => {
  layout?.render();
  renderMicState();
});

/** Set by run(): what the device panel does with the live producers. */
let speakerId: string | undefined;
/** The camera and microphone the operator chose: a rejoin opens them again. */
const chosen: { camera?: string; mic?: string } = {};
const deviceHooks = {
  current: (_kind: MediaDeviceKind): string | undefined => undefined,
  useCamera: async (_deviceId: string): Promise<void> => undefined,
  useMicrophone: async (_deviceId: string): Promise<void> => undefined,
  useSpeaker: async (deviceId: string): Promise<void> => {
    speakerId = deviceId;
    await layout?.participants.setSinkId(deviceId);
  },
  onError: (key: MessageKey, error: unknown) => toasts.show(key, {}, 'error', errorText(error)),
};

const token = search.get('token');
if (!token) {
  fail('refused', 'noToken');
} else {
  // A node whose machine is down does not refuse, it stays silent: 10 s (not socket.io's 20 s) before the next try.
  run(io({ auth: { token }, transports: ['websocket'], timeout: 10_000 }));
}

function run(socket: ClientSocket): void {
  const newConference = () =>
    new Conference({
      socket,
      forceTcp: search.get('transport') === 'tcp',
      onTransport: (direction) => {
        // The transport's peer connection is the last one created; earlier ones were capability probes.
        diagnostics.pcs[direction] = peerConnections.take().at(-1) ?? null;
      },
    });
  /** The media of the current connection: a new one after each rejoin. */
  let conference = newConference();
  // socket.io-client offers no public setter for the node a socket connects to: its manager opens
  // each new connection (and reconnection attempt) to its uri.
  const manager = socket.io as unknown as { uri: string };
  const nodeOf = (): string => originOf(manager.uri) ?? location.origin;
  const cycle = new NodeCycle(nodeOf());
  /** Bumped whenever the node is lost: work of an earlier connection that finishes late is dropped. */
  let connection = 0;
  let hadConnection = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** What the user had switched off themselves, kept off after a rejoin. */
  let keepOff = { mic: false, camera: false };
  let started = false;
  let ended = false;
  let leaving = false;
  /** Transports are made once, when the participant first gets into the meeting proper. */
  let entered = false;
  /** Participants who left, and whether a grid page came by event: newer than a join snapshot. */
  const departed = new Set<string>();
  let gridFromEvent = false;
  let mutedFromEvent = false;

  /** A request from a control: a refusal is shown, then rethrown for the caller. */
  const send: Send = <E extends RequestName>(event: E, payload: RequestPayload<E>) =>
    // Not buffered while the page looks for a node: it would reach the next node before the rejoin.
    (socket.connected ? request(socket, event, payload) : Promise.reject(new RequestError('TIMEOUT', 'Not connected to the server'))).catch((error: unknown) => {
      toasts.show('failed', {}, 'error', errorText(error));
      throw error;
    });

  /** Ends the meeting for this page, once, whatever ended it. */
  const end = (state: PageState, key: MessageKey, detail?: string): void => {
    if (ended) return;
    ended = true;
    hasMic = false;
    clearTimeout(retry);
    socket.disconnect();
    conference.close();
    tracks.clearAll();
    model.participants.clear();
    layout?.participants.clear();
    stopLocalPreview();
    for (const button of [ui.mic, ui.camera, ui.leave]) button.disabled = true;
    ui.waitingRoom.hidden = true;
    ui.lobbyScreen.hidden = true;
    if (state === 'ended') model.phase = 'ended';
    setState(state);
    if (state === 'left' || state === 'ended') showNotice(key, detail);
    else showError(key, detail);
    ui.rejoin.hidden = state === 'ended';
    model.changed();
  };

  const enter = (msg: EnteredMeeting): void => {
    // Events may have overtaken this snapshot (someone joined or left while it was on its way):
    // they are newer, so the snapshot only adds what they did not say.
    for (const p of msg.participants) if (p.id !== model.self?.id && !departed.has(p.id)) model.participants.set(p.id, p);
    model.setConference(msg.conference);
    if (!mutedFromEvent) {
      model.muted = msg.muted;
      conference.followServerMute(msg.muted, false);
    }
    if (!gridFromEvent) model.grid = msg.grid ?? null;
    // Messages said before this page came in; any that arrived as events meanwhile are not repeated.
    const known = new Set(model.messages.map((m) => m.id));
    const earlier = (msg.messages ?? []).filter((m) => !known.has(m.id));
    if (earlier.length > 0) model.messages.unshift(...earlier);
    model.phase = msg.conference.phase === 'waiting' ? 'waiting' : 'live';
    ui.waitingRoom.hidden = true;
    ui.lobbyScreen.hidden = true;
    model.changed();
    if (entered) return;
    entered = true;
    const generation = connection;
    startMedia(socket, conference, keepOff).catch((error: unknown) => {
      if (generation !== connection) return;
      const refused = error instanceof RequestError && ErrorCodes[error.code] < 500;
      end(refused ? 'refused' : 'error', 'failed', errorText(error));
    });
    if (model.isControl) watchRollCall(socket);
  };

  const wait = (info: WaitingInfo): void => {
    model.phase = 'waiting';
    model.waiting = info;
    waitingInfo = info;
    renderWaiting();
    // The chair and secretary see the console (with "open the meeting"); sites see the waiting room.
    ui.waitingRoom.hidden = model.isControl;
    ui.lobbyScreen.hidden = true;
    setState('waiting');
    i18n.bind(ui.status, 'state.waiting');
    model.changed();
  };

  socket.on('connect', () => {
    diagnostics.metrics.socketConnectedAt ??= performance.now();
    diagnostics.node = nodeOf();
    cycle.connected();
    if (started) return;
    started = true;
    if (hadConnection) diagnostics.rejoins++;
    hadConnection = true;
    const generation = connection;
    join(socket, conference, generation, { enter, wait }).catch((error: unknown) => {
      if (generation !== connection) return;
      const refused = error instanceof RequestError && ErrorCodes[error.code] < 500;
      end(refused ? 'refused' : 'error', 'failed', errorText(error));
    });
  });

  socket.on('cluster-nodes', ({ urls }) => cycle.setNodes(urls, nodeOf()));

  /** The same socket (its handlers stay) to `step.origin`: its manager closed on the refusal and opens a new connection there. */
  const reconnect = (step: Step): void => {
    i18n.bind(ui.status, 'reconnecting');
    clearTimeout(retry);
    retry = setTimeout(() => {
      if (ended || socket.active) return;
      manager.uri = step.origin;
      socket.connect();
    }, step.delayMs);
  };

  socket.on('connect_error', (error) => {
    if (ended) return;
    // Active: the node did not answer, and socket.io tries again after its backoff — after a few
    // attempts, at the cluster's next node.
    if (socket.active) {
      i18n.bind(ui.status, 'reconnecting');
      manager.uri = cycle.unanswered(nodeOf());
      return;
    }
    // Inactive: the node's handshake refused us.
    const body = (error as Error & { data?: Partial<ErrorBody> }).data;
    if (body?.code === 'MOVED') {
      diagnostics.moves++;
      // None when the node sent the page to itself (a PUBLIC_URL naming another node): trying again would not help.
      const step = cycle.moved(nodeOf(), originOf((body.details as { url?: unknown } | undefined)?.url));
      if (step) return reconnect(step);
    } else if (hadConnection && (!body?.code || ErrorCodes[body.code] >= 500 || body.code === 'RATE_LIMITED')) {
      // A page that lost its node rides out a node's passing failure; a bad token or a closed meeting ends it.
      return reconnect(cycle.failed(nodeOf()));
    }
    end('refused', refusalKey(body), error.message);
  });

  /**
   * The node is lost (crashed, stopped, or out of reach): what the page held there is dropped, and
   * it joins again, as the first time, on whichever node its socket reaches next.
   */
  const lose = (): void => {
    connection++;
    started = false;
    entered = false;
    departed.clear();
    gridFromEvent = false;
    mutedFromEvent = false;
    // Requests not sent yet would reach the next node before the rejoin; they fail now instead.
    socket.sendBuffer.length = 0;
    keepOff = { mic: model.micPaused && !model.muted, camera: model.cameraPaused };
    conference.close();
    conference = newConference();
    diagnostics.pcs = { send: null, recv: null };
    tracks.clearAll();
    model.participants.clear();
    layout?.participants.clear();
    layout?.setSpeaker(null);
    stopLocalPreview();
    hasMic = false;
    ui.mic.disabled = true;
    ui.camera.disabled = true;
    // Participant ids and the conference's version start afresh on the node that takes the meeting.
    model.conference = null;
    model.grid = null;
    model.rollCall = null;
    model.activeSpeaker = null;
    model.linkMode = 'full';
    model.phase = 'joining';
    ui.waitingRoom.hidden = true;
    ui.lobbyScreen.hidden = true;
    setState('connecting');
    i18n.bind(ui.status, 'reconnecting');
    model.changed();
  };

  socket.on('disconnect', (reason) => {
    diagnostics.node = null;
    if (ended) return;
    if (leaving) return end('left', 'left');
    if (reason === 'io client disconnect') return;
    lose();
    // The server closed the connection (its node is stopping): socket.io does not reconnect by itself.
    if (!socket.active) reconnect(cycle.failed(nodeOf()));
  });

  // Only this page's media went (its worker or media node): the disconnect that follows makes it join again.
  socket.on('kicked', (msg) => msg.code !== 'MEDIA_UNAVAILABLE' && end('left', 'kicked', msg.message));
  socket.on('removed', (msg) => end('left', 'removedByChair', msg.message));
  socket.on('meeting-ended', () => end('ended', 'meetingEnded'));
  socket.on('guest-refused', (msg) => end('refused', 'guestRefused', msg.message));
  socket.on('meeting-opened', (msg) => {
    setState('joined');
    i18n.bind(ui.status, 'joined');
    enter(msg);
  });
  socket.on('guest-admitted', (msg) => {
    if (msg.waiting) wait(msg.waiting);
    else {
      setState('joined');
      i18n.bind(ui.status, 'joined');
      enter(msg);
    }
  });

  socket.on('participant-joined', (participant) => {
    if (participant.id === model.self?.id) return;
    model.participants.set(participant.id, participant);
    model.changed();
  });

  socket.on('participant-left', ({ participantId }) => {
    departed.add(participantId);
    conference.closeParticipant(participantId);
    tracks.remove(participantId);
    model.participants.delete(participantId);
    model.changed();
  });

  socket.on('active-speaker', ({ participantId }) => {
    model.activeSpeaker = participantId;
    layout?.setSpeaker(participantId);
    ui.selfTile.classList.toggle('speaking', participantId !== null && participantId === model.self?.id);
    model.changed();
  });

  socket.on('new-consumer', (msg, ack) => {
    onNewConsumer(conference, msg).then(
      () => ack({ ok: true, data: null }),
      (error: unknown) => ack({ ok: false, error: { code: 'INTERNAL', message: errorText(error) } }),
    );
  });

  socket.on('consumer-closed', ({ consumerId }) => {
    const media = conference.closeConsumer(consumerId);
    if (media) tracks.clear(media.participantId, media.kind);
  });

  socket.on('consumer-paused', ({ consumerId }) => {
    const media = conference.remote(consumerId);
    if (media) tracks.setPaused(media.participantId, media.kind, true);
  });

  socket.on('consumer-resumed', ({ consumerId }) => {
    const media = conference.remote(consumerId);
    if (media) tracks.setPaused(media.participantId, media.kind, false);
  });

  socket.on('layers-needed', ({ producerId, maxSpatialLayer }) => conference.applyLayersNeeded(producerId, maxSpatialLayer));

  socket.on('conference-state', (state) => {
    const wasFree = model.conference?.freeDiscussion ?? false;
    model.setConference(state);
    if (state.phase === 'live' && model.phase === 'waiting' && model.isControl) model.phase = 'live';
    if (!model.isControl && !wasFree && state.freeDiscussion) toasts.show('notice.freeOpen');
  });

  socket.on('floor-changed', ({ floor, reason }) => {
    const self = model.self?.id;
    if (floor?.participantId === self && reason === 'granted') toasts.show('notice.micOn', {}, 'warn');
    else if (floor === null && model.hasFloor) toasts.show('notice.floorEnded');
  });

  // The chair's mute, enforced on the server: the page follows it.
  socket.on('link-mode', ({ mode }) => {
    model.linkMode = mode;
    toasts.show(mode === 'audio-only' ? 'notice.audioOnly' : 'notice.videoBack', {}, mode === 'audio-only' ? 'warn' : 'info');
    model.changed();
  });
  socket.on('muted', ({ muted, micOn }) => {
    const was = model.muted;
    mutedFromEvent = true;
    model.muted = muted;
    conference.followServerMute(muted, micOn);
    model.micPaused = conference.isPaused('mic');
    if (muted && !was) toasts.show('notice.muted', {}, 'warn');
    else if (!muted && was && !micOn) toasts.show('notice.unmutedAllowed');
    model.changed();
  });

  socket.on('message', (msg) => {
    model.messages.push(msg);
    if (msg.from !== model.self?.id) toasts.show('notice.message', { name: msg.name });
    model.changed();
  });

  socket.on('grid-page', (page) => {
    gridFromEvent = true;
    model.grid = page;
    model.changed();
  });

  socket.on('roll-call', (view) => {
    model.rollCall = view;
    model.changed();
  });

  socket.on('roll-call-started', ({ calledAt }) => {
    model.rollCalledAt = calledAt;
    if (!model.isControl && model.self?.role !== 'observer') {
      toasts.show('notice.rollCall', {}, 'warn');
      layout?.selectTab('presence');
    }
    model.changed();
  });

  ui.leave.addEventListener('click', () => {
    ui.leave.disabled = true;
    leaving = true;
    if (!socket.connected) return end('left', 'left');
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
          if (source === 'mic') model.micPaused = paused;
          else model.cameraPaused = paused;
          model.changed();
        })
        .catch((error: unknown) => toasts.show('failed', {}, 'error', errorText(error)))
        .finally(() => (button.disabled = ended || !conference.hasProducer(source)));
    });
  }

  // Device choice: the operator's panel calls these.
  deviceHooks.useCamera = async (deviceId) => {
    chosen.camera = deviceId;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: deviceId }, width: 640, height: 480 } });
    const track = stream.getVideoTracks()[0]!;
    await conference.replaceTrack('camera', track);
    replaceLocalTrack(track);
  };
  deviceHooks.useMicrophone = async (deviceId) => {
    chosen.mic = deviceId;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
    const track = stream.getAudioTracks()[0]!;
    await conference.replaceTrack('mic', track);
    replaceLocalTrack(track);
  };
  deviceHooks.current = (kind) =>
    kind === 'videoinput' ? conference.deviceId('camera') : kind === 'audioinput' ? conference.deviceId('mic') : speakerId;

  function buildLayout(): void {
    if (layout || !model.self) return;
    const view = model.isControl ? 'console' : 'conference';
    diagnostics.view = view;
    document.body.dataset['view'] = view;
    layout = new Layout(
      {
        i18n,
        model,
        tracks,
        send,
        toasts,
        devices: deviceHooks,
        local: () => local,
        onFirstFrame: () => {
          diagnostics.metrics.firstRemoteFrameAt ??= performance.now();
        },
        onAudioBlocked: () => {
          ui.enableAudio.hidden = false;
        },
      },
      view,
    );
    model.changed();
  }

  async function join(
    socket: ClientSocket,
    conference: Conference,
    generation: number,
    on: { enter(msg: EnteredMeeting): void; wait(info: WaitingInfo): void },
  ): Promise<void> {
    i18n.bind(ui.status, 'joining');
    const joined = await conference.join();
    // The node was lost while this was on its way: the rejoin has its own.
    if (generation !== connection) return;
    diagnostics.self = joined.self;
    model.self = joined.self;
    model.meetingId = joined.meetingId;
    model.agenda = joined.agenda ?? [];
    showSelf(joined.meetingId, joined.self, joined.title);
    buildLayout();
    if (!socket.connected) return;
    if (joined.lobby) {
      model.phase = 'lobby';
      model.setConference(joined.conference);
      ui.lobbyScreen.hidden = false;
      setState('lobby');
      i18n.bind(ui.status, 'state.lobby');
      return;
    }
    if (joined.waiting) {
      model.setConference(joined.conference);
      on.wait(joined.waiting);
      return;
    }
    setState('joined');
    i18n.bind(ui.status, 'joined');
    on.enter(joined);
  }
}

/**
 * Transports, then camera and microphone (observers only watch and listen): on the first join and
 * on every rejoin, where `keepOff` holds what the user had switched off before.
 */
async function startMedia(socket: ClientSocket, conference: Conference, keepOff: { mic: boolean; camera: boolean }): Promise<void> {
  await conference.createTransports();
  ui.leave.disabled = false;
  if (model.self?.role === 'observer') return;
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: chosen.mic ? { deviceId: { ideal: chosen.mic } } : true,
      video: { ...(chosen.camera ? { deviceId: { ideal: chosen.camera } } : {}), width: 640, height: 480 },
    });
  } catch (error) {
    showNotice('noMedia', errorText(error));
    return;
  }
  // The socket dropped meanwhile (the rejoin starts its own media), or the page ended.
  if (!socket.connected || conference.closed) {
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  local = stream;
  ui.selfVideo.srcObject = stream;
  await conference.publish(stream);
  if (keepOff.camera) await conference.setProducerPaused('camera', true);
  if (keepOff.mic && !conference.isPaused('mic')) await conference.setProducerPaused('mic', true);
  hasMic = conference.hasProducer('mic');
  ui.mic.disabled = !hasMic;
  ui.camera.disabled = !conference.hasProducer('camera');
  model.micPaused = conference.isPaused('mic');
  if (conference.micHeld) showMicButton(true);
  void layout?.devices?.refresh();
  model.changed();
}

async function onNewConsumer(conference: Conference, msg: NewConsumer): Promise<void> {
  const media = await conference.consume(msg);
  if (!media) return;
  tracks.set(msg.participantId, msg.kind, media.consumer.track, msg.producerPaused);
}

function replaceLocalTrack(track: MediaStreamTrack): void {
  if (!local) return;
  for (const old of track.kind === 'video' ? local.getVideoTracks() : local.getAudioTracks()) {
    local.removeTrack(old);
    old.stop();
  }
  local.addTrack(track);
  ui.selfVideo.srcObject = new MediaStream(local.getTracks());
  local = ui.selfVideo.srcObject;
  model.changed();
}

/** The mic button and the header's mic state follow the server's hold and the local switch. */
function renderMicState(): void {
  if (!model.self || model.self.role === 'observer' || model.phase !== 'live') {
    ui.micState.hidden = true;
    return;
  }
  const state = model.muted ? 'mic.held' : model.micPaused ? 'mic.off' : 'mic.on';
  ui.micState.hidden = false;
  ui.micState.dataset['mic'] = state;
  i18n.bind(ui.micState, 'micState', { state: i18n.t(state) });
  showMicButton(model.muted || model.micPaused);
  // Held by the chair: only the floor or the chair's word lets it go.
  ui.mic.disabled = !hasMic || model.muted;
}

function showMicButton(off: boolean): void {
  ui.mic.setAttribute('aria-pressed', String(off));
  i18n.bind(ui.mic, off ? 'unmute' : 'mute');
  ui.selfTile.classList.toggle('no-audio', off);
}

function renderWaiting(): void {
  if (!waitingInfo) return;
  ui.waitingTitle.textContent = waitingInfo.title;
  i18n.bind(ui.waitingStart, 'startsAt', { time: i18n.dateTime(waitingInfo.startsAt) });
}

function showSelf(meetingId: string, self: ParticipantInfo, title?: string): void {
  ui.meetingId.textContent = meetingId;
  // A scheduled meeting shows its title; its id stays in the page (and in the tooltip) for support.
  if (title) {
    ui.meetingTitle.textContent = title;
    ui.meetingTitle.title = meetingId;
    ui.meetingTitle.hidden = false;
    ui.meetingId.hidden = true;
  }
  ui.selfName.textContent = self.name;
  ui.selfLabel.textContent = self.name;
  i18n.bind(ui.selfRole, `role.${self.role}`);
  document.title = `${self.name} · ${title ?? meetingId}`;
}

/** Chair and secretary: the roll call, kept current by the server while the console watches it. */
function watchRollCall(socket: ClientSocket): void {
  request(socket, 'get-roll-call', { watch: true }).then(
    (view) => {
      model.rollCall = view;
      model.changed();
    },
    () => {
      model.rollCallUnavailable = true;
      model.changed();
    },
  );
}

function stopLocalPreview(): void {
  const stream = ui.selfVideo.srcObject;
  if (stream instanceof MediaStream) for (const track of stream.getTracks()) track.stop();
  for (const track of local?.getTracks() ?? []) track.stop();
  ui.selfVideo.srcObject = null;
  local = null;
}

function setState(state: PageState): void {
  diagnostics.state = state;
  document.body.dataset['state'] = state;
  if (state === 'refused' || state === 'error' || state === 'left' || state === 'ended') i18n.bind(ui.status, `state.${state}`);
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
