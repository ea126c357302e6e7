import type { ApiErrorBody } from '@tandem/shared';

/** An error answer of the API, in the one shape every route uses. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

type SessionEndedListener = () => void;
const sessionEndedListeners = new Set<SessionEndedListener>();

/** Called when the server says a signed-in session has ended (timeout, sign-out elsewhere, deactivation). */
export function onSessionEnded(listener: SessionEndedListener): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

const NETWORK_MESSAGE = 'Tandem could not be reached. Check your connection and try again.';

interface RequestOptions {
  quiet401?: boolean;
  /** Let the request finish even if the page is being closed (a draft sent as the page is hidden). */
  keepalive?: boolean;
}

async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: options.keepalive,
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (response.ok) return data as T;
  const error = (data ?? {}) as Partial<ApiErrorBody>;
  const retryAfter = Number(response.headers.get('retry-after')) || undefined;
  if (response.status === 401 && !options.quiet401 && (error.code === 'session_expired' || error.code === 'unauthenticated')) {
    sessionEndedListeners.forEach((listener) => listener());
  }
  throw new ApiError(response.status, error.code ?? 'error', friendlyMessage(response.status, error.message), error.fields ?? {}, retryAfter);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function friendlyMessage(status: number, message?: string): string {
  if (status >= 500 && status !== 503) return 'Something went wrong on our side. Please try again.';
  if (status === 503) return 'Tandem is briefly unavailable. Please try again in a few seconds.';
  return message ?? 'That did not work. Please try again.';
}

/** The one typed way the dashboard talks to the API. */
export const api = {
  get: <T>(path: string, options?: { quiet401?: boolean }) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: { quiet401?: boolean }) => request<T>('POST', path, body ?? {}, options),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

export function queryString(params: Record<string, string | undefined | null | false>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}
