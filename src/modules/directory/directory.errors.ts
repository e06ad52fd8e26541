import { defineError } from '../../core/errors.ts';

export const DirectoryErrors = {
  userLimitReached: defineError(
    'directory.user_limit_reached',
    'limit_reached',
    'The free plan allows at most 10 users (active or invited). Upgrade to add more.',
  ),
  /** Only ever about this organization's own members: never whether the address has an account elsewhere. */
  alreadyInOrganization: defineError('directory.already_in_organization', 'conflict', 'This address is already a member of, or invited to, this organization.'),
  tooManyInvitations: defineError('directory.too_many_invitations', 'rate_limited', 'Too many invitations were sent. Try again later.'),
  notInvited: defineError('directory.not_invited', 'conflict', 'This user has already accepted, or the invitation was withdrawn.'),
  invalidInvitation: defineError('directory.invalid_invitation', 'invalid', 'The invitation link is invalid, expired or already used.'),
  signInToAccept: defineError('directory.sign_in_to_accept', 'conflict', 'This address already has an account: sign in to accept the invitation.'),
  invitationForAnotherAddress: defineError('directory.invitation_for_another_address', 'forbidden', 'This invitation was sent to another address: sign in with that address to accept it.'),
  usernameTaken: defineError('directory.username_taken', 'conflict', 'This username is already used in the organization.'),
  groupNameTaken: defineError('directory.group_name_taken', 'conflict', 'A group with this name already exists.'),
  resourceNameTaken: defineError('directory.resource_name_taken', 'conflict', 'A resource with this name already exists.'),
  bindingExists: defineError('directory.binding_exists', 'conflict', 'This access is already granted.'),
  alreadyMember: defineError('directory.already_member', 'conflict', 'The user is already a member of the group.'),
  invalidPlan: defineError('directory.invalid_plan', 'invalid', 'Unknown plan.'),
  importInvalid: defineError('directory.import_invalid', 'invalid', 'The file has errors; nothing was imported.'),
  importTooLarge: defineError('directory.import_too_large', 'invalid', 'The import file is too large for the plan.'),
  cannotChangeSelf: defineError('directory.cannot_change_self', 'forbidden', 'You cannot suspend or delete your own account.'),
  notLdapApplication: defineError('directory.not_ldap_application', 'invalid', 'Service accounts belong to an application resource whose settings.protocol is "ldap".'),
  serviceAccountNameTaken: defineError('directory.service_account_name_taken', 'conflict', 'A service account with this name already exists in the organization.'),
  /** The directory query language refuses extensible matches, and filters too large or too deeply nested to be a real client's. */
  unsupportedFilter: defineError('directory.unsupported_filter', 'invalid', 'The search filter is not supported.'),
  /** ACC-5: an admin who requires two-step verification of everyone has it on first, so as not to be shut out of the console by their own change. */
  /** DSR-6: everyone is told of a deletion when it is scheduled; no one joins an organization during its waiting period. */
  deletionPending: defineError(
    'directory.organization_deletion_pending',
    'conflict',
    'The organization is scheduled for deletion: no one can be invited or imported unless an administrator cancels the deletion.',
  ),
  /** PRO-4: SCIM provisioning. */
  scimTokenLimitReached: defineError('directory.scim_token_limit_reached', 'limit_reached', 'The organization has as many SCIM tokens as it may: revoke one first.'),
  invalidScimToken: defineError('directory.invalid_scim_token', 'invalid', 'A SCIM token needs a name of 1 to 100 characters.'),
  scimUserNameTaken: defineError('directory.scim_user_name_taken', 'conflict', 'This userName is already used in the organization.'),
  scimInvalid: defineError('directory.scim_invalid', 'invalid', 'The SCIM resource is not valid.'),
  scimImmutable: defineError('directory.scim_immutable', 'invalid', 'This attribute cannot be changed over SCIM.'),
  scimVersionMismatch: defineError('directory.scim_version_mismatch', 'conflict', 'The resource changed since it was read (If-Match).'),
  ownMfaFirst: defineError('directory.own_mfa_first', 'conflict', 'Turn on two-step verification for your own account before requiring it of the organization.'),
} as const;
