import type { FastifyInstance } from 'fastify';
import type { Core } from '../../core.ts';
import type { SamlDirectory } from './port.ts';
import { registerSamlRoutes } from './routes.ts';

export { idpUrls, SAML_MOUNT } from './entities.ts';
export type { SamlDirectory, SamlMember } from './port.ts';
export { SamlEdgeErrors } from './saml.errors.ts';

/**
 * PRO-5: the SAML 2.0 identity provider under `/saml/{resourceId}`, on the HTTP server: metadata,
 * SP-initiated SSO (HTTP-Redirect and HTTP-POST), IdP-initiated SSO and single logout, for each
 * application resource whose settings.protocol is "saml". The routes are left out of the OpenAPI
 * document, like the OpenID Provider's.
 */
export async function mountSaml(app: FastifyInstance, core: Core, opts: { directory: SamlDirectory }): Promise<void> {
  await registerSamlRoutes(app, { directory: opts.directory, publicUrl: core.config.publicUrl, siteName: core.config.privacy.siteName });
}
