import { defineError } from '../../core/errors.ts';

/** GOV-2, GOV-3: the errors of domains and control over accounts. */
export const GovernanceErrors = {
  invalidDomain: defineError('governance.invalid_domain', 'invalid', 'This is not a domain name that can be verified: give a registered name such as example.com (no address, no single label).'),
  publicMailDomain: defineError('governance.public_mail_domain', 'invalid', 'This is a public mail domain: no organization can verify or claim it.'),
  /** Says only that the name cannot be added here: never which organization holds it. */
  domainTaken: defineError('governance.domain_taken', 'conflict', 'This domain cannot be verified by this organization.'),
  domainExists: defineError('governance.domain_exists', 'conflict', 'This organization has already added this domain.'),
  domainNotVerified: defineError('governance.domain_not_verified', 'conflict', 'Verify the domain first: only the accounts of a verified domain can be claimed.'),
  domainLimitReached: defineError('governance.domain_limit_reached', 'limit_reached', 'This organization has added as many domains as it may.'),
  invalidCursor: defineError('governance.invalid_cursor', 'invalid', 'The cursor is not valid for this list.'),
} as const;
