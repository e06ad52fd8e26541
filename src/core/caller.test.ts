import { describe, expect, it } from 'vitest';
import { type Caller, type Capability, STAFF_ROLES, can, requireCapability, staffCapabilities } from './caller.ts';

const member = (over: Partial<Extract<Caller, { kind: 'member' }>> = {}): Caller => ({
  kind: 'member',
  accountId: 'acc_1',
  sessionId: 'ses_1',
  emailVerified: true,
  membershipId: 'usr_1',
  orgId: 'org_a',
  role: 'admin',
  status: 'active',
  mfaMissing: false,
  ...over,
});

const ADMIN_ONLY: Capability[] = ['audit.read_org', 'directory.manage', 'directory.govern', 'directory.read', 'directory.invite', 'directory.transfer', 'billing.manage_card', 'support.open'];
const codeOf = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('can: the one permission check', () => {
  it('DIR-1, DIR-3: an active, verified admin may manage their own organization and no other', () => {
    for (const cap of ADMIN_ONLY) {
      expect(can(member(), cap, { orgId: 'org_a' }), cap).toBe(true);
      expect(can(member(), cap, { orgId: 'org_b' }), cap).toBe(false);
    }
    expect(can(member(), 'billing.set_plan', { orgId: 'org_a' })).toBe(false);
  });

  it('ACC-3, ACC-6: a plain member, a suspended or invited membership, and an unverified address may do none of it', () => {
    for (const c of [member({ role: 'member' }), member({ status: 'suspended' }), member({ status: 'invited' }), member({ emailVerified: false })]) {
      for (const cap of ADMIN_ONLY) expect(can(c, cap, { orgId: 'org_a' })).toBe(false);
    }
  });

  it('DIR-1: outside an organization, the refusal is 404 (nothing confirmed), inside it 403; staff are refused, not misled', () => {
    expect(codeOf(() => requireCapability(member(), 'directory.manage', { orgId: 'org_b' }))).toBe('common.not_found');
    expect(codeOf(() => requireCapability(member({ role: 'member' }), 'directory.manage', { orgId: 'org_a' }))).toBe('common.forbidden');
    const outsider: Caller = { kind: 'account', accountId: 'acc_2', sessionId: null, emailVerified: true };
    expect(codeOf(() => requireCapability(outsider, 'directory.read', { orgId: 'org_a' }))).toBe('common.not_found');
    const staff: Caller = { kind: 'staff', accountId: 'acc_3', sessionId: null, staffRole: 'owner', mfa: true };
    expect(codeOf(() => requireCapability(staff, 'directory.read', { orgId: 'org_a' }))).toBe('common.forbidden');
  });

  it('ACC-5: in an organization that requires MFA, an admin without it holds no capability and is told why; another organization still answers 404', () => {
    const without = member({ mfaMissing: true });
    for (const cap of ADMIN_ONLY) {
      expect(can(without, cap, { orgId: 'org_a' }), cap).toBe(false);
      expect(codeOf(() => requireCapability(without, cap, { orgId: 'org_a' })), cap).toBe('directory.mfa_required');
    }
    expect(codeOf(() => requireCapability(without, 'directory.manage', { orgId: 'org_b' }))).toBe('common.not_found');
    expect(codeOf(() => requireCapability(member({ mfaMissing: true, role: 'member' }), 'directory.manage', { orgId: 'org_a' }))).toBe('common.forbidden');
  });

  it('SUP-6: no staff role manages a directory, reads it, or opens tickets for an organization', () => {
    for (const role of STAFF_ROLES) {
      const staff: Caller = { kind: 'staff', accountId: 'acc_s', sessionId: null, staffRole: role, mfa: true };
      for (const cap of ADMIN_ONLY) expect(can(staff, cap, { orgId: 'org_a' }), `${role} ${cap}`).toBe(false);
      for (const cap of staffCapabilities(role)) expect(can(staff, cap)).toBe(true);
    }
  });

  it('SEC-1: staff whose role reads everyone\'s data (owner, privacy) hold no capability until they turn MFA on', () => {
    for (const role of STAFF_ROLES) {
      const without: Caller = { kind: 'staff', accountId: 'acc_s', sessionId: null, staffRole: role, mfa: false };
      const needs = role === 'owner' || role === 'privacy';
      for (const cap of staffCapabilities(role)) expect(can(without, cap), `${role} ${cap}`).toBe(!needs || cap === 'staff.read_self');
      if (needs) expect(codeOf(() => requireCapability(without, 'audit.read_all'))).toBe('staff.mfa_required');
    }
    const support: Caller = { kind: 'staff', accountId: 'acc_s', sessionId: null, staffRole: 'support', mfa: false };
    expect(codeOf(() => requireCapability(support, 'audit.read_all'))).toBe('common.forbidden');
  });

  it('the operator at the command line does its chores in any organization, and nothing else; clients and the system hold no capability yet', () => {
    const operator: Caller = { kind: 'operator' };
    for (const cap of ['staff.manage', 'directory.read', 'directory.invite', 'directory.transfer', 'privacy.campaigns', 'billing.set_plan'] as const) expect(can(operator, cap, { orgId: 'org_x' })).toBe(true);
    for (const cap of ['directory.manage', 'support.open', 'billing.manage_card', 'support.desk'] as const) expect(can(operator, cap, { orgId: 'org_x' })).toBe(false);
    const client: Caller = { kind: 'client', orgId: 'org_a', clientId: 'c', scopes: ['*'] };
    const system: Caller = { kind: 'system' };
    for (const cap of ADMIN_ONLY) {
      expect(can(client, cap, { orgId: 'org_a' })).toBe(false);
      expect(can(system, cap, { orgId: 'org_a' })).toBe(false);
    }
  });
});
