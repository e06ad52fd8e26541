import { NoContent } from '../../contracts/common.ts';
import { PasswordResetBody, PasswordResetConfirmBody, SignInBody, SignInResponse } from '../../contracts/sessions.ts';
import { clearSessionCookie, contextOf, csrfTokenFor, callerOf, setSessionCookie } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { personOfAccount } from '../people.ts';

/** Sign-in and sign-out (ACC-5, ACC-7), and password reset by emailed token (ACC-2). */
export function sessionsRoutes(app: HttpApp, deps: HttpDeps): void {
  const { accounts, config, keys } = deps;

  app.post(
    '/api/v1/sessions',
    {
      config: { auth: 'none', visitor: 'assign' },
      schema: {
        tags: ['sessions'],
        summary: 'Sign in; answers a bearer token and sets an HttpOnly session cookie',
        body: SignInBody,
        response: { 201: SignInResponse, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      const { token, account, sessionId } = await accounts.sessions.signIn(contextOf(req), req.body);
      setSessionCookie(reply, token, config.sessionTtlSeconds, config.cookieSecure);
      const user = await personOfAccount(deps, account);
      return reply.status(201).send({ token, csrfToken: csrfTokenFor(keys.secret, sessionId), user });
    },
  );

  app.delete(
    '/api/v1/sessions/current',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['sessions'],
        summary: 'Sign out of this session',
        response: { 204: NoContent, ...errorResponses(401, 403) },
      },
    },
    async (req, reply) => {
      await accounts.sessions.signOut(contextOf(req), callerOf(req));
      clearSessionCookie(reply, config.cookieSecure);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/password-resets',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['sessions'],
        summary: 'Ask for a password-reset email; always 202, whether or not the email has an account',
        body: PasswordResetBody,
        response: { 202: NoContent, ...errorResponses(400, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      await accounts.requestReset(contextOf(req), req.body.email);
      return reply.status(202).send();
    },
  );

  app.post(
    '/api/v1/password-resets/confirm',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['sessions'],
        summary: 'Set a new password with the emailed single-use token; every session of the account ends',
        body: PasswordResetConfirmBody,
        response: { 204: NoContent, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => {
      const { token, password } = req.body;
      await accounts.confirmReset(contextOf(req), token, password);
      return reply.status(204).send();
    },
  );
}
