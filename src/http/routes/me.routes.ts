import { NoContent } from '../../contracts/common.ts';
import { EmailChangePendingApproval } from '../../contracts/email-change-requests.ts';
import { Type } from 'typebox';
import {
  ChangePasswordBody,
  Me,
  MeQuery,
  MfaStatus,
  MyApplicationList,
  EmailChangeBody,
  EmailChangeConfirmBody,
  EmailChangeStatus,
  ProfileBody,
  ReauthBody,
  Reauthenticated,
  StepUpBody,
  ProfileResponse,
  RecoveryCodes,
  SessionList,
  SessionParams,
  TotpConfirmBody,
  TotpEnrolment,
  SessionProbe,
  SessionProbeQuery,
} from '../../contracts/me.ts';
import { accountIdOf } from '../../core/caller.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { callerOf, contextOf, csrfTokenFor, sessionOf } from '../auth.ts';
import { whoAmI } from '../people.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** The signed-in person's own account: profile, password, sessions and MFA (ACC-2, ACC-5, ACC-6). */
export function meRoutes(app: HttpApp, deps: HttpDeps): void {
  const { accounts, keys } = deps;
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/session',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['me'],
        summary: 'Whether the request comes with a live session: `{signedIn}`, always 200, so public pages ask without a failed request',
        querystring: SessionProbeQuery,
        response: { 200: SessionProbe, ...errorResponses(400) },
      },
    },
    async (req) => ({ signedIn: req.caller !== null }),
  );

  app.get(
    '/api/v1/me',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary:
          'The signed-in person: their account, their memberships and pending invitations, the organization in view (`orgId`, else their first) with their user there, and the CSRF token for cookie-authenticated writes',
        querystring: MeQuery,
        response: { 200: Me, ...errorResponses(400, 401) },
      },
    },
    async (req) => {
      const session = sessionOf(req);
      return { ...(await whoAmI(deps, session.accountId, req.query.orgId)), csrfToken: csrfTokenFor(keys.secret, session.sessionId) };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Change your own profile (name)',
        body: ProfileBody,
        response: { 200: ProfileResponse, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req) => {
      await accounts.updateProfile(contextOf(req), callerOf(req), req.body);
      return { user: (await whoAmI(deps, sessionOf(req).accountId)).user };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Change the password (the current one, and the code with TOTP on, asked again, or a re-authentication just before); other sessions end',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => {
      await accounts.changePassword(contextOf(req), callerOf(req), req.body);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/me/reauth',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Re-authenticate: the password (and the code with TOTP on); for five minutes this session may make security changes without entering them again',
        body: ReauthBody,
        response: { 200: Reauthenticated, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (req) => accounts.stepUp.reauthenticate(contextOf(req), callerOf(req), req.body),
  );

  app.get(
    '/api/v1/me/email',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Whether a change of address is waiting for its link to be opened (`pending`), or for the approval of the organization that administers the account (`approval`, GOV-4)',
        response: { 200: EmailChangeStatus, ...errorResponses(401) },
      },
    },
    async (req) => ({ pending: await accounts.emailChange.pending(callerOf(req)), approval: await accounts.emailChange.pendingApproval(callerOf(req)) }),
  );

  app.post(
    '/api/v1/me/email',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary:
          'Change your address (step-up): a link goes to the new address, and the old one is told; nothing changes until the link is opened (202, no body). GOV-4: when an organization administers the account, the change waits for its admins instead (202 `{state: "pending_approval", requestId}`; 409 while another waits). Answers alike whether or not the new address has an account',
        body: EmailChangeBody,
        response: { 202: Type.Union([EmailChangePendingApproval, NoContent]), ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => {
      const started = await accounts.emailChange.request(contextOf(req), callerOf(req), req.body);
      return started.state === 'pending_approval' ? reply.status(202).send(started) : reply.status(202).send(undefined);
    },
  );

  app.post(
    '/api/v1/email-changes/confirm',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['me'],
        summary: 'Open the link sent to the new address: the account takes it (verified), and the old address is told. GOV-4: an account an organization administers takes only an address its admins approved (403 otherwise)',
        body: EmailChangeConfirmBody,
        response: { 204: NoContent, ...errorResponses(400, 403, 409, 413, 415, 422, 429) },
      },
    },
    async (req, reply) => {
      await accounts.emailChange.confirm(contextOf(req), req.body.token);
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
        response: { 200: SessionList, ...errorResponses(401) },
      },
    },
    async (req) => ({ items: await accounts.sessions.list(callerOf(req)) }),
  );

  app.get(
    '/api/v1/me/applications',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary:
          'The single sign-on applications you may use, in every organization where you are an active member (the access decision), each with the address that opens it: SAML applications by IdP-initiated sign-in, OpenID Connect ones by their initiate-login URI when the admin set one',
        response: { 200: MyApplicationList, ...errorResponses(401) },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const accountId = accountIdOf(caller);
      if (accountId === null || caller.kind === 'staff') return { items: [] };
      const issuer = `${deps.config.publicUrl}/oidc`;
      const items = await deps.directory.federation.applicationsOf(accountId);
      return {
        items: items.map((a) => ({
          resourceId: a.resourceId,
          orgId: a.orgId,
          orgName: a.orgName,
          name: a.name,
          protocol: a.protocol,
          launchUrl: a.protocol === 'saml' ? `/saml/${encodeURIComponent(a.resourceId)}/init` : a.initiateLoginUri === null ? null : withIssuer(a.initiateLoginUri, issuer),
        })),
      };
    },
  );

  app.delete(
    '/api/v1/me/sessions/:sessionId',
    {
      config: auth,
      schema: {
        tags: ['me'],
        summary: 'Revoke one of your sessions',
        params: SessionParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      if (!(await accounts.sessions.revoke(contextOf(req), callerOf(req), req.params.sessionId)))
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
        response: { 200: MfaStatus, ...errorResponses(401) },
      },
    },
    async (req) => accounts.mfa.status(callerOf(req)),
  );

  app.post(
    '/api/v1/me/mfa/totp',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Start TOTP enrolment (step-up: the password again, or a re-authentication just before): a new secret and its otpauth:// URI, in force once confirmed',
        body: StepUpBody,
        response: { 201: TotpEnrolment, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (req, reply) => reply.status(201).send(await accounts.mfa.enrol(contextOf(req), callerOf(req), req.body)),
  );

  app.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Confirm enrolment with a current code; answers ten single-use recovery codes, shown once',
        body: TotpConfirmBody,
        response: { 200: RecoveryCodes, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (req) => accounts.mfa.confirm(contextOf(req), callerOf(req), req.body.code),
  );

  app.post(
    '/api/v1/me/mfa/totp/disable',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Turn TOTP off (step-up: the password and a code again, or a re-authentication just before)',
        body: StepUpBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      await accounts.mfa.disable(contextOf(req), callerOf(req), req.body);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/me/mfa/recovery-codes',
    {
      config: auth,
      schema: {
        tags: ['mfa'],
        summary: 'Replace the recovery codes with ten new ones (step-up: the password and a code again, or a re-authentication just before)',
        body: StepUpBody,
        response: { 200: RecoveryCodes, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (req) => accounts.mfa.regenerateRecoveryCodes(contextOf(req), callerOf(req), req.body),
  );
}

/** OpenID Connect Core §4: a third-party-initiated login names the issuer the application should use. */
function withIssuer(initiateLoginUri: string, issuer: string): string {
  const url = new URL(initiateLoginUri);
  url.searchParams.set('iss', issuer);
  return url.toString();
}
