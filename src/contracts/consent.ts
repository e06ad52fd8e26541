/** PRV-1 to PRV-5: consent, purpose by purpose, its history, page views, and the GPC declaration. */
import { type Static, Type } from 'typebox';
import { Nullable, Page, Query, StrictObject, StringEnum, pageQuery } from './common.ts';

/** PRV-3: the purposes personal data is used for. */
export const PURPOSE_NAMES = [
  'analytics',
  'advertising',
  'marketing_email',
  'partner_sharing',
  'personalization',
  'direct_mail',
  'telemarketing',
  'profile_combination',
  'profile_sharing',
] as const;
export type PurposeName = (typeof PURPOSE_NAMES)[number];

/** The sources a person's own request may name; `gpc`, `email_link`, `signup` and `staff` are recorded by Castellan itself. */
export const REQUEST_SOURCES = ['banner', 'preferences', 'api'] as const;
export type ConsentRequestSource = (typeof REQUEST_SOURCES)[number];

const purpose = StringEnum(PURPOSE_NAMES);

/** One purpose's current state for a subject (PRV-3, PRV-4). */
export const PurposeState = Type.Object({
  purpose,
  rule: StringEnum(['opt_out', 'opt_in']),
  description: Type.String(),
  allowed: Type.Boolean(),
  /** false: nothing was ever recorded, and the rule's default applies. */
  recorded: Type.Boolean(),
  source: Nullable(Type.String()),
  at: Nullable(Type.String()),
  policyVersion: Nullable(Type.Integer()),
});
export type PurposeState = Static<typeof PurposeState>;

export const ConsentState = Type.Object({
  subject: StringEnum(['user', 'visitor'], { description: 'Whose choices these are: the signed-in user, else the visitor' }),
  purposes: Type.Array(PurposeState),
  gpc: Type.Object(
    { honored: Type.Boolean() },
    { description: 'PRV-5: the request carried Sec-GPC: 1, and its opt-outs are in effect ("Opt-Out Preference Signal Honored")' },
  ),
});
export type ConsentState = Static<typeof ConsentState>;

const OneChoice = StrictObject({ purpose, granted: Type.Boolean(), source: Type.Optional(StringEnum(REQUEST_SOURCES)) });
const Choices = StrictObject({
  choices: Type.Array(StrictObject({ purpose, granted: Type.Boolean() }), { minItems: 1, maxItems: PURPOSE_NAMES.length }),
  source: Type.Optional(StringEnum(REQUEST_SOURCES)),
});

/** One purpose, or several at once (the banner's accept and refuse). */
export const ConsentBody = Type.Unsafe<Static<typeof OneChoice> | Static<typeof Choices>>({ oneOf: [OneChoice, Choices] });
export type ConsentBody = Static<typeof ConsentBody>;

export const ConsentHistoryQuery = Query(pageQuery);
export type ConsentHistoryQuery = Static<typeof ConsentHistoryQuery>;

/** One recorded consent event (PRV-4). */
export const ConsentEvent = Type.Object({
  id: Type.String(),
  purpose: Type.String(),
  granted: Type.Boolean(),
  source: Type.String(),
  policyVersion: Nullable(Type.Integer()),
  ip: Nullable(Type.String(), { description: 'Truncated' }),
  at: Type.String(),
});
export type ConsentEvent = Static<typeof ConsentEvent>;
export const ConsentEventPage = Page(ConsentEvent);

export const PageViewBody = StrictObject({
  path: Type.String({ minLength: 1, maxLength: 2000, pattern: '^/' }),
  referrer: Type.Optional(Type.String({ maxLength: 2000 })),
  searchTerms: Type.Optional(Type.String({ maxLength: 500 })),
});
export type PageViewBody = Static<typeof PageViewBody>;

/** The Global Privacy Control support resource (PRV-5). */
export const GpcSupport = Type.Object({ gpc: Type.Boolean(), lastUpdate: Type.String() });
