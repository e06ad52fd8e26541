/** The signed-in person's own account: who they are, profile, password, sessions and MFA (ACC-2, ACC-5, ACC-6). */
import { type Static, Type } from 'typebox';
import { EmailChangeApproval } from './email-change-requests.ts';
import { Id, Items, MEMBERSHIP_STATUSES, NullableEnum, ORG_ROLES, Nullable, OrganizationRef, STAFF_ROLES, StrictObject, StringEnum, UserRef } from './common.ts';

const password = Type.String({ minLength: 1, maxLength: 1024 });

/** A person's own account (never a hash or a secret). */
export const Account = Type.Object({
  id: Type.String(),
  kind: StringEnum(['user', 'staff']),
  email: Type.String(),
  name: Type.String(),
  status: Type.String(),
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  staffRole: NullableEnum(STAFF_ROLES),
  createdAt: Type.String(),
});
export type Account = Static<typeof Account>;

/** One of a person's memberships, with its organization: what the organization switcher lists. */
export const Membership = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  orgRole: StringEnum(ORG_ROLES),
  status: StringEnum(MEMBERSHIP_STATUSES),
  username: Nullable(Type.String()),
  /** `slug` names the organization's LDAP subtree, `o=<slug>` (PRO-1); `requireMfa`: every member must have two-step verification on (ACC-5). */
  organization: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), plan: Type.String(), requireMfa: Type.Boolean() }),
});
export type Membership = Static<typeof Membership>;

/** An invitation waiting for the signed-in person's (verified) address. */
export const PendingInvitation = Type.Object({
  id: Type.String(),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  email: Type.String(),
  invitedAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
});
export type PendingInvitation = Static<typeof PendingInvitation>;

export const MeQuery = StrictObject({ orgId: Type.Optional(Id) });
export type MeQuery = Static<typeof MeQuery>;

export const Me = Type.Object({
  user: UserRef,
  organization: Type.Union([OrganizationRef, Type.Null()]),
  account: Account,
  memberships: Type.Array(Membership),
  invitations: Type.Array(PendingInvitation),
  csrfToken: Type.String(),
});
export type Me = Static<typeof Me>;

export const ProfileBody = StrictObject({ name: Type.String({ minLength: 1, maxLength: 200 }) });
export type ProfileBody = Static<typeof ProfileBody>;

export const ProfileResponse = Type.Object({ user: UserRef });
export type ProfileResponse = Static<typeof ProfileResponse>;

/** The code from the authenticator app, or a recovery code: asked with the password when TOTP is on. */
const code = Type.String({ minLength: 1, maxLength: 64 });

/**
 * The current password (and `code` with TOTP on); `currentPassword` may be left out within five
 * minutes of `POST /api/v1/me/reauth` on the same session.
 */
export const ChangePasswordBody = StrictObject({ currentPassword: Type.Optional(password), newPassword: password, code: Type.Optional(code) });
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const SessionInfo = Type.Object({
  id: Type.String(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  current: Type.Boolean(),
});
export type SessionInfo = Static<typeof SessionInfo>;
export const SessionList = Items(SessionInfo);

/** PRO-2, PRO-5: an application on the person's home page, and the address that opens it (null: open it from the application itself). */
export const MyApplication = Type.Object({
  resourceId: Type.String(),
  orgId: Type.String(),
  orgName: Type.String(),
  name: Type.String(),
  protocol: Type.Union([Type.Literal('oidc'), Type.Literal('saml')]),
  launchUrl: Type.Union([Type.String(), Type.Null()]),
});
export type MyApplication = Static<typeof MyApplication>;
export const MyApplicationList = Items(MyApplication);

export const SessionParams = StrictObject({ sessionId: Id });
export type SessionParams = Static<typeof SessionParams>;

export const MfaStatus = Type.Object({ enabled: Type.Boolean(), recoveryCodesLeft: Type.Integer() });
export type MfaStatus = Static<typeof MfaStatus>;

export const TotpEnrolment = Type.Object({ secret: Type.String(), otpauthUri: Type.String() });
export type TotpEnrolment = Static<typeof TotpEnrolment>;

export const TotpConfirmBody = StrictObject({ code: Type.String({ minLength: 1, maxLength: 20 }) });
export type TotpConfirmBody = Static<typeof TotpConfirmBody>;

/**
 * Step-up (ACC-5, ACC-7): the password again, and `code` with TOTP on; both may be left out within
 * five minutes of `POST /api/v1/me/reauth` on the same session. A session alone is never enough.
 */
export const StepUpBody = StrictObject({ password: Type.Optional(password), code: Type.Optional(code) });
export type StepUpBody = Static<typeof StepUpBody>;

/** `POST /api/v1/me/reauth`: the password, and `code` with TOTP on. */
export const ReauthBody = StrictObject({ password, code: Type.Optional(code) });
export type ReauthBody = Static<typeof ReauthBody>;

export const Reauthenticated = Type.Object({ until: Type.String({ format: 'date-time' }) });
export type Reauthenticated = Static<typeof Reauthenticated>;

/** A new address for the account, with step-up; a link goes to it and nothing changes until it is opened. */
export const EmailChangeBody = StrictObject({ email: Type.String({ format: 'email', maxLength: 254 }), password: Type.Optional(password), code: Type.Optional(code) });
export type EmailChangeBody = Static<typeof EmailChangeBody>;

export const EmailChangeConfirmBody = StrictObject({ token: Type.String({ minLength: 20, maxLength: 200 }) });
export type EmailChangeConfirmBody = Static<typeof EmailChangeConfirmBody>;

/** `pending`: a link to a new address waits to be opened; `approval`: a change waits for the organization's approval (GOV-4). */
export const EmailChangeStatus = Type.Object({ pending: Type.Boolean(), approval: EmailChangeApproval });
export type EmailChangeStatus = Static<typeof EmailChangeStatus>;

export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;

/** Whether the request comes with a live session: a probe that never fails, for public pages (no 401 in the console). */
export const SessionProbe = Type.Object({ signedIn: Type.Boolean() });
/** The probe takes no parameters: anything in its query string is refused. */
export const SessionProbeQuery = StrictObject({});
export type SessionProbe = Static<typeof SessionProbe>;
