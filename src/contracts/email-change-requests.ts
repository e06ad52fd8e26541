/** GOV-4: email changes of accounts an organization administers, which its admins approve or deny. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, NullableObject, Page, pageQuery, Query, StrictObject, StringEnum } from './common.ts';

export const EMAIL_CHANGE_REQUEST_STATES = ['pending', 'approved', 'denied', 'cancelled', 'completed'] as const;
export type EmailChangeRequestState = (typeof EMAIL_CHANGE_REQUEST_STATES)[number];

/** A request as the organization's admins see it: who asks, for which address, and what became of it. */
export const EmailChangeRequest = Type.Object({
  id: Type.String(),
  state: StringEnum(EMAIL_CHANGE_REQUEST_STATES),
  accountId: Type.String({ description: "the person's account id" }),
  name: Type.String({ description: "the person's name" }),
  currentEmail: Type.String({ description: 'the address the account has now' }),
  newEmail: Type.String({ description: 'the address the person asked for' }),
  createdAt: Type.String(),
  decidedAt: Nullable(Type.String()),
  decidedBy: Nullable(Type.String({ description: "the deciding admin's user id in the organization" })),
  reason: Nullable(Type.String({ description: 'why it was denied, as the admin wrote it' })),
});
export type EmailChangeRequest = Static<typeof EmailChangeRequest>;
export const EmailChangeRequestPage = Page(EmailChangeRequest);
export type EmailChangeRequestPage = Static<typeof EmailChangeRequestPage>;

export const ListEmailChangeRequestsQuery = Query({ ...pageQuery, state: Type.Optional(StringEnum(EMAIL_CHANGE_REQUEST_STATES)) });
export type ListEmailChangeRequestsQuery = Static<typeof ListEmailChangeRequestsQuery>;

export const EmailChangeRequestParams = StrictObject({ orgId: Id, requestId: Id });
export type EmailChangeRequestParams = Static<typeof EmailChangeRequestParams>;

export const DenyEmailChangeBody = StrictObject({ reason: Type.Optional(Type.String({ maxLength: 500, description: 'told to the person' })) });
export type DenyEmailChangeBody = Static<typeof DenyEmailChangeBody>;

/** `POST /me/email` on an account an organization administers: the change waits for its admins. */
export const EmailChangePendingApproval = Type.Object({ state: StringEnum(['pending_approval'] as const), requestId: Type.String() });
export type EmailChangePendingApproval = Static<typeof EmailChangePendingApproval>;

/** The person's own request waiting for approval, on `GET /me/email`. */
export const EmailChangeApproval = NullableObject(
  Type.Object({
    requestId: Type.String(),
    state: StringEnum(['pending_approval'] as const),
    orgId: Type.String(),
    orgName: Type.String({ description: 'the organization whose admins decide' }),
    createdAt: Type.String(),
  }),
  { description: 'the change waiting for approval by the organization that administers the account (GOV-4), or null' },
);
export type EmailChangeApproval = Static<typeof EmailChangeApproval>;
