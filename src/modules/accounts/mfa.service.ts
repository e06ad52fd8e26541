import { Secret, TOTP } from 'otpauth';
import type { RequestContext } from '../../core/context.ts';
import { hmac, newId } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import type { UsersTable } from './accounts.tables.ts';
import { mfaChangedMail } from './mail-templates.ts';
import { verifyPassword } from './passwords.ts';
import * as tokens from './tokens.repository.ts';
import * as users from './users.repository.ts';

const TOTP_CONTEXT = 'users.totp_secret';
const PERIOD = 30;
const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function recoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalizeRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/[\s-]/g, '');

/** ACC-5: TOTP (RFC 6238) with ten single-use recovery codes. */
export function createMfa(deps: AccountsDeps) {
  const { db, clock, audit, cipher, mail } = deps;

  const totpFor = (u: UsersTable, secretBase32: string) =>
    new TOTP({
      issuer: 'Castellan',
      label: u.email,
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD,
      secret: Secret.fromBase32(secretBase32),
    });

  const codeHash = (userId: string, code: string) => hmac(deps.secretKey, `recovery:${userId}:${normalizeRecoveryCode(code)}`);

  async function loadUser(userId: string): Promise<UsersTable> {
    const u = await users.findUserById(db, userId);
    if (!u) throw new AppError(CommonErrors.notFound);
    return u;
  }

  /** Starts enrolment: a new secret, not yet in force until a code from it is confirmed. */
  async function enrol(ctx: RequestContext, userId: string): Promise<{ secret: string; otpauthUri: string }> {
    const u = await loadUser(userId);
    if (u.totp_enabled_at) throw new AppError(AccountsErrors.mfaAlreadyEnabled);
    const secret = new Secret({ size: 20 }).base32;
    await db.transaction().execute(async (trx) => {
      await users.updateUser(trx, u.id, {
        totp_secret_enc: cipher.encrypt(secret, `${TOTP_CONTEXT}:${u.id}`),
        totp_last_step: null,
        updated_at: clock.now().toISOString(),
      });
      await audit.record(trx, ctx, { action: 'mfa.enrolment_started', orgId: u.org_id, target: { type: 'user', id: u.id } });
    });
    return { secret, otpauthUri: totpFor(u, secret).toString() };
  }

  /** Checks a 6-digit code against the user's secret; each time step is accepted once (no replay). */
  async function checkTotp(u: UsersTable, code: string): Promise<boolean> {
    if (!u.totp_secret_enc || !/^\d{6}$/.test(code.trim())) return false;
    const secret = cipher.decrypt(u.totp_secret_enc, `${TOTP_CONTEXT}:${u.id}`);
    const timestamp = clock.now().getTime();
    const delta = totpFor(u, secret).validate({ token: code.trim(), timestamp, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(timestamp / 1000 / PERIOD) + delta;
    return users.claimTotpStep(db, u.id, step);
  }

  async function issueRecoveryCodes(trx: Parameters<typeof tokens.replaceRecoveryCodes>[0], userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode);
    const now = clock.now().toISOString();
    await tokens.replaceRecoveryCodes(
      trx,
      userId,
      codes.map((c) => ({ id: newId('rc'), user_id: userId, code_hash: codeHash(userId, c), used_at: null, created_at: now })),
    );
    return codes;
  }

  /** Turns MFA on once the user proves the authenticator works; returns the recovery codes, shown once. */
  async function confirm(ctx: RequestContext, userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
    const u = await loadUser(userId);
    if (u.totp_enabled_at) throw new AppError(AccountsErrors.mfaAlreadyEnabled);
    if (!u.totp_secret_enc) throw new AppError(AccountsErrors.mfaNotEnrolled);
    if (!(await checkTotp(u, code))) {
      await audit.record(db, ctx, { action: 'mfa.confirm_failed', orgId: u.org_id, target: { type: 'user', id: u.id } });
      throw new AppError(AccountsErrors.invalidMfaCode, undefined, { details: { field: 'code' } });
    }
    const recoveryCodes = await db.transaction().execute(async (trx) => {
      const now = clock.now().toISOString();
      await users.updateUser(trx, u.id, { totp_enabled_at: now, updated_at: now });
      const codes = await issueRecoveryCodes(trx, u.id);
      await audit.record(trx, ctx, { action: 'mfa.enabled', orgId: u.org_id, target: { type: 'user', id: u.id } });
      await mail.enqueue(trx, mfaChangedMail(u.email, u.name, true));
      return codes;
    });
    mail.wake();
    return { recoveryCodes };
  }

  async function requirePassword(u: UsersTable, password: string): Promise<void> {
    if (!u.password_hash || !(await verifyPassword(u.password_hash, password))) {
      throw new AppError(AccountsErrors.reauthenticationFailed, undefined, { details: { field: 'password' } });
    }
  }

  /** Turns MFA off; the current password is asked again, so a stolen session cannot do it. */
  async function disable(ctx: RequestContext, userId: string, password: string): Promise<void> {
    const u = await loadUser(userId);
    if (!u.totp_enabled_at && !u.totp_secret_enc) throw new AppError(AccountsErrors.mfaNotEnabled);
    await requirePassword(u, password);
    await db.transaction().execute(async (trx) => {
      await users.updateUser(trx, u.id, {
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        updated_at: clock.now().toISOString(),
      });
      await tokens.replaceRecoveryCodes(trx, u.id, []);
      await audit.record(trx, ctx, { action: 'mfa.disabled', orgId: u.org_id, target: { type: 'user', id: u.id } });
      if (u.totp_enabled_at) await mail.enqueue(trx, mfaChangedMail(u.email, u.name, false));
    });
    mail.wake();
  }

  async function regenerateRecoveryCodes(
    ctx: RequestContext,
    userId: string,
    password: string,
  ): Promise<{ recoveryCodes: string[] }> {
    const u = await loadUser(userId);
    if (!u.totp_enabled_at) throw new AppError(AccountsErrors.mfaNotEnabled);
    await requirePassword(u, password);
    const recoveryCodes = await db.transaction().execute(async (trx) => {
      const codes = await issueRecoveryCodes(trx, u.id);
      await audit.record(trx, ctx, {
        action: 'mfa.recovery_codes_regenerated',
        orgId: u.org_id,
        target: { type: 'user', id: u.id },
      });
      return codes;
    });
    return { recoveryCodes };
  }

  /** The second factor at sign-in: a current TOTP code, or an unused recovery code (then spent). */
  async function verifySecondFactor(u: UsersTable, code: string): Promise<'totp' | 'recovery_code' | null> {
    if (await checkTotp(u, code)) return 'totp';
    const normalized = normalizeRecoveryCode(code);
    if (normalized.length !== 10) return null;
    const used = await tokens.consumeRecoveryCode(db, u.id, codeHash(u.id, normalized), clock.now().toISOString());
    return used ? 'recovery_code' : null;
  }

  async function status(userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    const u = await loadUser(userId);
    return { enabled: u.totp_enabled_at !== null, recoveryCodesLeft: await tokens.countUnusedRecoveryCodes(db, u.id) };
  }

  return { enrol, confirm, disable, regenerateRecoveryCodes, verifySecondFactor, status, requirePassword };
}

export type Mfa = ReturnType<typeof createMfa>;
