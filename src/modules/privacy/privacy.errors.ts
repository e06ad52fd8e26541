import { defineError } from '../../core/errors.ts';

export const PrivacyErrors = {
  unknownPurpose: defineError('privacy.unknown_purpose', 'invalid', 'There is no such purpose.'),
  noSubject: defineError('privacy.no_subject', 'invalid', 'There is nobody to record a choice for: sign in, or accept the visitor cookie.'),
  /** PRV-9: a ledger entry must say who received what, why, and about whom. */
  invalidDisclosure: defineError('privacy.invalid_disclosure', 'invalid', 'The disclosure is incomplete or not valid.'),
  unknownDataCategory: defineError('privacy.unknown_data_category', 'invalid', 'There is no such category of personal data.'),
  unknownRecipientKind: defineError('privacy.unknown_recipient_kind', 'invalid', 'There is no such kind of recipient.'),
  /** PRV-8: policy versions. */
  noPolicyInForce: defineError('privacy.no_policy_in_force', 'not_found', 'No privacy policy is in force yet.'),
  policyVersionNotFound: defineError('privacy.policy_version_not_found', 'not_found', 'There is no such privacy policy version.'),
  policyEffectiveInPast: defineError('privacy.policy_effective_in_past', 'invalid', 'A policy version cannot take effect in the past.'),
  policyEffectiveOutOfOrder: defineError('privacy.policy_effective_out_of_order', 'invalid', 'A policy version cannot take effect before the version published before it.'),
  policyNotMaterial: defineError('privacy.policy_not_material', 'invalid', 'Only a material change is acknowledged.'),
  /** PRV-7: marketing mail and contact lists. */
  invalidUnsubscribeLink: defineError('privacy.invalid_unsubscribe_link', 'invalid', 'The unsubscribe link is not valid or has expired.'),
  invalidList: defineError('privacy.invalid_list', 'invalid', 'A list name is 1 to 40 lowercase letters, digits and dashes.'),
  invalidContactPurpose: defineError('privacy.invalid_contact_purpose', 'invalid', 'Contact lists exist only for direct_mail and telemarketing.'),
} as const;
