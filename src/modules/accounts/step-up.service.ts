import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import type { Credentials } from './credentials.service.ts';
import * as sessions from './sessions.repository.ts';

/** How long a re-authentication on a session stands in for a second entry of the password. */
export const STEP_UP_SECONDS = 5 * 60;

/** The password again, and the code when TOTP is on: what a security change carries, or what `POST /me/reauth` took. */
export interface StepUpProof {
  password?: string | undefined;
  code?: string | undefined;
}

/**
 * ACC-5, ACC-7: security changes (enrolling or turning off MFA, new recovery codes, a new password
 * or address, confirming a support verification) need the person, not just their session: the
 * request carries the password (and code), or follows a re-authentication on the same session
 * less than STEP_UP_SECONDS before. Every entry goes through the one credential check, so it is
 * throttled and locked out like a sign-in.
 */
export function createStepUp(deps: AccountsDeps, credentials: Credentials) {
  const { db, clock } = deps;

  function signed(caller: Caller): { accountId: string; sessionId: string | null } {
    const accountId = accountIdOf(caller);
    if (!accountId || caller.kind === 'operator' || caller.kind === 'client' || caller.kind === 'system') throw new AppError(CommonErrors.unauthenticated);
    return { accountId, sessionId: caller.sessionId };
  }

  const check = async (ctx: RequestContext, accountId: string, proof: { password: string; code?: string | undefined }) =>
    (await credentials.verifyCredentials(ctx, { identity: { accountId }, password: proof.password, totp: proof.code }, 'reauth')).account;

  /** `POST /me/reauth`: checks the password (and code) and marks the session re-authenticated; answers until when it stands. */
  async function reauthenticate(ctx: RequestContext, caller: Caller, proof: { password: string; code?: string | undefined }): Promise<{ until: string }> {
    const { accountId, sessionId } = signed(caller);
    if (!sessionId) throw new AppError(CommonErrors.unauthenticated);
    await check(ctx, accountId, proof);
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await sessions.markReauthenticated(trx, accountId, sessionId, now.toISOString());
      await recordAccountEvent(deps, trx, ctx, accountId, { action: 'auth.reauthenticated', target: { type: 'session', id: sessionId } });
    });
    return { until: new Date(now.getTime() + STEP_UP_SECONDS * 1000).toISOString() };
  }

  /**
   * Passes when the request carries a proof that checks out, or the session re-authenticated less
   * than STEP_UP_SECONDS ago; answers the account. A session alone, however fresh, never passes.
   */
  async function require(ctx: RequestContext, caller: Caller, proof: StepUpProof = {}): Promise<AccountsTable> {
    const { accountId, sessionId } = signed(caller);
    if (proof.password) return check(ctx, accountId, { password: proof.password, code: proof.code });
    const at = sessionId ? await sessions.reauthenticatedAt(db, accountId, sessionId) : null;
    if (!at || clock.now().getTime() - new Date(at).getTime() > STEP_UP_SECONDS * 1000) {
      throw new AppError(AccountsErrors.reauthenticationRequired, undefined, { details: { field: 'password' } });
    }
    const account = await accounts.findAccountById(db, accountId);
    if (!account || account.status !== 'active') throw new AppError(CommonErrors.unauthenticated);
    return account;
  }

  return { reauthenticate, require };
}

export type StepUp = ReturnType<typeof createStepUp>;
