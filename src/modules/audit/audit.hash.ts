import { createHmac } from 'node:crypto';
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

const mac = (key: Buffer, message: string): string => createHmac('sha256', key).update(message).digest('hex');

/**
 * An entry's hash covers every column but the hash itself, and the previous entry's hash (SEC-1).
 * Entries from `keyedFrom` on are keyed (an HMAC with the audit key); those before it were
 * written by a release whose chain was not, and keep their SHA-256.
 */
export function entryHash(key: Buffer, keyedFrom: number, row: Omit<AuditLogTable, 'hash'>): string {
  const { prev_hash, ...fields } = row;
  const message = `${prev_hash}\n${canonicalJson(fields)}`;
  return Number(row.seq) >= keyedFrom ? mac(key, message) : sha256(message);
}

/** Seals the unkeyed part of the chain: the last unkeyed entry's position and hash (GENESIS_HASH at 0). */
export const sealOf = (key: Buffer, seq: number, hash: string): string => mac(key, `castellan-audit-seal\n${seq}\n${hash}`);

/** A checkpoint the operator keeps away from the database: the chain had this entry, with this hash, at this time. */
export interface Checkpoint {
  version: 1;
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

export const checkpointMac = (key: Buffer, c: Omit<Checkpoint, 'mac'>): string => mac(key, `castellan-audit-checkpoint\n${c.version}\n${c.seq}\n${c.hash}\n${c.at}`);
