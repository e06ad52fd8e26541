import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../core/crypto.ts';
import type { Privacy, Subject } from '../modules/privacy/index.ts';
import { contextOf } from './auth.ts';

export const VISITOR_COOKIE = 'castellan_visitor';
const VISITOR_ID = /^vis_[A-Za-z0-9_-]{20,64}$/;
/** 400 days, the longest lifetime browsers keep a cookie for. */
const VISITOR_COOKIE_SECONDS = 400 * 24 * 3600;

declare module 'fastify' {
  interface FastifyRequest {
    /** The anonymous visitor id from the visitor cookie (PRV-1), or null. */
    visitorId: string | null;
    /** PRV-5: the request carried `Sec-GPC: 1`, and its opt-outs are in effect. */
    gpc: boolean;
  }
  interface FastifyContextConfig {
    /** `assign`: a request without a visitor cookie gets one (consent, analytics, sign-up, sign-in). */
    visitor?: 'assign';
  }
}

/** The subjects a request speaks for: the signed-in user and the visitor (the browser). */
export function subjectsOf(req: FastifyRequest): Subject[] {
  return [
    ...(req.session ? [{ type: 'user' as const, id: req.session.accountId }] : []),
    ...(req.visitorId ? [{ type: 'visitor' as const, id: req.visitorId }] : []),
  ];
}

/** Whose choices a consent request reads and changes: the signed-in user, else the visitor. */
export function consentSubjectOf(req: FastifyRequest): Subject | null {
  if (req.session) return { type: 'user', id: req.session.accountId };
  return req.visitorId ? { type: 'visitor', id: req.visitorId } : null;
}

function setVisitorCookie(reply: FastifyReply, id: string, secure: boolean): void {
  reply.setCookie(VISITOR_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: VISITOR_COOKIE_SECONDS });
}

/**
 * PRV-1 and PRV-5, for every request after authentication: the visitor id (a
 * random value, nothing personal; handed out only where a route needs one), and
 * the Global Privacy Control signal, honoured for the visitor and the user
 * before the route runs. A request without the signal changes nothing.
 */
export function registerPrivacyHooks(app: FastifyInstance, privacy: Privacy, cookieSecure: boolean): void {
  app.decorateRequest('visitorId', null);
  app.decorateRequest('gpc', false);
  // A plain callback: only a request with the signal (and someone to apply it to) waits for the database.
  app.addHook('onRequest', (req, reply, done) => {
    const cookie = req.cookies?.[VISITOR_COOKIE];
    req.visitorId = cookie && VISITOR_ID.test(cookie) ? cookie : null;
    req.gpc = false;
    // API clients (anything sending Authorization) are not browsers: they get no visitor id.
    if (!req.visitorId && req.routeOptions.config.visitor === 'assign' && req.headers.authorization === undefined) {
      req.visitorId = `vis_${randomToken(16)}`;
      setVisitorCookie(reply, req.visitorId, cookieSecure);
    }
    if (req.headers['sec-gpc'] !== '1') return done();
    const subjects = subjectsOf(req);
    if (subjects.length === 0) {
      req.gpc = true;
      return done();
    }
    privacy.consent.applyGpc(contextOf(req), subjects).then(
      () => {
        req.gpc = true;
        done();
      },
      (e: unknown) => done(e as Error),
    );
  });
}
