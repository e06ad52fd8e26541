import type { RequestContext } from '../../core/context.ts';
import { newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import type { UsersTable } from './accounts.tables.ts';
import { type UserView, toUserView } from './accounts.views.ts';
import { invitationMail } from './mail-templates.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import * as sessions from './sessions.repository.ts';
import * as tokens from './tokens.repository.ts';
import * as users from './users.repository.ts';

export const INVITE_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * ACC-2: a user an admin creates sets their own password through an emailed
 * single-use link; nobody else ever sets it.
 */
export function createInvitations(deps: AccountsDeps) {
  const { db, clock, audit, mail, config } = deps;

  /** Queues the invitation in the caller's transaction; call mail.wake() after it commits. */
  async function issueInvitation(ex: Executor, user: Pick<UsersTable, 'id' | 'email' | 'name'>, orgName: string): Promise<void> {
    const token = randomToken();
    const now = clock.now();
    await tokens.retireUserTokens(ex, user.id, 'invite', now.toISOString());
    await tokens.insertToken(ex, {
      id: newId('tok'),
      user_id: user.id,
      purpose: 'invite',
      token_hash: sha256(token),
      expires_at: new Date(now.getTime() + INVITE_TOKEN_TTL_SECONDS * 1000).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    });
    await mail.enqueue(ex, invitationMail(user.email, user.name, orgName, `${config.publicUrl}/accept-invitation?token=${token}`));
  }

  /** Sets the invited user's first password; the link proves the mailbox, so the email counts as verified. */
  async function acceptInvitation(ctx: RequestContext, token: string, password: string): Promise<UserView> {
    const ipKey = `invite:ip:${ctx.ip ?? 'unknown'}`;
    await deps.throttle.assertOpen(ipKey, AccountsErrors.tooManyRequests);
    const now = clock.now().toISOString();
    const found = await tokens.findLiveToken(db, 'invite', sha256(token), now);
    const user = found ? await users.findUserById(db, found.user_id) : undefined;
    if (!found || user?.status !== 'active') {
      const { limits } = config;
      await deps.throttle.hit(ipKey, { max: limits.verifyMaxFailures, windowSeconds: limits.failureWindowSeconds, lockSeconds: limits.lockoutSeconds });
      throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    }
    checkPasswordPolicy(password, { email: user.email, name: user.name });
    const passwordHash = await hashPassword(password);
    const updated = await db.transaction().execute(async (trx) => {
      if (!(await tokens.consumeToken(trx, found.id, now))) return undefined;
      await users.updateUser(trx, user.id, { password_hash: passwordHash, email_verified_at: user.email_verified_at ?? now, updated_at: now });
      await audit.record(trx, { ...ctx, actor: { type: 'user', id: user.id } }, {
        action: 'account.invitation_accepted',
        orgId: user.org_id,
        target: { type: 'user', id: user.id },
      });
      return users.findUserById(trx, user.id);
    });
    if (!updated) throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    return toUserView(updated);
  }

  /** ACC-6: ends every session of a user at once (suspension, termination); tokens of theirs stop working too. */
  async function endAccess(ex: Executor, userId: string): Promise<number> {
    const now = clock.now().toISOString();
    for (const purpose of ['verify_email', 'reset_password', 'invite'] as const) await tokens.retireUserTokens(ex, userId, purpose, now);
    return sessions.deleteAllUserSessions(ex, userId);
  }

  return { issueInvitation, acceptInvitation, endAccess };
}
