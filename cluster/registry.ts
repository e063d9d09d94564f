/**
 * This process as a node of the cluster: it registers in Redis, heartbeats, and on each beat removes
 * nodes that went silent, so a crashed node is noticed by every survivor within
 * `timeoutMs + heartbeatMs` whatever the order of events. Each node keeps its own view of who is
 * alive and says locally when a peer appears or goes.
 */
import type { Logger } from '../lib/log.js';
import { TypedEmitter } from '../lib/typed-emitter.js';
import type { MeetingId, NodeId } from '../protocol/ids.js';
import type { NodeAnnouncement, NodeInfo, NodeStore } from '../store/nodes.js';
import type { ClusterConfig } from './config.js';

export type NodeRegistryEvents = {
  /** A peer started heartbeating. */
  'node-up': [NodeId];
  /** A peer is gone — it left, or its heartbeats stopped for `timeoutMs`; its meetings are claimable. */
  'node-down': [NodeId];
  /** This node had been silent long enough to count as gone (Redis unreachable, a stalled process) and is back; it lost its meetings. */
  rejoined: [];
};

export interface NodeRegistryDeps {
  store: NodeStore;
  config: ClusterConfig;
  log: Logger;
  /** What this node announces, read on every heartbeat (its load changes). */
  announce(): NodeAnnouncement;
}

export class NodeRegistry extends TypedEmitter<NodeRegistryEvents> {
  readonly id: NodeId;
  readonly #deps: NodeRegistryDeps;
  /** Live nodes, this one included, as of the last heartbeat. */
  #live = new Set<NodeId>();
  #registered = false;
  #failing = false;
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(deps: NodeRegistryDeps) {
    super();
    this.#deps = deps;
    this.id = deps.config.nodeId;
  }

  /** Live nodes, this one included (0 before start). */
  get liveCount(): number {
    return this.#live.size;
  }

  /** Whether a node (this one included) was alive at the last heartbeat. */
  isLive(id: NodeId): boolean {
    return this.#live.has(id);
  }

  /** The other live nodes' ids. */
  get peers(): NodeId[] {
    return [...this.#live].filter((id) => id !== this.id);
  }

  /**
   * Registers and starts heartbeating. A previous process with the same NODE_ID is replaced at once
   * (its meetings are freed) rather than inherited. Throws if Redis refuses the first heartbeat.
   */
  async start(): Promise<void> {
    if (this.#registered || this.#stopping) return;
    await this.#deps.store.remove(this.id);
    await this.#beat(true);
    this.#schedule(Date.now());
  }

  /** The live nodes with what they announced. */
  nodes(): Promise<NodeInfo[]> {
    return this.#deps.store.info([...this.#live]);
  }

  /** What a node announced, if it is still listed. */
  async nodeInfo(id: NodeId): Promise<NodeInfo | undefined> {
    return (await this.#deps.store.info([id]))[0];
  }

  /** The node serving the meeting: this one if the meeting was free or its node is gone. */
  claimMeeting(meetingId: MeetingId): Promise<NodeId> {
    return this.#deps.store.claimMeeting(meetingId, this.id, this.#deps.config.timeoutMs);
  }

  /** Gives up a meeting this node serves (its last participant left). */
  async releaseMeeting(meetingId: MeetingId): Promise<void> {
    await this.#deps.store.releaseMeeting(meetingId, this.id);
  }

  /** The live node serving the meeting, if any. */
  ownerOf(meetingId: MeetingId): Promise<NodeId | undefined> {
    return this.#deps.store.ownerOf(meetingId, this.#deps.config.timeoutMs);
  }

  /** Stops heartbeating and deregisters at once, freeing this node's meetings. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#timer);
      await this.#beating;
      try {
        await this.#deps.store.remove(this.id);
      } catch (error) {
        // The others will remove it when its heartbeats are missed.
        this.#deps.log.warn('could not deregister this node', { nodeId: this.id, error: (error as Error).message });
      }
      this.#live.clear();
    })();
    return this.#stopping;
  }

  /** Beats every `heartbeatMs` from the start of the previous beat, never two at once. */
  #schedule(lastStart: number): void {
    if (this.#stopping) return;
    const delay = Math.max(0, this.#deps.config.heartbeatMs - (Date.now() - lastStart));
    this.#timer = setTimeout(() => {
      const start = Date.now();
      this.#beating = this.#beat(false).then(() => this.#schedule(start));
    }, delay);
    // The server's own handles keep the process alive; this timer alone must not.
    this.#timer.unref();
  }

  async #beat(first: boolean): Promise<void> {
    const { store, config, log } = this.#deps;
    try {
      const beat = await store.heartbeat(this.id, this.#deps.announce(), config.timeoutMs);
      if (!beat.wasLive && this.#registered) {
        log.warn('this node had been taken for gone and registered again; its meetings were freed', { nodeId: this.id });
        this.emit('rejoined');
      }
      this.#registered = true;
      const live = new Set<NodeId>();
      for (const node of beat.nodes) {
        if (node.seen >= beat.now - config.timeoutMs) live.add(node.id);
        // Only one survivor's removal succeeds; the others find it already gone.
        else if (await store.removeIfLate(node.id, config.timeoutMs)) log.warn('removed a node that stopped heartbeating', { nodeId: node.id });
      }
      if (this.#failing) log.info('the node registry reaches Redis again', { nodeId: this.id });
      this.#failing = false;
      this.#update(live);
    } catch (error) {
      if (first) throw error;
      if (!this.#failing) log.warn('a heartbeat failed', { nodeId: this.id, error: (error as Error).message });
      this.#failing = true;
    }
  }

  #update(live: Set<NodeId>): void {
    const before = this.#live;
    this.#live = live;
    if (this.#stopping) return;
    for (const id of live) if (id !== this.id && !before.has(id)) this.emit('node-up', id);
    for (const id of before) if (id !== this.id && !live.has(id)) this.emit('node-down', id);
  }
}
