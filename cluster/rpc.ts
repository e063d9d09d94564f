/**
 * Requests and notifications between nodes over the node bus (store/node-bus.ts): the cascade's
 * control channel (sfu/cascade/). A request to a node that is gone fails when the registry says so,
 * or after the timeout.
 */
import { randomUUID } from 'node:crypto';
import { AppError, toErrorBody } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { NodeId } from '../protocol/ids.js';
import type { BusHandler, CascadeBus } from '../sfu/cascade/bus.js';
import type { NodeBus } from '../store/node-bus.js';

type Message =
  | { t: 'req'; id: string; from: NodeId; method: string; params: unknown }
  | { t: 'res'; id: string; ok: true; result: unknown }
  | { t: 'res'; id: string; ok: false; error: { code: string; message: string } }
  | { t: 'note'; from: NodeId; method: string; params: unknown };

interface Pending {
  node: NodeId;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export const RPC_TIMEOUT_MS = 10_000;

export class NodeRpc implements CascadeBus {
  readonly #handlers = new Map<string, BusHandler>();
  readonly #pending = new Map<string, Pending>();
  #closed = false;

  constructor(
    readonly self: NodeId,
    private readonly bus: NodeBus,
    private readonly log: Logger,
    private readonly timeoutMs = RPC_TIMEOUT_MS,
  ) {
    bus.onMessage((text) => this.#receive(text));
  }

  call<T>(node: NodeId, method: string, params: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    if (this.#closed) return Promise.reject(new AppError('MEDIA_UNAVAILABLE', 'This node is shutting down'));
    const id = randomUUID();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError('MEDIA_UNAVAILABLE', `Node ${node} did not answer ${method} in time`));
      }, timeoutMs);
      this.#pending.set(id, { node, resolve: resolve as (r: unknown) => void, reject, timer });
      this.#send(node, { t: 'req', id, from: this.self, method, params }).catch((error: Error) => {
        this.#settle(id)?.reject(new AppError('MEDIA_UNAVAILABLE', `Cannot reach node ${node}: ${error.message}`));
      });
    });
  }

  notify(node: NodeId, method: string, params: unknown): void {
    if (this.#closed) return;
    this.#send(node, { t: 'note', from: this.self, method, params }).catch((error: Error) =>
      this.log.warn('a message to another node was lost', { node, method, error: error.message }),
    );
  }

  handle(method: string, handler: BusHandler): void {
    this.#handlers.set(method, handler);
  }

  /** The node is gone: what it was asked fails now rather than at the timeout. */
  nodeGone(node: NodeId): void {
    for (const [id, pending] of this.#pending) {
      if (pending.node !== node) continue;
      this.#settle(id);
      pending.reject(new AppError('MEDIA_UNAVAILABLE', `Node ${node} has left the cluster`));
    }
  }

  close(): void {
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      this.#settle(id);
      pending.reject(new AppError('MEDIA_UNAVAILABLE', 'This node is shutting down'));
    }
  }

  #settle(id: string): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  #send(node: NodeId, message: Message): Promise<void> {
    return this.bus.send(node, JSON.stringify(message));
  }

  #receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      this.log.warn('an unreadable message on the node bus');
      return;
    }
    if (message.t === 'res') {
      const pending = this.#settle(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new AppError(message.error.code as never, message.error.message));
      return;
    }
    const handler = this.#handlers.get(message.method);
    if (message.t === 'note') {
      if (!handler) return this.log.warn('a notification nobody handles', { method: message.method, from: message.from });
      try {
        const result = handler(message.params, message.from);
        if (result instanceof Promise) result.catch((error: Error) => this.#handlerFailed(message.method, error));
      } catch (error) {
        this.#handlerFailed(message.method, error as Error);
      }
      return;
    }
    const { id, from, method, params } = message;
    void (async () => {
      try {
        if (!handler) throw new AppError('BAD_REQUEST', `Unknown node request "${method}"`);
        const result = await handler(params, from);
        await this.#send(from, { t: 'res', id, ok: true, result: result ?? null });
      } catch (error) {
        if (!(error instanceof AppError)) this.#handlerFailed(method, error as Error);
        const { code, message: text } = toErrorBody(error);
        await this.#send(from, { t: 'res', id, ok: false, error: { code, message: text } }).catch(() => {});
      }
    })();
  }

  #handlerFailed(method: string, error: Error): void {
    this.log.warn('a node request failed', { method, error: error.message });
  }
}
