import type { FastifyInstance } from 'fastify';
import type { ScimDirectory } from './port.ts';
import { registerScimRoutes } from './routes.ts';

export type { ScimDirectory } from './port.ts';
export { SCIM_MOUNT } from './routes.ts';

/**
 * PRO-4: the SCIM 2.0 service provider under `/scim/v2`, on the HTTP server, for the organizations'
 * HR systems and identity providers (Okta, Microsoft Entra ID, Rippling, BambooHR, …).
 */
export async function mountScim(app: FastifyInstance, opts: { directory: ScimDirectory; publicUrl: string }): Promise<void> {
  await registerScimRoutes(app, opts);
}
