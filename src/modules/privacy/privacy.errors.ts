import { defineError } from '../../core/errors.ts';

export const PrivacyErrors = {
  unknownPurpose: defineError('privacy.unknown_purpose', 'invalid', 'There is no such purpose.'),
  noSubject: defineError('privacy.no_subject', 'invalid', 'There is nobody to record a choice for: sign in, or accept the visitor cookie.'),
} as const;
