/**
 * Which node of the cluster the page's socket tries next while it has none: the same node for a
 * few attempts (a network blip), then the cluster's other nodes in turn, so a page whose node
 * crashed rejoins the meeting on whichever node takes it over. A MOVED answer is followed, unless
 * it names a node that did not answer during this search — a crashed node whose claim on the
 * meeting has not expired yet: then the search goes on after a pause. A node that sends the page
 * to itself is misconfigured: the search ends there.
 */

/** Attempts at a node that gets no answer before the next node is tried. */
export const ATTEMPTS_PER_NODE = 2;
/** MOVED answers followed at once in one search; further ones wait a pause (two nodes disagreeing must not spin). */
const IMMEDIATE_MOVES = 3;
const PAUSE_MIN_MS = 500;
const PAUSE_MAX_MS = 5000;

export interface Step {
  /** The node's origin to connect to. */
  origin: string;
  /** How long to wait first. */
  delayMs: number;
}

/** The origin of a node URL, or null if it is not an http(s) URL. */
export function originOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

export class NodeCycle {
  /** The cluster's nodes (origins), sorted: every page tries them in the same order. */
  #nodes: string[];
  /** Nodes that got no answer since the page was last connected. */
  readonly #unanswered = new Set<string>();
  #failures = 0;
  #moves = 0;
  #pauses = 0;
  readonly #random: () => number;

  /** `origin`: the node the page starts with (the one that served it). */
  constructor(origin: string, random: () => number = Math.random) {
    this.#nodes = [origin];
    this.#random = random;
  }

  get nodes(): readonly string[] {
    return this.#nodes;
  }

  /** The cluster's live nodes as the server last listed them; `current` (connected to) stays listed. */
  setNodes(urls: readonly string[], current: string): void {
    const origins = urls.map(originOf).filter((o): o is string => o !== null);
    this.#nodes = [...new Set([...origins, current])].sort();
  }

  /** Connected: the next search starts afresh. */
  connected(): void {
    this.#unanswered.clear();
    this.#failures = 0;
    this.#moves = 0;
    this.#pauses = 0;
  }

  /**
   * An attempt at `origin` got no answer (connection refused or timed out); the socket's own
   * reconnection makes the next attempt, after its backoff, at the node returned.
   */
  unanswered(origin: string): string {
    if (++this.#failures < ATTEMPTS_PER_NODE) return origin;
    this.#failures = 0;
    this.#unanswered.add(origin);
    return this.#after(origin);
  }

  /**
   * `origin` answered MOVED to `target` (null: no valid URL). Null when the node named itself: its
   * PUBLIC_URL is another node's, and no amount of trying helps.
   */
  moved(origin: string, target: string | null): Step | null {
    this.#failures = 0;
    if (target === origin) return null;
    if (target && !this.#unanswered.has(target) && this.#moves++ < IMMEDIATE_MOVES) {
      if (!this.#nodes.includes(target)) this.#nodes = [...this.#nodes, target].sort();
      return { origin: target, delayMs: 0 };
    }
    return { origin: this.#after(origin), delayMs: this.#pause() };
  }

  /** `origin` refused for a passing reason (a server error, the server going away): the next node, after a pause. */
  failed(origin: string): Step {
    this.#failures = 0;
    return { origin: this.#after(origin), delayMs: this.#pause() };
  }

  /** The next node after `origin` that has not gone unanswered; when all have, simply the next one. */
  #after(origin: string): string {
    const nodes = this.#nodes.includes(origin) ? this.#nodes : [...this.#nodes, origin].sort();
    const start = nodes.indexOf(origin);
    const order = nodes.map((_, i) => nodes[(start + 1 + i) % nodes.length] as string);
    return order.find((node) => !this.#unanswered.has(node)) ?? order[0] ?? origin;
  }

  /** Exponential, with jitter so that a meeting's sites do not all come back at once. */
  #pause(): number {
    const base = Math.min(PAUSE_MAX_MS, PAUSE_MIN_MS * 2 ** this.#pauses++);
    return Math.round(base * (0.5 + this.#random()));
  }
}
