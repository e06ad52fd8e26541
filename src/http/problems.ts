import type { FastifyError } from 'fastify';
import { AppError, CommonErrors, type ErrorKind, defineError } from '../core/errors.ts';
import { type AjvIssue, humanMessage } from './validation-messages.ts';

export const HttpErrors = {
  validation: defineError('http.validation_failed', 'invalid', 'The request does not match the schema.'),
  malformedBody: defineError('http.malformed_body', 'invalid', 'The request body is not valid JSON.'),
  payloadTooLarge: defineError('http.payload_too_large', 'invalid', 'The request body is too large.'),
  bodyTooDeep: defineError('http.body_too_deep', 'invalid', 'The JSON body is nested too deeply.'),
  unsupportedMediaType: defineError('http.unsupported_media_type', 'invalid', 'Send the body as application/json.'),
  routeNotFound: defineError('http.route_not_found', 'not_found', 'No such route.'),
  badUrl: defineError('http.bad_url', 'invalid', 'The URL is malformed.'),
  uriTooLong: defineError('http.uri_too_long', 'invalid', 'A part of the URL is too long.'),
  badRequest: defineError('http.bad_request', 'invalid', 'The request could not be processed.'),
  csrfFailed: defineError('http.csrf_failed', 'forbidden', 'The CSRF token is missing or wrong.'),
  metricsToken: defineError('http.metrics_token_required', 'unauthenticated', 'Metrics need the operator’s metrics token.'),
} as const;

export const STATUS: Record<ErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  rate_limited: 429,
  limit_reached: 403,
  internal: 500,
};

/** RFC 9457 problem details. `type` names the stable error code; `code` repeats it for convenience. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export const problemType = (code: string) => `urn:castellan:problem:${code}`;


function fieldOf(issue: AjvIssue): string {
  const base = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = (issue.params.missingProperty as string | undefined) ?? (issue.params.additionalProperty as string | undefined);
  return [base, extra].filter(Boolean).join('.') || '(body)';
}

/** Turns any error into a problem and its status. Unknown errors become a bare 500: internals never leak. */
export function toProblem(
  err: unknown,
  instance: string,
  requestId: string,
): { status: number; problem: Problem; retryAfter?: number } {
  const make = (status: number, code: string, title: string, detail: string, extra: Partial<Problem> = {}) => ({
    status,
    problem: { type: problemType(code), title, status, detail, instance, code, requestId, ...extra } as Problem,
  });

  if (err instanceof AppError) {
    const status = STATUS[err.kind];
    const { field, ...rest } = (err.details ?? {}) as { field?: string } & Record<string, unknown>;
    const extra: Partial<Problem> = { ...(status < 500 ? rest : {}) };
    if (typeof field === 'string') extra.errors = [{ field, message: err.message }];
    const out = make(status, err.code, err.title, status < 500 ? err.message : err.title, extra);
    return err.retryAfterSeconds ? { ...out, retryAfter: err.retryAfterSeconds } : out;
  }

  const fe = err as FastifyError & { validation?: AjvIssue[] };
  if (fe?.validation) {
    const errors = fe.validation.map((i) => ({ field: fieldOf(i), message: humanMessage(i) }));
    const summary = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    return make(400, HttpErrors.validation.code, HttpErrors.validation.title, summary, { errors });
  }
  switch (fe?.code) {
    case 'FST_ERR_BAD_URL':
      return make(400, HttpErrors.badUrl.code, HttpErrors.badUrl.title, HttpErrors.badUrl.title);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return make(414, HttpErrors.uriTooLong.code, HttpErrors.uriTooLong.title, HttpErrors.uriTooLong.title);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make(413, HttpErrors.payloadTooLarge.code, HttpErrors.payloadTooLarge.title, HttpErrors.payloadTooLarge.title);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return make(
        415,
        HttpErrors.unsupportedMediaType.code,
        HttpErrors.unsupportedMediaType.title,
        HttpErrors.unsupportedMediaType.title,
      );
  }
  if (fe?.statusCode === 400 || err instanceof SyntaxError) {
    return make(400, HttpErrors.malformedBody.code, HttpErrors.malformedBody.title, HttpErrors.malformedBody.title);
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return make(fe.statusCode, HttpErrors.badRequest.code, HttpErrors.badRequest.title, HttpErrors.badRequest.title);
  }
  return make(500, CommonErrors.internal.code, CommonErrors.internal.title, CommonErrors.internal.title);
}
