import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Castellan</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Castellan is running</h1>
<p>The web pages are not built yet. The HTTP API is at <code>/api/v1</code>, and its description at
<a href="/openapi.json">/openapi.json</a>.</p>
<p>Sign up with <code>POST /api/v1/signup</code>; the verification email is written to the
<code>mail</code> folder of the data directory when no SMTP server is set.</p>
</body></html>`;

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

  app.get('/', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(LANDING),
  );
}
