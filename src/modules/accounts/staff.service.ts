import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import {
  STAFF_ROLES,
  type StaffRole,
  type UserView,
  normalizeEmail,
  requiredText,
  toUserView,
  validEmail,
} from './accounts.views.ts';
import { checkPasswordPolicy, hashPassword } from './passwords.ts';
import * as users from './users.repository.ts';

export const isStaffRole = (role: string): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

/** The operator's own people. They sign in like everyone else; their role decides what they may do. */
export function createStaff(deps: AccountsDeps) {
  const { db, clock, audit } = deps;

  async function addStaff(
    ctx: RequestContext,
    input: { email: string; name?: string | undefined; role: string; password: string },
  ): Promise<UserView> {
    if (!isStaffRole(input.role)) {
      throw new AppError(AccountsErrors.invalidRole, `The role must be one of ${STAFF_ROLES.join(', ')}.`, {
        details: { field: 'role' },
      });
    }
    const email = validEmail(input.email);
    const name = requiredText(input.name ?? email.split('@')[0] ?? email, 'name');
    checkPasswordPolicy(input.password, { email, name });
    const now = clock.now().toISOString();
    const row = {
      id: newId('usr'),
      org_id: null,
      org_role: null,
      staff_role: input.role,
      email,
      email_normalized: normalizeEmail(email),
      name,
      password_hash: await hashPassword(input.password),
      // The operator vouches for its own staff's addresses.
      email_verified_at: now,
      status: 'active',
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      username: null,
      uid_number: null,
      gid_number: null,
      home_directory: null,
      login_shell: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await db.transaction().execute(async (trx) => {
        await users.insertUser(trx, row);
        await audit.record(trx, ctx, {
          action: 'staff.added',
          target: { type: 'user', id: row.id },
          details: { role: input.role },
        });
      });
    } catch (e) {
      if (isAppError(e) && e.is(CommonErrors.conflict))
        throw new AppError(AccountsErrors.emailTaken, undefined, { details: { field: 'email' } });
      throw e;
    }
    return toUserView(row);
  }

  return { addStaff };
}
