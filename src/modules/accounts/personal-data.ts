import type { Kysely } from 'kysely';
import type { Database, Executor } from '../../db/schema.ts';
import { type DataSubject, type ErasureOutcome, emptyErasure, exportRows, type PersonalDataHandler, type WithheldColumn } from '../rights/index.ts';
import * as repo from './personal-data.repository.ts';

const TABLES = ['accounts', 'sessions', 'one_time_tokens', 'recovery_codes'] as const;

/** ACC-2, ACC-5, SEC-2: what would let someone sign in as the person, or read what is sealed, never leaves. */
const WITHHELD: WithheldColumn[] = [
  { table: 'accounts', column: 'password_hash', why: 'a password hash is never returned to anyone (ACC-2)' },
  { table: 'accounts', column: 'totp_secret_enc', why: 'the second-factor secret, encrypted at rest (ACC-5, SEC-2)' },
  { table: 'sessions', column: 'token_hash', why: 'a hash of the session token: a credential' },
  { table: 'one_time_tokens', column: 'token_hash', why: 'a hash of a single-use link: a credential' },
  { table: 'one_time_tokens', column: 'detail_enc', why: 'encrypted at rest (SEC-2); the new address of an email change is the account row once confirmed' },
  { table: 'recovery_codes', column: 'code_hash', why: 'a hash of a recovery code: a credential (ACC-5)' },
];

/** What the rate-limit counters about the person are named after: the address and the account id. */
const namesOf = (subject: DataSubject): string[] => [subject.email, subject.accountId].filter((x): x is string => !!x);

/**
 * The accounts module's handler (DSR-1, DSR-5). Erasure removes the account, its sessions (so it is
 * signed out everywhere, ACC-6), its pending tokens and its recovery codes: nothing is kept. It runs
 * after the other modules' handlers, which clear their references to the account first.
 */
export function createAccountsPersonalData(db: Kysely<Database>) {
  const handler: PersonalDataHandler = {
    module: 'accounts',
    tables: [...TABLES, 'throttles'],
    withheld: WITHHELD,
    async export(subject, ex = db) {
      // The rate-limit counters named after the person: erasure removes them, so the export shows them.
      const throttles = exportRows('throttles', await repo.throttlesNamedAfter(ex, namesOf(subject)), WITHHELD);
      if (!subject.accountId) return { ...Object.fromEntries(TABLES.map((t) => [t, []])), throttles };
      const rows = await repo.accountRows(ex, subject.accountId);
      return { ...Object.fromEntries(TABLES.map((t) => [t, exportRows(t, rows[t], WITHHELD)])), throttles };
    },
    async erase(subject, _reason, ex = db) {
      const out: ErasureOutcome = Object.fromEntries(TABLES.map((t) => [t, emptyErasure()]));
      // Rate-limit counters named after the person's address or account (a request's, a report's, a resend's) go too.
      out.throttles = { ...emptyErasure(), deleted: await repo.deleteThrottlesNamedAfter(ex, namesOf(subject)) };
      if (!subject.accountId) return out;
      const deleted = await repo.deleteAccountRows(ex, subject.accountId);
      for (const t of TABLES) out[t] = { ...emptyErasure(), deleted: deleted[t] };
      return out;
    },
    /** DSR-6: accounts are the people's own and stay; only counters named after the organization go. */
    async eraseOrganization(orgId, ex = db) {
      return { outcome: { throttles: { ...emptyErasure(), deleted: await repo.deleteOrgThrottles(ex, orgId) } }, more: false };
    },
  };

  /** The account a request names (by id, or by its lower-cased address), with its address and name. */
  async function identify(who: { accountId?: string | null; email?: string | null }, ex: Executor = db): Promise<Pick<DataSubject, 'accountId' | 'email' | 'names'>> {
    const account = await repo.findAccountFor(ex, who);
    if (!account) return { accountId: null, email: who.email ?? null, names: [] };
    return { accountId: account.id, email: account.email_normalized, names: [account.name] };
  }

  return { handler, identify };
}
