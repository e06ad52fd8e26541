import { Health, PublicConfig } from '../../contracts/system.ts';
import { constantTimeEqual } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import { FREE_USER_LIMIT } from '../../modules/directory/index.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';
import { HttpErrors } from '../problems.ts';

/** Health, metrics, the API description, and the public configuration the console reads. */
export function systemRoutes(app: HttpApp, deps: HttpDeps): void {
  app.get(
    '/healthz',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        response: { 200: Health, 503: Health },
      },
    },
    async (_req, reply) => {
      const ok = await deps.ping().then(
        () => true,
        () => false,
      );
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
    },
  );

  app.get(
    '/metrics',
    {
      config: { auth: 'none' },
      schema: { tags: ['system'], summary: 'Prometheus metrics: with `Authorization: Bearer <CASTELLAN_METRICS_TOKEN>` (or on the metrics listener)', produces: ['text/plain'] },
    },
    async (req, reply) => {
      // Counters can tell a stranger what happened inside (that a mail went out, for whom): operators only.
      const token = deps.config.metrics.token;
      const sent = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !sent || !constantTimeEqual(sent, token)) throw new AppError(HttpErrors.metricsToken);
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  );

  app.get(
    '/api/v1/config',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['system'],
        summary: 'What the web console needs to know about this instance (public; no secrets): whether cards are taken, where to write to change plan',
        response: { 200: PublicConfig },
      },
    },
    async () => ({
      siteName: deps.config.privacy.siteName,
      billing: { cards: deps.billing.takesCards, contact: deps.config.billingAddress, freeUserLimit: FREE_USER_LIMIT },
      supportAddress: deps.config.support.address,
      googleSignIn: deps.config.google.clientId !== null,
    }),
  );

  app.get(
    '/openapi.json',
    { config: { auth: 'none' }, schema: { tags: ['system'], summary: 'This API, as OpenAPI 3' } },
    async () => app.swagger(),
  );
}
