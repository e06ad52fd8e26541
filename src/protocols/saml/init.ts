import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import { HttpErrors } from '../../http/problems.ts';
import type { SamlPending } from '../../modules/federation/index.ts';
import { escapeHtml, page } from '../shared/sign-in.page.ts';
import { answerSignIn, type AnswerDeps } from './answer.ts';
import { idpUrls } from './entities.ts';
import { contextOf, type NamedApplication, sendPage, signInAction, webSession } from './sign-in.ts';

/**
 * PRO-5: IdP-initiated SSO (SAML Profiles §4.1.5), the user portal's link `GET /saml/{id}/init`.
 * A GET any page can make a browser send, so it signs no one in by itself: with a web session it
 * shows "Continue to <application>", a form whose POST carries a token bound to that session
 * (login CSRF); without one, the sign-in page comes first. The RelayState is the application's
 * `defaultRelayState` or none, never one from the request (an open redirect at many SPs).
 */

type Form = Record<string, string | undefined>;
type Web = NonNullable<Awaited<ReturnType<typeof webSession>>>;

const initAction = (publicUrl: string, resourceId: string) => new URL(idpUrls(publicUrl, resourceId).init).pathname;

const idpInitiated = (a: NamedApplication): SamlPending => ({ requestId: null, acsUrl: a.settings.acsUrls[0] as string, relayState: a.settings.defaultRelayState, forceAuthn: false });

/** A member of the application's organization whose session may sign in (with the second factor when the organization requires it). */
async function readyMember(deps: AnswerDeps, a: NamedApplication, web: Web | undefined): Promise<string | undefined> {
  const membership = web ? await deps.directory.membershipOf(a.orgId, web.accountId) : undefined;
  return web && membership && (!membership.orgRequiresMfa || web.mfa) ? membership.id : undefined;
}

/** The sign-in page, for a new pending IdP-initiated sign-in. */
async function toSignIn(deps: AnswerDeps, reply: FastifyReply, a: NamedApplication): Promise<FastifyReply> {
  const pendingId = await deps.directory.beginSignIn(a.resourceId, idpInitiated(a));
  return reply.redirect(signInAction(deps.publicUrl, a.resourceId, pendingId), 303);
}

function continuePage(deps: AnswerDeps, a: NamedApplication, web: Web): string {
  const body = `<p>You are signed in as ${escapeHtml(web.email)}.</p>
<form action="${escapeHtml(initAction(deps.publicUrl, a.resourceId))}" method="post">
<input type="hidden" name="csrf" value="${escapeHtml(web.formToken)}">
<button type="submit">Continue to ${escapeHtml(a.name)}</button>
</form>`;
  return page(deps.siteName, `Continue to ${a.name}`, body);
}

/** GET: "Continue to <application>" for a web session that may sign in; otherwise the sign-in page. Nothing is issued. */
export async function showInit(deps: AnswerDeps, req: FastifyRequest, reply: FastifyReply, a: NamedApplication): Promise<FastifyReply> {
  const web = await webSession(deps, req);
  if (web && (await readyMember(deps, a, web))) return sendPage(reply, 200, continuePage(deps, a, web));
  return toSignIn(deps, reply, a);
}

/** POST: the continue form. Without this web session's token (a cross-site form), 403 and nothing issued. */
export async function submitInit(deps: AnswerDeps, req: FastifyRequest, reply: FastifyReply, a: NamedApplication, form: Form): Promise<FastifyReply> {
  const web = await webSession(deps, req);
  const sent = form.csrf;
  if (!web || typeof sent !== 'string' || !constantTimeEqual(sent, web.formToken)) throw new AppError(HttpErrors.csrfFailed);
  const membershipId = await readyMember(deps, a, web);
  if (!membershipId) return toSignIn(deps, reply, a);
  const pending = idpInitiated(a);
  const pendingId = await deps.directory.beginSignIn(a.resourceId, pending);
  return answerSignIn(deps, reply, contextOf(req), a, pendingId, pending, membershipId);
}
