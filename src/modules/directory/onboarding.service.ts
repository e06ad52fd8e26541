import type { OrganizationBody, SignupBody } from '../../contracts/accounts.ts';
import type { GoogleSignupBody } from '../../contracts/google.ts';
import { accountIdOf, type Caller } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { newId } from '../../core/crypto.ts';
import { AppError, CommonErrors, isAppError } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { AccountsErrors, normalizeEmail, optionalText, requiredText, validEmail } from '../accounts/index.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { MembershipsTable, OrganizationsTable } from './directory.tables.ts';
import * as members from './memberships.repository.ts';
import { type MemberView, type OrganizationView, toMemberView, toOrganizationView } from './members.views.ts';
import { slugFrom } from './slug.ts';
import * as orgs from './organizations.repository.ts';
import { posixDefaults, usernameFromEmail } from './posix.ts';
import { allocatePosixId } from './posix.repository.ts';

/** Sign-up, as the HTTP contract defines it; `personalization: false` opts out on the form itself (PRV-3). */
export type SignupInput = SignupBody;
export type OrganizationInput = OrganizationBody;

/** ACC-1, DIR-4: a new organization on the free plan, with the person who creates it as its admin. */
export function createOnboarding(deps: DirectoryDeps) {
  const { db, clock, audit, mail, accounts } = deps;

  function organizationRow(input: OrganizationInput): OrganizationsTable {
    const now = clock.now().toISOString();
    const name = requiredText(input.companyName, 'companyName');
    return {
      id: newId('org'),
      name,
      slug: slugFrom(name),
      plan: 'free',
      plan_ends_at: null,
      company_size: optionalText(input.companySize, 'companySize', 50),
      phone: optionalText(input.phone, 'phone', 50),
      require_mfa: 0,
      address: optionalText(input.address, 'address', 500),
      created_at: now,
      updated_at: now,
    };
  }

  function adminRow(org: OrganizationsTable, account: { id: string; email: string; name: string }): MembershipsTable {
    const username = usernameFromEmail(account.email);
    return {
      id: newId('usr'),
      org_id: org.id,
      account_id: account.id,
      email: account.email,
      email_normalized: normalizeEmail(account.email),
      name: account.name,
      role: 'admin',
      status: 'active',
      username,
      uid_number: null,
      gid_number: null,
      ...posixDefaults(username),
      invite_token_hash: null,
      invite_expires_at: null,
      invited_by: null,
      invited_at: null,
      accepted_at: org.created_at,
      last_sign_in_at: null,
      created_at: org.created_at,
      updated_at: org.created_at,
    };
  }

  async function insertOrganizationWithAdmin(trx: Executor, ctx: RequestContext, org: OrganizationsTable, admin: MembershipsTable): Promise<MembershipsTable> {
    org.slug = await orgs.freeSlug(trx, org.slug);
    await orgs.insertOrganization(trx, org);
    // The organization's first member gets its first POSIX id.
    const posixId = await allocatePosixId(trx, org.id);
    const row = { ...admin, uid_number: posixId, gid_number: posixId };
    await members.insertMembership(trx, row);
    await audit.record(trx, ctx, { action: 'directory.organization_created', orgId: org.id, target: { type: 'organization', id: org.id }, details: { admin: row.id } });
    return row;
  }

  /**
   * ACC-1, ACC-3, DSR-8. The account, its organization and its admin membership, with an emailed
   * verification link. Without the age confirmation nothing at all is stored. An address that
   * already has an account gets the same answer (sign-up never tells who has one, ACC-7), and its
   * owner is told by mail instead; an invitation to the address reserves nothing and is no account.
   */
  async function signup(ctx: RequestContext, input: SignupInput): Promise<{ user: MemberView & { accountId: string }; organization: OrganizationView }> {
    if (input.ageConfirmed !== true) throw new AppError(AccountsErrors.ageConfirmationRequired);
    const email = validEmail(input.email);
    const name = requiredText(input.name, 'name');
    const org = organizationRow(input);
    const passwordHash = await accounts.hashNewPassword(input.password, { email, name });
    const placeholder = adminRow(org, { id: newId('acc'), email, name });
    // The same answer whether or not the address had an account: a placeholder is shaped like the real thing.
    const answer = (m: MembershipsTable) => ({
      user: { ...toMemberView({ ...m, uid_number: m.uid_number ?? 10000, gid_number: m.gid_number ?? 10000 }, { emailVerified: false, mfaEnabled: false }), accountId: m.account_id as string },
      organization: toOrganizationView(org),
    });
    try {
      const admin = await db.transaction().execute(async (trx) => {
        const account = await accounts.createAccount(trx, ctx, { email, name, passwordHash, verified: false, choices: { personalization: input.personalization }, orgId: org.id });
        const actor = { ...ctx, actor: { type: 'user' as const, id: account.id } };
        return insertOrganizationWithAdmin(trx, actor, org, adminRow(org, account));
      });
      mail.wake();
      return answer(admin);
    } catch (e) {
      if (isAppError(e) && e.is(CommonErrors.conflict)) {
        await accounts.notifyExistingAccount(ctx, email);
        return answer(placeholder);
      }
      throw e;
    }
  }

  /**
   * ACC-1, ACC-4, DSR-8: sign-up through Google. The person Google vouched for (a verified address)
   * gives what Google does not: the age confirmation first (without it nothing is stored), the
   * company name and the rest of sign-up. The account has no password; Google is how it signs in.
   * An address that got an account meanwhile is refused: Sign in with Google again offers the link.
   */
  async function signupWithGoogle(ctx: RequestContext, pending: string | undefined, input: GoogleSignupBody) {
    const person = accounts.google.signupIdentity(pending);
    if (input.ageConfirmed !== true) throw new AppError(AccountsErrors.ageConfirmationRequired);
    const email = validEmail(person.email);
    const org = organizationRow(input);
    const accountId = await db.transaction().execute(async (trx) => {
      const account = await accounts.createAccount(trx, ctx, { email, name: person.name, passwordHash: null, verified: true, google: person.google, choices: { personalization: input.personalization }, orgId: org.id });
      const actor = { ...ctx, actor: { type: 'user' as const, id: account.id } };
      await insertOrganizationWithAdmin(trx, actor, org, adminRow(org, account));
      await accounts.google.recordSignupLink(trx, actor, account.id, org.id);
      return account.id;
    });
    mail.wake();
    return accounts.google.signInNew(ctx, accountId, person.next);
  }

  /** A signed-in person starts another organization, with themselves as its admin. */
  async function createOrganization(ctx: RequestContext, caller: Caller, input: OrganizationInput): Promise<{ user: MemberView; organization: OrganizationView }> {
    const accountId = accountIdOf(caller);
    if (!accountId || caller.kind === 'staff') throw new AppError(CommonErrors.forbidden);
    const [account] = await accounts.facts(db, [accountId]);
    if (!account) throw new AppError(CommonErrors.unauthenticated);
    const org = organizationRow(input);
    const admin = await db.transaction().execute((trx) => insertOrganizationWithAdmin(trx, ctx, org, adminRow(org, account)));
    return { user: toMemberView(admin, account), organization: toOrganizationView(org) };
  }

  return { signup, signupWithGoogle, createOrganization };
}
