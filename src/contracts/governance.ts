/** GOV-2, GOV-3: an organization's domains, the accounts on them it may take control of, and the in-app notices people get. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query, StrictObject, StringEnum, pageQuery } from './common.ts';

export const DOMAIN_STATUSES = ['pending', 'verified'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];
export const DOMAIN_CHECK_ERRORS = ['not_found', 'wrong_value', 'dns_error'] as const;

/** What to publish at the domain's name for it to be verified. */
export const TxtRecord = Type.Object({
  name: Type.String({ description: 'the name to publish the record at: the domain itself' }),
  type: Type.Literal('TXT'),
  value: Type.String({ description: '`castellan-verification=<token>`, exactly' }),
});

export const Domain = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'A-labels, lower case, without a trailing dot' }),
  displayName: Type.String({ description: 'the name in Unicode, for people (the same as `name` for an ASCII name)' }),
  status: StringEnum(DOMAIN_STATUSES),
  txtRecord: TxtRecord,
  createdAt: Type.String(),
  verifiedAt: Nullable(Type.String()),
  lastCheckedAt: Nullable(Type.String()),
  lastCheckError: Nullable(Type.String({ description: 'why the last check failed: `not_found`, `wrong_value` or `dns_error`' })),
});
export type Domain = Static<typeof Domain>;
export const DomainPage = Page(Domain);
export type DomainPage = Static<typeof DomainPage>;

export const CreateDomainBody = StrictObject({ name: Type.String({ minLength: 1, maxLength: 300, description: 'a domain such as example.com; IDNs and a trailing dot are accepted' }) });
export type CreateDomainBody = Static<typeof CreateDomainBody>;

export const DomainParams = StrictObject({ orgId: Id, domainId: Id });
export type DomainParams = Static<typeof DomainParams>;

export const DomainListQuery = Query({ ...pageQuery });
export type DomainListQuery = Static<typeof DomainListQuery>;

/** GOV-3: an account on a verified domain that the organization does not control yet. */
export const DomainAccount = Type.Object({
  id: Type.String({ description: 'the account id (accounts are keyed by id, never by address)' }),
  name: Type.String(),
  email: Type.String(),
  member: Type.Boolean({ description: 'whether the account already has a membership in this organization (an invitation counts once accepted)' }),
});
export type DomainAccount = Static<typeof DomainAccount>;
export const DomainAccountPage = Page(DomainAccount);
export type DomainAccountPage = Static<typeof DomainAccountPage>;

export const ClaimBody = StrictObject({
  accountIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 1000, description: 'the accounts to take control of; every account of the preview when absent' })),
});
export type ClaimBody = Static<typeof ClaimBody>;

export const ClaimResult = Type.Object({
  claimed: Type.Array(Type.String(), { description: 'the ids of the accounts the organization now controls' }),
  count: Type.Integer(),
});
export type ClaimResult = Static<typeof ClaimResult>;

/** An in-app notice on the person's account page, shown until marked read. */
export const Notice = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  orgId: Nullable(Type.String()),
  title: Type.String(),
  body: Type.String(),
  createdAt: Type.String(),
  readAt: Nullable(Type.String()),
});
export type Notice = Static<typeof Notice>;
export const NoticePage = Page(Notice);
export type NoticePage = Static<typeof NoticePage>;

export const NoticeListQuery = Query({ ...pageQuery, unread: Type.Optional(Type.Boolean({ description: 'only the notices not yet read' })) });
export type NoticeListQuery = Static<typeof NoticeListQuery>;

export const NoticeParams = StrictObject({ noticeId: Id });
export type NoticeParams = Static<typeof NoticeParams>;
