import type { ProfileBody } from '../../contracts/me.ts';
import { accountIdOf, type Caller, requireCapability } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import type { AuditFilter } from '../audit/index.ts';
import { type AccountsDeps, recordAccountEvent } from './accounts.deps.ts';
import * as accounts from './accounts.repository.ts';
import { type AccountFacts, type AccountView, normalizeEmail, requiredText, toAccountFacts, toAccountView } from './accounts.views.ts';
import { createCredentials } from './credentials.service.ts';
import { createHousekeeping } from './housekeeping.service.ts';
import { createMfa } from './mfa.service.ts';
import { createPasswords } from './passwords.service.ts';
import { createRegistration } from './registration.service.ts';
import { createSecondFactor } from './second-factor.ts';
import * as sessionsRepo from './sessions.repository.ts';
import { createSessions } from './sessions.service.ts';
import { createStaff } from './staff.service.ts';
import { createStepUp } from './step-up.service.ts';
import { createEmailChange } from './email-change.service.ts';
import { createGoogle } from './google.service.ts';
import * as tokens from './tokens.repository.ts';

export function createAccounts(deps: AccountsDeps) {
  const second = createSecondFactor(deps);
  const credentials = createCredentials(deps, second);
  // `open` makes a session without a credential check: only this module's sign-in paths get it.
  const { open: openSession, ...sessions } = createSessions(deps, credentials);
  const stepUp = createStepUp(deps, credentials);
  const mfa = createMfa(deps, second, stepUp);
  const { db, clock, audit } = deps;

  async function load(caller: Caller) {
    const id = accountIdOf(caller);
    const a = id ? await accounts.findAccountById(db, id) : undefined;
    if (!a) throw new AppError(CommonErrors.unauthenticated);
    return a;
  }

  /** The signed-in person's own account. */
  async function me(caller: Caller): Promise<AccountView> {
    return toAccountView(await load(caller));
  }

  /** Changes the signed-in person's own name; the change is audited. */
  async function updateProfile(ctx: RequestContext, caller: Caller, input: ProfileBody): Promise<AccountView> {
    const a = await load(caller);
    const name = requiredText(input.name, 'name');
    return db.transaction().execute(async (trx) => {
      await accounts.updateAccount(trx, a.id, { name, updated_at: clock.now().toISOString() });
      await recordAccountEvent(deps, trx, ctx, a.id, { action: 'account.profile_updated', target: { type: 'user', id: a.id }, details: { fields: ['name'] } });
      for (const hook of deps.hooks.renamed) await hook(trx, ctx, a.id, { from: a.name, to: name });
      return toAccountView({ ...a, name });
    });
  }

  /**
   * SEC-1: an organization's admins read their organization's entries; staff
   * whose role allows it read everyone's (`orgId` null) or one organization's.
   */
  async function auditLog(caller: Caller, orgId: string | null, filter: Omit<AuditFilter, 'orgId'>) {
    if (orgId === null || caller.kind === 'staff' || caller.kind === 'operator') {
      requireCapability(caller, 'audit.read_all');
      return audit.list({ ...filter, orgId }, orgId === null);
    }
    requireCapability(caller, 'audit.read_org', { orgId });
    return audit.list({ ...filter, orgId }, false);
  }

  /** Public facts of accounts other modules already hold ids of (names, addresses, MFA), in no set order. */
  async function facts(ex: Executor, ids: readonly string[]): Promise<AccountFacts[]> {
    return (await accounts.findAccountsByIds(ex, [...new Set(ids)])).map(toAccountFacts);
  }

  /** ACC-6: ends every session of an account at once; its single-use links stop working too. */
  async function endSessions(ex: Executor, accountId: string): Promise<number> {
    const now = clock.now().toISOString();
    for (const purpose of ['verify_email', 'reset_password'] as const) await tokens.retireAccountTokens(ex, accountId, purpose, now);
    return sessionsRepo.deleteAllAccountSessions(ex, accountId);
  }

  /** Customer accounts (never staff) in id order, a page at a time: for the lists privacy keeps (PRV-7, PRV-8). */
  const listCustomers = (ex: Executor, opts: { verifiedEmail: boolean; after: string | null; limit: number }) => accounts.listCustomerAccounts(ex, opts);

  /** The account an address belongs to, for mail that arrives from it (SUP-1): whom to answer, never told to anyone. */
  async function factsByEmail(ex: Executor, email: string): Promise<AccountFacts | undefined> {
    const a = await accounts.findAccountByEmail(ex, normalizeEmail(email));
    return a ? toAccountFacts(a) : undefined;
  }

  /** Active staff with their role (whom a module tells of work waiting, such as overdue privacy requests, DSR-4). */
  async function activeStaff(ex: Executor): Promise<AccountFacts[]> {
    const rows = await accounts.searchStaffAccounts(ex, { q: '', limit: 500 });
    return facts(ex, rows.map((r) => r.id));
  }

  return {
    ...createRegistration(deps),
    ...createPasswords(deps, stepUp),
    emailChange: createEmailChange(deps, stepUp),
    google: createGoogle(deps, credentials, openSession),
    ...createStaff(deps),
    verifyCredentials: credentials.verifyCredentials,
    auditLog,
    updateProfile,
    facts,
    factsByEmail,
    activeStaff,
    endSessions,
    listCustomers,
    housekeeping: createHousekeeping(deps),
    sessions,
    stepUp,
    mfa,
    me,
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
