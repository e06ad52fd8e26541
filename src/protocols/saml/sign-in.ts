import type { FastifyReply, FastifyRequest } from 'fastify';
import { anonymousContext, type RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { SamlApplication } from '../../modules/federation/index.ts';
import { loginPage, type LoginForm } from '../shared/sign-in.page.ts';
import { answerSignIn, type AnswerDeps } from './answer.ts';
import { idpUrls } from './entities.ts';
import { SamlEdgeErrors } from './saml.errors.ts';

/** The Castellan web session's cookie (src/http/auth.ts). */
const WEB_SESSION_COOKIE = 'castellan_session';
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type Form = Record<string, string | undefined>;
type Who = { accountId: string; mfa: boolean };
export type NamedApplication = SamlApplication & { name: string };

export const contextOf = (req: FastifyRequest): RequestContext => anonymousContext(req.ip ?? null, req.id, typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null);
const field = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1024) : '');

/** The sign-in page of a pending sign-in: its form posts to `/saml/{id}/sso?login=...`. */
export const signInAction = (publicUrl: string, resourceId: string, pendingId: string) => `${new URL(idpUrls(publicUrl, resourceId).sso).pathname}?login=${encodeURIComponent(pendingId)}`;

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer').send(html);
}

export async function webSession(deps: AnswerDeps, req: FastifyRequest): Promise<(Who & { email: string; formToken: string }) | undefined> {
  const token = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[WEB_SESSION_COOKIE];
  if (!token || token.length > 512) return undefined;
  return deps.directory.sessionAccount(token);
}

/** GET: the sign-in form (with "Continue as" for a Castellan web session in this browser). */
export async function showSignIn(deps: AnswerDeps, req: FastifyRequest, reply: FastifyReply, app: NamedApplication, pendingId: string): Promise<FastifyReply> {
  const pending = await deps.directory.pendingSignIn(app.resourceId, pendingId);
  if (!pending) throw new AppError(SamlEdgeErrors.signInExpired);
  // ForceAuthn: a web session is not offered.
  const web = pending.forceAuthn ? undefined : await webSession(deps, req);
  return sendPage(reply, 200, loginPage({ siteName: deps.siteName, application: app.name, signedInAs: web?.email, action: signInAction(deps.publicUrl, app.resourceId, pendingId) }));
}

/**
 * POST: PRO-5, ACC-2, ACC-5, ACC-7: the password (and second factor) through THE credential check
 * (channel `saml`), or the Castellan web session; then the person must be a member of the
 * application's organization (with MFA when it requires it), and the answer is given.
 */
export async function submitSignIn(deps: AnswerDeps, req: FastifyRequest, reply: FastifyReply, app: NamedApplication, pendingId: string, form: Form): Promise<FastifyReply> {
  const pending = await deps.directory.pendingSignIn(app.resourceId, pendingId);
  if (!pending) throw new AppError(SamlEdgeErrors.signInExpired);
  const web = pending.forceAuthn ? undefined : await webSession(deps, req);
  const shown: LoginForm = { siteName: deps.siteName, application: app.name, email: field(form.email), signedInAs: web?.email, action: signInAction(deps.publicUrl, app.resourceId, pendingId) };
  const who = form.continue === '1' && web ? web : await checkPassword(deps, req, reply, form, shown);
  if (!who) return reply;
  const membership = await deps.directory.membershipOf(app.orgId, who.accountId);
  // ACC-5: an organization that requires MFA takes no sign-in without the second factor.
  if (membership?.orgRequiresMfa && !who.mfa) {
    const error = 'Your organization requires two-step verification: turn it on in your account, then sign in with its code.';
    return sendPage(reply, 403, loginPage({ ...shown, askCode: true, error }));
  }
  return answerSignIn(deps, reply, contextOf(req), app, pendingId, pending, membership?.id ?? null);
}

/** THE credential check; on a refusal the form is shown again with the check's own words, and undefined answered. */
async function checkPassword(deps: AnswerDeps, req: FastifyRequest, reply: FastifyReply, form: Form, shown: LoginForm): Promise<Who | undefined> {
  try {
    const code = field(form.code);
    return await deps.directory.verifyPassword(contextOf(req), shown.email ?? '', field(form.password), code === '' ? undefined : code);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const askCode = e.code === 'accounts.mfa_required' || e.code === 'accounts.invalid_mfa_code';
    const status = e.kind === 'rate_limited' ? 429 : e.kind === 'unauthenticated' ? 401 : e.kind === 'invalid' ? 400 : 403;
    if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
    await sendPage(reply, status, loginPage({ ...shown, askCode, error: e.message }));
    return undefined;
  }
}
