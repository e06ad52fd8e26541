import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AdapterPayload } from 'oidc-provider';
import type { Core } from '../../core.ts';
import { hmac } from '../../core/crypto.ts';
import { registerInteraction } from './interaction.routes.ts';
import type { OidcDirectory } from './port.ts';
import { createProvider, issuerOf, OIDC_MOUNT } from './provider.ts';

export { issuerOf, OIDC_MOUNT } from './provider.ts';
export { OIDC_TTL } from './configuration.ts';
export type { OidcApplication, OidcDirectory, OidcMember } from './port.ts';

/** How often a node looks for rotated signing keys (`castellan oidc rotate-keys` on any node). */
const KEY_CHECK_MS = 60_000;

export interface OidcMountOptions {
  /** The client's metadata for oidc-provider, or undefined for an unknown client id. */
  findClient?: (clientId: string) => Promise<AdapterPayload | undefined>;
  keyCheckMs?: number;
  /** The directory and the credential check: without them the node serves no logins (no account is ever found). */
  directory?: OidcDirectory;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * PRO-2: the OpenID Provider under `/oidc`, on the HTTP server. The requests are handed to
 * oidc-provider untouched: Fastify parses no body here (the library reads its own, with its own
 * limits), and the API's problem details, rate limits and hooks that write replies do not apply
 * (the library answers OAuth errors itself). The routes are left out of the OpenAPI document.
 */
export async function mountOidc(app: FastifyInstance, core: Core, opts: OidcMountOptions = {}): Promise<{ reloadKeys(): Promise<void> }> {
  const log = core.logger.child({ component: 'oidc' });
  const build = async () => {
    const jwks = await core.federation.signingKeys.privateJwks();
    const provider = await createProvider({
      issuer: issuerOf(core.config.publicUrl),
      trustProxy: core.config.trustProxy,
      log,
      jwks,
      cookieKeys: [hmac(core.keys.secret, 'castellan-oidc-cookies')],
      store: (model) => core.federation.oidcStore(model),
      findClient: opts.findClient ?? (async () => undefined),
      directory: opts.directory,
      siteName: core.config.privacy.siteName,
    });
    return { kids: jwks.map((k) => k.kid).join(','), provider, handler: provider.callback() as Handler };
  };
  let current = await build();

  async function reloadKeys(): Promise<void> {
    const kids = (await core.federation.signingKeys.list()).map((k) => k.kid);
    if (kids.join(',') !== current.kids) current = await build();
  }
  const timer = setInterval(() => {
    reloadKeys().catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : String(e) }, 'oidc key reload failed'));
  }, opts.keyCheckMs ?? KEY_CHECK_MS);
  timer.unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    done();
  });

  if (opts.directory) await registerInteraction(app, { provider: () => current.provider, directory: opts.directory, siteName: core.config.privacy.siteName });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // The body stays unread for oidc-provider, whatever its type.
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    const handle = (req: { raw: IncomingMessage }, reply: { hijack(): void; raw: ServerResponse }) => {
      reply.hijack();
      const raw = req.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? OIDC_MOUNT;
      const rest = url.slice(OIDC_MOUNT.length);
      // oidc-provider finds its mount path from originalUrl minus url.
      raw.originalUrl = url;
      raw.url = rest.startsWith('/') ? rest : `/${rest}`;
      current.handler(raw, reply.raw);
    };
    /*
     * The request is handed over in the routes' own onRequest hook, which Fastify runs after the
     * server's (authentication, privacy): the hooks every request passes still run, and so does
     * onResponse (metrics), but Fastify does not go on to parse a body nobody reads (its catch-all
     * parser is looked up and wrapped in an async resource per request), nor to the validation and
     * preHandler stages, which no route here has. The handler stays for completeness: a hijacked
     * reply never reaches it.
     */
    const onRequest = (req: { raw: IncomingMessage }, reply: { hijack(): void; raw: ServerResponse }, done: () => void) => {
      handle(req, reply);
      done();
    };
    scope.all(OIDC_MOUNT, { schema: { hide: true }, onRequest }, handle);
    scope.all(`${OIDC_MOUNT}/*`, { schema: { hide: true }, onRequest }, handle);
  });
  return { reloadKeys };
}
