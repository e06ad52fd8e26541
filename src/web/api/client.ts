// The client core for Castellan's HTTP API (same origin, cookie session): requests, downloads,
// problem details as ApiError, and the CSRF token. The CSRF token lives in memory only: after a
// reload, GET /api/v1/me gives it again. One file per area beside this one holds the calls.
import type { Problem } from '../../contracts/common.ts';

export const NETWORK_MESSAGE = 'Cannot reach Castellan. Check your connection and try again.';

/** A file saved by the API (an export): its content, and the name to save it under. */
export interface Download {
  blob: Blob;
  fileName: string;
}

/** A problem body as received: RFC 9457 problem details, trusted in no field. */
type ProblemBody = Problem & Record<string, unknown>;

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

/**
 * A field's message as a sentence. The server writes schema errors for people already (SEC-3);
 * this only starts them with a capital and ends them with a full stop.
 */
function humanize(code: string, field: string, message: string): string {
  if (code !== 'http.validation_failed') return message;
  if (message === 'is required' || message === 'must not be empty') return 'This field is required.';
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

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
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
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    // A 202 may carry a receipt (DSR-8, DSR-6) or nothing at all.
    if (res.status === 201 || res.status === 200 || res.status === 202) return undefined as T;
    throw ApiError.network();
  }
}

/** GET a file (not JSON) with the session's cookie, e.g. an export to save. */
export async function download(path: string, query: Record<string, string>, accept: string, fileName: string): Promise<Download> {
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

export const enc = encodeURIComponent;
export const org = (orgId: string) => `/api/v1/orgs/${enc(orgId)}`;
export const authed = { authed: true } as const;

