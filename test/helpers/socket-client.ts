import { io, type Socket } from 'socket.io-client';
import type { Test } from 'tap';
import type { types as ms } from 'mediasoup';
import type { ClientToServerEvents, Result, ServerToClientEvents } from '../../protocol/events.js';
import type { DiemcauServer } from '../../server.js';
import type { JoinClaims } from '../../protocol/claims.js';

export { opusParameters } from './rtp-parameters.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens a socket.io-client connection with the given token; closed with the test. */
export function connectSocket(t: Test, url: string, token: unknown): ClientSocket {
  const socket: ClientSocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  t.teardown(() => {
    socket.disconnect();
  });
  return socket;
}

export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

export function refused(socket: ClientSocket): Promise<Error & { data?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, expected a refusal')));
    socket.once('connect_error', resolve);
  });
}

export function disconnected(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/**
 * Sends a request without type checks (for bad input) and resolves with its ack. The deadline is
 * generous: on a loaded CI machine a request that creates a router or transport can take seconds.
 */
export function rawRequest(socket: ClientSocket, event: string, ...payload: unknown[]): Promise<Result<unknown>> {
  return (socket.timeout(15_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<Result<unknown>> }).emitWithAck(
    event,
    ...payload,
  );
}

export async function request<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  return (await rawRequest(socket, event, payload)) as Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
}

/** Like request(), but throws on an error ack. */
export async function ok<E extends keyof ClientToServerEvents>(socket: ClientSocket, event: E, payload: Parameters<ClientToServerEvents[E]>[0]) {
  const result = await request(socket, event, payload);
  if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
  return result.data as Extract<typeof result, { ok: true }>['data'];
}

export const FAKE_DTLS: ms.DtlsParameters = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

/** A participant driven from Node: connects, joins and sets up transports like the browser does. */
export async function joinAs(t: Test, server: DiemcauServer, claims: JoinClaims) {
  const socket = connectSocket(t, server.url, server.signToken(claims));
  await connected(socket);
  const caps = await ok(socket, 'router-capabilities', {});
  const joined = await ok(socket, 'join', { rtpCapabilities: caps });
  return { socket, caps, joined };
}
