/**
 * SCIM's error shape (RFC 7644 §3.12): an HTTP status, an optional `scimType`
 * naming what was wrong, and a human-readable detail. The pure SCIM library
 * throws only ScimError, so the edge maps exactly one error type to a response
 * and anything else is a bug (an `internal` error, never shown).
 */

/** The `scimType` values of RFC 7644 §3.12, Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An error a SCIM client may see: `message` is the detail returned to it, so it never holds secrets. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

/** The JSON body for an error; RFC 7644 §3.12 sends `status` as a string ("400"), not a number. */
export function scimErrorBody(e: ScimError): { schemas: [string]; status: string; scimType?: ScimType; detail: string } {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(e.status),
    ...(e.scimType === undefined ? {} : { scimType: e.scimType }),
    detail: e.message,
  };
}
