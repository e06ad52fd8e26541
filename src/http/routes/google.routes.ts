import type { FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { NoContent } from '../../contracts/common.ts';
import {
  GoogleCallbackQuery,
  GoogleLinkBody,
  GoogleLinkStatus,
  GoogleMfaBody,
  GoogleReauthenticated,
  GooglePending,
  GoogleSignedIn,
  GoogleSignupBody,
  GoogleStartQuery,
} from '../../contracts/google.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { AccountsErrors, GoogleErrors, type GoogleClaims, type GoogleFlow, type GoogleOutcome, sameSitePath } from '../../modules/accounts/index.ts';
import { callerOf, contextOf, csrfTokenFor, setSessionCookie } from '../auth.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { errorResponses } from '../schemas.ts';

/** The authorization request's secrets, between the redirect to Google and its answer (sealed, 10 minutes). */
const FLOW_COOKIE = 'castellan_google_flow';
/** What is left to do once Google answered (sealed, 15 minutes): never Google's tokens, only the claims ACC-4 keeps. */
const PENDING_COOKIE = 'castellan_google_pending';
const CALLBACK_PATH = '/auth/google/callback';
const COMPLETE_PAGE = '/google/complete';

/** The claims ACC-4 keeps, picked out of the validated ID token; everything else in it (picture, locale, hd) is dropped here. */
function keptClaims(claims: oidc.IDToken): GoogleClaims {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 320 ? v : null);
  const email = str(claims.email);
  return {
    sub: claims.sub,
    email,
    // Google sends a boolean; some providers send the string "true". Google speaks for the mailbox
    // only of a Gmail address, or of one in the Workspace domain the token names (`hd`, read here
    // and dropped): another address was verified once, when the Google account was made, and its
    // mailbox may have changed hands since.
    emailVerified: (claims.email_verified === true || claims.email_verified === 'true') && googleSpeaksFor(email, claims.hd),
    givenName: str(claims.given_name),
    familyName: str(claims.family_name),
  };
}

/** Whether Google is the authority for the address: Gmail's own, or the token's Workspace domain. */
function googleSpeaksFor(email: string | null, hd: unknown): boolean {
  const domain = email?.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (!domain) return false;
  return domain === 'gmail.com' || domain === 'googlemail.com' || (typeof hd === 'string' && hd.toLowerCase() === domain);
}

/** ACC-4: Sign in with Google (OpenID Connect, authorization code with PKCE, state and nonce). */
export function googleRoutes(app: HttpApp, deps: HttpDeps): void {
  const { accounts, directory, config, keys } = deps;
  const settings = config.google;
  const redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;
  let discovered: Promise<oidc.Configuration> | undefined;

  /** The provider's metadata, read once (and again after a failure). */
  function provider(): Promise<oidc.Configuration> {
    if (!settings.clientId || !settings.clientSecret) throw new AppError(GoogleErrors.disabled);
    const insecure = settings.issuer.startsWith('http:');
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, { redirect_uris: [redirectUri], response_types: ['code'] }, oidc.ClientSecretPost(settings.clientSecret), insecure ? { execute: [oidc.allowInsecureRequests] } : {})
      .catch((e: unknown) => {
        discovered = undefined;
        throw e;
      });
    return discovered;
  }

  const cookieOptions = (path: string, maxAge: number) => ({ httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, path, maxAge });
  const clear = (reply: FastifyReply, name: string, path: string) => reply.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path });

  /** The end of a step: signed in (a session cookie), or the completion page with what is left to do. */
  function land(reply: FastifyReply, outcome: GoogleOutcome) {
    if (outcome.kind === 'signed_in') {
      clear(reply, PENDING_COOKIE, '/');
      setSessionCookie(reply, outcome.token, config.sessionTtlSeconds, config.cookieSecure);
      return outcome.next;
    }
    if (outcome.kind === 'reauthenticated') return outcome.next;
    reply.setCookie(PENDING_COOKIE, outcome.pending, cookieOptions('/', 900));
    return COMPLETE_PAGE;
  }

  const signedIn = (reply: FastifyReply, outcome: GoogleOutcome) => {
    const next = land(reply, outcome);
    if (outcome.kind !== 'signed_in') throw new AppError(GoogleErrors.pendingExpired);
    return reply.status(201).send({ token: outcome.token, csrfToken: csrfTokenFor(keys.secret, outcome.sessionId), next });
  };

  const enabled = () => {
    if (!settings.clientId) throw new AppError(GoogleErrors.disabled);
  };

  app.get(
    '/auth/google',
    {
      config: { auth: 'optional' },
      schema: {
        // A browser's redirect, not an API call: kept out of the OpenAPI document, like the OpenID Provider's routes.
        hide: true,
        summary: 'Start Sign in with Google: redirects to Google with state, nonce and a PKCE challenge',
        querystring: GoogleStartQuery,
        response: { 302: NoContent, ...errorResponses(400, 401, 404) },
      },
    },
    async (req, reply) => {
      enabled();
      const rp = await provider().catch((e: unknown) => {
        req.log.warn({ err: e }, 'Google discovery failed');
        throw new AppError(GoogleErrors.signInFailed);
      });
      // ACC-5: a step-up through Google needs the person's own session, and Google to ask them again.
      const reauth = req.query.purpose === 'reauth' ? await accounts.google.startReauth(callerOf(req)) : undefined;
      const flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), next: sameSitePath(req.query.next), reauth };
      const url = oidc.buildAuthorizationUrl(rp, {
        ...(reauth ? { prompt: 'login', max_age: '0' } : {}),
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
      });
      reply.setCookie(FLOW_COOKIE, accounts.google.sealFlow(flow), cookieOptions('/auth/google', 600));
      return reply.redirect(url.href, 302);
    },
  );

  /** Where a refused callback lands: the sign-in page, with the problem's code (the browser arrived by a redirect, not a script). */
  async function callback(req: FastifyRequest<{ Querystring: GoogleCallbackQuery }>, reply: FastifyReply) {
    enabled();
    clear(reply, FLOW_COOKIE, '/auth/google');
    // No flow of this browser's, or Google's own refusal (the person cancelled): refused before the
    // throttle, since any page can make a browser load this address; only an exchange counts.
    let flow: GoogleFlow;
    try {
      flow = accounts.google.openFlow(req.cookies[FLOW_COOKIE]);
      if (req.query.error) throw new AppError(GoogleErrors.signInFailed);
    } catch {
      await accounts.google.refused(contextOf(req), req.query.error ? 'provider_error' : 'no_flow');
      return reply.redirect(`/sign-in?google=${encodeURIComponent(GoogleErrors.signInFailed.code)}`, 302);
    }
    try {
      const outcome = await accounts.google.callback(contextOf(req), async () => {
        const rp = await provider();
        const current = new URL(redirectUri);
        current.search = new URLSearchParams(req.query as Record<string, string>).toString();
        try {
          // A step-up continues only the session that started it.
          if (flow.reauth && (!req.caller || !('sessionId' in req.caller) || req.caller.sessionId !== flow.reauth.sessionId)) throw new Error('re-authentication from another session');
          const tokens = await oidc.authorizationCodeGrant(rp, current, {
            pkceCodeVerifier: flow.verifier,
            expectedState: flow.state,
            expectedNonce: flow.nonce,
            idTokenExpected: true,
            // A step-up needs a sign-in made for it: auth_time within the library's clock tolerance of now.
            ...(flow.reauth ? { maxAge: 0 } : {}),
          });
          const claims = tokens.claims();
          if (!claims) throw new Error('no ID token');
          // The tokens go no further than this function: only the claims ACC-4 keeps leave it.
          return { claims: keptClaims(claims), next: flow.next, reauth: flow.reauth };
        } catch (e) {
          req.log.info({ err: e instanceof Error ? e.message : String(e) }, 'Google sign-in refused');
          throw new AppError(GoogleErrors.signInFailed);
        }
      });
      return reply.redirect(land(reply, outcome), 302);
    } catch (e) {
      if (!isAppError(e) || e.kind === 'internal' || e.is(GoogleErrors.disabled)) throw e;
      if (e.is(AccountsErrors.locked) && e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
      return reply.redirect(`/sign-in?google=${encodeURIComponent(e.code)}`, 302);
    }
  }

  app.get(
    CALLBACK_PATH,
    {
      config: { auth: 'optional', visitor: 'assign' },
      schema: {
        hide: true,
        summary: "Google's answer: signs in, or leads to the completion page (new account, link, or second factor); a refusal lands on /sign-in?google=<code>",
        querystring: GoogleCallbackQuery,
        response: { 302: NoContent, ...errorResponses(400, 404) },
      },
    },
    callback,
  );

  app.get(
    '/api/v1/auth/google/pending',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['google'],
        summary: 'What is left after Google answered: a new account, a link to an existing account, or its second factor',
        response: { 200: GooglePending, ...errorResponses(401, 404) },
      },
    },
    async (req) => {
      enabled();
      return accounts.google.describe(req.cookies[PENDING_COOKIE]);
    },
  );

  app.post(
    '/api/v1/auth/google/signup',
    {
      config: { auth: 'none', visitor: 'assign' },
      schema: {
        tags: ['google'],
        summary: 'Finish a sign-up through Google: age confirmation (DSR-8) and the organization; answers a session',
        body: GoogleSignupBody,
        response: { 201: GoogleSignedIn, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => {
      enabled();
      return signedIn(reply, await directory.onboarding.signupWithGoogle(contextOf(req), req.cookies[PENDING_COOKIE], req.body));
    },
  );

  app.post(
    '/api/v1/auth/google/link',
    {
      config: { auth: 'none', visitor: 'assign' },
      schema: {
        tags: ['google'],
        summary: "Link Google to the existing account with the same verified address, proven by that account's password (and code)",
        body: GoogleLinkBody,
        response: { 201: GoogleSignedIn, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      enabled();
      return signedIn(reply, await accounts.google.link(contextOf(req), req.cookies[PENDING_COOKIE], req.body));
    },
  );

  app.post(
    '/api/v1/auth/google/mfa',
    {
      config: { auth: 'optional', visitor: 'assign' },
      schema: {
        tags: ['google'],
        summary: 'Finish a Google sign-in to an account with two-step verification: its code (ACC-5). For a step-up through Google (purpose=reauth), answers 200 and the session counts as re-authenticated',
        body: GoogleMfaBody,
        response: { 200: GoogleReauthenticated, 201: GoogleSignedIn, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      enabled();
      const sessionId = req.caller && 'sessionId' in req.caller ? req.caller.sessionId : null;
      const outcome = await accounts.google.completeMfa(contextOf(req), req.cookies[PENDING_COOKIE], req.body.totp, sessionId);
      if (outcome.kind === 'reauthenticated') {
        clear(reply, PENDING_COOKIE, '/');
        return reply.status(200).send({ until: outcome.until, next: outcome.next });
      }
      return signedIn(reply, outcome);
    },
  );

  app.get(
    '/api/v1/me/google',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['google'],
        summary: 'Whether a Google account is linked to the signed-in account',
        response: { 200: GoogleLinkStatus, ...errorResponses(401, 403) },
      },
    },
    async (req) => accounts.google.status(callerOf(req)),
  );

  app.delete(
    '/api/v1/me/google',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['google'],
        summary: 'Unlink Google from the signed-in account (it must have a password to sign in with)',
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await accounts.google.unlink(contextOf(req), callerOf(req));
      return reply.status(204).send();
    },
  );
}
