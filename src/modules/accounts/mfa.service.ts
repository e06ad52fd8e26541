import { Secret } from 'otpauth';
import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { mfaChangedMail } from './mail-templates.ts';
import type { SecondFactor } from './second-factor.ts';
import type { StepUp, StepUpProof } from './step-up.service.ts';
import * as tokens from './tokens.repository.ts';

/** ACC-5: enrolment in TOTP, its confirmation, turning it off, and recovery codes. */
export function createMfa(deps: AccountsDeps, second: SecondFactor, stepUp: StepUp) {
  const { db, clock, mail, throttle, config } = deps;
  const confirmRule = { max: config.limits.signInMaxFailures, windowSeconds: config.limits.failureWindowSeconds, lockSeconds: config.limits.lockoutSeconds };

  async function load(caller: Caller): Promise<AccountsTable> {
    const id = accountIdOf(caller);
    const a = id ? await accounts.findAccountById(db, id) : undefined;
    if (!a) throw new AppError(CommonErrors.unauthenticated);
    return a;
  }

  /**
   * Starts enrolment: a new secret, not yet in force until a code from it is confirmed. A stolen
   * session must not enrol the thief's authenticator, so the password is asked again (step-up).
   */
  async function enrol(ctx: RequestContext, caller: Caller, proof: StepUpProof = {}): Promise<{ secret: string; otpauthUri: string }> {
    const a = await load(caller);
    if (a.totp_enabled_at) throw new AppError(AccountsErrors.mfaAlreadyEnabled);
    await stepUp.require(ctx, caller, proof);
    const secret = new Secret({ size: 20 }).base32;
    await db.transaction().execute(async (trx) => {
      await accounts.updateAccount(trx, a.id, { totp_secret_enc: second.encryptSecret(a, secret), totp_last_step: null, updated_at: clock.now().toISOString() });
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'mfa.enrolment_started', target: { type: 'user', id: a.id } });
    });
    return { secret, otpauthUri: second.totpFor(a, secret).toString() };
  }

  /** Turns MFA on once the person proves the authenticator works; returns the recovery codes, shown once. */
  async function confirm(ctx: RequestContext, caller: Caller, code: string): Promise<{ recoveryCodes: string[] }> {
    const a = await load(caller);
    if (a.totp_enabled_at) throw new AppError(AccountsErrors.mfaAlreadyEnabled);
    if (!a.totp_secret_enc) throw new AppError(AccountsErrors.mfaNotEnrolled);
    // Codes entered here are throttled like sign-in codes (ACC-7).
    const reservation = await throttle.reserve([{ key: `mfa-confirm:${a.id}`, rule: confirmRule }], AccountsErrors.locked);
    if (!(await second.checkTotp(a, code))) {
      await recordAccountEvent(deps, db, ctx, a.id, { action: 'mfa.confirm_failed', target: { type: 'user', id: a.id } });
      await reservation.failed();
      throw new AppError(AccountsErrors.invalidMfaCode, undefined, { details: { field: 'code' } });
    }
    await reservation.succeeded([`mfa-confirm:${a.id}`]);
    const recoveryCodes = await db.transaction().execute(async (trx) => {
      const now = clock.now().toISOString();
      await accounts.updateAccount(trx, a.id, { totp_enabled_at: now, updated_at: now });
      const codes = await second.issueRecoveryCodes(trx, a.id);
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'mfa.enabled', target: { type: 'user', id: a.id } });
      await mail.enqueue(trx, mfaChangedMail(a.email, a.name, true));
      return codes;
    });
    mail.wake();
    return { recoveryCodes };
  }

  /** Turns MFA off; the password (and a code) is asked again, or a re-authentication just before. */
  async function disable(ctx: RequestContext, caller: Caller, proof: StepUpProof): Promise<void> {
    const a = await load(caller);
    if (!a.totp_enabled_at && !a.totp_secret_enc) throw new AppError(AccountsErrors.mfaNotEnabled);
    // ACC-5: an enrolment not yet confirmed may always be abandoned; a working second factor stays while an organization requires it.
    const requiring = a.totp_enabled_at ? await deps.members.organizationsRequiringMfa(a.id) : [];
    if (requiring.length > 0) {
      throw new AppError(AccountsErrors.mfaRequiredByOrganization, `${requiring.join(', ')} require${requiring.length === 1 ? 's' : ''} two-step verification, so it cannot be turned off while you belong to ${requiring.length === 1 ? 'it' : 'them'}.`);
    }
    await stepUp.require(ctx, caller, proof);
    await db.transaction().execute(async (trx) => {
      await accounts.updateAccount(trx, a.id, { totp_secret_enc: null, totp_enabled_at: null, totp_last_step: null, updated_at: clock.now().toISOString() });
      await tokens.replaceRecoveryCodes(trx, a.id, []);
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'mfa.disabled', target: { type: 'user', id: a.id } });
      if (a.totp_enabled_at) await mail.enqueue(trx, mfaChangedMail(a.email, a.name, false));
    });
    mail.wake();
  }

  /** Ten new recovery codes in place of the old ones; the password (and a code) is asked again, or a re-authentication just before. */
  async function regenerateRecoveryCodes(ctx: RequestContext, caller: Caller, proof: StepUpProof): Promise<{ recoveryCodes: string[] }> {
    const a = await load(caller);
    if (!a.totp_enabled_at) throw new AppError(AccountsErrors.mfaNotEnabled);
    await stepUp.require(ctx, caller, proof);
    const recoveryCodes = await db.transaction().execute(async (trx) => {
      const codes = await second.issueRecoveryCodes(trx, a.id);
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'mfa.recovery_codes_regenerated', target: { type: 'user', id: a.id } });
      return codes;
    });
    return { recoveryCodes };
  }

  async function status(caller: Caller): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    const a = await load(caller);
    return { enabled: a.totp_enabled_at !== null, recoveryCodesLeft: await tokens.countUnusedRecoveryCodes(db, a.id) };
  }

  return { enrol, confirm, disable, regenerateRecoveryCodes, status };
}

export type Mfa = ReturnType<typeof createMfa>;
