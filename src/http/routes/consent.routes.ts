import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { PURPOSE_NAMES, PrivacyErrors, type Subject } from '../../modules/privacy/index.ts';
import { contextOf } from '../auth.ts';
import { consentSubjectOf } from '../privacy.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { pageOf, pageQuery } from './users.routes.ts';

const purposeState = {
  type: 'object',
  properties: {
    purpose: { type: 'string', enum: PURPOSE_NAMES },
    rule: { type: 'string', enum: ['opt_out', 'opt_in'] },
    description: { type: 'string' },
    allowed: { type: 'boolean' },
    recorded: { type: 'boolean' },
    source: { type: ['string', 'null'] },
    at: { type: ['string', 'null'] },
    policyVersion: { type: ['integer', 'null'] },
  },
  required: ['purpose', 'rule', 'description', 'allowed', 'recorded', 'source', 'at', 'policyVersion'],
} as const;

const consentState = {
  type: 'object',
  properties: {
    subject: { type: 'string', enum: ['user', 'visitor'], description: 'Whose choices these are: the signed-in user, else the visitor' },
    purposes: { type: 'array', items: purposeState },
    gpc: {
      type: 'object',
      description: 'PRV-5: the request carried Sec-GPC: 1, and its opt-outs are in effect ("Opt-Out Preference Signal Honored")',
      properties: { honored: { type: 'boolean' } },
      required: ['honored'],
    },
  },
  required: ['subject', 'purposes', 'gpc'],
} as const;

const consentEvent = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    purpose: { type: 'string' },
    granted: { type: 'boolean' },
    source: { type: 'string' },
    policyVersion: { type: ['integer', 'null'] },
    ip: { type: ['string', 'null'], description: 'Truncated' },
    at: { type: 'string' },
  },
  required: ['id', 'purpose', 'granted', 'source', 'policyVersion', 'ip', 'at'],
} as const;

/** The sources a person's own request may name; `gpc`, `email_link`, `signup` and `staff` are recorded by Castellan itself. */
const REQUEST_SOURCES = ['banner', 'preferences', 'api'] as const;

/** PRV-1 to PRV-5: the visitor's or the user's consent, its history, page views, and the GPC declaration. */
export function consentRoutes(app: FastifyInstance, deps: HttpDeps): void {
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
        response: { 200: consentState, ...errorResponses(400) },
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
        body: {
          oneOf: [
            strictObject({ purpose: { type: 'string', enum: PURPOSE_NAMES }, granted: { type: 'boolean' }, source: { type: 'string', enum: REQUEST_SOURCES } }, ['purpose', 'granted']),
            strictObject(
              {
                choices: {
                  type: 'array',
                  minItems: 1,
                  maxItems: PURPOSE_NAMES.length,
                  items: strictObject({ purpose: { type: 'string', enum: PURPOSE_NAMES }, granted: { type: 'boolean' } }, ['purpose', 'granted']),
                },
                source: { type: 'string', enum: REQUEST_SOURCES },
              },
              ['choices'],
            ),
          ],
        },
        response: { 200: consentState, ...errorResponses(400, 403, 413, 415, 422) },
      },
    },
    async (req) => {
      const body = req.body as { purpose?: string; granted?: boolean; choices?: { purpose: string; granted: boolean }[]; source?: (typeof REQUEST_SOURCES)[number] };
      const changes = body.choices ?? [{ purpose: body.purpose as string, granted: body.granted as boolean }];
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
        querystring: strictObject(pageQuery),
        response: { 200: pageOf(consentEvent), ...errorResponses(400) },
      },
    },
    async (req) => consent.history(subjectOf(req), req.query as { cursor?: string; limit: number }),
  );

  app.post(
    '/api/v1/analytics/events',
    {
      config,
      schema: {
        tags: ['privacy'],
        summary: 'A page view; kept only while analytics is allowed (PRV-2), and answered the same either way',
        body: strictObject(
          {
            path: { type: 'string', minLength: 1, maxLength: 2000, pattern: '^/' },
            referrer: { type: 'string', maxLength: 2000 },
            searchTerms: { type: 'string', maxLength: 500 },
          },
          ['path'],
        ),
        response: { 202: { type: 'null' }, ...errorResponses(400, 413, 415) },
      },
    },
    async (req, reply) => {
      await analytics.recordPageView(contextOf(req), req.principal?.user.id ?? null, req.body as { path: string; referrer?: string; searchTerms?: string });
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
        response: { 200: { type: 'object', properties: { gpc: { type: 'boolean' }, lastUpdate: { type: 'string' } }, required: ['gpc', 'lastUpdate'] } },
      },
    },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=86400').send({ gpc: true, lastUpdate: GPC_SUPPORT_SINCE }),
  );
}

/** The date GPC support was first published (the spec's `lastUpdate`). */
const GPC_SUPPORT_SINCE = '2026-11-23';
