// A small typed client for Castellan's HTTP API (same origin, cookie session).
// The CSRF token lives in memory only: after a reload, GET /api/v1/me gives it again.

// The server's own view types: one definition of what the API answers.
import type { OrganizationView, UserView } from '../modules/accounts/accounts.views.ts';
import type { ConsentEventView, DisclosureView, PurposeState } from '../modules/privacy/privacy.views.ts';
import type { Purpose } from '../modules/privacy/purposes.ts';
import type { CardView } from '../modules/billing/billing.views.ts';
import type { ArticleSummaryView, ArticleView, SupportedView, SystemVersionView } from '../modules/support/kb.views.ts';
import type {
  CurrentPolicyView,
  PolicyAcknowledgementView,
  PolicyDiffView,
  PolicyNoticeView,
  PolicySummaryView,
  PolicyView,
} from '../modules/privacy/policies.views.ts';

export const NETWORK_MESSAGE = 'Cannot reach Castellan. Check your connection and try again.';

export type User = UserView;
export type Organization = OrganizationView;

// The privacy policy's versions (PRV-8), as the server defines them.
export type Policy = PolicyView;
export type PolicySummary = PolicySummaryView;
export type CurrentPolicy = CurrentPolicyView;
export type PolicyDiff = PolicyDiffView;
export type PolicyNotice = PolicyNoticeView;
export type PolicyAcknowledgement = PolicyAcknowledgementView;

export interface PublishPolicyInput {
  title: string;
  markdown: string;
  material: boolean;
  summary?: string;
  /** ISO 8601 with a zone; omitted: at once. */
  effectiveAt?: string;
}

/** PRV-10: the card on file, as the server shows it (brand, last 4 digits, holder, expiry). */
export type Card = CardView;

/** Sent once to the server, which hands it to the payment provider; never kept in the page. */
export interface CardInput {
  number: string;
  cvc: string;
  expMonth: number;
  expYear: number;
  holderName: string;
}

export interface Me {
  user: User;
  organization: Organization | null;
  csrfToken: string;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface AuditEntry {
  id: string;
  seq: number;
  at: string;
  orgId: string | null;
  actor: { type: string; id: string | null };
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditFilters {
  action?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** One page of a list the API pages through. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type OrgRole = 'admin' | 'member';

export interface NewUserInput {
  email: string;
  name: string;
  username?: string;
}

export interface UserPatch {
  name?: string;
  username?: string;
  loginShell?: string;
  orgRole?: OrgRole;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  gidNumber: number;
  createdAt: string;
}

export type ResourceKind = 'system' | 'application' | 'network';

export interface Resource {
  id: string;
  kind: ResourceKind;
  name: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

export interface Binding {
  id: string;
  resourceId: string;
  userId: string | null;
  groupId: string | null;
  createdAt: string;
}

/** How a user reaches a resource: bound directly, or through one of their groups. */
export type Via = { type: 'user'; bindingId: string } | { type: 'group'; bindingId: string; groupId: string; groupName: string };

export interface UserAccess {
  resource: Resource;
  allowed: boolean;
  via: Via[];
}

export interface ResourceAccess {
  user: User;
  allowed: boolean;
  via: Via[];
}

export type TransferFormat = 'csv' | 'ldif';

/** What a bulk import did (DIR-5). */
export interface ImportResult {
  created: number;
  groupsCreated: number;
}

/** A file saved by the API (an export): its content, and the name to save it under. */
export interface Download {
  blob: Blob;
  fileName: string;
}

/** PRV-9: one entry of the disclosure ledger. */
export type Disclosure = DisclosureView;

export interface DisclosureFilters {
  recipient?: string;
  kind?: string;
  subjectId?: string;
  subjectEmail?: string;
  directMarketing?: boolean;
  /** ISO instants (or YYYY-MM-DD days): from inclusive, until exclusive. */
  from?: string;
  until?: string;
  purpose?: string;
  limit?: number;
  cursor?: string;
}

/** A disclosure made on legal request, as privacy staff record it. */
export interface LegalRequestInput {
  recipientName: string;
  recipientAddress: string;
  categories: string[];
  purpose: string;
  reference: string;
  subjectUserId?: string;
  subjectEmail?: string;
  orgId?: string;
}

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
  companyName: string;
  companySize?: string;
  phone?: string;
  address?: string;
  ageConfirmed: boolean;
  /** false: opt out of personalization on the form itself (PRV-3). */
  personalization?: boolean;
}

export type PurposeName = Purpose;
export type { PurposeState };

export interface ConsentState {
  subject: 'user' | 'visitor';
  purposes: PurposeState[];
  /** The browser sent Global Privacy Control, and its opt-outs are in effect (PRV-5). */
  gpc: { honored: boolean };
}

export type ConsentEvent = ConsentEventView;

export type ConsentSource = 'banner' | 'preferences';

// Support tickets (SUP-1..SUP-7), as the support API answers them.
export type TicketStatus = 'open' | 'pending' | 'closed';
export type TicketEnvironment = 'production' | 'staging' | 'test' | 'development';
export type TicketPriority = 'urgent' | 'high' | 'normal' | 'low';
export type CloseReason =
  | 'resolved'
  | 'end_user_support'
  | 'customization'
  | 'unsupported_protocol_or_equipment'
  | 'professional_services'
  | 'not_english';

/** SUP-4: ISO instants; null when that target is not running. */
export interface TicketSla {
  paused: boolean;
  firstResponseDueAt: string | null;
  firstRespondedAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
}

/** SUP-2: what the organization's plan entitles this ticket to, and why. */
export interface TicketEligibility {
  level: 'full' | 'limited';
  reason: string;
  plan: string;
  fullSupportUntil: string | null;
}

export interface TicketAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface TicketMessage {
  id: string;
  author: { kind: 'customer' | 'staff' | 'system'; name: string };
  body: string;
  channel: 'web' | 'email';
  autoSubmitted: boolean;
  createdAt: string;
  attachments: TicketAttachment[];
}

export interface TicketSummary {
  id: string;
  orgId: string;
  subject: string;
  status: TicketStatus;
  environment: TicketEnvironment;
  productionImpact: boolean;
  systemVersion: string | null;
  priority: TicketPriority;
  channel: 'web' | 'email';
  eligibility: TicketEligibility;
  criticalDefect: boolean;
  /** SUP-7: the ticket names a system version past its end of life. */
  endOfLife: { system: string; version: string; endOfLifeOn: string | null } | null;
  closeReason: CloseReason | null;
  closeReasonText: string | null;
  /** The desk's own words when it closed the ticket. */
  closeNote?: string | null;
  specialist: { id: string; name: string } | null;
  sla: TicketSla;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface Ticket extends TicketSummary {
  messages: TicketMessage[];
  /** Knowledge-base articles that may answer it. */
  suggestions: Array<{ slug: string; title: string; url: string }>;
}

/** A file sent with a ticket or a reply. */
export interface AttachmentInput {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export interface NewTicketInput {
  subject: string;
  body: string;
  environment: TicketEnvironment;
  productionImpact: boolean;
  systemVersion?: string;
  attachments?: AttachmentInput[];
}

export type VerificationAction = 'disclose_account' | 'delete_account';

/** SUP-6: a request, sent to the admin who opened the ticket, to confirm an action on an account. */
export interface SupportVerification {
  id: string;
  action: VerificationAction;
  userId: string;
  status: 'pending' | 'confirmed' | 'used' | 'expired';
  createdAt: string;
  expiresAt?: string;
  confirmedAt: string | null;
}

/** SUP-6: what the admin is asked to confirm, from the emailed link. */
export interface VerificationRequest {
  action: VerificationAction;
  ticketId: string;
  ticketSubject: string;
  accountName: string;
  accountEmail: string;
  staffName: string;
  expiresAt: string;
  status: SupportVerification['status'];
}

export interface DeskTicketSummary extends TicketSummary {
  orgName: string;
}

export interface DeskTicket extends Ticket {
  orgName: string;
  verifications: SupportVerification[];
}

export interface SupportMacro {
  id: string;
  title: string;
  body: string;
  /** SUP-3: the reason to close with when this is an out-of-scope answer. */
  closeReason: CloseReason | null;
}

/** SUP-4: one plan and priority's service-level targets, in business hours. */
export interface SupportTargets {
  plan: string;
  priority: TicketPriority;
  firstResponseHours: number;
  nextResponseHours: number;
  resolutionHours: number;
  updatedAt: string;
}

export type SupportTargetsInput = Pick<SupportTargets, 'firstResponseHours' | 'nextResponseHours' | 'resolutionHours'>;

/** SUP-2: a jumpstart organization's dedicated specialist. */
export interface SupportSpecialist {
  orgId: string;
  staffId: string;
  name: string;
}

/** SUP-6: an account as staff may see it after the admin's verification (never a password). */
export interface VerifiedAccount {
  id: string;
  name: string;
  email: string;
  status: string;
  orgRole: string | null;
  createdAt: string;
  lastSignInAt?: string | null;
}

interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: Array<{ field?: string; message?: string }>;
  [extension: string]: unknown;
}

/** An API problem (RFC 9457), or a network failure (status 0, code "network"). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Messages by field name, from the problem's `errors[]`. */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** Seconds from the Retry-After header, when there is one. */
  readonly retryAfterSeconds: number | null;
  /** The problem's other members (RFC 9457 extensions), e.g. an import's `problems`. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    fieldErrors?: Record<string, string>;
    retryAfterSeconds?: number | null;
    extensions?: Record<string, unknown>;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.extensions = init.extensions ?? {};
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  static network(): ApiError {
    return new ApiError({ status: 0, code: 'network', title: 'Network error', detail: NETWORK_MESSAGE });
  }
}

/** Anything thrown while talking to the API, as an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError({
    status: -1,
    code: 'client.unexpected',
    title: 'Unexpected error',
    detail: 'Something went wrong in this page. Reload it and try again.',
  });
}

/** The code of the 401 the server answers when a request has no valid session. */
const SESSION_MISSING = 'common.unauthenticated';

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request that needs a session gets 401 (the session ended or was revoked). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** Turns the schema validator's terse messages into sentences; the server's own messages are kept. */
function humanize(code: string, field: string, message: string): string {
  if (code !== 'http.validation_failed') return message;
  if (/format "email"/.test(message)) return 'Enter a valid email address.';
  if (/format "date-time"/.test(message)) return 'Enter a valid date.';
  if (message === 'is required' || /fewer than 1 characters?/.test(message)) return 'This field is required.';
  const tooLong = /more than (\d+) characters/.exec(message);
  if (tooLong) return `Use at most ${tooLong[1]} characters.`;
  if (message === 'is not a known field') return `${field} is not a known field.`;
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

async function problemFrom(res: Response): Promise<ApiError> {
  let body: ProblemBody = {};
  try {
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json')) body = (await res.json()) as ProblemBody;
  } catch {
    body = {};
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) body = {};
  const code = typeof body.code === 'string' ? body.code : `http.${res.status}`;
  const fieldErrors: Record<string, string> = {};
  for (const e of Array.isArray(body.errors) ? body.errors : []) {
    if (e && typeof e.field === 'string' && !(e.field in fieldErrors)) {
      fieldErrors[e.field] = humanize(code, e.field, typeof e.message === 'string' ? e.message : 'is invalid');
    }
  }
  const retry = Number(res.headers.get('retry-after'));
  const { type: _type, title: _title, status: _status, detail: _detail, code: _code, errors: _errors, ...extensions } = body;
  return new ApiError({
    status: res.status,
    code,
    title: typeof body.title === 'string' ? body.title : res.statusText || 'Error',
    detail:
      typeof body.detail === 'string' && body.detail
        ? body.detail
        : `Something went wrong (HTTP ${res.status}). Try again in a moment.`,
    fieldErrors,
    retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : null,
    extensions,
  });
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** The request needs a session: a 401 means it ended, and the app signs out. */
  authed?: boolean;
}

async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw ApiError.network();
  }
  if (!res.ok) {
    const err = await problemFrom(res);
    // Only "no valid session" ends the session here; a wrong code (accounts.invalid_mfa_code) is also a 401.
    if (res.status === 401 && opts.authed && err.code === SESSION_MISSING) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204 || res.status === 202) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    if (res.status === 201 || res.status === 200) return undefined as T;
    throw ApiError.network();
  }
}

/** GET a file (not JSON) with the session's cookie, e.g. an export to save. */
async function download(path: string, query: Record<string, string>, accept: string, fileName: string): Promise<Download> {
  const search = new URLSearchParams(query).toString();
  const url = search ? `${path}?${search}` : path;
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', headers: { Accept: `${accept}, application/problem+json` }, credentials: 'same-origin' });
  } catch {
    throw ApiError.network();
  }
  if (!res.ok) {
    const err = await problemFrom(res);
    if (res.status === 401 && err.code === SESSION_MISSING) onUnauthorized?.();
    throw err;
  }
  try {
    return { blob: await res.blob(), fileName };
  } catch {
    throw ApiError.network();
  }
}

const enc = encodeURIComponent;
const org = (orgId: string) => `/api/v1/orgs/${enc(orgId)}`;
const authed = { authed: true } as const;

export const api = {
  consent: () => request<ConsentState>('GET', '/api/v1/consent'),
  setConsent: (choices: Array<{ purpose: PurposeName; granted: boolean }>, source: ConsentSource) =>
    request<ConsentState>('POST', '/api/v1/consent', { body: { choices, source } }),
  consentHistory: (cursor?: string) => request<Page<ConsentEvent>>('GET', '/api/v1/consent/history', { query: { cursor, limit: 20 } }),
  pageView: (view: { path: string; referrer?: string }) => request<void>('POST', '/api/v1/analytics/events', { body: view }),

  /** The signed-in user; 401 when signed out (not treated as a lost session). */
  me: () => request<Me>('GET', '/api/v1/me'),
  updateName: (name: string) => request<{ user: User }>('PATCH', '/api/v1/me', { body: { name }, authed: true }),

  signUp: (input: SignUpInput) =>
    request<{ user: User; organization: Organization }>('POST', '/api/v1/signup', { body: input }),
  verifyEmail: (token: string) => request<{ user: User }>('POST', '/api/v1/email-verification', { body: { token } }),
  resendVerification: () => request<void>('POST', '/api/v1/email-verification/resend', { authed: true }),

  signIn: (input: { email: string; password: string; totp?: string }) =>
    request<{ token: string; csrfToken: string; user: User }>('POST', '/api/v1/sessions', { body: input }),
  signOut: () => request<void>('DELETE', '/api/v1/sessions/current', { authed: true }),

  requestPasswordReset: (email: string) => request<void>('POST', '/api/v1/password-resets', { body: { email } }),
  confirmPasswordReset: (token: string, password: string) =>
    request<void>('POST', '/api/v1/password-resets/confirm', { body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/api/v1/me/password', { body: { currentPassword, newPassword }, authed: true }),

  listSessions: () => request<{ items: SessionInfo[] }>('GET', '/api/v1/me/sessions', { authed: true }),
  revokeSession: (id: string) => request<void>('DELETE', `/api/v1/me/sessions/${enc(id)}`, { authed: true }),

  mfaStatus: () => request<{ enabled: boolean; recoveryCodesLeft: number }>('GET', '/api/v1/me/mfa', { authed: true }),
  startTotp: () => request<{ secret: string; otpauthUri: string }>('POST', '/api/v1/me/mfa/totp', { authed: true }),
  confirmTotp: (code: string) =>
    request<{ recoveryCodes: string[] }>('POST', '/api/v1/me/mfa/totp/confirm', { body: { code }, authed: true }),
  disableTotp: (password: string) =>
    request<void>('POST', '/api/v1/me/mfa/totp/disable', { body: { password }, authed: true }),

  auditLog: (orgId: string, filters: AuditFilters) =>
    request<AuditPage>('GET', `/api/v1/orgs/${enc(orgId)}/audit`, { query: { ...filters }, authed: true }),

  acceptInvitation: (token: string, password: string) =>
    request<User>('POST', '/api/v1/invitations/accept', { body: { token, password } }),

  // Directory (DIR-2, DIR-3): an organization's users, groups, resources and who can use what.
  listUsers: (orgId: string, query: { q?: string; limit?: number; cursor?: string } = {}) =>
    request<Page<User>>('GET', `${org(orgId)}/users`, { query: { ...query }, ...authed }),
  getUser: (orgId: string, userId: string) => request<User>('GET', `${org(orgId)}/users/${enc(userId)}`, authed),
  createUser: (orgId: string, input: NewUserInput) => request<User>('POST', `${org(orgId)}/users`, { body: input, ...authed }),
  updateUser: (orgId: string, userId: string, patch: UserPatch) =>
    request<User>('PATCH', `${org(orgId)}/users/${enc(userId)}`, { body: patch, ...authed }),
  deleteUser: (orgId: string, userId: string) => request<void>('DELETE', `${org(orgId)}/users/${enc(userId)}`, authed),
  suspendUser: (orgId: string, userId: string) => request<User>('POST', `${org(orgId)}/users/${enc(userId)}/suspend`, authed),
  reactivateUser: (orgId: string, userId: string) => request<User>('POST', `${org(orgId)}/users/${enc(userId)}/reactivate`, authed),
  /** DIR-5: all or nothing; a refused file is a 422 `directory.import_invalid` with `problems` by line. */
  importUsers: (orgId: string, input: { format: TransferFormat; data: string; invite?: boolean }) =>
    request<ImportResult>('POST', `${org(orgId)}/users/import`, { body: input, ...authed }),
  exportUsers: (orgId: string, format: TransferFormat) =>
    download(`${org(orgId)}/users/export`, { format }, format === 'csv' ? 'text/csv' : 'text/x-ldif', `users.${format}`),
  userAccess: (orgId: string, userId: string) =>
    request<{ items: UserAccess[] }>('GET', `${org(orgId)}/users/${enc(userId)}/access`, authed),

  listGroups: (orgId: string, query: { limit?: number; cursor?: string } = {}) =>
    request<Page<Group>>('GET', `${org(orgId)}/groups`, { query: { ...query }, ...authed }),
  getGroup: (orgId: string, groupId: string) => request<Group>('GET', `${org(orgId)}/groups/${enc(groupId)}`, authed),
  createGroup: (orgId: string, input: { name: string; description?: string }) =>
    request<Group>('POST', `${org(orgId)}/groups`, { body: input, ...authed }),
  updateGroup: (orgId: string, groupId: string, patch: { name?: string; description?: string | null }) =>
    request<Group>('PATCH', `${org(orgId)}/groups/${enc(groupId)}`, { body: patch, ...authed }),
  deleteGroup: (orgId: string, groupId: string) => request<void>('DELETE', `${org(orgId)}/groups/${enc(groupId)}`, authed),
  groupMembers: (orgId: string, groupId: string) =>
    request<{ items: User[] }>('GET', `${org(orgId)}/groups/${enc(groupId)}/members`, authed),
  addMember: (orgId: string, groupId: string, userId: string) =>
    request<void>('POST', `${org(orgId)}/groups/${enc(groupId)}/members`, { body: { userId }, ...authed }),
  removeMember: (orgId: string, groupId: string, userId: string) =>
    request<void>('DELETE', `${org(orgId)}/groups/${enc(groupId)}/members/${enc(userId)}`, authed),

  listResources: (orgId: string, query: { kind?: ResourceKind; limit?: number; cursor?: string } = {}) =>
    request<Page<Resource>>('GET', `${org(orgId)}/resources`, { query: { ...query }, ...authed }),
  getResource: (orgId: string, resourceId: string) => request<Resource>('GET', `${org(orgId)}/resources/${enc(resourceId)}`, authed),
  createResource: (orgId: string, input: { kind: ResourceKind; name: string }) =>
    request<Resource>('POST', `${org(orgId)}/resources`, { body: input, ...authed }),
  deleteResource: (orgId: string, resourceId: string) => request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}`, authed),
  bindings: (orgId: string, resourceId: string) =>
    request<{ items: Binding[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/bindings`, authed),
  grantAccess: (orgId: string, resourceId: string, to: { userId: string } | { groupId: string }) =>
    request<Binding>('POST', `${org(orgId)}/resources/${enc(resourceId)}/bindings`, { body: to, ...authed }),
  revokeAccess: (orgId: string, resourceId: string, bindingId: string) =>
    request<void>('DELETE', `${org(orgId)}/resources/${enc(resourceId)}/bindings/${enc(bindingId)}`, authed),
  resourceAccess: (orgId: string, resourceId: string) =>
    request<{ items: ResourceAccess[] }>('GET', `${org(orgId)}/resources/${enc(resourceId)}/access`, authed),

  // The card on file (PRV-10): the organization's admins.
  getCard: (orgId: string) => request<Card>('GET', `${org(orgId)}/billing/card`, authed),
  setCard: (orgId: string, input: CardInput) => request<Card>('PUT', `${org(orgId)}/billing/card`, { body: input, ...authed }),
  removeCard: (orgId: string) => request<void>('DELETE', `${org(orgId)}/billing/card`, authed),

  // The disclosure ledger (PRV-9): staff with the privacy or owner role.
  listDisclosures: (filters: DisclosureFilters) =>
    request<Page<Disclosure>>('GET', '/api/v1/staff/privacy/disclosures', {
      query: { ...filters, directMarketing: filters.directMarketing === undefined ? undefined : String(filters.directMarketing) },
      ...authed,
    }),
  getDisclosure: (id: string) => request<Disclosure>('GET', `/api/v1/staff/privacy/disclosures/${enc(id)}`, authed),
  recordLegalRequest: (input: LegalRequestInput) => request<Disclosure>('POST', '/api/v1/staff/privacy/disclosures', { body: input, ...authed }),

  // The privacy policy (PRV-8): public versions and diffs; publishing (privacy and owner staff); the user's notice.
  currentPolicy: () => request<CurrentPolicy>('GET', '/api/v1/privacy/policy'),
  listPolicies: () => request<{ items: PolicySummary[] }>('GET', '/api/v1/privacy/policies'),
  getPolicy: (version: number) => request<Policy>('GET', `/api/v1/privacy/policies/${enc(String(version))}`),
  policyDiff: (from: number, to: number) => request<PolicyDiff>('GET', '/api/v1/privacy/policies/diff', { query: { from, to } }),
  publishPolicy: (input: PublishPolicyInput) => request<Policy & { emailed: number }>('POST', '/api/v1/staff/privacy/policies', { body: input, ...authed }),
  policyNotice: () => request<{ notice: PolicyNotice | null }>('GET', '/api/v1/privacy/notice', authed),
  acknowledgePolicy: (version: number) => request<PolicyAcknowledgement>('POST', '/api/v1/privacy/notice/acknowledge', { body: { version }, ...authed }),

  // Support tickets (SUP-1..SUP-7): the organization's admins.
  listTickets: (orgId: string, query: { status?: TicketStatus; limit?: number; cursor?: string } = {}) =>
    request<Page<TicketSummary>>('GET', `${org(orgId)}/support/tickets`, { query: { ...query }, ...authed }),
  getTicket: (orgId: string, ticketId: string) => request<Ticket>('GET', `${org(orgId)}/support/tickets/${enc(ticketId)}`, authed),
  openTicket: (orgId: string, input: NewTicketInput) => request<Ticket>('POST', `${org(orgId)}/support/tickets`, { body: input, ...authed }),
  replyToTicket: (orgId: string, ticketId: string, input: { body: string; attachments?: AttachmentInput[] }) =>
    request<Ticket>('POST', `${org(orgId)}/support/tickets/${enc(ticketId)}/messages`, { body: input, ...authed }),
  resolveTicket: (orgId: string, ticketId: string) => request<Ticket>('POST', `${org(orgId)}/support/tickets/${enc(ticketId)}/resolve`, authed),
  ticketAttachment: (orgId: string, ticketId: string, a: TicketAttachment) =>
    download(`${org(orgId)}/support/tickets/${enc(ticketId)}/attachments/${enc(a.id)}`, {}, a.contentType || '*/*', a.filename),
  /** SUP-6: the emailed link's request, for the admin it was sent to (the token goes in the body, never in a URL). */
  inspectVerification: (token: string) =>
    request<VerificationRequest>('POST', '/api/v1/support/verifications/inspect', { body: { token }, ...authed }),
  confirmVerification: (token: string, password: string) =>
    request<VerificationRequest>('POST', '/api/v1/support/verifications/confirm', { body: { token, password }, ...authed }),

  // The support desk (SUP-1..SUP-6): staff with the support or owner role.
  deskQueue: () => request<{ items: DeskTicketSummary[] }>('GET', '/api/v1/staff/support/queue', authed),
  deskAttachment: (ticketId: string, a: TicketAttachment) =>
    download(`/api/v1/staff/support/tickets/${enc(ticketId)}/attachments/${enc(a.id)}`, {}, a.contentType || '*/*', a.filename),
  deskTicket: (ticketId: string) => request<DeskTicket>('GET', `/api/v1/staff/support/tickets/${enc(ticketId)}`, authed),
  deskReply: (ticketId: string, input: { body: string; waitOnCustomer?: boolean }) =>
    request<DeskTicket>('POST', `/api/v1/staff/support/tickets/${enc(ticketId)}/messages`, { body: input, ...authed }),
  deskClose: (ticketId: string, input: { reason: CloseReason; note?: string }) =>
    request<DeskTicket>('POST', `/api/v1/staff/support/tickets/${enc(ticketId)}/close`, { body: input, ...authed }),
  deskUpdate: (ticketId: string, patch: { priority?: TicketPriority; criticalDefect?: boolean }) =>
    request<DeskTicket>('PATCH', `/api/v1/staff/support/tickets/${enc(ticketId)}`, { body: patch, ...authed }),
  deskMacros: () => request<{ items: SupportMacro[] }>('GET', '/api/v1/staff/support/macros', authed),
  requestVerification: (ticketId: string, input: { action: VerificationAction; userId?: string; email?: string }) =>
    request<SupportVerification>('POST', `/api/v1/staff/support/tickets/${enc(ticketId)}/verifications`, { body: input, ...authed }),
  verifiedAccount: (ticketId: string, verificationId: string) =>
    request<VerifiedAccount>('GET', `/api/v1/staff/support/tickets/${enc(ticketId)}/verifications/${enc(verificationId)}/account`, authed),
  deleteVerifiedAccount: (ticketId: string, verificationId: string) =>
    request<void>('POST', `/api/v1/staff/support/tickets/${enc(ticketId)}/verifications/${enc(verificationId)}/delete-account`, authed),
  // Support settings (SUP-2, SUP-4): the desk reads the targets; owner staff change them and assign specialists.
  supportTargets: () => request<{ items: SupportTargets[] }>('GET', '/api/v1/staff/support/targets', authed),
  setSupportTargets: (plan: string, priority: TicketPriority, input: SupportTargetsInput) =>
    request<SupportTargets>('PUT', `/api/v1/staff/support/targets/${enc(plan)}/${enc(priority)}`, { body: input, ...authed }),
  setSpecialist: (orgId: string, staffId: string) =>
    request<SupportSpecialist>('PUT', `/api/v1/staff/support/orgs/${enc(orgId)}/specialist`, { body: { staffId }, ...authed }),
  removeSpecialist: (orgId: string) => request<void>('DELETE', `/api/v1/staff/support/orgs/${enc(orgId)}/specialist`, authed),
};

// The knowledge base (SUP-7): public articles, search and the supported list; writing for support and owner staff.
export type KbArticle = ArticleView;
export type KbArticleSummary = ArticleSummaryView;
export type KbSupported = SupportedView;
export type KbSystemVersion = SystemVersionView;

export interface KbArticleInput {
  slug?: string;
  title: string;
  markdown: string;
  tags?: string[];
  published: boolean;
}

export interface KbSystemVersionInput {
  system: string;
  version: string;
  /** YYYY-MM-DD, or null when none is announced. */
  endOfLifeOn: string | null;
  notes?: string | null;
}

const staffKb = '/api/v1/staff/kb';

export const kbApi = {
  searchArticles: (query: { q?: string; limit?: number; cursor?: string }) => request<Page<KbArticleSummary>>('GET', '/api/v1/kb/articles', { query }),
  getArticle: (slug: string) => request<KbArticle>('GET', `/api/v1/kb/articles/${enc(slug)}`),
  supported: () => request<KbSupported>('GET', '/api/v1/kb/supported'),
  staffArticles: (query: { q?: string; limit?: number; cursor?: string }) => request<Page<KbArticleSummary>>('GET', `${staffKb}/articles`, { query, ...authed }),
  staffArticle: (slug: string) => request<KbArticle>('GET', `${staffKb}/articles/${enc(slug)}`, authed),
  createArticle: (input: KbArticleInput) => request<KbArticle>('POST', `${staffKb}/articles`, { body: input, ...authed }),
  updateArticle: (slug: string, input: KbArticleInput) => request<KbArticle>('PUT', `${staffKb}/articles/${enc(slug)}`, { body: input, ...authed }),
  deleteArticle: (slug: string) => request<void>('DELETE', `${staffKb}/articles/${enc(slug)}`, authed),
  saveSystemVersion: (input: KbSystemVersionInput) => request<KbSystemVersion>('PUT', `${staffKb}/system-versions`, { body: input, ...authed }),
  deleteSystemVersion: (id: string) => request<void>('DELETE', `${staffKb}/system-versions/${enc(id)}`, authed),
};
