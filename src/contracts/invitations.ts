/**
 * DIR-2, GOV-3, ACC-2: invitations, re-sent and revoked by admins, accepted by the address's
 * owner; and starting another organization.
 */
import { type Static, Type } from 'typebox';
import { Id, StrictObject, StringEnum } from './common.ts';
import { PendingInvitation } from './me.ts';

/** The token of an invitation link: what randomToken() makes (base64url), never anything shorter. */
const token = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
const password = Type.String({ minLength: 1, maxLength: 1024 });
const name = Type.String({ minLength: 1, maxLength: 200 });

export const InvitationTokenParams = StrictObject({ token });
export type InvitationTokenParams = Static<typeof InvitationTokenParams>;

/** What an invitation link is for, as its page shows it. */
export const InvitationInfo = Type.Object({
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  email: Type.String(),
  expiresAt: Type.String(),
  /** Whether the invited address has an account (told only to whoever holds the link). */
  account: StringEnum(['none', 'exists']),
});
export type InvitationInfo = Static<typeof InvitationInfo>;

/** Signed in with the invited address: empty. Without an account: a password (and a name). */
export const AcceptInvitationBody = StrictObject({ password: Type.Optional(password), name: Type.Optional(name) });
export type AcceptInvitationBody = Static<typeof AcceptInvitationBody>;

export const AcceptWithTokenBody = StrictObject({ token, password, name: Type.Optional(name) });
export type AcceptWithTokenBody = Static<typeof AcceptWithTokenBody>;

/** Creating one's account from an invitation: the password, and a name if it should differ from the invited one. */
export type NewAccountInput = Omit<AcceptWithTokenBody, 'token'>;

export const PendingInvitationList = Type.Object({ items: Type.Array(PendingInvitation) });

export const MembershipParams = StrictObject({ membershipId: Id });
export type MembershipParams = Static<typeof MembershipParams>;
