export { createAccounts, type Accounts } from './accounts.service.ts';
export type { AccountsConfig, AccountsDeps, IdentityHooks, PlanHooks, SignupChoices } from './accounts.deps.ts';
export { AccountsErrors } from './accounts.errors.ts';
export {
  STAFF_ROLES,
  type StaffRole,
  type UserView,
  type Actor,
  type OrganizationView,
  toUserView,
  toOrganizationView,
  normalizeEmail,
  validEmail,
  requiredText,
  optionalText,
} from './accounts.views.ts';
export { allocatePosixId, allocatePosixIds, validUsername, usernameFromEmail, posixDefaults } from './posix.ts';
export { insertUser, findOrganization, findUserByEmail, findUserById, updateUser, listActiveCustomerIds, findCustomerContacts, type CustomerContact } from './users.repository.ts';
export type { UsersTable, OrganizationsTable } from './accounts.tables.ts';
export { can, requireCapability, staffCapabilities, type Capability } from './permissions.ts';
export { createThrottle, type Throttle } from './throttle.service.ts';
export { isStaffRole } from './staff.service.ts';
export type { Principal, SessionView } from './sessions.service.ts';
export { ARGON2_OPTIONS, hashPassword, verifyPassword, checkPasswordPolicy, MIN_PASSWORD_LENGTH } from './passwords.ts';
