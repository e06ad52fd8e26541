import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { toProblem } from '../../http/problems.ts';
import type { SamlPending } from '../../modules/federation/index.ts';
import { type AnswerDeps, answerSignIn, sendAutoPost } from './answer.ts';
import { idpEntity, SAML_MOUNT, spEntities } from './entities.ts';
import { fromPost, fromRedirect, type InboundMessage } from './inbound.ts';
import { showInit, submitInit } from './init.ts';
import { checkAuthnRequest, checkLogoutRequest } from './messages.ts';
import { logoutResponse } from './outbound.ts';
import { SamlEdgeErrors } from './saml.errors.ts';
import { STATUS } from './samlify.ts';
import { contextOf, type NamedApplication, showSignIn, signInAction, submitSignIn, webSession } from './sign-in.ts';

/** The largest form taken: an HTTP-POST message (base64 of at most 256 KiB of XML) and its RelayState. */
const FORM_LIMIT = 512 * 1024;
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,64}$/;

type Form = Record<string, string | undefined>;
type Req = FastifyRequest<{ Params: { resourceId: string }; Querystring: Record<string, string | undefined> }>;

/**
 * PRO-5: the SAML identity provider's routes, beside the API and hidden from its OpenAPI document.
 * Each answers for one application, named by its resource id; an unknown id, or a resource that
 * is no SAML application, is 404 alike for every organization (DIR-1). A message that cannot be
 * trusted is refused with an HTTP 400 problem; a refusal of the person (access denied) goes back
 * to the service provider as a SAML status.
 */
export async function registerSamlRoutes(app: FastifyInstance, deps: AnswerDeps): Promise<void> {
  const { directory, publicUrl } = deps;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const opts = { schema: { hide: true } };
    const base = `${SAML_MOUNT}/:resourceId`;
    scope.get(`${base}/metadata`, opts, guarded(metadata));
    scope.get(`${base}/sso`, opts, guarded((req, reply, a) => sso(req, reply, a, undefined)));
    scope.post(`${base}/sso`, opts, guarded((req, reply, a) => sso(req, reply, a, (req.body ?? {}) as Form)));
    scope.get(`${base}/init`, opts, guarded((req, reply, a) => showInit(deps, req, reply, a)));
    scope.post(`${base}/init`, opts, guarded((req, reply, a) => submitInit(deps, req, reply, a, (req.body ?? {}) as Form)));
    scope.get(`${base}/slo`, opts, guarded((req, reply, a) => slo(req, reply, a, undefined)));
    scope.post(`${base}/slo`, opts, guarded((req, reply, a) => slo(req, reply, a, (req.body ?? {}) as Form)));
  });

  /** The application, or 404; the SAML refusals as 400 problems (the rest goes to the API's error handler). */
  function guarded(handle: (req: Req, reply: FastifyReply, app: NamedApplication) => Promise<FastifyReply>) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const r = req as Req;
      const id = r.params.resourceId;
      const found = RESOURCE_ID.test(id) ? await directory.application(id) : undefined;
      if (!found) throw new AppError(CommonErrors.notFound);
      try {
        return await handle(r, reply, found);
      } catch (e) {
        if (!(e instanceof AppError) || !Object.values(SamlEdgeErrors).some((d) => e.is(d))) throw e;
        const { problem } = toProblem(e, (req.url ?? '/').split('?')[0] ?? '/', req.id);
        req.log.info({ code: problem.code, resourceId: id }, 'saml message refused');
        return reply.status(400).type('application/problem+json').header('cache-control', 'no-store').send({ ...problem, status: 400 });
      }
    };
  }

  async function metadata(_req: Req, reply: FastifyReply, a: NamedApplication) {
    const xml = idpEntity(publicUrl, a.resourceId, await directory.idpKey(), a.settings).getMetadata();
    return reply.type('application/samlmetadata+xml; charset=utf-8').header('cache-control', 'no-cache').send(xml);
  }

  const rawQuery = (req: FastifyRequest) => {
    const url = req.raw.url ?? '';
    const q = url.indexOf('?');
    return q < 0 ? '' : url.slice(q + 1);
  };

  /** The inbound message of either binding; a form's body wins over the query string. */
  function inbound(req: Req, form: Form | undefined, param: 'SAMLRequest' | 'SAMLResponse'): InboundMessage {
    return form ? fromPost(form, param) : fromRedirect(rawQuery(req), param);
  }

  /** SAML Profiles §4.1.4.1: an AuthnRequest, by HTTP-Redirect or HTTP-POST; or the sign-in form of one already received. */
  async function sso(req: Req, reply: FastifyReply, a: NamedApplication, form: Form | undefined) {
    const login = req.query.login;
    if (typeof login === 'string' && login !== '') {
      if (login.length > 64) throw new AppError(SamlEdgeErrors.signInExpired);
      return form ? submitSignIn(deps, req, reply, a, login, form) : showSignIn(deps, req, reply, a, login);
    }
    const msg = inbound(req, form, 'SAMLRequest');
    const checked = await checkAuthnRequest(directory, publicUrl, a, msg);
    const pending = { requestId: checked.id, acsUrl: checked.acsUrl, relayState: msg.relayState, forceAuthn: checked.forceAuthn };
    const pendingId = await directory.beginSignIn(a.resourceId, pending);
    if (checked.isPassive) return passive(req, reply, a, pendingId, pending);
    return reply.redirect(signInAction(publicUrl, a.resourceId, pendingId), 303);
  }

  /**
   * SAML Core §3.4.1 IsPassive: no page may be shown. A member's web session (with the second factor
   * when the organization requires it) is answered at once; anyone else gets Responder + NoPassive.
   */
  async function passive(req: Req, reply: FastifyReply, a: NamedApplication, pendingId: string, pending: SamlPending) {
    const web = pending.forceAuthn ? undefined : await webSession(deps, req);
    const membership = web ? await directory.membershipOf(a.orgId, web.accountId) : undefined;
    const ready = web && membership && (!membership.orgRequiresMfa || web.mfa);
    const noPassive = { second: STATUS.noPassive, message: 'The person is not signed in, and IsPassive forbids asking.' };
    return answerSignIn(deps, reply, contextOf(req), a, pendingId, pending, ready ? membership.id : null, noPassive);
  }

  /**
   * Single logout (SAML Profiles §4.4.4.1), where the application has an SLO URL: its LogoutRequest
   * is checked like an AuthnRequest, and answered with a signed LogoutResponse. Castellan keeps no
   * SAML session of its own to end: each sign-in asks for a password or a web session.
   */
  async function slo(req: Req, reply: FastifyReply, a: NamedApplication, form: Form | undefined) {
    const sloUrl = a.settings.sloUrl;
    if (!sloUrl) throw new AppError(SamlEdgeErrors.sloNotConfigured);
    const msg = inbound(req, form, 'SAMLRequest');
    const checked = await checkLogoutRequest(directory, publicUrl, a, msg);
    const built = logoutResponse({ publicUrl, resourceId: a.resourceId, settings: a.settings, acsUrl: sloUrl, destination: sloUrl, inResponseTo: checked.id, now: directory.now() });
    const [sp] = spEntities(a.settings, a.settings.acsUrls[0] as string);
    const binding = a.settings.sloBinding;
    const signed = checked.idp.createLogoutResponse(sp as NonNullable<typeof sp>, { extract: { request: { id: checked.id } } }, binding, { ...(msg.relayState !== null ? { relayState: msg.relayState } : {}), customTagReplacement: () => built });
    if (binding === 'redirect') return reply.redirect(signed.context, 303);
    return sendAutoPost(reply, deps.siteName, sloUrl, { SAMLResponse: signed.context, ...(msg.relayState !== null ? { RelayState: msg.relayState } : {}) });
  }
}

