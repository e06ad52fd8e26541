import type { User } from '../api.ts';

/**
 * Every staff page, once, with the staff roles that may use it (STAFF-*, SUP-*, PRV-8, PRV-9, DIR-4).
 * The navigation and the "your role cannot use this page" panel both read this list; the server
 * still decides every request.
 */
export const STAFF_PAGES = [
  { to: '/staff', label: 'Staff home', roles: ['owner', 'support', 'privacy', 'billing'], exact: true },
  { to: '/staff/support', label: 'Support desk', roles: ['owner', 'support'], exact: true },
  { to: '/staff/support/settings', label: 'Support settings', roles: ['owner', 'support'] },
  { to: '/staff/kb', label: 'Knowledge base', roles: ['owner', 'support'] },
  { to: '/staff/audit', label: 'Audit log', roles: ['owner', 'privacy'] },
  { to: '/staff/privacy/requests', label: 'Privacy requests', roles: ['owner', 'privacy'] },
  { to: '/staff/privacy/child-reports', label: "Child-account reports", roles: ['owner', 'privacy'] },
  { to: '/staff/privacy/disclosures', label: 'Disclosure ledger', roles: ['owner', 'privacy'] },
  { to: '/staff/privacy/policies', label: 'Privacy policy versions', roles: ['owner', 'privacy'] },
  { to: '/staff/plans', label: 'Plans', roles: ['owner', 'billing'] },
] as const;

export type StaffPage = (typeof STAFF_PAGES)[number];

export const staffMayUse = (user: User, page: StaffPage): boolean =>
  user.kind === 'staff' && user.staffRole !== null && (page.roles as readonly string[]).includes(user.staffRole);

export const staffPagesFor = (user: User): StaffPage[] => STAFF_PAGES.filter((p) => staffMayUse(user, p));
