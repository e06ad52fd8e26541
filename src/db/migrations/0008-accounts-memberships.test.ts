import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialects } from '../../../test/helpers/databases.ts';
import { migrateTo, migrateToLatest } from '../migrate.ts';

const T = '2026-01-05T16:00:00.000Z';
const user = (id: string, over: Record<string, unknown>) => ({
  id,
  org_id: 'org_1',
  org_role: 'member',
  staff_role: null,
  email: `${id}@example.com`,
  email_normalized: `${id}@example.com`,
  name: id,
  password_hash: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
  email_verified_at: T,
  status: 'active',
  totp_secret_enc: null,
  totp_enabled_at: null,
  totp_last_step: null,
  username: id,
  uid_number: null,
  gid_number: null,
  home_directory: `/home/${id}`,
  login_shell: '/bin/bash',
  created_at: T,
  updated_at: T,
  ...over,
});

describe.each(dialects)('migration 0008 on $name', (dialect) => {
  it('DIR-2: users become accounts and memberships with their ids kept; a never-accepted placeholder becomes an invitation without an account', async () => {
    const tdb = await dialect.open();
    try {
      const db = tdb.handle.db as unknown as Parameters<typeof migrateTo>[0];
      await migrateTo(db, '0007-support-tickets');
      const old = db as never as Kysely<any>;
      await old.insertInto('organizations').values({ id: 'org_1', name: 'Acme', plan: 'free', plan_ends_at: null, company_size: null, phone: null, address: null, created_at: T, updated_at: T }).execute();
      await old.insertInto('users').values([
        user('usr_admin', { org_role: 'admin', uid_number: 10000, gid_number: 10000 }),
        user('usr_member', { uid_number: 10001, gid_number: 10001 }),
        user('usr_gone', { status: 'suspended', uid_number: 10002, gid_number: 10002 }),
        // Created by the admin, never accepted: no password, not verified.
        user('usr_placeholder', { password_hash: null, email_verified_at: null, uid_number: 10003, gid_number: 10003 }),
        user('usr_staff', { org_id: null, org_role: null, staff_role: 'support', username: null, home_directory: null, login_shell: null }),
      ]).execute();
      await old.insertInto('sessions').values({ id: 'ses_1', user_id: 'usr_member', token_hash: 'h1', created_at: T, last_seen_at: T, expires_at: '2099-01-01T00:00:00Z', ip: null, user_agent: null }).execute();
      await old.insertInto('one_time_tokens').values({ id: 'tok_1', user_id: 'usr_placeholder', purpose: 'invite', token_hash: 'invitehash', expires_at: '2099-01-01T00:00:00Z', used_at: null, created_at: T }).execute();
      await old.insertInto('groups').values({ id: 'grp_1', org_id: 'org_1', name: 'eng', description: null, gid_number: 10010, created_at: T, updated_at: T }).execute();
      await old.insertInto('group_members').values([{ org_id: 'org_1', group_id: 'grp_1', user_id: 'usr_member', created_at: T }, { org_id: 'org_1', group_id: 'grp_1', user_id: 'usr_placeholder', created_at: T }]).execute();

      await migrateToLatest(db);

      const accounts = await old.selectFrom('accounts').select(['id', 'staff_role', 'status']).orderBy('id').execute();
      expect(accounts).toEqual([
        { id: 'usr_admin', staff_role: null, status: 'active' },
        { id: 'usr_gone', staff_role: null, status: 'active' },
        { id: 'usr_member', staff_role: null, status: 'active' },
        { id: 'usr_staff', staff_role: 'support', status: 'active' },
      ]);
      const members = await old.selectFrom('memberships').select(['id', 'account_id', 'role', 'status', 'uid_number', 'invite_token_hash']).orderBy('id').execute();
      expect(members.map((m) => ({ ...m, uid_number: Number(m.uid_number) }))).toEqual([
        { id: 'usr_admin', account_id: 'usr_admin', role: 'admin', status: 'active', uid_number: 10000, invite_token_hash: null },
        { id: 'usr_gone', account_id: 'usr_gone', role: 'member', status: 'suspended', uid_number: 10002, invite_token_hash: null },
        { id: 'usr_member', account_id: 'usr_member', role: 'member', status: 'active', uid_number: 10001, invite_token_hash: null },
        // The pending invitation link keeps working (its hash moved onto the membership).
        { id: 'usr_placeholder', account_id: null, role: 'member', status: 'invited', uid_number: 10003, invite_token_hash: 'invitehash' },
      ]);
      expect(await old.selectFrom('sessions').select(['id', 'account_id']).execute()).toEqual([{ id: 'ses_1', account_id: 'usr_member' }]);
      expect(await old.selectFrom('group_members').select('user_id').orderBy('user_id').execute()).toEqual([{ user_id: 'usr_member' }, { user_id: 'usr_placeholder' }]);
      // Groups point at memberships now: removing one removes its group memberships.
      await old.deleteFrom('memberships').where('id', '=', 'usr_placeholder').execute();
      expect(await old.selectFrom('group_members').select('user_id').execute()).toEqual([{ user_id: 'usr_member' }]);
      // One account per address, instance-wide, and one membership per address in an organization.
      await expect(sql`insert into accounts (id, email, email_normalized, name, status, created_at, updated_at) values ('x', 'a', 'usr_member@example.com', 'x', 'active', ${T}, ${T})`.execute(db)).rejects.toThrow();
    } finally {
      await tdb.cleanup();
    }
  });
});
