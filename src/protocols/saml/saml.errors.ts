import { defineError } from '../../core/errors.ts';

/**
 * PRO-5: why the identity provider refused a message from a service provider. Each is answered as
 * an HTTP 400 problem (SAML gives no way to answer a request it cannot trust), never with the
 * message's content.
 */
export const SamlEdgeErrors = {
  invalidMessage: defineError('saml.invalid_message', 'invalid', 'The SAML message is missing, malformed, or not valid against the SAML schema.'),
  declarationsRefused: defineError('saml.xml_declarations_refused', 'invalid', 'SAML messages must not declare a DTD or entities.'),
  signatureInvalid: defineError('saml.signature_invalid', 'invalid', 'The SAML message is not signed as the application requires, or its signature does not cover the message.'),
  unknownIssuer: defineError('saml.unknown_issuer', 'invalid', 'The SAML message was not issued by the application’s entity id.'),
  unknownAcs: defineError('saml.unknown_acs_url', 'invalid', 'The AssertionConsumerServiceURL is not one of the application’s.'),
  expired: defineError('saml.request_expired', 'invalid', 'The SAML request is too old, or dated in the future.'),
  replayed: defineError('saml.request_replayed', 'invalid', 'The SAML request was already used.'),
  signInExpired: defineError('saml.sign_in_expired', 'invalid', 'This sign-in has expired or was already answered: go back to the application and sign in again.'),
  sloNotConfigured: defineError('saml.slo_not_configured', 'invalid', 'The application has no single logout URL.'),
};
