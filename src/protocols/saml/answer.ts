import type { FastifyReply } from 'fastify';
import type { RequestContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { SamlApplication, SamlPending } from '../../modules/federation/index.ts';
import { idpEntity, spEntities } from './entities.ts';
import { autoPostPage, type ResponseInput, statusResponse, successResponse } from './outbound.ts';
import type { SamlDirectory } from './port.ts';
import { SamlEdgeErrors } from './saml.errors.ts';
import { STATUS } from './samlify.ts';

export interface AnswerDeps {
  directory: SamlDirectory;
  publicUrl: string;
  siteName: string;
}

/**
 * PRO-5, DIR-3: the answer to a pending sign-in, once the person is known as a member. It is given
 * once (the pending row is removed first). THE access decision says whether the member may use the
 * application now (a suspended member may not); the outcome is audited; the service provider gets
 * a signed Response: an assertion, or Responder + RequestDenied (SAML Core §3.2.2.2).
 */
/** Why no one is signed in when there is no member: by default, a refusal (RequestDenied). */
export interface NoMember {
  second: string;
  message: string;
}

const DENIED: NoMember = { second: STATUS.requestDenied, message: 'The member may not use this application.' };

export async function answerSignIn(deps: AnswerDeps, reply: FastifyReply, ctx: RequestContext, app: SamlApplication, pendingId: string, pending: SamlPending, membershipId: string | null, noMember: NoMember = DENIED): Promise<FastifyReply> {
  const { directory } = deps;
  if (!(await directory.finishSignIn(app.resourceId, pendingId))) throw new AppError(SamlEdgeErrors.signInExpired);
  const allowed = membershipId !== null && (await directory.mayUse(app.orgId, membershipId, app.resourceId));
  if (membershipId !== null) await directory.recordSignIn(ctx, { orgId: app.orgId, membershipId, resourceId: app.resourceId, allowed });
  const member = allowed && membershipId !== null ? await directory.member(app.orgId, membershipId) : undefined;
  const input: ResponseInput = { publicUrl: deps.publicUrl, resourceId: app.resourceId, settings: app.settings, acsUrl: pending.acsUrl, inResponseTo: pending.requestId, now: directory.now() };
  const built = member
    ? successResponse(input, member, app.settings.nameIdFormat === 'email' ? member.email : directory.persistentNameId(member.id, app.resourceId))
    : membershipId === null
      ? statusResponse(input, STATUS.responder, noMember.second, noMember.message)
      : statusResponse(input, STATUS.responder, DENIED.second, DENIED.message);
  const idp = idpEntity(deps.publicUrl, app.resourceId, await directory.idpKey(), app.settings);
  // The assertion is signed, then the response (a status without an assertion: the response alone).
  const [sp] = spEntities(app.settings, pending.acsUrl, member !== undefined);
  const signed = await idp.createLoginResponse(sp as NonNullable<typeof sp>, { extract: {} }, 'post', {}, { customTagReplacement: () => built });
  const fields: Record<string, string> = { SAMLResponse: signed.context, ...(pending.relayState !== null ? { RelayState: pending.relayState } : {}) };
  return sendAutoPost(reply, deps.siteName, pending.acsUrl, fields);
}

export function sendAutoPost(reply: FastifyReply, siteName: string, target: string, fields: Record<string, string>): FastifyReply {
  const { html, csp } = autoPostPage(siteName, target, fields);
  return reply.status(200).type('text/html; charset=utf-8').header('content-security-policy', csp).header('cache-control', 'no-store').header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer').send(html);
}
