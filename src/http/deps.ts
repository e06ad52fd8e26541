import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Core } from '../core.ts';

/** What every route plugin gets: the core, and where the built web app is. */
export interface HttpDeps extends Core {
  /** The built web app (dist/web); the API still works when it is missing. */
  webRoot: string;
}

/**
 * The server as route plugins see it: request and reply types come from each route's TypeBox
 * schemas (src/contracts), so handlers need no casts.
 */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
