import type { SamlAppSettings, SamlIdpKey } from '../../modules/federation/index.ts';
import { BINDING, NAME_ID_FORMAT, RSA_SHA256, samlify, type SamlIdentityProvider, type SamlServiceProvider } from './samlify.ts';

/** PRO-5: where the identity provider answers for one application (each application has its own IdP entity). */
export const SAML_MOUNT = '/saml';

export function idpUrls(publicUrl: string, resourceId: string) {
  const base = `${publicUrl}${SAML_MOUNT}/${encodeURIComponent(resourceId)}`;
  return { entityId: `${base}/metadata`, metadata: `${base}/metadata`, sso: `${base}/sso`, init: `${base}/init`, slo: `${base}/slo` };
}

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').trim()}\n-----END CERTIFICATE-----\n`;

/** The identity provider as this application sees it: its metadata, signing key, and whether requests must be signed. */
export function idpEntity(publicUrl: string, resourceId: string, key: SamlIdpKey, settings: SamlAppSettings): SamlIdentityProvider {
  const urls = idpUrls(publicUrl, resourceId);
  return samlify.IdentityProvider({
    entityID: urls.entityId,
    signingCert: key.certificatePem,
    privateKey: key.privateKeyPem,
    requestSignatureAlgorithm: RSA_SHA256,
    wantAuthnRequestsSigned: settings.certificates.length > 0,
    wantLogoutRequestSigned: settings.certificates.length > 0,
    nameIDFormat: [NAME_ID_FORMAT[settings.nameIdFormat]],
    singleSignOnService: [
      { Binding: BINDING.redirect, Location: urls.sso },
      { Binding: BINDING.post, Location: urls.sso },
    ],
    singleLogoutService: [
      { Binding: BINDING.redirect, Location: urls.slo },
      { Binding: BINDING.post, Location: urls.slo },
    ],
  });
}

/**
 * The service provider, as samlify checks its messages and addresses the answer: one entity per
 * signing certificate (samlify verifies a redirect signature against one), with the one ACS URL the
 * answer goes to.
 */
export function spEntities(settings: SamlAppSettings, acsUrl: string, signAssertion = true): SamlServiceProvider[] {
  const certs = settings.certificates.length > 0 ? settings.certificates : [undefined];
  return certs.map((cert) =>
    samlify.ServiceProvider({
      entityID: settings.entityId,
      ...(cert ? { signingCert: pem(cert) } : {}),
      authnRequestsSigned: cert !== undefined,
      wantAssertionsSigned: signAssertion,
      wantMessageSigned: true,
      wantLogoutResponseSigned: true,
      requestSignatureAlgorithm: RSA_SHA256,
      assertionConsumerService: [{ Binding: BINDING.post, Location: acsUrl }],
      singleLogoutService: settings.sloUrl ? [{ Binding: settings.sloBinding === 'post' ? BINDING.post : BINDING.redirect, Location: settings.sloUrl }] : [],
    }),
  );
}
