/**
 * One error type for the whole core. Each protocol edge maps `kind` once:
 * HTTP to RFC 9457 problem details, LDAP to a result code, and so on.
 */
export type ErrorKind =
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'forbidden'
  | 'unauthenticated'
  | 'rate_limited'
  | 'limit_reached'
  | 'internal';

export interface ErrorDefinition {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly title: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly title: string;
  readonly details: Record<string, unknown> | undefined;
  /** Seconds until a retry may succeed (rate limits and lockouts). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    def: ErrorDefinition,
    message?: string,
    opts: { details?: Record<string, unknown>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message ?? def.title, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = def.code;
    this.kind = def.kind;
    this.title = def.title;
    this.details = opts.details;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  is(def: ErrorDefinition): boolean {
    return this.code === def.code;
  }
}

const catalogue = new Map<string, ErrorDefinition>();

/** Declares an error code; the catalogue is documented in docs/errors.md and checked by a test. */
export function defineError(code: string, kind: ErrorKind, title: string): ErrorDefinition {
  const existing = catalogue.get(code);
  if (existing) return existing;
  const def = Object.freeze({ code, kind, title });
  catalogue.set(code, def);
  return def;
}

export function errorCatalogue(): ErrorDefinition[] {
  return [...catalogue.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Errors shared by every module. */
export const CommonErrors = {
  notFound: defineError('common.not_found', 'not_found', 'Not found'),
  conflict: defineError('common.conflict', 'conflict', 'The change conflicts with existing data'),
  invalid: defineError('common.invalid', 'invalid', 'The request is invalid'),
  forbidden: defineError('common.forbidden', 'forbidden', 'You may not do this'),
  unauthenticated: defineError('common.unauthenticated', 'unauthenticated', 'Sign in first'),
  internal: defineError('common.internal', 'internal', 'Something went wrong on our side'),
} as const;
