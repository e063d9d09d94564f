/**
 * The scheduler API from the browser: JSON in and out, the session's bearer token on every call,
 * and every refusal turned into an ApiError with the server's code, message and details.
 */
import type { ErrorBody } from '../../../protocol/errors.js';

export type ApiErrorCode = ErrorBody['code'] | 'NETWORK';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiOptions {
  /** The session's token, or null when signed out. */
  token(): string | null;
  /** A signed-in call was answered 401: the session has expired (or was revoked). */
  onExpired(): void;
}

export class Api {
  constructor(private readonly options: ApiOptions) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.#json<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#json<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.#json<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.#json<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.#json<T>('DELETE', path);
  }

  /** A non-JSON answer (CSV, iCalendar) as text. */
  async text(path: string, query: Query = {}): Promise<string> {
    const response = await this.#fetch('GET', withQuery(path, query));
    return response.text();
  }

  /** Downloads a file the API serves behind the bearer token (a plain link would carry no token). */
  async download(path: string, filename: string, query: Query = {}): Promise<void> {
    const response = await this.#fetch('GET', withQuery(path, query));
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(method, path, body);
    return (await response.json()) as T;
  }

  async #fetch(method: string, path: string, body?: unknown): Promise<Response> {
    const token = this.options.token();
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
    }
    if (response.ok) return response;
    const error = await response
      .json()
      .then((b: Partial<ErrorBody>) => new ApiError(response.status, b.code ?? 'INTERNAL', b.message ?? response.statusText, b.details))
      .catch(() => new ApiError(response.status, response.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST', response.statusText));
    if (response.status === 401 && token) this.options.onExpired();
    throw error;
  }
}

function withQuery(path: string, query: Query): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const s = search.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}
