import { defineError } from '../../core/errors.ts';

/** PRO-5: SAML applications. */
export const SamlErrors = {
  invalidSamlSettings: defineError('federation.invalid_saml_settings', 'invalid', 'The SAML settings of the application are not valid.'),
};
