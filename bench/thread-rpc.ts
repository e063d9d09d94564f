/**
 * A bench's simulated clients run in a worker thread (so their CPU is not the server's event loop),
 * and bench:load --nodes 2 runs node B in a child process: either way the bench calls typed handlers
 * on the other side over a message channel (a thread's port, or a child's IPC channel).
 */
import type { ChildProcess } from 'node:child_process';
import { Worker, type MessagePort } from 'node:worker_threads';

/** Request kind → [body, answer]. */
export type Requests = Record<string, [unknown, unknown]>;
export type Handlers<R extends Requests> = { [K in keyof R]: (body: R[K][0]) => Promise<R[K][1]> };
export type Call<R extends Requests> = <K extends keyof R & string>(kind: K, body: R[K][0]) => Promise<R[K][1]>;

type Request = { id: number; kind: string; body: unknown };
type Reply = { id: number; ok: true; body: unknown } | { id: number; ok: false; error: string };

/** The calling side of a channel: send a request, hear replies, hear that the other side is gone. */
interface Channel {
  send(request: Request): void;
  onReply(listener: (reply: Reply) => void): void;
  onGone(listener: (error: Error) => void): void;
  /** Whether a request can still be sent. */
  open(): boolean;
}

/** Starts `moduleUrl` (the bench's own file) again in a worker thread. */
export function startThread(moduleUrl: string): Worker {
  // A worker does not inherit tsx's loader: register it first, then load the file.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, { eval: true, env: process.env });
}

/** The main thread's side: call a handler in the thread and await its answer. */
export function caller<R extends Requests>(worker: Worker, label: string): Call<R> {
  return channelCaller<R>(
    {
      send: (request) => worker.postMessage(request),
      onReply: (listener) => worker.on('message', listener),
      onGone: (listener) => worker.on('error', listener),
      open: () => true,
    },
    label,
  );
}

/** The parent's side of a forked child: everything pending fails if the child exits. */
export function processCaller<R extends Requests>(child: ChildProcess, label: string): Call<R> {
  return channelCaller<R>(
    {
      send: (request) => child.send(request),
      onReply: (listener) => child.on('message', listener),
      onGone: (listener) => child.on('exit', (code, signal) => listener(new Error(`${label} exited (${signal ?? code})`))),
      open: () => child.connected,
    },
    label,
  );
}

function channelCaller<R extends Requests>(channel: Channel, label: string): Call<R> {
  let next = 0;
  const waiting = new Map<number, { resolve(body: unknown): void; reject(error: Error): void }>();
  channel.onReply((reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) pending?.resolve(reply.body);
    else pending?.reject(new Error(`${label}: ${reply.error}`));
  });
  channel.onGone((error) => {
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  });
  return (kind, body) =>
    new Promise((resolve, reject) => {
      if (!channel.open()) return reject(new Error(`${label} is not running`));
      const id = next++;
      waiting.set(id, { resolve: resolve as (body: unknown) => void, reject });
      channel.send({ id, kind, body } satisfies Request);
    });
}

/** The thread's side: answer each request with its handler's result or error message. */
export function serve<R extends Requests>(port: MessagePort, handlers: Handlers<R>): void {
  answer(handlers, (listener) => port.on('message', listener), (reply) => port.postMessage(reply));
}

/** The child's side (started with child_process.fork). */
export function serveParent<R extends Requests>(handlers: Handlers<R>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('no IPC channel: start this file with child_process.fork');
  answer(handlers, (listener) => process.on('message', listener), (reply) => send(reply));
}

function answer<R extends Requests>(handlers: Handlers<R>, onRequest: (listener: (request: Request) => void) => void, reply: (reply: Reply) => void): void {
  onRequest((message) => {
    const handler = handlers[message.kind] as ((body: unknown) => Promise<unknown>) | undefined;
    if (!handler) return reply({ id: message.id, ok: false, error: `no handler ${message.kind}` });
    handler(message.body).then(
      (body) => reply({ id: message.id, ok: true, body }),
      (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
