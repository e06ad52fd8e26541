import { defineError } from '../../core/errors.ts';

export const DirectoryErrors = {
  userLimitReached: defineError(
    'directory.user_limit_reached',
    'limit_reached',
    'The free plan allows at most 10 active users. Upgrade to add more.',
  ),
  emailTaken: defineError('directory.email_taken', 'conflict', 'A user with this email already exists.'),
  usernameTaken: defineError('directory.username_taken', 'conflict', 'This username is already used in the organization.'),
  groupNameTaken: defineError('directory.group_name_taken', 'conflict', 'A group with this name already exists.'),
  resourceNameTaken: defineError('directory.resource_name_taken', 'conflict', 'A resource with this name already exists.'),
  bindingExists: defineError('directory.binding_exists', 'conflict', 'This access is already granted.'),
  alreadyMember: defineError('directory.already_member', 'conflict', 'The user is already a member of the group.'),
  invalidPlan: defineError('directory.invalid_plan', 'invalid', 'Unknown plan.'),
  importInvalid: defineError('directory.import_invalid', 'invalid', 'The file has errors; nothing was imported.'),
  cannotChangeSelf: defineError('directory.cannot_change_self', 'forbidden', 'You cannot suspend or delete your own account.'),
} as const;
