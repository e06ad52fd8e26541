import { sha256 } from '../../core/crypto.ts';
import type { AuditLogTable } from './audit.tables.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so a hash never depends on insertion order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash covers every column but the hash itself, and the previous entry's hash (SEC-1). */
export function entryHash(row: Omit<AuditLogTable, 'hash'>): string {
  const { prev_hash, ...fields } = row;
  return sha256(`${prev_hash}\n${canonicalJson(fields)}`);
}
