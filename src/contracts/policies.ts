/** PRV-8: the versioned privacy policy, its archive and diffs; publishing; notices and acknowledgements. */
import { type Static, Type } from 'typebox';
import { Items, Nullable, NullableObject, StrictObject, StringEnum } from './common.ts';

export const POLICY_TITLE_MAX = 200;
export const POLICY_SUMMARY_MAX = 500;
export const POLICY_MARKDOWN_MAX = 200_000;
/** A whole policy in markdown is larger than most bodies: publishing takes up to 1 MiB. */
export const POLICY_BODY_LIMIT = 1024 * 1024;

const versionNumber = Type.Integer({ minimum: 1, maximum: 1_000_000 });

/** Where a version stands at a given instant. */
export const POLICY_STATUSES = ['upcoming', 'in_force', 'superseded'] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

const summaryProperties = {
  version: Type.Integer(),
  title: Type.String(),
  /** What changed, in a sentence or two (shown in notices); null when the staff gave none. */
  summary: Nullable(Type.String()),
  /** A material change: announced by notices and by email to every user. */
  material: Type.Boolean(),
  effectiveAt: Type.String(),
  publishedAt: Type.String(),
  supersededAt: Nullable(Type.String(), { description: 'When the next version takes (or took) effect' }),
  status: StringEnum(POLICY_STATUSES),
};

/** A version as the archive lists it: everything but its text. */
export const PolicySummary = Type.Object(summaryProperties);
export type PolicySummary = Static<typeof PolicySummary>;
export const PolicyList = Items(PolicySummary);

export const Policy = Type.Object({ ...summaryProperties, markdown: Type.String() });
export type Policy = Static<typeof Policy>;

const announcementProperties = {
  version: Type.Integer(),
  title: Type.String(),
  summary: Nullable(Type.String()),
  effectiveAt: Type.String(),
  /** It is already in effect (else it is upcoming). */
  takenEffect: Type.Boolean(),
  /** The version before it, to show what changed; null for the first. */
  previousVersion: Nullable(Type.Integer()),
};

/** A material change the sign-in page announces to everyone (PRV-8). */
export const PolicyAnnouncement = Type.Object(announcementProperties);
export type PolicyAnnouncement = Static<typeof PolicyAnnouncement>;

/** The version in force, the next one if published, and any announcement. */
export const CurrentPolicy = Type.Object({
  ...Policy.properties,
  upcoming: NullableObject(PolicySummary, { description: 'The next version, published but not yet in effect' }),
  announcement: NullableObject(PolicyAnnouncement, {
    description: 'A material change the sign-in page announces: upcoming, or in effect for less than 30 days',
  }),
});
export type CurrentPolicy = Static<typeof CurrentPolicy>;

/** The per-user notice of a material change, shown until acknowledged. */
export const PolicyNotice = Type.Object({
  ...announcementProperties,
  /** When this user was first shown the notice (now, the first time). */
  firstShownAt: Type.String(),
  /** When the notice email to this user was queued; null when none was sent. */
  emailedAt: Nullable(Type.String()),
  /** Whether continued use after the notice has already been recorded as acceptance. */
  continuedUseRecordedAt: Nullable(Type.String()),
});
export type PolicyNotice = Static<typeof PolicyNotice>;
export const PolicyNoticeResponse = Type.Object({ notice: NullableObject(PolicyNotice) });

export const PolicyAcknowledgement = Type.Object({
  version: Type.Integer(),
  kind: StringEnum(['acknowledged', 'continued_use']),
  at: Type.String(),
});
export type PolicyAcknowledgement = Static<typeof PolicyAcknowledgement>;
export const PolicyAcknowledgementList = Items(PolicyAcknowledgement);

export const DiffLine = Type.Object({
  op: StringEnum(['equal', 'insert', 'delete']),
  text: Type.String(),
  /** 1-based line number in the `from` version; null for an inserted line. */
  fromLine: Nullable(Type.Integer()),
  /** 1-based line number in the `to` version; null for a deleted line. */
  toLine: Nullable(Type.Integer()),
});
export type DiffLine = Static<typeof DiffLine>;

export const PolicyDiff = Type.Object({
  from: PolicySummary,
  to: PolicySummary,
  inserted: Type.Integer(),
  deleted: Type.Integer(),
  lines: Type.Array(DiffLine),
});
export type PolicyDiff = Static<typeof PolicyDiff>;

export const PolicyDiffQuery = StrictObject({ from: versionNumber, to: versionNumber });
export type PolicyDiffQuery = Static<typeof PolicyDiffQuery>;

export const PolicyVersionParams = StrictObject({ version: versionNumber });
export type PolicyVersionParams = Static<typeof PolicyVersionParams>;

export const PublishPolicyBody = StrictObject({
  title: Type.String({ minLength: 1, maxLength: POLICY_TITLE_MAX }),
  markdown: Type.String({ minLength: 1, maxLength: POLICY_MARKDOWN_MAX }),
  effectiveAt: Type.Optional(
    Type.String({
      format: 'date-time',
      maxLength: 40,
      description: 'Omitted: at publication. At most 5 minutes in the past, and not before the previous version',
    }),
  ),
  material: Type.Boolean(),
  summary: Type.Optional(Type.String({ maxLength: POLICY_SUMMARY_MAX, description: 'Required for a material change' })),
});
export type PublishPolicyBody = Static<typeof PublishPolicyBody>;

/** A published version, and how many users the change was emailed to (material changes only). */
export const PublishedPolicy = Type.Object({ ...Policy.properties, emailed: Type.Integer() });
export type PublishedPolicy = Static<typeof PublishedPolicy>;

export const AcknowledgeBody = StrictObject({ version: versionNumber });
export type AcknowledgeBody = Static<typeof AcknowledgeBody>;
