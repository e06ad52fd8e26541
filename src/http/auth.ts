import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../core/context.ts';
import { constantTimeEqual, hmac } from '../core/crypto.ts';
import { AppError, CommonErrors } from '../core/errors.ts';
import type { Accounts, Principal } from '../modules/accounts/index.ts';
import { HttpErrors } from './problems.ts';

export const SESSION_COOKIE = 'castellan_session';

/** Per-route: `required` (the default under /api), `optional` or `none`. */
export type AuthMode = 'required' | 'optional' | 'none';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authVia: 'bearer' | 'cookie' | null;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const csrfTokenFor = (secret: Buffer, sessionId: string) => hmac(secret, `csrf:${sessionId}`);

function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1] ?? '';
}

/**
 * Resolves the principal from `Authorization: Bearer` or the session cookie.
 * A cookie-authenticated write must carry the session's CSRF token in
 * `X-CSRF-Token`; a bearer token is never sent by a browser on its own, so needs none.
 */
export function authHook(accounts: Accounts, secret: Buffer) {
  return async function authenticate(req: FastifyRequest): Promise<void> {
    req.principal = null;
    req.authVia = null;
    const mode: AuthMode = req.routeOptions.config.auth ?? 'none';
    if (mode === 'none') return;
    const bearer = bearerToken(req);
    const cookie = req.cookies?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    const principal = token ? await accounts.sessions.authenticate(token) : undefined;
    if (principal) {
      req.principal = principal;
      req.authVia = bearer !== undefined ? 'bearer' : 'cookie';
      if (req.authVia === 'cookie' && !SAFE_METHODS.has(req.method)) {
        const sent = req.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !constantTimeEqual(sent, csrfTokenFor(secret, principal.sessionId))) {
          throw new AppError(HttpErrors.csrfFailed);
        }
      }
    }
    if (mode === 'required' && !req.principal) throw new AppError(CommonErrors.unauthenticated);
  };
}

export function contextOf(req: FastifyRequest): RequestContext {
  const p = req.principal;
  return {
    actor: p ? { type: p.user.kind === 'staff' ? 'staff' : 'user', id: p.user.id } : { type: 'anonymous', id: null },
    ip: req.ip ?? null,
    requestId: req.id,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
    visitorId: req.visitorId ?? null,
  };
}

/** The principal of a route declared `auth: 'required'`. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError(CommonErrors.unauthenticated);
  return req.principal;
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
