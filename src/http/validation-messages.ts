/**
 * SEC-3: the schema validator's issues, written for people. Ajv says `must match pattern "^/"`
 * or `must NOT have fewer than 1 characters`; the API answers what to do instead, in the
 * problem's `errors[]` and its `detail`, so the console and any other client show it as is.
 * No message repeats the value sent (a refused card number must not come back, PRV-10).
 */
export interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** What each pattern of the contracts asks for, in words. */
export const PATTERNS: Readonly<Record<string, string>> = {
  '^/': 'must be an absolute path, starting with "/" (for example /bin/bash)',
  '^[0-9]{12,19}$': 'must be 12 to 19 digits, without spaces',
  '^[0-9]{3,4}$': 'must be 3 or 4 digits',
  '^[A-Za-z0-9_-]+$': 'is not a valid link or token: copy it again, whole',
  '^[A-Za-z0-9+/]*={0,2}$': 'must be base64-encoded',
  '^[^\\r\\n]*$': 'must be on one line',
  '^[0-9]{1,15}$': 'is not valid: start again from the first page',
  '^[0-9]{1,6}$': 'is not valid: start again from the first page',
  '^[0-9]{1,5}$': 'is not valid: start again from the first page',
  '^[a-z0-9]+(?:-[a-z0-9]+)*$': 'may use only lower-case letters, digits and single hyphens between them (for example reset-your-password)',
  '^[a-z0-9][a-z0-9-]{0,39}$': 'may use only lower-case letters, digits and hyphens, starting with a letter or digit, at most 40 characters',
};

const FORMATS: Record<string, string> = {
  email: 'must be a valid email address',
  'date-time': 'must be a date and time, such as 2025-01-31T09:00:00Z',
  date: 'must be a date, such as 2025-01-31',
  uri: 'must be a full web address, such as https://example.com',
};

const TYPES: Record<string, string> = {
  string: 'must be text',
  integer: 'must be a whole number',
  number: 'must be a number',
  boolean: 'must be true or false',
  object: 'must be an object',
  array: 'must be a list',
  null: 'must be empty (null)',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function humanMessage(issue: AjvIssue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'minLength':
      return Number(p.limit) <= 1 ? 'must not be empty' : `must be at least ${plural(Number(p.limit), 'character')}`;
    case 'maxLength':
      return `must be at most ${plural(Number(p.limit), 'character')}`;
    case 'pattern':
      return PATTERNS[String(p.pattern)] ?? 'contains characters that are not allowed here';
    case 'format':
      return FORMATS[String(p.format)] ?? `must be a valid ${String(p.format)}`;
    case 'enum':
      return Array.isArray(p.allowedValues) ? `must be one of: ${p.allowedValues.filter((v) => v !== null).join(', ')}` : 'is not one of the allowed values';
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type': {
      const types = String(p.type).split(',');
      return types.map((t) => TYPES[t] ?? `must be ${t}`).join(' or ');
    }
    case 'minimum':
      return `must be ${String(p.limit)} or more`;
    case 'maximum':
      return `must be ${String(p.limit)} or less`;
    case 'exclusiveMinimum':
      return `must be more than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'minItems':
      return Number(p.limit) <= 1 ? 'must not be empty' : `must have at least ${plural(Number(p.limit), 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(Number(p.limit), 'item')}`;
    case 'uniqueItems':
      return 'must not list the same item twice';
    case 'minProperties':
      return Number(p.limit) <= 1 ? 'must not be empty: give at least one field' : `must have at least ${plural(Number(p.limit), 'field')}`;
    case 'maxProperties':
      return `must have at most ${plural(Number(p.limit), 'field')}`;
    case 'anyOf':
    case 'oneOf':
      return 'does not match any of the accepted forms';
    default:
      return issue.message ?? 'is invalid';
  }
}
