import { type Caller, STAFF_ROLES, type StaffRole, isStaffRole, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { AccountsDeps } from './accounts.deps.ts';
import { AccountsErrors } from './accounts.errors.ts';
import * as accounts from './accounts.repository.ts';
import type { AccountsTable } from './accounts.tables.ts';
import { type AccountView, normalizeEmail, requiredText, toAccountView, validEmail } from './accounts.views.ts';
import { checkPasswordPolicy } from './passwords.ts';

/** The operator's own people. They sign in like everyone else; their role decides what they may do. */
export function createStaff(deps: AccountsDeps) {
  const { db, clock, audit, hasher } = deps;

  async function addStaff(ctx: RequestContext, caller: Caller, input: { email: string; name?: string | undefined; role: string; password: string }): Promise<AccountView> {
    requireCapability(caller, 'staff.manage');
    if (!isStaffRole(input.role)) {
      throw new AppError(AccountsErrors.invalidRole, `The role must be one of ${STAFF_ROLES.join(', ')}.`, { details: { field: 'role' } });
    }
    const email = validEmail(input.email);
    const name = requiredText(input.name ?? email.split('@')[0] ?? email, 'name');
    checkPasswordPolicy(input.password, { email, name });
    const now = clock.now().toISOString();
    const row: AccountsTable = {
      id: newId('acc'),
      email,
      email_normalized: normalizeEmail(email),
      name,
      password_hash: await hasher.hash(input.password),
      // The operator vouches for its own staff's addresses.
      email_verified_at: now,
      status: 'active',
      staff_role: input.role,
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await db.transaction().execute(async (trx) => {
        await accounts.insertAccount(trx, row);
        await audit.record(trx, ctx, { action: 'staff.added', target: { type: 'user', id: row.id }, details: { role: input.role } });
      });
    } catch (e) {
      if (isAppError(e) && e.is(CommonErrors.conflict)) throw new AppError(AccountsErrors.emailTaken, undefined, { details: { field: 'email' } });
      throw e;
    }
    return toAccountView(row);
  }

  /**
   * Staff who work the support desk find their colleagues by name, to pick an organization's
   * specialist (SUP-2) without copying ids; only active staff, with their role, never anything else.
   */
  async function searchStaff(caller: Caller, query: { q?: string | undefined; limit?: number | undefined }) {
    requireCapability(caller, 'support.desk');
    const limit = Math.max(1, Math.min(query.limit ?? 20, 50));
    const rows = await accounts.searchStaffAccounts(db, { q: query.q ?? '', limit });
    return { items: rows.map((r) => ({ id: r.id, name: r.name, email: r.email, staffRole: r.staff_role as StaffRole })) };
  }

  return { addStaff, searchStaff };
}
