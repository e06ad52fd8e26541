import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { Binary } from '../../contracts/common.ts';
import { CAMPAIGN_BODY_LIMIT, Campaign, CampaignBody, MailTokenQuery, OneClickBody } from '../../contracts/marketing.ts';
import { AppError } from '../../core/errors.ts';
import { MARKETING_TOKEN_DAYS } from '../../modules/privacy/index.ts';
import { contextOf, callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { PAGE_CSP, PIXEL_GIF, addFormParsers, invalidLinkPage, unsubscribePage, unsubscribedPage } from './marketing.pages.ts';

/** A one-click POST carries `List-Unsubscribe=One-Click` and nothing more. */
const UNSUBSCRIBE_BODY_LIMIT = 4 * 1024;

const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } });

function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply.status(status).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
}

/** PRV-7: marketing campaigns (staff), and the public links in marketing mail: one-click unsubscribe and the open pixel. */
export function marketingRoutes(app: HttpApp, deps: HttpDeps): void {
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
        body: CampaignBody,
        response: { 201: Campaign, ...errorResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => reply.status(201).send(await marketing.sendCampaign(contextOf(req), callerOf(req), req.body)),
  );

  // RFC 8058: public, and never dependent on a cookie or a session (auth 'none' reads neither).
  void app.register(async (plain) => {
    addFormParsers(plain);
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();

    scope.get(
      '/unsubscribe',
      {
        config: { auth: 'none' },
        schema: {
          tags: ['privacy'],
          summary: 'The unsubscribe page of a marketing email: shows a button and changes nothing (link scanners GET links)',
          // The token travels in the query string, which the request logs leave out (http/server.ts).
          querystring: MailTokenQuery,
          response: { 200: htmlPage('The page, with its button'), 422: htmlPage('The link is not valid or has expired'), ...errorResponses(400) },
        },
      },
      async (req, reply) => {
        try {
          return sendPage(reply, 200, unsubscribePage(siteName, await marketing.unsubscribeStatus(req.query.token)));
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
          querystring: MailTokenQuery,
          body: OneClickBody,
          response: { 200: htmlPage('Unsubscribed'), ...errorResponses(400, 413, 415, 422) },
        },
      },
      async (req, reply) => {
        const { list } = await marketing.unsubscribe(contextOf(req), req.query.token);
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
        querystring: MailTokenQuery,
        response: { 200: { description: 'A transparent 1x1 GIF', content: { 'image/gif': { schema: Binary } } }, ...errorResponses(400) },
      },
    },
    async (req, reply) => {
      await marketing.recordOpen(req.query.token);
      return reply.type('image/gif').header('cache-control', 'no-store').send(PIXEL_GIF);
    },
  );
}
