import type { FastifyInstance } from 'fastify';
import { clearSessionCookie, contextOf, csrfTokenFor, principalOf, setSessionCookie } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';

/** Sign-in and sign-out (ACC-5, ACC-7), and password reset by emailed token (ACC-2). */
export function sessionsRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { accounts, config, keys } = deps;

  app.post(
    '/api/v1/sessions',
    {
      config: { auth: 'none', visitor: 'assign' },
      schema: {
        tags: ['sessions'],
        summary: 'Sign in; answers a bearer token and sets an HttpOnly session cookie',
        body: strictObject(
          {
            email: { type: 'string', minLength: 1, maxLength: 254 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
            totp: { type: 'string', minLength: 1, maxLength: 20, description: 'TOTP code or recovery code, once MFA is on' },
          },
          ['email', 'password'],
        ),
        response: {
          201: {
            type: 'object',
            properties: { token: { type: 'string' }, csrfToken: { type: 'string' }, user: ref('User') },
            required: ['token', 'csrfToken', 'user'],
          },
          ...errorResponses(400, 401, 403, 413, 415, 429),
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { email: string; password: string; totp?: string };
      const { token, user, sessionId } = await accounts.sessions.signIn(contextOf(req), body);
      setSessionCookie(reply, token, config.sessionTtlSeconds, config.cookieSecure);
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
        response: { 204: { type: 'null' }, ...errorResponses(401, 403) },
      },
    },
    async (req, reply) => {
      await accounts.sessions.signOut(contextOf(req), principalOf(req));
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
        body: strictObject({ email: { type: 'string', minLength: 1, maxLength: 254 } }, ['email']),
        response: { 202: { type: 'null' }, ...errorResponses(400, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      await accounts.requestReset(contextOf(req), (req.body as { email: string }).email);
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
        body: strictObject(
          {
            token: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
          ['token', 'password'],
        ),
        response: { 204: { type: 'null' }, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => {
      const { token, password } = req.body as { token: string; password: string };
      await accounts.confirmReset(contextOf(req), token, password);
      return reply.status(204).send();
    },
  );
}
