import type { ApiErrorBody } from '@tandem/shared';
import type { paths } from './schema';

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

/** The API's routes, by path without the `/api` prefix, as the OpenAPI document describes them. */
type Routes = { [P in keyof paths as P extends `/api${infer Rest}` ? Rest : never]: paths[P] };
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The operation at a path for a method, or never where the path has no such method. */
type Operation<P, M extends Method> = P extends keyof Routes ? (Routes[P][M] extends { responses: unknown } ? Routes[P][M] : never) : never;
/** Paths that answer a method. */
export type ApiPath<M extends Method> = { [P in keyof Routes]: [Operation<P, M>] extends [never] ? never : P }[keyof Routes];

type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : undefined;
/** The body of an operation's success answer (undefined for a 204). */
export type ApiResult<P, M extends Method> =
  Operation<P, M>['responses'] extends infer Responses
    ? JsonOf<Responses[Extract<keyof Responses, 200 | 201 | 202 | 204>]>
    : never;

type PathParams<O> = O extends { parameters: { path: infer Params } } ? ([Params] extends [undefined] ? { path?: never } : { path: Params }) : { path?: never };
type QueryParams<O> = O extends { parameters: { query?: infer Query } } ? ([Query] extends [undefined] ? { query?: never } : { query?: Query }) : { query?: never };
type RequestBody<O> = O extends { requestBody: { content: { 'application/json': infer Body } } }
  ? { body: Body }
  : O extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? { body?: Body }
    : { body?: never };
/** What a call names: the path's parameters, the query and the body, as the document types them. */
export type ApiInit<P, M extends Method> = PathParams<Operation<P, M>> & QueryParams<Operation<P, M>> & RequestBody<Operation<P, M>> & RequestOptions;
/** The query an operation takes, for hooks that pass a filter record through. */
export type ApiQuery<P, M extends Method = 'get'> = NonNullable<QueryParams<Operation<P, M>>['query']>;
type InitArgs<P, M extends Method> = object extends ApiInit<P, M> ? [init?: ApiInit<P, M>] : [init: ApiInit<P, M>];

type QueryValue = string | number | boolean | null | undefined;

/** `/clients/{id}` with `{ id }` becomes `/clients/<id>`; a query object becomes its query string (empty values left out). */
function address(path: string, init: { path?: object; query?: object } = {}): string {
  const params = (init.path ?? {}) as Record<string, string | number>;
  const filled = path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (params[name] === undefined) throw new Error(`No value for {${name}} in ${path}`);
    return encodeURIComponent(String(params[name])).replace(/%3A/gi, ':');
  });
  const query = Object.fromEntries(
    Object.entries((init.query ?? {}) as Record<string, QueryValue>).map(([key, value]) => [key, typeof value === 'number' || typeof value === 'boolean' ? String(value) : value]),
  );
  return filled + queryString(query);
}

function call<M extends Method>(method: M) {
  return <P extends ApiPath<M>>(path: P, ...[init]: InitArgs<P, M>): Promise<ApiResult<P, M>> => {
    const options = (init ?? {}) as ApiInit<P, M> & { body?: unknown };
    const body = method === 'post' ? (options.body ?? {}) : options.body;
    return request<ApiResult<P, M>>(method.toUpperCase(), address(path, options), body, { quiet401: options.quiet401, keepalive: options.keepalive });
  };
}

/**
 * The one way the dashboard and the portal talk to the API, typed from the
 * OpenAPI document (`schema.d.ts`, made by `npm run api:types`): the path
 * picks the operation, which types the parameters, the body and the answer.
 *   api.get('/clients/{id}', { path: { id } })
 *   api.patch('/clients/{id}', { path: { id }, body })
 */
export const api = {
  get: call('get'),
  post: call('post'),
  put: call('put'),
  patch: call('patch'),
  delete: call('delete'),
};

/** The address of a GET route for a link the browser follows itself (a download). */
export function apiHref<P extends ApiPath<'get'>>(path: P, ...[init]: InitArgs<P, 'get'>): string {
  return `/api${address(path, init)}`;
}

export function queryString(params: Record<string, string | undefined | null | false>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}
