import type { FastifyRequest } from 'fastify';
import { NoContent } from '../../contracts/common.ts';
import { ConsentBody, ConsentEventPage, ConsentHistoryQuery, ConsentState, GpcSupport, PageViewBody } from '../../contracts/consent.ts';
import { AppError } from '../../core/errors.ts';
import { PrivacyErrors, type Subject } from '../../modules/privacy/index.ts';
import { contextOf } from '../auth.ts';
import { consentSubjectOf } from '../privacy.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

/** PRV-1 to PRV-5: the visitor's or the user's consent, its history, page views, and the GPC declaration. */
export function consentRoutes(app: HttpApp, deps: HttpDeps): void {
  const { consent, analytics } = deps.privacy;
  const config = { auth: 'optional' as const, visitor: 'assign' as const };

  const subjectOf = (req: FastifyRequest): Subject => {
    const subject = consentSubjectOf(req);
    if (!subject) throw new AppError(PrivacyErrors.noSubject);
    return subject;
  };

  app.get(
    '/api/v1/consent',
    {
      config,
      schema: {
        tags: ['privacy'],
        summary: 'The current consent state, purpose by purpose, with each rule (opt-out or opt-in)',
        response: { 200: ConsentState, ...errorResponses(400) },
      },
    },
    async (req) => {
      const subject = subjectOf(req);
      return { subject: subject.type, purposes: await consent.state(subject), gpc: { honored: req.gpc } };
    },
  );

  app.post(
    '/api/v1/consent',
    {
      config,
      schema: {
        tags: ['privacy'],
        summary: 'Grant or refuse one purpose, or several at once (the banner\'s accept and refuse); answers the new state',
        body: ConsentBody,
        response: { 200: ConsentState, ...errorResponses(400, 403, 413, 415, 422) },
      },
    },
    async (req) => {
      const body = req.body;
      const changes = 'choices' in body ? body.choices : [{ purpose: body.purpose, granted: body.granted }];
      const subject = subjectOf(req);
      // PRV-5: while the signal is sent, it wins over a grant made in the same request.
      const effective = req.gpc ? changes.filter((c) => !(c.granted && (c.purpose === 'advertising' || c.purpose === 'partner_sharing'))) : changes;
      const purposes = await consent.set(contextOf(req), subject, effective, body.source ?? 'api');
      return { subject: subject.type, purposes, gpc: { honored: req.gpc } };
    },
  );

  app.get(
    '/api/v1/consent/history',
    {
      config,
      schema: {
        tags: ['privacy'],
        summary: 'Every recorded consent event, newest first (PRV-4): the proof of each choice',
        querystring: ConsentHistoryQuery,
        response: { 200: ConsentEventPage, ...errorResponses(400) },
      },
    },
    async (req) => consent.history(subjectOf(req), req.query),
  );

  app.post(
    '/api/v1/analytics/events',
    {
      config,
      schema: {
        tags: ['privacy'],
        summary: 'A page view; kept only while analytics is allowed (PRV-2), and answered the same either way',
        body: PageViewBody,
        response: { 202: NoContent, ...errorResponses(400, 413, 415) },
      },
    },
    async (req, reply) => {
      await analytics.recordPageView(contextOf(req), req.session?.accountId ?? null, req.body);
      return reply.status(202).send();
    },
  );

  app.get(
    '/.well-known/gpc.json',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['privacy'],
        summary: 'The Global Privacy Control support resource: this site honours the signal (PRV-5)',
        response: { 200: GpcSupport },
      },
    },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').send({ gpc: true, lastUpdate: GPC_SUPPORT_SINCE }),
  );
}

/** The date GPC support was first published (the spec's `lastUpdate`). */
const GPC_SUPPORT_SINCE = '2026-11-23';
