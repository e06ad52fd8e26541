import type { FastifyInstance } from 'fastify';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { contextOf, csrfTokenFor, principalOf } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';

const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const recoveryCodes = {
  type: 'object',
  properties: { recoveryCodes: { type: 'array', items: { type: 'string' } } },
  required: ['recoveryCodes'],
} as const;

/** The signed-in person's own account: profile, password, sessions and MFA (ACC-2, ACC-5, ACC-6). */
export function meRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { accounts, keys } = deps;
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/me',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'The signed-in user (or staff member), their organization, and the CSRF token for cookie-authenticated writes',
        response: {
          200: {
            type: 'object',
            properties: {
              user: ref('User'),
              organization: { anyOf: [ref('Organization'), { type: 'null' }] },
              csrfToken: { type: 'string' },
            },
            required: ['user', 'organization', 'csrfToken'],
          },
          ...errorResponses(401),
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return { ...(await accounts.me(p)), csrfToken: csrfTokenFor(keys.secret, p.sessionId) };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Change your own profile (name)',
        body: strictObject({ name: { type: 'string', minLength: 1, maxLength: 200 } }, ['name']),
        response: { 200: { type: 'object', properties: { user: ref('User') }, required: ['user'] }, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req) => ({ user: await accounts.updateProfile(contextOf(req), principalOf(req), req.body as { name: string }) }),
  );

  app.post(
    '/api/v1/me/password',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Change the password (the current one is asked again); other sessions end',
        body: strictObject({ currentPassword: password, newPassword: password }, ['currentPassword', 'newPassword']),
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const { currentPassword, newPassword } = req.body as { currentPassword: string; newPassword: string };
      await accounts.changePassword(contextOf(req), principalOf(req), currentPassword, newPassword);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/me/sessions',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: "The user's active sessions",
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    createdAt: { type: 'string' },
                    lastSeenAt: { type: 'string' },
                    expiresAt: { type: 'string' },
                    ip: { type: ['string', 'null'] },
                    userAgent: { type: ['string', 'null'] },
                    current: { type: 'boolean' },
                  },
                },
              },
            },
          },
          ...errorResponses(401),
        },
      },
    },
    async (req) => ({ items: await accounts.sessions.list(principalOf(req)) }),
  );

  app.delete(
    '/api/v1/me/sessions/:sessionId',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Revoke one of your sessions',
        params: strictObject({ sessionId: { type: 'string', minLength: 1, maxLength: 100 } }, ['sessionId']),
        response: { 204: { type: 'null' }, ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const { sessionId } = req.params as { sessionId: string };
      if (!(await accounts.sessions.revoke(contextOf(req), principalOf(req), sessionId)))
        throw new AppError(CommonErrors.notFound);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/me/mfa',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Whether TOTP is on, and how many recovery codes are left',
        response: {
          200: { type: 'object', properties: { enabled: { type: 'boolean' }, recoveryCodesLeft: { type: 'integer' } } },
          ...errorResponses(401),
        },
      },
    },
    async (req) => accounts.mfa.status(principalOf(req).user.id),
  );

  app.post(
    '/api/v1/me/mfa/totp',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI, in force once confirmed',
        response: {
          201: {
            type: 'object',
            properties: { secret: { type: 'string' }, otpauthUri: { type: 'string' } },
            required: ['secret', 'otpauthUri'],
          },
          ...errorResponses(401, 403, 409),
        },
      },
    },
    async (req, reply) => reply.status(201).send(await accounts.mfa.enrol(contextOf(req), principalOf(req).user.id)),
  );

  app.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Confirm enrolment with a current code; answers ten single-use recovery codes, shown once',
        body: strictObject({ code: { type: 'string', minLength: 1, maxLength: 20 } }, ['code']),
        response: { 200: recoveryCodes, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req) => accounts.mfa.confirm(contextOf(req), principalOf(req).user.id, (req.body as { code: string }).code),
  );

  app.post(
    '/api/v1/me/mfa/totp/disable',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Turn TOTP off; asks for the current password',
        body: strictObject({ password }, ['password']),
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req, reply) => {
      await accounts.mfa.disable(contextOf(req), principalOf(req).user.id, (req.body as { password: string }).password);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/me/mfa/recovery-codes',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Replace the recovery codes with ten new ones; asks for the current password',
        body: strictObject({ password }, ['password']),
        response: { 200: recoveryCodes, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req) =>
      accounts.mfa.regenerateRecoveryCodes(contextOf(req), principalOf(req).user.id, (req.body as { password: string }).password),
  );
}
