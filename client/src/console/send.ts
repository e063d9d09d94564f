/** How console views send a request: the page wraps `request` so a refusal is shown to the user. */
import type { RequestName } from '../../../protocol/events.js';
import type { RequestPayload, ResponseData } from '../request.js';

export type Send = <E extends RequestName>(event: E, payload: RequestPayload<E>) => Promise<ResponseData<E>>;

/** Runs a request from a click; errors were already shown by `send`. */
export function fire(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}
