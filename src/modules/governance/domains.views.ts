import { domainToUnicode } from 'node:url';
import type { Domain } from '../../contracts/governance.ts';
import { AppError } from '../../core/errors.ts';
import { TXT_PREFIX } from './dns-check.ts';
import { GovernanceErrors } from './governance.errors.ts';
import type { DomainsTable } from './governance.tables.ts';

/** GOV-2: a domain as the API shows it, with the record to publish. */
export function toDomainView(row: DomainsTable): Domain {
  return {
    id: row.id,
    name: row.name,
    displayName: domainToUnicode(row.name) || row.name,
    status: row.verified_at ? 'verified' : 'pending',
    txtRecord: { name: row.name, type: 'TXT', value: `${TXT_PREFIX}${row.token}` },
    createdAt: row.created_at,
    verifiedAt: row.verified_at,
    lastCheckedAt: row.last_checked_at,
    lastCheckError: row.last_check_error,
  };
}

/** Cursors are opaque: the base64url of the last row's key. */
export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0 || key.length > 300 || !/^[\w.-]+$/.test(key)) throw new AppError(GovernanceErrors.invalidCursor, undefined, { details: { field: 'cursor' } });
  return key;
}
