import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, accountIdOf } from '../core/caller.ts';
import type { RequestContext } from '../core/context.ts';
import { constantTimeEqual, hmac } from '../core/crypto.ts';
import { AppError, CommonErrors } from '../core/errors.ts';
import type { SignedIn } from '../modules/accounts/index.ts';
import type { HttpDeps } from './deps.ts';
import { HttpErrors } from './problems.ts';

export const SESSION_COOKIE = 'castellan_session';

/** Per-route: `required` (the default under /api), `optional` or `none`. */
export type AuthMode = 'required' | 'optional' | 'none';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session the request came with, once its token checked out. */
    session: SignedIn | null;
    /** Who the request acts as: the session's person, as a member of the route's organization where it names one. */
    caller: Caller | null;
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

/** The organization a route acts in: its `:orgId` path parameter, when it has one. */
function orgIdOf(req: FastifyRequest): string | undefined {
  const params = req.params as Record<string, unknown> | undefined;
  const orgId = params?.orgId;
  return typeof orgId === 'string' && orgId.length > 0 && orgId.length <= 100 ? orgId : undefined;
}

/**
 * Turns what authenticated the request (`Authorization: Bearer` or the session cookie) into the
 * request's Caller: the one place HTTP authentication happens. A cookie-authenticated write must
 * carry the session's CSRF token in `X-CSRF-Token`; a bearer token is never sent by a browser on its
 * own, so needs none.
 */
export function authHook(deps: Pick<HttpDeps, 'accounts' | 'directory' | 'keys' | 'federation'>) {
  return async function authenticate(req: FastifyRequest): Promise<void> {
    req.session = null;
    req.caller = null;
    req.authVia = null;
    const mode: AuthMode = req.routeOptions.config.auth ?? 'none';
    if (mode === 'none') return;
    const bearer = bearerToken(req);
    const cookie = req.cookies?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    const session = token ? await deps.accounts.sessions.authenticate(token) : undefined;
    if (session) {
      req.authVia = bearer !== undefined ? 'bearer' : 'cookie';
      if (req.authVia === 'cookie' && !SAFE_METHODS.has(req.method)) {
        const sent = req.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !constantTimeEqual(sent, csrfTokenFor(deps.keys.secret, session.sessionId))) {
          throw new AppError(HttpErrors.csrfFailed);
        }
      }
      req.session = session;
      req.caller = await deps.directory.callers.callerFor(session, orgIdOf(req));
    } else if (bearer) {
      // PRO-2: an access token an organization's API client got by client credentials.
      const client = await deps.federation.apiClients.callerOfToken(bearer);
      if (client) {
        req.authVia = 'bearer';
        req.caller = client;
      }
    }
    if (mode === 'required' && !req.caller) throw new AppError(CommonErrors.unauthenticated);
  };
}

/** The caller of a route declared `auth: 'required'`. */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new AppError(CommonErrors.unauthenticated);
  return req.caller;
}

/** The session of a route declared `auth: 'required'`. */
export function sessionOf(req: FastifyRequest): SignedIn {
  if (!req.session) throw new AppError(CommonErrors.unauthenticated);
  return req.session;
}

export function contextOf(req: FastifyRequest): RequestContext {
  const c = req.caller;
  const id = c ? accountIdOf(c) : null;
  return {
    actor: c?.kind === 'client' ? { type: 'client', id: c.clientId } : c && id ? { type: c.kind === 'staff' ? 'staff' : 'user', id } : { type: 'anonymous', id: null },
    ip: req.ip ?? null,
    requestId: req.id,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
    visitorId: req.visitorId ?? null,
  };
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
