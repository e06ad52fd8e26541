import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { CAMPAIGN_LIMITS, type CampaignInput, LIST_PATTERN, MARKETING_TOKEN_DAYS } from '../../modules/privacy/index.ts';
import { contextOf, principalOf } from '../auth.ts';
import { errorResponses, strictObject } from '../schemas.ts';
import type { HttpDeps } from '../server.ts';
import { PAGE_CSP, PIXEL_GIF, addFormParsers, invalidLinkPage, unsubscribePage, unsubscribedPage } from './marketing.pages.ts';

const campaign = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    list: { type: 'string' },
    subject: { type: 'string' },
    recipients: { type: 'integer', description: 'Messages queued: one per recipient who allows marketing email now' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  required: ['id', 'list', 'subject', 'recipients', 'createdBy', 'createdAt'],
} as const;

/** Subject, text and html together, with room to spare; larger than the default body limit. */
const CAMPAIGN_BODY_LIMIT = 512 * 1024;
/** A one-click POST carries `List-Unsubscribe=One-Click` and nothing more. */
const UNSUBSCRIBE_BODY_LIMIT = 4 * 1024;

const tokenQuery = strictObject({ token: { type: 'string', minLength: 1, maxLength: 1000 } }, ['token']);
const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/** The token travels in the query string, which the request logs leave out (http/server.ts). */
const tokenOf = (query: unknown) => (query as { token: string }).token;

function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply.status(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
}

/** PRV-7: marketing campaigns (staff), and the public links in marketing mail: one-click unsubscribe and the open pixel. */
export function marketingRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { marketing } = deps.privacy;
  const { siteName } = deps.config.privacy;

  app.post(
    '/api/v1/staff/privacy/campaigns',
    {
      config: { auth: 'required' },
      bodyLimit: CAMPAIGN_BODY_LIMIT,
      schema: {
        tags: ['staff', 'privacy'],
        summary: 'Send a marketing campaign to everyone who allows marketing email (staff with the privacy or owner role)',
        description: `Each message carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058); its links work for ${MARKETING_TOKEN_DAYS} days. The html part, when given, gets an open-tracking pixel only for recipients who allow analytics.`,
        body: strictObject(
          {
            list: { type: 'string', pattern: LIST_PATTERN, description: 'A short slug, e.g. newsletter' },
            subject: { type: 'string', minLength: 1, maxLength: CAMPAIGN_LIMITS.subject, pattern: '^[^\\r\\n]*$' },
            text: { type: 'string', minLength: 1, maxLength: CAMPAIGN_LIMITS.text },
            html: { type: 'string', minLength: 1, maxLength: CAMPAIGN_LIMITS.html },
          },
          ['list', 'subject', 'text'],
        ),
        response: { 201: campaign, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await marketing.sendCampaign(contextOf(req), principalOf(req), req.body as CampaignInput)),
  );

  // RFC 8058: public, and never dependent on a cookie or a session (auth 'none' reads neither).
  void app.register(async (scope) => {
    addFormParsers(scope);

    scope.get(
      '/unsubscribe',
      {
        config: { auth: 'none' },
        schema: {
          tags: ['privacy'],
          summary: 'The unsubscribe page of a marketing email: shows a button and changes nothing (link scanners GET links)',
          querystring: tokenQuery,
          response: { 200: htmlPage('The page, with its button'), 422: htmlPage('The link is not valid or has expired'), ...errorResponses(400) },
        },
      },
      async (req, reply) => {
        try {
          return sendPage(reply, 200, unsubscribePage(siteName, await marketing.unsubscribeStatus(tokenOf(req.query))));
        } catch (e) {
          if (e instanceof AppError && e.kind === 'invalid') return sendPage(reply, 422, invalidLinkPage(siteName, e.message));
          throw e;
        }
      },
    );

    scope.post(
      '/unsubscribe',
      {
        config: { auth: 'none' },
        bodyLimit: UNSUBSCRIBE_BODY_LIMIT,
        schema: {
          tags: ['privacy'],
          summary: 'One-click unsubscribe (RFC 8058): marketing email is refused at once, no cookie needed',
          description: 'The body is `List-Unsubscribe=One-Click`, as multipart/form-data or application/x-www-form-urlencoded, or empty.',
          querystring: tokenQuery,
          body: {
            type: ['object', 'null'],
            properties: { 'List-Unsubscribe': { type: 'string', enum: ['One-Click'] } },
            additionalProperties: false,
          },
          response: { 200: htmlPage('Unsubscribed'), ...errorResponses(400, 413, 415, 422) },
        },
      },
      async (req, reply) => {
        const { list } = await marketing.unsubscribe(contextOf(req), tokenOf(req.query));
        return sendPage(reply, 200, unsubscribedPage(siteName, list));
      },
    );
  });

  app.get(
    '/mail/open',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['privacy'],
        summary: 'The open-tracking pixel of a marketing email: always a 1x1 GIF; the open is kept only while its recipient allows analytics',
        querystring: tokenQuery,
        response: { 200: { description: 'A transparent 1x1 GIF', content: { 'image/gif': { schema: { type: 'string', format: 'binary' } } } }, ...errorResponses(400) },
      },
    },
    async (req, reply) => {
      await marketing.recordOpen(tokenOf(req.query));
      return reply.type('image/gif').header('cache-control', 'no-store').send(PIXEL_GIF);
    },
  );
}
