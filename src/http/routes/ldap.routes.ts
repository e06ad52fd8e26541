import { OrgParams } from '../../contracts/common.ts';
import { LdapSettings, PemFile } from '../../contracts/ldap.ts';
import { escapeDnValue } from '../../core/dn.ts';
import { AppError, defineError } from '../../core/errors.ts';
import { callerOf } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { HttpApp, HttpDeps } from '../deps.ts';

export const LdapErrors = {
  noCaCertificate: defineError('ldap.no_ca_certificate', 'not_found', 'No CA certificate of the LDAP server can be offered.'),
} as const;

/**
 * PRO-1: the console's LDAP page. Where this organization's directory is served (its DNs, the
 * host and the ports actually bound) and the CA certificate that clients trust, for its admins.
 */
export function ldapRoutes(app: HttpApp, deps: HttpDeps): void {
  const { config, directory, ldapEndpoint } = deps;
  const auth = { auth: 'required' as const };
  // The name clients dial must be one the certificate names: the generated one names this host.
  const host = new URL(config.publicUrl).hostname;
  const caCertificate = () => (config.ldap.enabled ? ldapEndpoint.caCertificate() : undefined);

  app.get(
    '/api/v1/orgs/:orgId/ldap',
    {
      config: auth,
      schema: {
        tags: ['ldap'],
        summary: "How the organization's directory is reached over LDAP: its DNs, the host and ports, and its LDAP applications (org admins)",
        params: OrgParams,
        response: { 200: LdapSettings, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { slug, applications } = await directory.ldap.overview(callerOf(req), req.params.orgId);
      const { suffix } = config.ldap;
      const baseDn = `o=${escapeDnValue(slug)},${suffix}`;
      const bound = ldapEndpoint.address();
      return {
        enabled: config.ldap.enabled,
        host,
        port: bound?.port ?? config.ldap.port,
        ldapsPort: bound?.ldapsPort ?? config.ldap.ldapsPort,
        plainBindAllowed: config.ldap.allowPlainBind,
        suffix,
        baseDn,
        peopleDn: `ou=people,${baseDn}`,
        groupsDn: `ou=groups,${baseDn}`,
        servicesDn: `ou=services,${baseDn}`,
        caCertificate: caCertificate() !== undefined,
        applications,
      };
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/ldap/ca.pem',
    {
      config: auth,
      schema: {
        tags: ['ldap'],
        summary: 'The CA certificate that signed the LDAP server certificate, for clients to trust (PEM; never a key)',
        params: OrgParams,
        produces: ['application/x-pem-file'],
        response: { 200: PemFile, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      await directory.ldap.overview(callerOf(req), req.params.orgId);
      if (!config.ldap.enabled) throw new AppError(LdapErrors.noCaCertificate, 'LDAP is turned off on this server (CASTELLAN_LDAP_ENABLED=false).');
      const pem = caCertificate();
      if (pem === undefined) {
        throw new AppError(
          LdapErrors.noCaCertificate,
          config.ldap.tlsCert
            ? "The LDAP server's certificate file does not hold the CA certificate that signed it: ask the operator for it."
            : 'The LDAP server makes its certificate when it first starts, and has not started yet.',
        );
      }
      return reply.type('application/x-pem-file').header('content-disposition', 'attachment; filename="castellan-ldap-ca.pem"').send(pem);
    },
  );
}
