/** DSR-6: an organization's deletion, requested by one of its admins, with a waiting period it can cancel. */
import { type Static, Type } from 'typebox';
import { Nullable, StrictObject, StringEnum } from './common.ts';

/** The waiting period between the request and the erasure. */
export const ORG_DELETION_WAIT_DAYS = 7;

export const RequestOrgDeletionBody = StrictObject({
  name: Type.String({ minLength: 1, maxLength: 200, description: "The organization's name, typed exactly as it is, to confirm" }),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Your password (DSR-2 re-authentication); leave it out right after `POST /api/v1/me/reauth`' })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Your two-step verification or recovery code, when you have one on' })),
});
export type RequestOrgDeletionBody = Static<typeof RequestOrgDeletionBody>;

/** `none`: no deletion is scheduled; `scheduled`: the organization is deleted at `deleteAt` unless an admin cancels first. */
export const OrgDeletion = Type.Object({
  state: StringEnum(['none', 'scheduled']),
  requestedAt: Nullable(Type.String()),
  deleteAt: Nullable(Type.String({ description: `When protocol access stops and the erasure runs: ${ORG_DELETION_WAIT_DAYS} days after the request` })),
});
export type OrgDeletion = Static<typeof OrgDeletion>;
