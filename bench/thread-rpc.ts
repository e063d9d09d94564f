/**
 * A bench's simulated clients run in a worker thread, so their CPU is not the server's event loop:
 * the main thread starts the same file in a thread and calls typed handlers there.
 */
import { Worker, type MessagePort } from 'node:worker_threads';

/** Request kind → [body, answer]. */
export type Requests = Record<string, [unknown, unknown]>;
export type Handlers<R extends Requests> = { [K in keyof R]: (body: R[K][0]) => Promise<R[K][1]> };
export type Call<R extends Requests> = <K extends keyof R & string>(kind: K, body: R[K][0]) => Promise<R[K][1]>;

type Request = { id: number; kind: string; body: unknown };
type Reply = { id: number; ok: true; body: unknown } | { id: number; ok: false; error: string };

/** Starts `moduleUrl` (the bench's own file) again in a worker thread. */
export function startThread(moduleUrl: string): Worker {
  // A worker does not inherit tsx's loader: register it first, then load the file.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, { eval: true, env: process.env });
}

/** The main thread's side: call a handler in the thread and await its answer. */
export function caller<R extends Requests>(worker: Worker, label: string): Call<R> {
  let next = 0;
  const waiting = new Map<number, { resolve(body: unknown): void; reject(error: Error): void }>();
  worker.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) pending?.resolve(reply.body);
    else pending?.reject(new Error(`${label}: ${reply.error}`));
  });
  worker.on('error', (error) => {
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  });
  return (kind, body) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (body: unknown) => void, reject });
      worker.postMessage({ id, kind, body } satisfies Request);
    });
}

/** The thread's side: answer each request with its handler's result or error message. */
export function serve<R extends Requests>(port: MessagePort, handlers: Handlers<R>): void {
  port.on('message', (message: Request) => {
    const handler = handlers[message.kind] as ((body: unknown) => Promise<unknown>) | undefined;
    if (!handler) return port.postMessage({ id: message.id, ok: false, error: `no handler ${message.kind}` } satisfies Reply);
    handler(message.body).then(
      (body) => port.postMessage({ id: message.id, ok: true, body } satisfies Reply),
      (error: unknown) => port.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
}
