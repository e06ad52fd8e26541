import { randomUUID } from 'node:crypto';
import type { Core } from '../core.ts';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { authHook } from './auth.ts';
import type { HttpDeps, LdapEndpoint } from './deps.ts';
import { registerPrivacyHooks } from './privacy.ts';
import { registerJsonParser } from './json.ts';
import { HttpErrors, toProblem } from './problems.ts';
import { registerWeb } from './web.ts';
import { accountsRoutes } from './routes/accounts.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { directoryRoutes } from './routes/users.routes.ts';
import { invitationsRoutes } from './routes/invitations.routes.ts';
import { groupsRoutes } from './routes/groups.routes.ts';
import { resourcesRoutes } from './routes/resources.routes.ts';
import { meRoutes } from './routes/me.routes.ts';
import { sessionsRoutes } from './routes/sessions.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { consentRoutes } from './routes/consent.routes.ts';
import { disclosuresRoutes } from './routes/disclosures.routes.ts';
import { marketingRoutes } from './routes/marketing.routes.ts';
import { policiesRoutes } from './routes/policies.routes.ts';
import { billingRoutes } from './routes/billing.routes.ts';
import { kbRoutes } from './routes/kb.routes.ts';
import { supportRoutes } from './routes/support.routes.ts';
import { childReportsRoutes } from './routes/child-reports.routes.ts';
import { rightsRoutes } from './routes/rights.routes.ts';
import { rightsFulfilmentRoutes } from './routes/rights-fulfilment.routes.ts';
import { rightsVerificationRoutes } from './routes/rights-verification.routes.ts';
import { orgDeletionRoutes } from './routes/org-deletion.routes.ts';
import { deskRoutes } from './routes/desk.routes.ts';
import { ldapRoutes } from './routes/ldap.routes.ts';
import { apiClientsRoutes } from './routes/api-clients.routes.ts';
import { scimTokensRoutes } from './routes/scim-tokens.routes.ts';
import { radiusRoutes } from './routes/radius.routes.ts';
import { emailChangeRequestsRoutes } from './routes/email-change-requests.routes.ts';
import { domainsRoutes } from './routes/domains.routes.ts';
import { integrationsRoutes } from './routes/integrations.routes.ts';
import { googleRoutes } from './routes/google.routes.ts';
import { SHARED_SCHEMAS } from '../contracts/common.ts';
import { AppError } from '../core/errors.ts';

/**
 * Two validators: bodies are taken exactly as sent (no type coercion, no
 * silently dropped fields: unknown fields are refused); query strings and path
 * parameters are text, so they are coerced to the declared types.
 *
 * Compiled validators and serializers are shared by every server this process
 * builds (a node builds one; the tests build hundreds): compiling them is most of
 * the cost of building a server. They are keyed by the schema's JSON text, since
 * Fastify may hand over a copy of the same schema.
 */
let validatorsByText: { body: Ajv.default; text: Ajv.default } | undefined;
const validators = new Map<string, ReturnType<Ajv.default['compile']>>();

function validatorCompiler() {
  validatorsByText ??= (() => {
    const common = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false } as const;
    const body = addFormats.default(new Ajv.default({ ...common, coerceTypes: false }));
    const text = addFormats.default(new Ajv.default({ ...common, coerceTypes: 'array' }));
    for (const s of SHARED_SCHEMAS) {
      body.addSchema(s);
      text.addSchema(s);
    }
    return { body, text };
  })();
  const ajv = validatorsByText;
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => {
    const part = httpPart === 'body' ? 'body' : 'text';
    const key = `${part} ${JSON.stringify(schema)}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv[part].compile(schema);
      validators.set(key, validate);
    }
    return validate;
  };
}

type SerializerFactory = (externalSchemas: unknown, options: unknown) => (route: { schema: object }) => (data: unknown) => string;
const serializers = new Map<string, (data: unknown) => string>();

/** Fastify's own response serializers (fast-json-stringify), compiled once per schema in this process. */
const sharedSerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = (SerializerSelector as unknown as () => SerializerFactory)()(externalSchemas, options);
  let context: string | undefined;
  return (route) => {
    context ??= JSON.stringify([externalSchemas ?? null, options ?? null]);
    const key = `${context} ${JSON.stringify(route.schema)}`;
    let serialize = serializers.get(key);
    if (!serialize) {
      serialize = compile(route);
      serializers.set(key, serialize);
    }
    return serialize;
  };
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Query strings can carry single-use tokens (links in emails): logs keep only the path. */
const requestSerializer = (req: { method: string; url: string; ip?: string; id?: string }) => ({
  method: req.method,
  path: req.url.split('?')[0],
  ip: req.ip,
});

/** The one place an error becomes an HTTP answer: RFC 9457 problem details. */
function sendProblem(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const { status, problem, retryAfter } = toProblem(err, (req.url ?? '/').split('?')[0] ?? '/', req.id);
  if (status >= 500) req.log.error({ err }, 'request failed');
  else if (!(err instanceof AppError)) req.log.info({ code: problem.code }, 'request refused');
  if (retryAfter) reply.header('retry-after', String(retryAfter));
  return reply.status(status).type('application/problem+json').send(problem);
}

export async function buildHttp(opts: { core: Core; webRoot: string; ldapEndpoint: LdapEndpoint }): Promise<FastifyInstance> {
  const deps: HttpDeps = { ...opts.core, webRoot: opts.webRoot, ldapEndpoint: opts.ldapEndpoint };
  const { config, metrics } = deps;
  const options: FastifyServerOptions = {
    loggerInstance: deps.logger.child(
      {},
      { serializers: { req: requestSerializer } },
    ) as unknown as FastifyServerOptions['loggerInstance'],
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // genReqId reads X-Request-Id itself, so that an odd value is replaced rather than trusted.
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    return503OnClosing: true,
    // Errors the router raises before any route runs (a bad URL, an over-long parameter) are problems too.
    frameworkErrors: (err, req, reply) => sendProblem(err, req, reply),
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers as never } },
  };
  const app = Fastify(options) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler() as Parameters<FastifyInstance['setValidatorCompiler']>[0]);
  for (const s of SHARED_SCHEMAS) app.addSchema(s);

  // JSON only: a text/plain body is refused (415) instead of reaching a schema as a string.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  registerJsonParser(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Castellan API', version: '1', description: 'Directory-as-a-service. Errors are RFC 9457 problem details.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'castellan_session' },
        },
      },
    },
    refResolver: { buildLocalReference: (json) => String(json.$id) },
  });

  app.decorateRequest('session', null);
  app.decorateRequest('caller', null);
  app.decorateRequest('authVia', null);
  app.addHook('onRequest', authHook(deps));
  registerPrivacyHooks(app, deps.privacy, config.cookieSecure);
  // Every request runs these two: plain callbacks, so that neither costs a promise.
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  app.setErrorHandler(sendProblem);
  const servePage = await registerWeb(app, deps.webRoot);
  app.setNotFoundHandler((req, reply) => {
    if (servePage(req, reply)) return reply;
    return sendProblem(new AppError(HttpErrors.routeNotFound), req, reply);
  });

  for (const routes of [
    systemRoutes,
    accountsRoutes,
    sessionsRoutes,
    meRoutes,
    auditRoutes,
    directoryRoutes,
    invitationsRoutes,
    groupsRoutes,
    resourcesRoutes,
    ldapRoutes,
    apiClientsRoutes,
    scimTokensRoutes,
    radiusRoutes,
    emailChangeRequestsRoutes,
    domainsRoutes,
    integrationsRoutes,
    consentRoutes,
    policiesRoutes,
    disclosuresRoutes,
    marketingRoutes,
    billingRoutes,
    kbRoutes,
    supportRoutes,
    deskRoutes,
    rightsRoutes,
    rightsFulfilmentRoutes,
    rightsVerificationRoutes,
    childReportsRoutes,
    orgDeletionRoutes,
    googleRoutes,
  ]) {
    routes(app.withTypeProvider<TypeBoxTypeProvider>(), deps);
  }
  return app;
}
