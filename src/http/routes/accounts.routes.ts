import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, ref, strictObject } from '../schemas.ts';

const str = (maxLength: number, minLength = 0) => ({ type: 'string', minLength, maxLength }) as const;

/** ACC-1, ACC-3, DSR-8: sign-up and email verification. */
export function accountsRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { accounts } = deps;

  app.post(
    '/api/v1/signup',
    {
      config: { auth: 'none', visitor: 'assign' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account and its organization (free plan); a verification email is sent',
        body: strictObject(
          {
            email: { type: 'string', format: 'email', maxLength: 254 },
            password: str(1024, 1),
            name: str(200, 1),
            companyName: str(200, 1),
            companySize: str(50),
            phone: str(50),
            address: str(500),
            ageConfirmed: { type: 'boolean', description: 'The person confirms they are 16 or older (DSR-8)' },
            personalization: { type: 'boolean', description: 'false opts out of personalization, on the form that collects the data (PRV-3)' },
          },
          ['email', 'password', 'name', 'companyName', 'ageConfirmed'],
        ),
        response: {
          201: {
            type: 'object',
            properties: { user: ref('User'), organization: ref('Organization') },
            required: ['user', 'organization'],
          },
          ...errorResponses(400, 413, 415, 422, 429),
        },
      },
    },
    async (req, reply) => {
      const result = await accounts.signup(contextOf(req), req.body as Parameters<typeof accounts.signup>[1]);
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/v1/email-verification',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['accounts'],
        summary: 'Verify an email address with the single-use token from the verification email',
        body: strictObject({ token: str(200, 1) }, ['token']),
        response: { 200: { type: 'object', properties: { user: ref('User') } }, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req) => {
      const { token } = req.body as { token: string };
      return { user: await accounts.verifyEmail(contextOf(req), token) };
    },
  );

  app.post(
    '/api/v1/email-verification/resend',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['accounts'],
        summary: 'Send a new verification email to the signed-in user',
        response: { 202: { type: 'null' }, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      await accounts.resendVerification(contextOf(req), principalOf(req).user.id);
      return reply.status(202).send();
    },
  );
}
