import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';

/** Health, metrics and the API description: the operator's endpoints. */
export function systemRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get(
    '/healthz',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        response: {
          200: { type: 'object', properties: { status: { type: 'string' } } },
          503: { type: 'object', properties: { status: { type: 'string' } } },
        },
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
    { config: { auth: 'none' }, schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_req, reply) => {
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  );

  app.get(
    '/openapi.json',
    { config: { auth: 'none' }, schema: { tags: ['system'], summary: 'This API, as OpenAPI 3' } },
    async () => app.swagger(),
  );

}
