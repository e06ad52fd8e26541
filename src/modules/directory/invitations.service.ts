import type { InvitationInfo, NewAccountInput } from '../../contracts/invitations.ts';
import { type Caller, accountIdOf } from '../../core/caller.ts';
import type { RequestContext } from '../../core/context.ts';
import { hmac, randomToken, sha256 } from '../../core/crypto.ts';
import { AppError, CommonErrors } from '../../core/errors.ts';
import type { Executor } from '../../db/schema.ts';
import { normalizeEmail, requiredText } from '../accounts/index.ts';
import { DirectoryErrors } from './directory.errors.ts';
import type { DirectoryDeps } from './directory.deps.ts';
import type { MembershipsTable } from './directory.tables.ts';
import { invitationMail } from './invitation-mail.ts';
import * as members from './memberships.repository.ts';
import { type InvitationView, type MemberView, toMemberView } from './members.views.ts';
import * as orgs from './organizations.repository.ts';

export const INVITE_TTL_DAYS = 7;

/** What the page an invitation link opens shows: enough to accept, nothing more. */
export type InvitationLookup = InvitationInfo;

/**
 * DIR-2, GOV-3, ACC-2: invitations. An invitation reserves nothing and links nothing: the
 * membership waits, account-less, until the address's owner accepts, signed in with that address
 * or by creating their account with their own password.
 */
export function createInvitations(deps: DirectoryDeps) {
  const { db, clock, audit, mail, accounts, config, throttle } = deps;

  /** Rate limits (docs/api.md, "Invitations"): per organization, and per address whoever sends. */
  async function limit(orgId: string, emailNormalized: string): Promise<void> {
    await throttle.consume(`invite:org:${orgId}`, { max: config.invitationsPerOrgHour, windowSeconds: 3600, lockSeconds: 3600 }, DirectoryErrors.tooManyInvitations);
    const key = `invite:addr:${hmac(deps.secretKey, `invite:${emailNormalized}`).slice(0, 16)}`;
    await throttle.consume(key, { max: config.invitationsPerAddressDay, windowSeconds: 86_400, lockSeconds: 3600 }, DirectoryErrors.tooManyInvitations);
  }

  /** An import that invites everyone it adds takes that many invitations of the organization's hour at once, or none. */
  async function limitBulk(orgId: string, count: number): Promise<void> {
    const rule = { max: config.invitationsPerOrgHour, windowSeconds: 3600, lockSeconds: 3600 };
    if (count > rule.max) throw new AppError(DirectoryErrors.tooManyInvitations, `An import may invite at most ${rule.max} people an hour; import without invitations and send them later.`);
    for (let i = 0; i < count; i++) await throttle.consume(`invite:org:${orgId}`, rule, DirectoryErrors.tooManyInvitations);
  }

  /** A fresh link for an invited membership, queued in the caller's transaction (call mail.wake() after it commits). */
  async function issue(trx: Executor, m: Pick<MembershipsTable, 'id' | 'org_id' | 'email'>, orgName: string, inviter: { accountId: string | null; name: string | null }) {
    const token = randomToken();
    const now = clock.now();
    const expires = new Date(now.getTime() + INVITE_TTL_DAYS * 86_400_000).toISOString();
    await members.updateMembership(trx, m.org_id, m.id, {
      invite_token_hash: sha256(token),
      invite_expires_at: expires,
      invited_by: inviter.accountId,
      invited_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    await mail.enqueue(
      trx,
      invitationMail(m.email, { siteName: config.siteName, orgName, inviterName: inviter.name, link: `${config.publicUrl}/invitations/${token}`, expiresDays: INVITE_TTL_DAYS }),
    );
  }

  /** The membership a live invitation token names; a bad token is counted per address (it could be guessed at). */
  async function byToken(ctx: RequestContext, token: string): Promise<MembershipsTable> {
    const ipKey = `invite:ip:${ctx.ip ?? 'unknown'}`;
    await throttle.assertOpen(ipKey, DirectoryErrors.invalidInvitation);
    const m = token.length >= 20 && token.length <= 200 ? await members.findByInviteToken(db, sha256(token)) : undefined;
    const now = clock.now().toISOString();
    if (!m || m.status === 'suspended' || m.account_id !== null || !m.invite_expires_at || m.invite_expires_at <= now) {
      await throttle.hit(ipKey, { max: 20, windowSeconds: 900, lockSeconds: 900 });
      throw new AppError(DirectoryErrors.invalidInvitation, undefined, { details: { field: 'token' } });
    }
    return m;
  }

  async function orgName(ex: Executor, orgId: string): Promise<string> {
    return (await orgs.findOrganization(ex, orgId))?.name ?? '';
  }

  async function lookup(ctx: RequestContext, token: string): Promise<InvitationLookup> {
    const m = await byToken(ctx, token);
    const account = await accounts.accountForAddress(db, m.email);
    return {
      organization: { id: m.org_id, name: await orgName(db, m.org_id) },
      email: m.email,
      expiresAt: m.invite_expires_at as string,
      account: account?.hasPassword ? 'exists' : 'none',
    };
  }

  /** Links the membership to the account and makes it active, once; audited in the organization's log. */
  async function link(trx: Executor, ctx: RequestContext, m: MembershipsTable, accountId: string, email: string): Promise<MembershipsTable> {
    const now = clock.now().toISOString();
    if (!(await members.acceptMembership(trx, m.id, accountId, email, now))) throw new AppError(DirectoryErrors.invalidInvitation, undefined, { details: { field: 'token' } });
    await audit.record(trx, { ...ctx, actor: { type: 'user', id: accountId } }, { action: 'directory.invitation_accepted', orgId: m.org_id, target: { type: 'user', id: m.id } });
    const row = await members.findMembership(trx, m.org_id, m.id);
    if (!row) throw new AppError(CommonErrors.notFound);
    return row;
  }

  const view = async (ex: Executor, row: MembershipsTable): Promise<MemberView> => toMemberView(row, (await accounts.facts(ex, [row.account_id as string]))[0]);

  /** Accepting while signed in, with the address the invitation was sent to. */
  async function acceptSignedIn(ctx: RequestContext, caller: Caller, token: string): Promise<MemberView> {
    const m = await byToken(ctx, token);
    const accountId = accountIdOf(caller);
    if (!accountId || caller.kind === 'staff') throw new AppError(CommonErrors.unauthenticated);
    const [me] = await accounts.facts(db, [accountId]);
    if (!me || normalizeEmail(me.email) !== m.email_normalized) throw new AppError(DirectoryErrors.invitationForAnotherAddress);
    return db.transaction().execute(async (trx) => {
      // The link was opened from the account's own mailbox: the address is proven (ACC-3).
      await accounts.markEmailProven(trx, accountId);
      return view(trx, await link(trx, ctx, m, accountId, me.email));
    });
  }

  /**
   * Accepting without an account: the account is created with the person's own password (ACC-2),
   * its address proven by the link. An address that has an account must sign in instead.
   */
  async function acceptWithPassword(ctx: RequestContext, token: string, input: NewAccountInput): Promise<MemberView> {
    const m = await byToken(ctx, token);
    const name = input.name === undefined ? m.name : requiredText(input.name, 'name');
    if ((await accounts.accountForAddress(db, m.email))?.hasPassword) throw new AppError(DirectoryErrors.signInToAccept);
    const passwordHash = await accounts.hashNewPassword(input.password, { email: m.email, name });
    const row = await db.transaction().execute(async (trx) => {
      const existing = await accounts.accountForAddress(trx, m.email);
      if (existing?.hasPassword) throw new AppError(DirectoryErrors.signInToAccept);
      const account = await accounts.createAccount(trx, ctx, { email: m.email, name, passwordHash, verified: true });
      return link(trx, ctx, m, account.id, account.email);
    });
    mail.wake();
    return view(db, row);
  }

  /** The invitations waiting for the signed-in person's address, once it is proven. */
  async function pendingFor(caller: Caller): Promise<InvitationView[]> {
    const accountId = accountIdOf(caller);
    if (!accountId || caller.kind === 'staff') return [];
    const [me] = await accounts.facts(db, [accountId]);
    if (!me?.emailVerified) return [];
    const rows = await members.pendingInvitationsFor(db, normalizeEmail(me.email), clock.now().toISOString());
    return rows.map((r) => ({ id: r.id, organization: { id: r.org_id, name: r.org_name }, email: r.email, invitedAt: r.invited_at, expiresAt: r.invite_expires_at }));
  }

  /** Accepting one of those, by its id, without the link. */
  async function acceptPending(ctx: RequestContext, caller: Caller, membershipId: string): Promise<MemberView> {
    const pending = (await pendingFor(caller)).find((p) => p.id === membershipId);
    const accountId = accountIdOf(caller);
    if (!pending || !accountId) throw new AppError(CommonErrors.notFound);
    const [me] = await accounts.facts(db, [accountId]);
    return db.transaction().execute(async (trx) => {
      const m = await members.findMembership(trx, pending.organization.id, membershipId);
      if (!m || !me) throw new AppError(CommonErrors.notFound);
      return view(trx, await link(trx, ctx, m, accountId, me.email));
    });
  }

  return { limit, limitBulk, issue, lookup, acceptSignedIn, acceptWithPassword, pendingFor, acceptPending };
}

export type Invitations = ReturnType<typeof createInvitations>;
