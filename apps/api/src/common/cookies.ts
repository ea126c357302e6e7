import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../access/actor.js';

/**
 * A cookie a service wants set or ended. Services say what; controllers, the
 * access guard and the error path put it on the reply (applyCookies), so no
 * service touches HTTP.
 */
export type CookieChange = { name: string; path: string; value: string; expires: Date } | { name: string; path: string; clear: true };

/** A service's answer with the cookies that go with it. */
export interface WithCookies<T> {
  body: T;
  cookies: CookieChange[];
}

/** What a service may know of the request that opens a session: where it came from and the browser's user agent. */
export interface SessionOrigin extends RequestOrigin {
  userAgent: string | null;
}

export const originOf = (request: FastifyRequest): SessionOrigin => ({
  requestId: request.id,
  ip: request.ip,
  userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
});

/** Every cookie Tandem sets is HttpOnly and SameSite=Strict, and Secure when the request came over HTTPS. */
export function applyCookies(request: FastifyRequest, reply: FastifyReply, changes: readonly CookieChange[]): void {
  for (const change of changes) {
    if ('clear' in change) reply.clearCookie(change.name, { path: change.path });
    else reply.setCookie(change.name, change.value, { path: change.path, httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', expires: change.expires });
  }
}

/**
 * An error that ends cookies on its way out (a sign-in step whose challenge
 * was spent meanwhile): `replyWith` applies them before the error response.
 */
export interface EndsCookies {
  cookies: CookieChange[];
}

const endsCookies = (error: unknown): error is EndsCookies => typeof error === 'object' && error !== null && Array.isArray((error as Partial<EndsCookies>).cookies);

/** For controllers: waits for the service, puts its cookies on the reply and returns its body. */
export async function replyWith<T>(request: FastifyRequest, reply: FastifyReply, answer: Promise<WithCookies<T>>): Promise<T> {
  try {
    const { body, cookies } = await answer;
    applyCookies(request, reply, cookies);
    return body;
  } catch (error) {
    if (endsCookies(error)) applyCookies(request, reply, error.cookies);
    throw error;
  }
}
