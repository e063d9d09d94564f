/**
 * Puts the views on the page for this participant's role: the chair console (chair, secretary) or
 * the conference view (sites, officials, observers; a site also gets the operator's panels).
 */
import type { MessageAudience } from '../../protocol/messages.js';
import type { ParticipantId } from '../../protocol/ids.js';
import { GridView } from './console/grid.js';
import { LobbyPanel } from './console/lobby.js';
import { QueuePanel } from './console/queue.js';
import { RollCallPanel } from './console/roll-call.js';
import { fire, type Send } from './console/send.js';
import { Toolbar } from './console/toolbar.js';
import { byId, h } from './dom.js';
import type { I18n } from './i18n.js';
import type { Model } from './model.js';
import { DevicesPanel, type DeviceHooks } from './operator/devices.js';
import { PresencePanel } from './operator/presence.js';
import type { RemoteTracks } from './remote-tracks.js';
import { ConfirmDialog } from './views/confirm.js';
import { FloorRequest, FloorStatus } from './views/floor.js';
import { MessagesView } from './views/messages.js';
import { ParticipantList } from './views/participants.js';
import { Stage } from './views/stage.js';
import { Tabs, type TabSpec } from './views/tabs.js';
import type { Toasts } from './views/toasts.js';

export interface LayoutDeps {
  i18n: I18n;
  model: Model;
  tracks: RemoteTracks;
  send: Send;
  toasts: Toasts;
  devices: DeviceHooks;
  local: () => MediaStream | null;
  onFirstFrame: () => void;
  onAudioBlocked: () => void;
}

export class Layout {
  readonly participants: ParticipantList;
  readonly devices: DevicesPanel | null = null;
  readonly #renderers: (() => void)[] = [];
  #tabs: Tabs | null = null;
  #unread = 0;
  presence: PresencePanel | null = null;

  constructor(deps: LayoutDeps, view: 'console' | 'conference') {
    const { i18n, model, tracks, send } = deps;
    const confirm = new ConfirmDialog(i18n);
    let queue: QueuePanel | null = null;
    this.participants = new ParticipantList(
      i18n,
      model,
      tracks,
      view === 'console'
        ? {
            setMuted: (id, muted) => fire(send('mute-site', { participantId: id, muted })),
            spotlight: (id) => fire(send('spotlight', { participantId: id })),
            grant: (id) => queue?.grant(id),
            remove: (id, name) =>
              void confirm.ask('removeConfirm', { name }).then((yes) => {
                if (yes) fire(send('remove-participant', { participantId: id }));
              }),
          }
        : null,
      deps.onAudioBlocked,
    );
    const messages = new MessagesView(i18n, model, async (to: MessageAudience, text: string) => {
      await send('send-message', { to, text });
    });
    const center = byId('center');
    const sideTop = byId('side-top');
    const side = byId('side');
    const panel = (...children: Node[]) => h('div', {}, ...children);
    const tabs: TabSpec[] = [];

    if (view === 'console') {
      const toolbar = new Toolbar(i18n, model, send, confirm, (count) => deps.toasts.show('mutedAll', { count: String(count) }));
      const grid = new GridView(i18n, model, tracks, send, deps.onFirstFrame);
      queue = new QueuePanel(i18n, model, send);
      const rollCall = new RollCallPanel(i18n, model, send);
      const lobby = new LobbyPanel(i18n, model, send);
      center.append(toolbar.el, grid.el);
      sideTop.append(queue.floor.el);
      tabs.push(
        { id: 'queue', key: 'tab.queue', panel: panel(queue.el) },
        { id: 'roll-call', key: 'tab.rollCall', panel: panel(rollCall.el) },
        { id: 'lobby', key: 'tab.lobby', panel: panel(lobby.el) },
        { id: 'participants', key: 'tab.participants', panel: panel(this.participants.el) },
        { id: 'messages', key: 'tab.messages', panel: panel(messages.el) },
      );
      const q = queue;
      this.#renderers.push(
        () => toolbar.render(),
        () => grid.render(),
        () => q.render(),
        () => rollCall.render(),
        () => lobby.render(),
        () => {
          this.#tabs?.setCount('queue', model.conference?.queue.length ?? 0);
          this.#tabs?.setCount('lobby', lobby.waiting, lobby.waiting > 0);
        },
      );
    } else {
      const stage = new Stage(i18n, model, tracks, deps.local, deps.onFirstFrame);
      const floor = new FloorStatus(i18n, model);
      const request = new FloorRequest(i18n, model, {
        request: async (payload) => void (await send('request-floor', payload)),
        cancel: async () => void (await send('cancel-floor-request', {})),
      }, () => undefined);
      center.append(stage.main.el);
      sideTop.prepend(stage.speaker.el);
      sideTop.append(floor.el);
      byId('floor-slot').append(request.button, request.position);
      tabs.push({ id: 'messages', key: 'tab.messages', panel: panel(messages.el) });
      if (model.self?.role === 'site' || model.self?.role === 'official') {
        this.presence = new PresencePanel(i18n, model, send);
        tabs.push({ id: 'presence', key: 'presence', panel: panel(this.presence.el) });
        const p = this.presence;
        this.#renderers.push(() => {
          p.render();
          this.#tabs?.setCount('presence', p.pending ? 1 : 0, true);
        });
      }
      tabs.push({ id: 'participants', key: 'tab.participants', panel: panel(this.participants.el) });
      this.#renderers.push(() => stage.render(), () => floor.render(), () => request.render());
    }
    if (model.self?.role !== 'observer') {
      (this as { devices: DevicesPanel | null }).devices = new DevicesPanel(i18n, deps.devices);
      tabs.push({ id: 'devices', key: 'tab.devices', panel: panel(this.devices!.el) });
    }
    this.#tabs = new Tabs(i18n, tabs, view);
    side.append(this.#tabs.el);
    this.#renderers.push(
      () => this.participants.render(),
      () => {
        this.#unread += messages.render();
        if (this.#tabs?.current === 'messages') this.#unread = 0;
        this.#tabs?.setCount('messages', this.#unread, true);
        this.#tabs?.setCount('participants', model.participants.size);
      },
    );
    this.#tabsClicked();
  }

  render(): void {
    for (const render of this.#renderers) render();
  }

  selectTab(id: string): void {
    this.#tabs?.select(id);
    if (id === 'messages') this.#unread = 0;
  }

  setSpeaker(id: ParticipantId | null): void {
    this.participants.setSpeaker(id);
  }

  #tabsClicked(): void {
    // Reading the messages tab clears its count.
    byId('side').addEventListener('click', (event) => {
      if ((event.target as HTMLElement).closest('#tab-messages')) {
        this.#unread = 0;
        this.#tabs?.setCount('messages', 0);
      }
    });
  }
}
