/**
 * The typed requests of ../thread-rpc.ts over a child process's IPC channel instead of a worker
 * thread's port: node A calls node B's handlers in its own process.
 */
import type { ChildProcess } from 'node:child_process';
import type { Call, Handlers, Requests } from '../thread-rpc.js';

type Request = { id: number; kind: string; body: unknown };
type Reply = { id: number; ok: true; body: unknown } | { id: number; ok: false; error: string };

/** The parent's side: call a handler in the child and await its answer; everything pending fails if the child exits. */
export function processCaller<R extends Requests>(child: ChildProcess, label: string): Call<R> {
  let next = 0;
  const waiting = new Map<number, { resolve(body: unknown): void; reject(error: Error): void }>();
  child.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) pending?.resolve(reply.body);
    else pending?.reject(new Error(`${label}: ${reply.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const pending of waiting.values()) pending.reject(new Error(`${label} exited (${signal ?? code})`));
    waiting.clear();
  });
  return (kind, body) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${label} is not running`));
      const id = next++;
      waiting.set(id, { resolve: resolve as (body: unknown) => void, reject });
      child.send({ id, kind, body } satisfies Request);
    });
}

/** The child's side: answer each request with its handler's result or error message. */
export function serveParent<R extends Requests>(handlers: Handlers<R>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('no IPC channel: start this file with child_process.fork');
  process.on('message', (message: Request) => {
    const handler = handlers[message.kind] as ((body: unknown) => Promise<unknown>) | undefined;
    if (!handler) return void send({ id: message.id, ok: false, error: `no handler ${message.kind}` } satisfies Reply);
    handler(message.body).then(
      (body) => send({ id: message.id, ok: true, body } satisfies Reply),
      (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
}
