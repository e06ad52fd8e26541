import { SignupBody, VerifyEmailBody, VerifyEmailResponse } from '../../contracts/accounts.ts';
import { NoContent, UserAndOrganization } from '../../contracts/common.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { whoAmI } from '../people.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';

/** ACC-1, ACC-3, DSR-8: sign-up and email verification. */
export function accountsRoutes(app: HttpApp, deps: HttpDeps): void {
  const { accounts, directory } = deps;

  app.post(
    '/api/v1/signup',
    {
      config: { auth: 'none', visitor: 'assign' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account and its organization (free plan); a verification email is sent',
        body: SignupBody,
        response: { 201: UserAndOrganization, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => reply.status(201).send(await directory.onboarding.signup(contextOf(req), req.body)),
  );

  app.post(
    '/api/v1/email-verification',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['accounts'],
        summary: 'Verify an email address with the single-use token from the verification email',
        body: VerifyEmailBody,
        response: { 200: VerifyEmailResponse, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (req) => {
      const account = await accounts.verifyEmail(contextOf(req), req.body.token);
      return { user: (await whoAmI(deps, account.id)).user };
    },
  );

  app.post(
    '/api/v1/email-verification/resend',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['accounts'],
        summary: 'Send a new verification email to the signed-in user',
        response: { 202: NoContent, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      await accounts.resendVerification(contextOf(req), callerOf(req));
      return reply.status(202).send();
    },
  );
}
