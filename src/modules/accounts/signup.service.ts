import type { RequestContext } from '../../core/context.ts';
import { hmac, newId, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import { type AccountsDeps, VERIFY_TOKEN_TTL_SECONDS } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import {
  type OrganizationView,
  type UserView,
  normalizeEmail,
  optionalText,
  requiredText,
  toOrganizationView,
  toUserView,
  validEmail,
} from './accounts.views.ts';
import { existingAccountMail, verificationMail } from './mail-templates.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import { FIRST_POSIX_ID, allocatePosixId, posixDefaults, usernameFromEmail } from './posix.ts';
import * as tokens from './tokens.repository.ts';
import * as users from './users.repository.ts';

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  companyName: string;
  companySize?: string | undefined;
  phone?: string | undefined;
  address?: string | undefined;
  ageConfirmed: boolean;
  /** false: the person opts out of personalization on the form itself (PRV-3). */
  personalization?: boolean | undefined;
}

export function createSignup(deps: AccountsDeps) {
  const { db, clock, audit, mail, config, throttle } = deps;

  async function issueVerification(ex: Parameters<typeof tokens.insertToken>[0], userId: string, email: string, name: string) {
    const token = randomToken();
    const now = clock.now();
    await tokens.retireUserTokens(ex, userId, 'verify_email', now.toISOString());
    await tokens.insertToken(ex, {
      id: newId('tok'),
      user_id: userId,
      purpose: 'verify_email',
      token_hash: sha256(token),
      expires_at: new Date(now.getTime() + VERIFY_TOKEN_TTL_SECONDS * 1000).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    });
    await mail.enqueue(ex, verificationMail(email, name, `${config.publicUrl}/verify-email?token=${token}`));
  }

  /**
   * ACC-1, ACC-3, DSR-8. Creates an organization on the free plan with the new
   * user as its admin, and emails a verification link. Without the age
   * confirmation nothing at all is stored. An email that already has an account
   * gets the same answer (so sign-up does not reveal which emails exist, ACC-7),
   * and its owner is told by email instead.
   */
  async function signup(ctx: RequestContext, input: SignupInput): Promise<{ user: UserView; organization: OrganizationView }> {
    if (input.ageConfirmed !== true) throw new AppError(AccountsErrors.ageConfirmationRequired);
    const email = validEmail(input.email);
    const name = requiredText(input.name, 'name');
    const companyName = requiredText(input.companyName, 'companyName');
    const companySize = optionalText(input.companySize, 'companySize', 50);
    const phone = optionalText(input.phone, 'phone', 50);
    const address = optionalText(input.address, 'address', 500);
    checkPasswordPolicy(input.password, { email, name });
    const passwordHash = await hashPassword(input.password);

    const now = clock.now().toISOString();
    const org = {
      id: newId('org'),
      name: companyName,
      plan: 'free',
      plan_ends_at: null,
      company_size: companySize,
      phone,
      address,
      created_at: now,
      updated_at: now,
    };
    const username = usernameFromEmail(email);
    const user = {
      id: newId('usr'),
      org_id: org.id,
      org_role: 'admin',
      staff_role: null,
      email,
      email_normalized: normalizeEmail(email),
      name,
      password_hash: passwordHash,
      email_verified_at: null,
      status: 'active',
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      username,
      // The first user of a new organization gets its first POSIX id.
      uid_number: FIRST_POSIX_ID,
      gid_number: FIRST_POSIX_ID,
      ...posixDefaults(username),
      created_at: now,
      updated_at: now,
    };
    const result = { user: toUserView(user), organization: toOrganizationView(org) };

    try {
      await db.transaction().execute(async (trx) => {
        if (await users.findUserByEmail(trx, user.email_normalized)) throw new AppError(CommonErrors.conflict);
        await users.insertOrganization(trx, org);
        await allocatePosixId(trx, org.id);
        await users.insertUser(trx, user);
        await issueVerification(trx, user.id, email, name);
        const actor = { ...ctx, actor: { type: 'user' as const, id: user.id } };
        await audit.record(trx, actor, { action: 'account.signup', orgId: org.id, target: { type: 'user', id: user.id } });
        for (const hook of deps.hooks.signedUp) await hook(trx, actor, user.id, { personalization: input.personalization });
      });
    } catch (e) {
      if (isAppError(e) && e.is(CommonErrors.conflict)) {
        await notifyExistingAccount(ctx, user.email_normalized);
        return result;
      }
      throw e;
    }
    mail.wake();
    return result;
  }

  async function notifyExistingAccount(ctx: RequestContext, emailNormalized: string): Promise<void> {
    // At most a few notices an hour, so sign-up cannot be used to flood someone's inbox.
    const key = `signup-notice:${hmac(deps.secretKey, emailNormalized)}`;
    if (await throttle.hit(key, { max: 4, windowSeconds: 3600, lockSeconds: 3600 })) return;
    const existing = await users.findUserByEmail(db, emailNormalized);
    if (!existing) return;
    await db.transaction().execute(async (trx) => {
      await mail.enqueue(
        trx,
        existingAccountMail(existing.email, `${config.publicUrl}/sign-in`, `${config.publicUrl}/forgot-password`),
      );
      await audit.record(trx, ctx, {
        action: 'account.signup_existing_email',
        orgId: existing.org_id,
        target: { type: 'user', id: existing.id },
      });
    });
    mail.wake();
  }

  /** ACC-3: a single-use emailed token marks the address as verified. */
  async function verifyEmail(ctx: RequestContext, token: string): Promise<UserView> {
    const ipKey = `verify:ip:${ctx.ip ?? 'unknown'}`;
    await throttle.assertOpen(ipKey, AccountsErrors.tooManyRequests);
    const now = clock.now().toISOString();
    const found = await tokens.findLiveToken(db, 'verify_email', sha256(token), now);
    const userId = found
      ? await db.transaction().execute(async (trx) => {
          if (!(await tokens.consumeToken(trx, found.id, now))) return undefined;
          await users.updateUser(trx, found.user_id, { email_verified_at: now, updated_at: now });
          const u = await users.findUserById(trx, found.user_id);
          await audit.record(
            trx,
            { ...ctx, actor: { type: 'user', id: found.user_id } },
            {
              action: 'account.email_verified',
              orgId: u?.org_id ?? null,
              target: { type: 'user', id: found.user_id },
            },
          );
          return found.user_id;
        })
      : undefined;
    if (!userId) {
      const locked = await throttle.hit(ipKey, {
        max: config.limits.verifyMaxFailures,
        windowSeconds: config.limits.failureWindowSeconds,
        lockSeconds: config.limits.lockoutSeconds,
      });
      if (locked) await audit.record(db, ctx, { action: 'auth.lockout', details: { scope: 'email_verification' } });
      throw new AppError(AccountsErrors.invalidToken, undefined, { details: { field: 'token' } });
    }
    const u = await users.findUserById(db, userId);
    if (!u) throw new AppError(AccountsErrors.invalidToken);
    return toUserView(u);
  }

  /** Sends a fresh verification link to a signed-in user whose address is not verified yet. */
  async function resendVerification(ctx: RequestContext, userId: string): Promise<void> {
    await throttle.consume(
      `verify:resend:${userId}`,
      { max: 5, windowSeconds: 3600, lockSeconds: 3600 },
      AccountsErrors.tooManyRequests,
    );
    const u = await users.findUserById(db, userId);
    if (!u || u.email_verified_at) return;
    await db.transaction().execute(async (trx) => {
      await issueVerification(trx, u.id, u.email, u.name);
      await audit.record(trx, ctx, {
        action: 'account.verification_resent',
        orgId: u.org_id,
        target: { type: 'user', id: u.id },
      });
    });
    mail.wake();
  }

  return { signup, verifyEmail, resendVerification };
}
