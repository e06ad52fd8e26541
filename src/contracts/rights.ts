/** DSR-1, DSR-4, DSR-5: data-subject requests, from the privacy center and for privacy staff. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Query, StrictObject, StringEnum } from './common.ts';

export const REQUEST_KINDS = ['access', 'know', 'correct', 'delete', 'opt_out', 'shine_the_light', 'question', 'complaint'] as const;
export const REGIMES = ['ccpa', 'gdpr', 'other'] as const;
export const CHANNELS = ['web', 'email', 'phone', 'mail', 'fax', 'in_person'] as const;
export const REQUEST_STATES = ['received', 'acknowledged', 'extended', 'completed'] as const;
export const OUTCOMES = ['complied', 'partly_complied', 'denied'] as const;
export const VERIFICATION_STATES = ['not_required', 'pending', 'verified', 'failed'] as const;
export const DETAILS_MAX = 4000;
export const REASON_MAX = 2000;

const nullable = Nullable(Type.String());
const email = Type.String({ minLength: 3, maxLength: 254, description: 'The address the acknowledgement and the answer go to' });
const details = Type.String({ maxLength: DETAILS_MAX, description: 'What to correct, the question or the complaint, in the requester\'s words' });

export const RequestEvent = Type.Object({
  action: Type.String({ description: '`received`, `acknowledged`, `opted_out`, `extended`, `overdue` or `closed`' }),
  actor: StringEnum(['requester', 'staff', 'system']),
  note: nullable,
  at: Type.String(),
});

const requestFields = {
  id: Type.String(),
  kind: StringEnum(REQUEST_KINDS),
  regime: StringEnum(REGIMES),
  channel: StringEnum(CHANNELS),
  state: StringEnum(REQUEST_STATES),
  receivedAt: Type.String(),
  acknowledgeBy: Type.String({ description: 'DSR-4: the end of the 10th business day after receipt' }),
  acknowledgedAt: nullable,
  dueAt: Type.String({ description: 'DSR-4: 45 calendar days (CCPA, other) or one calendar month (GDPR), later when extended' }),
  extendedAt: nullable,
  outcome: Nullable(Type.String(), { description: '`complied`, `partly_complied` or `denied`, once answered' }),
  respondedAt: nullable,
  overdue: Type.Boolean({ description: 'Past its due date and not answered' }),
  verification: StringEnum(VERIFICATION_STATES, {
    description: 'DSR-2: access, know, correct and delete are fulfilled once `verified`; opt-outs, questions, complaints and Shine the Light need none (`not_required`)',
  }),
  verifiedAt: nullable,
  verificationNeeds: Type.Array(Type.String(), {
    description:
      'DSR-2, DSR-3: what verification still needs, in order: `reauthentication`, `email_link`, `data_points:N`, `declaration`, `residence`, `subject_confirmation` (to the subject of an agent\'s request; the agent sees `awaiting_subject`). The intake\'s answer to someone not signed in says only `email_link` (whether the address has an account is never told); the link\'s own page tells the rest',
  }),
};

/** DSR-1 (correct): the fields a correction request may change (docs/privacy-requests.md). */
export const CORRECTABLE_FIELDS = ['name'] as const;
export const CORRECTION_VALUE_MAX = 200;
export const Correction = StrictObject(
  {
    field: StringEnum(CORRECTABLE_FIELDS, { description: "`name`: the account's name" }),
    value: Type.String({ minLength: 1, maxLength: CORRECTION_VALUE_MAX, description: 'The value it should have' }),
  },
  { description: 'DSR-1: only with `kind: correct`; applied after staff review' },
);

/** DSR-1, DSR-5: where the request's fulfilment stands, its answer (know) and its deletion certificate. */
export const Fulfilment = Type.Object({
  status: Nullable(Type.String(), { description: '`awaiting_review`, `archive_offered`, `answered`, `corrected`, `correction_denied`, `erasing`, `erased` or `failed`' }),
  correction: Type.Optional(Nullable(Type.Object({ field: Type.String(), value: nullable }), { description: 'Privacy staff only: what a correction asks for' })),
  answer: Type.Unknown({ description: 'know: `{generatedAt, categories, thirdParties, organizations}`; delete: `{organizations}` (the pointers to their admins)' }),
  certificate: Type.Unknown({ description: 'DSR-5: the deletion certificate, or null' }),
});

/** DSR-2, DSR-3: the staff's verification checklist, on a request shown on its own. */
export const VerificationChecklist = Type.Object({
  items: Type.Array(
    Type.Object({
      key: StringEnum(['reauthentication', 'email_link', 'data_points', 'declaration', 'residence', 'agent_authorization', 'subject_confirmation', 'staff_decision'] as const),
      required: Type.Boolean(),
      done: Type.Boolean(),
      detail: nullable,
    }),
  ),
  attempts: Type.Integer(),
  failedAttempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  agent: Nullable(
    Type.Object({
      name: Type.String(),
      email: Type.String(),
      authorization: Type.Object({ filename: Type.String(), contentType: Type.String(), size: Type.Integer(), sha256: Type.String() }),
    }),
  ),
  decision: Nullable(Type.Object({ decision: Type.String(), method: nullable, note: nullable, by: nullable, at: Type.String() })),
});

/** DSR-1: a request as its requester sees it (by the link token) and as the intake answers it. */
export const PrivacyRequest = Type.Object({ ...requestFields, fulfilment: Type.Optional(Fulfilment), history: Type.Array(RequestEvent) });
export type PrivacyRequest = Static<typeof PrivacyRequest>;

/** DSR-4: a request as privacy staff see it. */
export const StaffPrivacyRequest = Type.Object({
  ...requestFields,
  email: Type.String(),
  accountId: nullable,
  details: nullable,
  enteredBy: Nullable(Type.String(), { description: 'The staff member who entered it on the subject\'s behalf' }),
  extensionReason: nullable,
  outcomeReason: nullable,
  shineTheLight: Type.Optional(
    Type.Object({
      name: nullable,
      street: nullable,
      city: nullable,
      state: nullable,
      zip: nullable,
      secondInYear: Type.Boolean({ description: 'DSR-7: the same person made another such request earlier in the calendar year' }),
      answeredYear: Nullable(Type.Integer()),
      answer: Type.Unknown({ description: 'The answer sent: `{year, recipients: [{name, address, categories}], categories}`' }),
    }),
  ),
  fulfilment: Type.Optional(Fulfilment),
  verificationChecklist: Type.Optional(VerificationChecklist),
  history: Type.Optional(Type.Array(RequestEvent)),
});
export const StaffPrivacyRequestPage = Type.Object({ items: Type.Array(StaffPrivacyRequest), nextCursor: nullable });

/**
 * DSR-7: what a "Your California Privacy Rights" request carries; only for `kind: shine_the_light`.
 * Every field is required there; what is missing is named in one answer (`rights.shine_the_light_incomplete`).
 */
const shineTheLightFields = {
  statement: Type.Optional(Type.String({ maxLength: 500, description: 'DSR-7: must contain "Your California Privacy Rights"' })),
  siteName: Type.Optional(Type.String({ maxLength: 200, description: "DSR-7: the site's name (CASTELLAN_SITE_NAME)" })),
  name: Type.Optional(Type.String({ maxLength: 200, description: "DSR-7: the requester's name" })),
  street: Type.Optional(Type.String({ maxLength: 200, description: 'DSR-7: street address' })),
  city: Type.Optional(Type.String({ maxLength: 100 })),
  state: Type.Optional(Type.String({ maxLength: 40, description: 'DSR-7: CA (the right is California residents\' own)' })),
  zip: Type.Optional(Type.String({ maxLength: 10, description: 'DSR-7: 5 digits, or ZIP+4' })),
};

/** DSR-3: an authorized agent making the request for the subject at `email`. */
export const AgentInput = StrictObject({ name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.String({ minLength: 3, maxLength: 254, description: "The agent's own address: their link goes there" }) });
/** DSR-3: the authorization the subject signed, uploaded as base64: a PDF, PNG or JPEG of at most 2 MiB, checked by its content. */
export const AuthorizationUpload = StrictObject({
  filename: Type.String({ minLength: 1, maxLength: 255 }),
  contentType: StringEnum(['application/pdf', 'image/png', 'image/jpeg'] as const),
  content: Type.String({ minLength: 4, maxLength: 2_796_204, description: 'The file, base64-encoded' }),
});

/** DSR-1: the public intake (no account needed; signed in, the account's own address is used). */
export const SubmitRequestBody = StrictObject({
  agent: Type.Optional(AgentInput),
  authorization: Type.Optional(AuthorizationUpload),
  kind: StringEnum(REQUEST_KINDS),
  regime: StringEnum(REGIMES),
  email: Type.Optional(email),
  details: Type.Optional(details),
  correction: Type.Optional(Correction),
  ...shineTheLightFields,
});

/** DSR-1: staff enter a request on the subject's behalf, naming the channel it came by. */
export const EnterRequestBody = StrictObject({
  kind: StringEnum(REQUEST_KINDS),
  regime: StringEnum(REGIMES),
  channel: StringEnum(CHANNELS),
  email,
  details: Type.Optional(details),
  correction: Type.Optional(Correction),
  ...shineTheLightFields,
});

export const RequestParams = StrictObject({ requestId: Id });
export const RequestTokenQuery = Query({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

export const QueueQuery = Query({
  state: Type.Optional(StringEnum(REQUEST_STATES, { description: 'Only requests in this state (default: every open one)' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const ExtendBody = StrictObject({ reason: Type.String({ minLength: 1, maxLength: REASON_MAX, description: 'Sent to the requester with the notice' }) });

export const CloseBody = StrictObject({
  outcome: StringEnum(OUTCOMES),
  reason: Type.Optional(Type.String({ maxLength: REASON_MAX, description: 'Required for a denial; kept in the request log' })),
});

/** DSR-1 (correct): privacy staff apply the correction asked for, or deny it with the reason. */
export const CorrectionDecisionBody = StrictObject({
  decision: StringEnum(['apply', 'deny'] as const),
  reason: Type.Optional(Type.String({ maxLength: REASON_MAX, description: 'Required to deny; sent to the requester and kept in the request log' })),
});

export const DownloadTokenQuery = Query({ token: Type.String({ minLength: 1, maxLength: 200, description: 'The token of the link mailed to the requester' }) });
export const CertificateQuery = Query({
  token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The certificate link's token, or the request's own; privacy staff need none" })),
  format: StringEnum(['json', 'text'] as const, { default: 'json' }),
});

/** DSR-1: a download link handed to the signed-in requester right after they re-authenticated. */
export const ArchiveLink = Type.Object({ url: Type.String(), expiresAt: Type.String() });
/** DSR-2: the holder re-authenticates for a download link: the password (and code), or nothing right after POST /me/reauth. */
export const ArchiveLinkBody = StrictObject({
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The account holder re-authenticates (or used POST /me/reauth just before)' })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The TOTP or recovery code, when two-step verification is on' })),
});

const point = Type.Optional(Type.String({ minLength: 1, maxLength: 200 }));
/** DSR-2: verifying a request: the signed-in holder re-authenticates; anyone else comes by the link with data points. */
export const VerifyBody = StrictObject({
  token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "The link's token (the requester's or the agent's)" })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The account holder re-authenticates (or used POST /me/reauth just before)' })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The TOTP or recovery code, when two-step verification is on' })),
  dataPoints: Type.Optional(
    StrictObject(
      { name: point, organization: point, username: point, invitedBy: point },
      { description: 'What we hold about the address: a name an organization knows it by, an organization that invited it, its username there, the address of who invited it' },
    ),
  ),
  declaration: Type.Optional(
    StrictObject({
      signedName: Type.String({ minLength: 1, maxLength: 200 }),
      agreed: Type.Boolean({ description: 'I declare under penalty of perjury that I am the person whose personal information is the subject of this request (or their authorized agent)' }),
    }),
  ),
  residence: Type.Optional(StrictObject({ state: Type.String({ minLength: 2, maxLength: 40, description: '`CA`' }), agreed: Type.Boolean({ description: 'I attest that I am a California resident' }) })),
});

/** DSR-3: the subject confirms directly the request their agent made (an account holder also re-authenticates). */
export const SubjectConfirmationBody = StrictObject({
  token: Type.String({ minLength: 1, maxLength: 200, description: "The token of the subject's own link" }),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  residence: Type.Optional(StrictObject({ state: Type.String({ minLength: 2, maxLength: 40 }), agreed: Type.Boolean() })),
});

/** DSR-2: privacy staff record a verification done outside the web. */
export const VerificationDecisionBody = StrictObject({
  decision: StringEnum(['verified', 'failed'] as const),
  method: Type.Optional(StringEnum(['phone', 'in_person', 'mail', 'agent_documents', 'other'] as const)),
  note: Type.String({ minLength: 1, maxLength: REASON_MAX, description: 'How the requester was verified, or why not; in the history and the audit log' }),
});
