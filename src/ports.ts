import { can, staffCapabilities } from './core/caller.ts';
import type { Accounts } from './modules/accounts/index.ts';
import type { Directory } from './modules/directory/index.ts';
import type { CustomerContact, Privacy, PrivacyPeople } from './modules/privacy/index.ts';
import type { OptOutRecorder, RightsPeople } from './modules/rights/index.ts';
import type { SupportPeople, SupportPerson } from './modules/support/index.ts';

/**
 * The ports through which support and privacy see people and organizations. Accounts and the
 * directory own those tables; these adapters answer from their public use cases alone, so every
 * module keeps to its own tables.
 */
export function supportPeople(accounts: Accounts, directory: Directory): SupportPeople {
  const person = async (ex: Parameters<Accounts['facts']>[0], accountId: string): Promise<SupportPerson | undefined> => {
    const [a] = await accounts.facts(ex, [accountId]);
    return a ? { id: a.id, email: a.email, name: a.name, active: a.active, staff: a.staff } : undefined;
  };
  /** SUP-1, SUP-6: the one permission check, for an account known by id instead of a session. */
  const isActiveAdmin = async (ex: Parameters<Accounts['facts']>[0], accountId: string, orgId: string) => {
    const [a] = await accounts.facts(ex, [accountId]);
    const caller = a ? await directory.callers.callerForAccount(ex, a, orgId) : undefined;
    return caller !== undefined && can(caller, 'support.open', { orgId });
  };
  return {
    async organization(ex, orgId) {
      const o = await directory.organizations.findIn(ex, orgId);
      return o ? { id: o.id, name: o.name, plan: o.plan, plan_ends_at: o.planEndsAt, created_at: o.createdAt } : undefined;
    },
    async organizationNames(ex, orgIds) {
      return new Map((await directory.organizations.findMany(ex, orgIds)).map((o) => [o.id, o.name]));
    },
    person,
    isActiveAdmin,
    async adminByEmail(ex, email) {
      const account = await accounts.factsByEmail(ex, email);
      if (!account) return undefined;
      const orgIds: string[] = [];
      for (const m of await directory.organizations.membershipsOfAccount(ex, account.id)) if (await isActiveAdmin(ex, account.id, m.orgId)) orgIds.push(m.orgId);
      return orgIds.length ? { person: { id: account.id, email: account.email, name: account.name, active: true, staff: false }, orgIds } : undefined;
    },
    async member(ex, orgId, ref) {
      const m = ref.userId !== undefined ? await directory.organizations.member(ex, orgId, ref.userId) : await directory.organizations.memberByEmail(ex, orgId, ref.email ?? '');
      if (!m) return undefined;
      const [a] = m.accountId ? await accounts.facts(ex, [m.accountId]) : [];
      return {
        id: m.id,
        kind: 'user',
        orgId: m.orgId,
        email: m.email,
        name: m.name,
        username: m.username,
        status: m.status,
        orgRole: m.role,
        staffRole: null,
        emailVerified: a?.emailVerified ?? false,
        mfaEnabled: a?.mfaEnabled ?? false,
        createdAt: m.createdAt,
      };
    },
    deleteMember: (ex, ctx, orgId, membershipId) => directory.users.removeInTransaction(ctx, orgId, membershipId, ex),
    async stepUp(ctx, caller, proof) {
      await accounts.stepUp.require(ctx, caller, proof);
    },
    async isSpecialistCandidate(ex, accountId) {
      const [a] = await accounts.facts(ex, [accountId]);
      // Whoever works the desk may be an organization's specialist: the capability table decides, not a list of roles.
      return !!a?.active && a.staffRole !== null && staffCapabilities(a.staffRole).includes('support.desk');
    },
  };
}

export function privacyPeople(accounts: Accounts, directory: Directory): PrivacyPeople {
  return {
    async customersAfter(ex, opts) {
      // Customers are accounts with an active membership: read accounts a page at a time and keep those.
      const out: Array<{ id: string; email: string; name: string }> = [];
      let after = opts.after;
      while (out.length < opts.limit) {
        const page = await accounts.listCustomers(ex, { verifiedEmail: opts.verifiedEmail, after, limit: opts.limit });
        const active = await directory.callers.withActiveMembership(ex, page.map((p) => p.id));
        for (const p of page) if (active.has(p.id) && out.length < opts.limit) out.push({ id: p.id, email: p.email, name: p.name });
        if (page.length < opts.limit) break;
        after = page.at(-1)?.id ?? null;
      }
      return out;
    },
    async contacts(ex, accountIds) {
      const facts = await accounts.facts(ex, accountIds);
      const out: CustomerContact[] = [];
      for (const a of facts.filter((f) => !f.staff).sort((x, y) => (x.createdAt === y.createdAt ? (x.id < y.id ? -1 : 1) : x.createdAt < y.createdAt ? -1 : 1))) {
        const memberships = await directory.organizations.membershipsOfAccount(ex, a.id);
        const first = memberships.find((m) => m.status === 'active') ?? memberships[0];
        if (!first) continue;
        const org = await directory.organizations.findIn(ex, first.orgId);
        out.push({
          id: a.id,
          name: a.name,
          email: a.email,
          status: memberships.some((m) => m.status === 'active') && a.active ? 'active' : 'suspended',
          email_verified: a.emailVerified,
          org_name: org?.name ?? '',
          org_address: org?.address ?? null,
          org_phone: org?.phone ?? null,
        });
      }
      return out;
    },
    async person(ex, accountId) {
      const [a] = await accounts.facts(ex, [accountId]);
      return a ? { id: a.id, createdAt: a.createdAt, staff: a.staff } : undefined;
    },
  };
}

/** DSR-1, DSR-4: what the request desk needs of people: whom an address belongs to, and the privacy staff to tell. */
export function rightsPeople(accounts: Accounts): RightsPeople {
  return {
    async accountIdByEmail(ex, email) {
      return (await accounts.factsByEmail(ex, email))?.id;
    },
    async emailOf(ex, accountId) {
      return (await accounts.facts(ex, [accountId]))[0]?.email;
    },
    async privacyStaff(ex) {
      const staff = await accounts.activeStaff(ex);
      return staff.filter((s) => s.staffRole !== null && staffCapabilities(s.staffRole).includes('privacy.requests')).map((s) => ({ id: s.id, email: s.email, name: s.name }));
    },
  };
}

/** DSR-1, DSR-2: an opt-out of sale/sharing goes through the privacy module's consent events (PRV-4, PRV-5), with source `request`. */
export function rightsOptOuts(privacy: Privacy): OptOutRecorder {
  return {
    async optOut(ex, ctx, subject, source = 'request') {
      await privacy.consent.optOutOfSale(ex, ctx, 'accountId' in subject ? { type: 'user', id: subject.accountId } : { type: 'email', id: subject.email }, source);
    },
  };
}
