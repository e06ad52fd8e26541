import { Secret, TOTP } from 'otpauth';
import { hmac, newId } from '../../core/crypto.ts';
import type { Executor } from '../../db/schema.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import * as tokens from './tokens.repository.ts';

export const TOTP_CONTEXT = 'users.totp_secret';
const PERIOD = 30;
const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function recoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalizeRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/[\s-]/g, '');

/** ACC-5: TOTP (RFC 6238) codes, each time step accepted once, and single-use recovery codes. */
export function createSecondFactor(deps: AccountsDeps) {
  const { db, clock, cipher } = deps;

  const totpFor = (a: Pick<AccountsTable, 'email'>, secretBase32: string) =>
    new TOTP({ issuer: 'Castellan', label: a.email, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });

  const codeHash = (accountId: string, code: string) => hmac(deps.secretKey, `recovery:${accountId}:${normalizeRecoveryCode(code)}`);

  // The context string predates accounts; it binds the secret to its row and must not change.
  const encryptSecret = (a: Pick<AccountsTable, 'id'>, secret: string) => cipher.encrypt(secret, `${TOTP_CONTEXT}:${a.id}`);

  /** Checks a 6-digit code against the account's secret; each time step is accepted once (no replay). */
  async function checkTotp(a: AccountsTable, code: string): Promise<boolean> {
    if (!a.totp_secret_enc || !/^\d{6}$/.test(code.trim())) return false;
    const secret = cipher.decrypt(a.totp_secret_enc, `${TOTP_CONTEXT}:${a.id}`);
    const timestamp = clock.now().getTime();
    const delta = totpFor(a, secret).validate({ token: code.trim(), timestamp, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(timestamp / 1000 / PERIOD) + delta;
    return accounts.claimTotpStep(db, a.id, step);
  }

  async function issueRecoveryCodes(trx: Executor, accountId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    const now = clock.now().toISOString();
    await tokens.replaceRecoveryCodes(
      trx,
      accountId,
      codes.map((c) => ({ id: newId('rc'), account_id: accountId, code_hash: codeHash(accountId, c), used_at: null, created_at: now })),
    );
    return codes;
  }

  /** The second factor: a current TOTP code, or an unused recovery code (then spent). */
  async function verifySecondFactor(a: AccountsTable, code: string): Promise<'totp' | 'recovery_code' | null> {
    if (await checkTotp(a, code)) return 'totp';
    const normalized = normalizeRecoveryCode(code);
    if (normalized.length !== 10) return null;
    const used = await tokens.consumeRecoveryCode(db, a.id, codeHash(a.id, normalized), clock.now().toISOString());
    return used ? 'recovery_code' : null;
  }

  return { totpFor, encryptSecret, checkTotp, issueRecoveryCodes, verifySecondFactor };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;
