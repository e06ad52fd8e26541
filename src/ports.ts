import type { Kysely } from 'kysely';
import { type Caller, can, staffCapabilities } from './core/caller.ts';
import type { Database } from './db/schema.ts';
import type { Accounts } from './modules/accounts/index.ts';
import type { Directory } from './modules/directory/index.ts';
import type { CustomerContact, Privacy, PrivacyPeople } from './modules/privacy/index.ts';
import type { AdministeringOrganization, DataPointFacts, DataSubject, FulfilmentPorts, LedgerRecipient, OptOutRecorder, PersonalDataHandler, PersonalDataRegistry, RightsLedger, RightsPeople, RightsVerificationPorts } from './modules/rights/index.ts';
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

/** DSR-7: a Shine the Light answer reads the disclosure ledger's direct-marketing recipients (PRV-9). */
export function rightsLedger(privacy: Privacy): RightsLedger {
  return {
    async directMarketingRecipients(who, year) {
      const r = await privacy.disclosures.directMarketingRecipients(who, year);
      return { year: r.year, recipients: r.recipients.map(({ name, address, categories }) => ({ name, address, categories })), categories: r.categories };
    },
  };
}

/**
 * DSR-2: what verification needs of accounts and the directory. Re-authentication is the accounts
 * module's one step-up (through verifyCredentials and its throttle); the data points are what the
 * directory's own personal-data handler exports for the person (memberships and invitations: the
 * names organizations know them by, the organizations, usernames and who invited them), with the
 * organizations' names and the inviters' addresses read through their modules' use cases.
 */
export function rightsVerification(accounts: Accounts, directory: Directory, directoryData: PersonalDataHandler): RightsVerificationPorts {
  return {
    async reauthenticate(ctx, caller, proof) {
      return (await accounts.stepUp.require(ctx, caller, proof)).id;
    },
    async dataPoints(ex, subject): Promise<DataPointFacts> {
      const rows = (await directoryData.export({ accountId: subject.accountId, email: subject.accountId ? null : subject.email, membershipIds: [], names: [] }, ex)).memberships ?? [];
      const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
      const orgs = await directory.organizations.findMany(ex, rows.map((m) => text(m.org_id)).filter((v): v is string => v !== null));
      const inviters = await accounts.facts(ex, rows.map((m) => text(m.invited_by)).filter((v): v is string => v !== null));
      const own = subject.accountId ? await accounts.facts(ex, [subject.accountId]) : [];
      const usernames = rows.map((m) => text(m.username)).filter((v): v is string => v !== null);
      return {
        names: [...own.map((a) => a.name), ...rows.map((m) => text(m.name)).filter((v): v is string => v !== null)],
        organizations: orgs.map((o) => o.name),
        usernames,
        inviters: inviters.map((a) => a.email),
        // SENSITIVE_CATEGORIES: an account (its password), or a directory entry that signs in with a
        // username and a password kept from an import; an invitation never accepted has no password.
        sensitive: own.length > 0 || rows.some((m) => m.status !== 'invited' && text(m.username) !== null),
      };
    },
  };
}

/** What the fulfilment port needs of the composition root's registry. */
interface RegistryAccess {
  registry: PersonalDataRegistry;
  subjectOf(who: { accountId?: string | null; email?: string | null }): Promise<DataSubject>;
}

/** Reads a ledger entry's categories, kept as a JSON array by the privacy module. */
const categoriesOf = (value: unknown): string[] => {
  try {
    const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
};

/**
 * DSR-1, DSR-5: what fulfilment needs of the registry and of other modules. The ledger's recipients
 * of a person are what the privacy module's own personal-data handler exports of the disclosures
 * ledger for them (PRV-9), grouped by recipient; the organizations and their admins come from the
 * directory's use cases, read as the instance (the operator's directory capability); a correction
 * of the account's name goes through the accounts module's own profile change, as the account.
 */
export function rightsFulfilment(db: Kysely<Database>, rights: RegistryAccess, accounts: Accounts, directory: Directory): FulfilmentPorts {
  const handler = (module: string) => rights.registry.handlers().find((h) => h.module === module);
  const INSTANCE: Caller = { kind: 'operator' };
  async function adminsOf(orgId: string, exceptEmail: string | null): Promise<AdministeringOrganization['admins']> {
    const admins: AdministeringOrganization['admins'] = [];
    let cursor: string | undefined;
    do {
      const page = await directory.users.list(INSTANCE, orgId, { status: 'active', sort: 'name', order: 'asc', limit: 200, ...(cursor ? { cursor } : {}) });
      for (const m of page.items) if (m.orgRole === 'admin' && m.email.toLowerCase() !== exceptEmail) admins.push({ email: m.email, name: m.name });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return admins;
  }
  return {
    subjectOf: (who) => rights.subjectOf(who),
    exportAll: (subject) => rights.registry.exportAll(subject),
    eraseAll: (subject, reason) => rights.registry.eraseAll(subject, reason),
    tables: () => rights.registry.handlers().map((h) => ({ module: h.module, tables: h.tables })),
    async recipientsOf(subject) {
      const rows = (await handler('privacy')?.export(subject))?.disclosures ?? [];
      const byRecipient = new Map<string, LedgerRecipient>();
      for (const r of rows) {
        const name = String(r.recipient_name ?? '');
        const address = String(r.recipient_address ?? '');
        const at = String(r.created_at ?? '');
        const key = JSON.stringify([name, address]);
        const e = byRecipient.get(key) ?? { name, address, kind: String(r.recipient_kind ?? ''), categories: [], purposes: [], directMarketing: false, firstAt: at, lastAt: at };
        for (const c of categoriesOf(r.categories)) if (!e.categories.includes(c)) e.categories.push(c);
        if (typeof r.purpose === 'string' && !e.purposes.includes(r.purpose)) e.purposes.push(r.purpose);
        e.directMarketing ||= Number(r.direct_marketing) === 1;
        if (at < e.firstAt) e.firstAt = at;
        if (at > e.lastAt) e.lastAt = at;
        byRecipient.set(key, e);
      }
      return [...byRecipient.values()].sort((a, b) => a.name.localeCompare(b.name) || a.address.localeCompare(b.address));
    },
    async organizationsOf(subject) {
      if (!subject.accountId) return [];
      const memberships = await directory.organizations.membershipsOfAccount(db, subject.accountId);
      const orgs = await directory.organizations.findMany(db, memberships.map((m) => m.orgId));
      const out: AdministeringOrganization[] = [];
      for (const o of orgs) out.push({ orgId: o.id, name: o.name, admins: await adminsOf(o.id, subject.email) });
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    adminsOf,
    async renameAccount(ctx, accountId, name) {
      await accounts.updateProfile(ctx, { kind: 'account', accountId, sessionId: null, emailVerified: true }, { name });
    },
    async eraseAnswerTraces(who) {
      // The account is gone for good, so its id names no one else; but someone may hold the address again, and what is sent to it now is theirs.
      const email = (await accounts.factsByEmail(db, who.email)) ? null : who.email;
      const subject: DataSubject = { accountId: who.accountId, email, membershipIds: [], names: [] };
      await db.transaction().execute(async (trx) => {
        for (const m of ['mail', 'privacy']) await handler(m)?.erase(subject, { basis: 'deletion_request', reference: null }, trx);
      });
    },
  };
}
