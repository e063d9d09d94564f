import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeout?: number;
  /** Poll this often. */
  interval?: number;
  /** What is awaited, for the error message. */
  what?: string;
}

/**
 * Polls `fn` until it returns a truthy value, and resolves with that value. A throw counts as
 * "not yet"; the last one is reported if the deadline passes.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeout = 10_000, interval = 100, what = 'a condition' } = options;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await delay(interval);
  }
}

/** Anything with on/off listeners: a Node EventEmitter, a typed emitter, a Socket.IO client socket. */
export interface Listenable<T> {
  on(event: string, listener: (value: T) => void): unknown;
  off(event: string, listener: (value: T) => void): unknown;
}

/**
 * Resolves with the next emission of `event` that passes `filter` (its first argument), or rejects
 * after `timeout` ms. Call it before the action that causes the event.
 */
export function nextEmission<T>(emitter: Listenable<T>, event: string, options: { timeout: number; filter?: (value: T) => boolean; what?: string }): Promise<T> {
  const { timeout, filter = () => true, what = `"${event}"` } = options;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no ${what} within ${timeout} ms`));
    }, timeout);
    const listener = (value: T) => {
      if (!filter(value)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}
