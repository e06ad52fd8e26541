import { defineError } from '../../core/errors.ts';

/** DSR-6: an organization's deletion. */
export const OrgDeletionErrors = {
  /** The confirmation: the name typed must be the organization's, character for character. */
  nameMismatch: defineError('directory.org_name_mismatch', 'invalid', "Type the organization's name exactly as it is shown to confirm its deletion."),
  alreadyScheduled: defineError('directory.org_deletion_scheduled', 'conflict', "The organization's deletion is already scheduled."),
  notScheduled: defineError('directory.org_deletion_not_scheduled', 'conflict', "No deletion of the organization is scheduled."),
} as const;
