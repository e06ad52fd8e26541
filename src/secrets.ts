import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { privateDir } from './core/files.ts';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from './config.ts';

export interface Keys {
  /** Signs CSRF tokens and keys HMACs of recovery codes. */
  secret: Buffer;
  /** Encrypts sensitive fields at rest (SEC-2). */
  encryption: Buffer;
  /** Keys the audit chain and signs its checkpoints (SEC-1); never stored in the database. */
  audit: Buffer;
}

/** Reads an operator-supplied key (base64, base64url or hex, at least 32 bytes). */
export function decodeKey(value: string, name: string): Buffer {
  const v = value.trim();
  const buf = /^[0-9a-f]+$/i.test(v) && v.length % 2 === 0 ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (buf.length < 32) throw new ConfigError(`${name} must encode at least 32 bytes (try: openssl rand -base64 32)`);
  return buf.subarray(0, 32);
}

function fileKey(dataDir: string, file: string): Buffer {
  const p = path.join(dataDir, file);
  if (existsSync(p)) return decodeKey(readFileSync(p, 'utf8'), p);
  privateDir(dataDir);
  const key = randomBytes(32);
  // 'wx' refuses to overwrite a key another process wrote a moment ago.
  try {
    writeFileSync(p, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return decodeKey(readFileSync(p, 'utf8'), p);
    throw e;
  }
  chmodSync(p, 0o600);
  return key;
}

/** Keys come from the environment (a cluster's nodes share them) or are generated on first start. */
export function loadKeys(opts: { dataDir: string; secretKey: string | undefined; encryptionKey: string | undefined; auditKey?: string | undefined }): Keys {
  return {
    secret: opts.secretKey ? decodeKey(opts.secretKey, 'CASTELLAN_SECRET_KEY') : fileKey(opts.dataDir, 'secret.key'),
    encryption: opts.encryptionKey
      ? decodeKey(opts.encryptionKey, 'CASTELLAN_ENCRYPTION_KEY')
      : fileKey(opts.dataDir, 'encryption.key'),
    audit: opts.auditKey ? decodeKey(opts.auditKey, 'CASTELLAN_AUDIT_KEY') : fileKey(opts.dataDir, 'audit.key'),
  };
}
