/** PRV-7: marketing campaigns (staff), and the public links in marketing mail. */
import { type Static, Type } from 'typebox';
import { Nullable, NullableObject, StrictObject, StringEnum } from './common.ts';

/** A list is a short slug, e.g. `newsletter`: it appears in the mail and on the unsubscribe page. */
export const LIST_PATTERN = '^[a-z0-9][a-z0-9-]{0,39}$';
export const CAMPAIGN_LIMITS = { subject: 200, text: 100_000, html: 200_000 } as const;
/** Subject, text and html together, with room to spare; larger than the default body limit. */
export const CAMPAIGN_BODY_LIMIT = 512 * 1024;

export const CampaignBody = StrictObject({
  list: Type.String({ pattern: LIST_PATTERN, description: 'A short slug, e.g. newsletter' }),
  subject: Type.String({ minLength: 1, maxLength: CAMPAIGN_LIMITS.subject, pattern: '^[^\\r\\n]*$' }),
  text: Type.String({ minLength: 1, maxLength: CAMPAIGN_LIMITS.text }),
  html: Type.Optional(Type.String({ minLength: 1, maxLength: CAMPAIGN_LIMITS.html })),
});
export type CampaignBody = Static<typeof CampaignBody>;

export const Campaign = Type.Object({
  id: Type.String(),
  list: Type.String(),
  subject: Type.String(),
  recipients: Type.Integer({ description: 'Messages queued: one per recipient who allows marketing email now' }),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type Campaign = Static<typeof Campaign>;

/** The signed token of a link in marketing mail. */
export const MailTokenQuery = StrictObject({ token: Type.String({ minLength: 1, maxLength: 1000 }) });
export type MailTokenQuery = Static<typeof MailTokenQuery>;

/** RFC 8058: a one-click POST carries `List-Unsubscribe=One-Click` and nothing more (or nothing at all). */
export const OneClickBody = NullableObject(StrictObject({ 'List-Unsubscribe': Type.Optional(StringEnum(['One-Click'])) }));
export type OneClickBody = Static<typeof OneClickBody>;
