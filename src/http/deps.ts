import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Core } from '../core.ts';

/** PRO-1: what the HTTP edge knows of this node's LDAP listeners (for the console's LDAP page). */
export interface LdapEndpoint {
  /** The ports the listeners are bound to, once they run in this process; null before, or when they do not. */
  address(): { port: number; ldapsPort: number } | null;
  /** The PEM of the CA certificate that clients trust, or undefined when none can be determined. */
  caCertificate(): string | undefined;
}

/** What every route plugin gets: the core, where the built web app is, and the LDAP listeners' address. */
export interface HttpDeps extends Core {
  /** The built web app (dist/web); the API still works when it is missing. */
  webRoot: string;
  ldapEndpoint: LdapEndpoint;
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
