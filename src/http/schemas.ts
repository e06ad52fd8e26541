import { Type } from 'typebox';

/**
 * A problem answer (RFC 9457), by reference. Handlers throw problems and never return them, so its
 * type is `never`: a handler's return type stays checked against its success answers alone.
 */
const problem = Type.Unsafe<never>({ $ref: 'Problem#' });

/** Standard error responses, so OpenAPI documents them for every route. */
export function errorResponses<const S extends readonly number[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((s) => [s, problem])) as { [K in S[number]]: typeof problem };
}
