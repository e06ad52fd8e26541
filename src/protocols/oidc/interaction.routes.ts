import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction, InteractionResults } from 'oidc-provider';
import { anonymousContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { INTERACTION_PATH } from './configuration.ts';
import { expiredPage, interactionCsp, loginPage, type LoginForm } from './interaction.page.ts';
import { type DenialReason, denialPage, denialText } from './denial.page.ts';
import type { OidcApplication, OidcDirectory } from './port.ts';

/** The largest sign-in form accepted: an email, a password and a code. */
const FORM_LIMIT = 8 * 1024;
/** The Castellan web session's cookie (src/http/auth.ts). */
const WEB_SESSION_COOKIE = 'castellan_session';

export interface InteractionDeps {
  provider: () => Provider;
  directory: OidcDirectory;
  siteName: string;
}

type Form = Record<string, string | undefined>;
type Who = { accountId: string; mfa: boolean };

/**
 * PRO-2, DIR-3, ACC-5, ACC-7: the login interaction at `/oidc/interaction/:uid`. GET shows the
 * sign-in page naming the application; POST checks the password (and the second factor) through
 * THE credential check, or continues a Castellan web session; then the person must be a member of
 * the application's organization whom the one access decision lets use it. Consent is implicit:
 * the organization's admin bound the application, so the requested scopes are granted here.
 */
export async function registerInteraction(app: FastifyInstance, deps: InteractionDeps): Promise<void> {
  const { directory, siteName } = deps;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const opts = { schema: { hide: true } };
    scope.get(`${INTERACTION_PATH}/:uid`, opts, async (req, reply) => step(req, reply, undefined));
    scope.post(`${INTERACTION_PATH}/:uid`, opts, async (req, reply) => step(req, reply, (req.body ?? {}) as Form));
  });

  async function step(req: FastifyRequest, reply: FastifyReply, form: Form | undefined) {
    const provider = deps.provider();
    let details: Interaction;
    try {
      details = await provider.interactionDetails(req.raw, reply.raw);
    } catch {
      return send(reply, 400, expiredPage(siteName), undefined);
    }
    const redirectOrigin = originOf(details.params.redirect_uri);
    const application = await directory.application(String(details.params.client_id));
    if (!application) return send(reply, 400, expiredPage(siteName), redirectOrigin);
    // The session already names a member (new scopes asked of a known grant): consent is implicit.
    if (details.prompt.name === 'consent' && details.session?.accountId) {
      return decide(req, reply, provider, details, application, details.session.accountId, false);
    }
    const web = await webSession(req);
    if (!form) return send(reply, 200, loginPage({ siteName, application: application.name, signedInAs: web?.email }), redirectOrigin);

    const shown: LoginForm = { siteName, application: application.name, email: field(form.email), signedInAs: web?.email };
    const who = form.continue === '1' && web ? web : await checkPassword(req, reply, form, shown, redirectOrigin);
    if (!who) return reply;
    const membership = await directory.membershipOf(application.orgId, who.accountId);
    if (!membership) return deny(req, reply, provider, details, application, 'not_member');
    // ACC-5: an organization that requires MFA takes no sign-in without the second factor.
    if (membership.orgRequiresMfa && !who.mfa) {
      const error = 'Your organization requires two-step verification: turn it on in your account, then sign in with its code.';
      return send(reply, 403, loginPage({ ...shown, askCode: true, error }), redirectOrigin);
    }
    return decide(req, reply, provider, details, application, membership.id, true);
  }

  /**
   * ACC-2, ACC-5, ACC-7: THE credential check (channel `oidc`). On a refusal the form is shown again
   * with the check's own words, which never tell whether the email exists, and undefined answered.
   */
  async function checkPassword(req: FastifyRequest, reply: FastifyReply, form: Form, shown: LoginForm, redirectOrigin: string | undefined): Promise<Who | undefined> {
    try {
      const ctx = contextOf(req);
      const code = field(form.code);
      return await directory.verifyPassword(ctx, shown.email ?? '', field(form.password), code === '' ? undefined : code);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const askCode = e.code === 'accounts.mfa_required' || e.code === 'accounts.invalid_mfa_code';
      const status = e.kind === 'rate_limited' ? 429 : e.kind === 'unauthenticated' ? 401 : 403;
      if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
      await send(reply, status, loginPage({ ...shown, askCode, error: e.message }), redirectOrigin);
      return undefined;
    }
  }

  /** DIR-3: the one access decision; then the login, and the implicit consent as a Grant. */
  async function decide(req: FastifyRequest, reply: FastifyReply, provider: Provider, details: Interaction, application: OidcApplication, membershipId: string, login: boolean) {
    const allowed = await directory.mayUse(application.orgId, membershipId, application.resourceId);
    await directory.recordSignIn(contextOf(req), { orgId: application.orgId, membershipId, resourceId: application.resourceId, allowed });
    if (!allowed) {
      const member = await directory.member(application.orgId, membershipId);
      return deny(req, reply, provider, details, application, member?.status === 'suspended' ? 'suspended' : 'no_access');
    }
    const grantId = await implicitGrant(provider, details, membershipId);
    const result: InteractionResults = { ...(login ? { login: { accountId: membershipId } } : {}), consent: { grantId } };
    const to = await provider.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.redirect(to, 303);
  }

  /**
   * RFC 6749 §4.1.2.1: back to the application with `error=access_denied`, its `state` and `iss`
   * (RFC 9207); or, when its admin chose so (`settings.denialPage`), a Castellan page that says why
   * and links back with that same response.
   */
  async function deny(req: FastifyRequest, reply: FastifyReply, provider: Provider, details: Interaction, application: OidcApplication, reason: DenialReason) {
    const description = denialText(reason, application.name);
    const to = await provider.interactionResult(req.raw, reply.raw, { error: 'access_denied', error_description: description }, { mergeWithLastSubmission: false });
    const client = await provider.Client.find(String(details.params.client_id));
    if ((client as unknown as { castellan_denial_page?: boolean } | undefined)?.castellan_denial_page !== true) return reply.redirect(to, 303);
    const back = errorResponseUri(details, provider.issuer, description) ?? to;
    return send(reply, 403, denialPage({ siteName, application: application.name, reason, back }), originOf(details.params.redirect_uri));
  }

  async function webSession(req: FastifyRequest): Promise<(Who & { email: string }) | undefined> {
    const token = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[WEB_SESSION_COOKIE];
    if (!token) return undefined;
    const s = await directory.sessionAccount(token);
    return s ? { accountId: s.accountId, mfa: s.mfa, email: s.email } : undefined;
  }
}

/**
 * The Grant of an implicit consent: every scope and claim the application asked for, for this
 * member (a grant of another member is never extended).
 */
async function implicitGrant(provider: Provider, details: Interaction, membershipId: string): Promise<string> {
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  // A new grant is made with its client: its lifetime follows the application's refresh-token lifetime (tokens.ts).
  const reuse = existing !== undefined && existing.accountId === membershipId && existing.clientId === clientId;
  const client = reuse ? undefined : await provider.Client.find(clientId);
  const grant =
    reuse && existing
      ? existing
      : // The library's BaseToken takes `client` too (its typings name only `clientId`).
        new provider.Grant({ accountId: membershipId, ...(client ? { client } : { clientId }) } as ConstructorParameters<typeof provider.Grant>[0]);
  if (typeof details.params.scope === 'string') {
    grant.addOIDCScope(details.params.scope);
    // RFC 8707: a JWT application's resource (tokens.ts) gets the same scopes.
    for (const resource of resourcesOf(details.params.resource)) grant.addResourceScope(resource, details.params.scope);
  }
  const claims = requestedClaims(details.params.claims);
  if (claims.length > 0) grant.addOIDCClaims(claims);
  return grant.save();
}

const resourcesOf = (value: unknown): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** OIDC Core §5.5: the names in a `claims` request parameter. */
function requestedClaims(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed = JSON.parse(value) as { id_token?: Record<string, unknown>; userinfo?: Record<string, unknown> };
    return [...new Set([...Object.keys(parsed.id_token ?? {}), ...Object.keys(parsed.userinfo ?? {})])];
  } catch {
    return [];
  }
}

/**
 * The error response at the redirect URI itself, as the provider would send it (RFC 6749 §4.1.2.1,
 * RFC 9207 `iss`), for the query and fragment response modes; undefined for the others (the page
 * then links to the provider, which answers in the mode asked for).
 */
function errorResponseUri(details: Interaction, issuer: string, description: string): string | undefined {
  const mode = details.params.response_mode ?? 'query';
  if (typeof details.params.redirect_uri !== 'string' || (mode !== 'query' && mode !== 'fragment')) return undefined;
  const params = new URLSearchParams({ error: 'access_denied', error_description: description });
  if (typeof details.params.state === 'string') params.set('state', details.params.state);
  params.set('iss', issuer);
  const url = new URL(details.params.redirect_uri);
  if (mode === 'fragment') url.hash = params.toString();
  else for (const [k, v] of params) url.searchParams.set(k, v);
  return url.href;
}

const contextOf = (req: FastifyRequest) => anonymousContext(req.ip ?? null, req.id, typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null);

const field = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1024) : '');

function originOf(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return undefined;
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}

function send(reply: FastifyReply, status: number, html: string, redirectOrigin: string | undefined) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', interactionCsp(redirectOrigin))
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .send(html);
}
