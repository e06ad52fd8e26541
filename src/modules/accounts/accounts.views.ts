import type { Account } from '../../contracts/me.ts';
import { type StaffRole } from '../../core/caller.ts';
import { AppError } from '../../core/errors.ts';
import { AccountsErrors } from './accounts.errors.ts';
import type { AccountsTable } from './accounts.tables.ts';

/** A person on this instance, as the API shows them to themselves: never a hash or a secret. */
export type AccountView = Account;

/** The one place an account row becomes an API object: the password hash and TOTP secret never leave. */
export function toAccountView(a: AccountsTable): AccountView {
  return {
    id: a.id,
    kind: a.staff_role ? 'staff' : 'user',
    email: a.email,
    name: a.name,
    status: a.status,
    emailVerified: a.email_verified_at !== null,
    mfaEnabled: a.totp_enabled_at !== null,
    staffRole: (a.staff_role as StaffRole | null) ?? null,
    createdAt: a.created_at,
  };
}

/** What other modules may know of an account: public facts, for people they already hold an id of. */
export interface AccountFacts {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  staff: boolean;
  staffRole: StaffRole | null;
  active: boolean;
  createdAt: string;
}

export const toAccountFacts = (a: AccountsTable): AccountFacts => ({
  id: a.id,
  email: a.email,
  name: a.name,
  emailVerified: a.email_verified_at !== null,
  mfaEnabled: a.totp_enabled_at !== null,
  staff: a.staff_role !== null,
  staffRole: (a.staff_role as StaffRole | null) ?? null,
  active: a.status === 'active',
  createdAt: a.created_at,
});

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** Lower-cases the whole address: one account per mailbox, however it is typed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validEmail(email: string): string {
  const e = email.trim();
  if (e.length > 254 || !EMAIL.test(e)) {
    throw new AppError(AccountsErrors.invalidEmail, undefined, { details: { field: 'email' } });
  }
  return e;
}

export function requiredText(value: string, field: string, max = 200): string {
  const v = value.trim();
  if (v.length === 0 || v.length > max) {
    throw new AppError(AccountsErrors.invalidField, `${field} must be between 1 and ${max} characters.`, {
      details: { field },
    });
  }
  return v;
}

export function optionalText(value: string | undefined | null, field: string, max = 500): string | null {
  if (value === undefined || value === null) return null;
  const v = value.trim();
  if (v.length === 0) return null;
  return requiredText(v, field, max);
}
